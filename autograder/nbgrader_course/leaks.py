"""The leak scan: no line of the reference solutions and nothing of the hidden suite in a release.

What is secret (`Fingerprints.build`):

- every line inside a solution region of `solutions/**/*.py`;
- in the instructor's notebooks (`assignment/*.ipynb` and the course's source
  notebooks): the solution regions of solution cells (the whole cell when it has
  no markers: nbgrader replaces it), the model answers of manually graded cells,
  hidden-test and mark-scheme regions;
- every line of the hidden suite: `autograder/grading/` (the engine and the
  properties' machinery), each part's folder `autograder/parts/<part>/` (its
  properties, cases, rubric, harness and catalogue; not its notebook sources and
  public checks, which the release shows), `autograder/catalogue/` and the test
  corpus `tests/corpus/` of the checkout.

Lines are compared after collapsing white space. A line counts only when it is
specific enough to identify its source (`significant`: at least 12 characters,
not a plain import of a third-party module), and lines that the student release
legitimately contains (the stubs, the public checks, nbgrader's stub texts) are
never secret. A solution marker left in a release file is a leak too.

What is scanned (`scan_path`): every file of a folder or zip; notebooks cell by
cell (sources and outputs), HTML as text, zip archives member by member, other
files as UTF-8 text (undecodable binary files are skipped).

Where it runs: in `nbgrader generate_assignment` (`LeakScan`, the last
preprocessor: it scans each generated notebook and the files copied beside it,
and an exception there makes nbgrader remove the release folder and fail), in
`nbgrader release_assignment` (`ScannedReleaseAssignment`, configured as the
exchange's release plugin: nothing reaches the exchange unscanned), and in
`autograder nbgrader release` and `autograder nbgrader scan`.
"""

from __future__ import annotations

import functools
import html
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from autograder.paths import assignment_dir, material_root, solutions_dir
from autograder.release.stubs import IGNORED_DIRS, IGNORED_SUFFIXES, solution_lines

MIN_LENGTH = 12
MAX_REPORTED = 20

REGION_MARKERS = {
    "SOLUTION": ("BEGIN SOLUTION", "END SOLUTION"),
    "HIDDEN TESTS": ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"),
    "MARK SCHEME": ("BEGIN MARK SCHEME", "END MARK SCHEME"),
}
_MARKER_LINE = re.compile(r"#{2,}\s*(BEGIN|END)\s+(SOLUTION|HIDDEN TESTS|MARK SCHEME)\b")
NBGRADER_STUBS = ("# YOUR CODE HERE", "raise NotImplementedError()", "YOUR ANSWER HERE")
_IMPORT = re.compile(r"(?:from\s+(\S+)\s+import\b|import\s+(\S+))")
_TAG = re.compile(r"<[^>]*>")


def normalise(line: str) -> str:
    return " ".join(line.split())


def significant(normalised: str) -> bool:
    """Whether a line is specific enough that finding it in a release means it leaked."""
    if len(normalised) < MIN_LENGTH or sum(ch.isalnum() for ch in normalised) < 4:
        return False
    match = _IMPORT.match(normalised)
    if match:
        module = match.group(1) or match.group(2)
        return module.startswith("autograder")
    return True


@dataclass(frozen=True)
class Origin:
    """Where a secret line comes from."""

    kind: str  # "reference solution", "hidden test suite", "model answer"
    path: str
    line: int

    def describe(self) -> str:
        return f"line {self.line} of the {self.kind} {self.path}"


@dataclass(frozen=True)
class Leak:
    """One offending line of a release."""

    path: str
    where: str  # "41" for a text file, "cell 21 (svm-search), line 5" for a notebook
    text: str
    origin: Origin | None  # None: a solution marker left in the release

    def describe(self) -> str:
        location = f"{self.path}:{self.where}" if self.where.isdigit() else f"{self.path}, {self.where}"
        shown = self.text if len(self.text) <= 100 else self.text[:97] + "..."
        if self.origin is None:
            return f"{location}: a solution marker was left in the release: {shown!r}"
        return f"{location}: {shown!r} is {self.origin.describe()}"


class LeakError(RuntimeError):
    """A release holds secret lines; the message names every file and line (up to MAX_REPORTED)."""

    def __init__(self, leaks: list[Leak], scanned: str) -> None:
        self.leaks = leaks
        lines = [leak.describe() for leak in leaks[:MAX_REPORTED]]
        if len(leaks) > MAX_REPORTED:
            lines.append(f"... and {len(leaks) - MAX_REPORTED} more")
        super().__init__(
            f"the release {scanned} leaks {len(leaks)} line(s) of the reference solutions or of "
            "the hidden suite; nothing was released:\n  " + "\n  ".join(lines)
        )


# --------------------------------------------------------------------------- what is secret


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


def _files(root: Path) -> Iterator[Path]:
    """Files under root, skipping caches and hidden folders, sorted."""
    if root.is_file():
        yield root
        return
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if not path.is_file() or path.suffix in IGNORED_SUFFIXES:
            continue
        if any(part in IGNORED_DIRS or part.startswith(".") for part in parts[:-1]):
            continue
        yield path


def _regions(lines: list[str], begin: str, end: str) -> Iterator[int]:
    """0-based indexes of the lines strictly inside `begin`/`end` regions."""
    inside = False
    for index, line in enumerate(lines):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            yield index


def notebook_secret_lines(nb: dict) -> Iterator[tuple[int, str, int, str, str]]:
    """(cell index, cell id, line number in the cell, line, kind) of every secret notebook line."""
    for index, cell in enumerate(nb.get("cells", [])):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        lines = source.splitlines()
        secret: dict[int, str] = {}
        has_solution_markers = any(REGION_MARKERS["SOLUTION"][0] in line for line in lines)
        if meta.get("solution"):
            kind = "model answer" if cell.get("cell_type") == "markdown" else "reference solution"
            indexes = (
                _regions(lines, *REGION_MARKERS["SOLUTION"]) if has_solution_markers else range(len(lines))
            )
            secret.update({i: kind for i in indexes})
        for name in ("HIDDEN TESTS", "MARK SCHEME"):
            secret.update({i: "hidden test suite" for i in _regions(lines, *REGION_MARKERS[name])})
        cell_id = meta.get("grade_id") or cell.get("id") or ""
        for i in sorted(secret):
            yield index, cell_id, i + 1, lines[i], secret[i]


def _public_lines() -> set[str]:
    """Lines the student release legitimately holds: the stubs, the public checks, nbgrader's stubs."""
    public = {normalise(stub) for stub in NBGRADER_STUBS}
    for path in _files(assignment_dir()):
        if path.suffix == ".ipynb":
            continue
        text = _read_text(path)
        if text is not None:
            public.update(normalise(line) for line in text.splitlines())
    return public


RELEASED_FROM_A_PART = ("notebooks", "public_checks")
"""A part's folders whose text the release shows (its notebooks' solution cells are scanned
as the instructor's notebooks)."""


def hidden_suite_roots() -> list[Path]:
    """The folders whose every line is secret: the hidden suite, the bug catalogue, the test corpus."""
    from autograder import parts

    package = Path(__file__).resolve().parent.parent
    roots = [package / "grading", package / "catalogue"]
    for name in parts.available():  # a part's notebook sources and public checks are released
        roots += [path for path in sorted(parts.get(name).folder.iterdir())
                  if path.name not in RELEASED_FROM_A_PART]
    try:
        roots.append(material_root() / "tests" / "corpus")
    except Exception:  # noqa: BLE001 - no checkout beside the package: nothing more to add
        pass
    return roots


@dataclass
class Fingerprints:
    """The secret lines (normalised) and where each comes from."""

    secrets: dict[str, Origin]

    @classmethod
    def build(cls, notebooks: Iterable[Path] = ()) -> Fingerprints:
        """The fingerprints of the material as it is now (rebuilt when any of its files changes)."""
        notebooks = tuple(sorted({Path(p).resolve() for p in notebooks}))
        return _build(notebooks, _stamp(notebooks))

    def origin(self, line: str) -> Origin | None:
        return self.secrets.get(normalise(line))


def _stamp(notebooks: tuple[Path, ...]) -> tuple:
    """Size and modification time of every file the fingerprints are made from."""
    roots = [solutions_dir(), assignment_dir(), *hidden_suite_roots(), *notebooks]
    stamp = []
    for root in roots:
        for path in _files(root):
            info = path.stat()
            stamp.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(stamp)


@functools.lru_cache(maxsize=4)
def _build(notebooks: tuple[Path, ...], stamp: tuple) -> Fingerprints:
    public = _public_lines()
    secrets: dict[str, Origin] = {}

    def add(line: str, origin: Origin) -> None:
        key = normalise(line)
        if significant(key) and key not in public:
            secrets.setdefault(key, origin)

    root = material_root()

    def shown(path: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return str(path)

    for path in _files(solutions_dir()):
        text = _read_text(path)
        if text is None:
            continue
        if path.suffix == ".py":
            for lineno, line in solution_lines(text, path):
                add(line, Origin("reference solution", shown(path), lineno))
    for hidden in hidden_suite_roots():
        for path in _files(hidden):
            text = _read_text(path)
            if text is None:
                continue
            for lineno, line in enumerate(text.splitlines(), start=1):
                add(line, Origin("hidden test suite", shown(path), lineno))
    instructor_notebooks = sorted(assignment_dir().glob("*.ipynb")) + list(notebooks)
    for path in instructor_notebooks:
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for index, cell_id, lineno, line, kind in notebook_secret_lines(nb):
            label = f"{shown(path)} cell {index}" + (f" ({cell_id})" if cell_id else "")
            add(line, Origin(kind, label, lineno))
    return Fingerprints(secrets)


# --------------------------------------------------------------------------- scanning


def _check_line(line: str, path: str, where: str, fingerprints: Fingerprints) -> Leak | None:
    if _MARKER_LINE.search(line):
        return Leak(path, where, line.strip(), None)
    origin = fingerprints.origin(line)
    if origin is not None:
        return Leak(path, where, normalise(line), origin)
    return None


def scan_text(text: str, path: str, fingerprints: Fingerprints) -> list[Leak]:
    leaks = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        leak = _check_line(line, path, str(lineno), fingerprints)
        if leak:
            leaks.append(leak)
    return leaks


def _output_texts(output: dict) -> Iterator[str]:
    if "text" in output:
        text = output["text"]
        yield "".join(text) if isinstance(text, list) else text
    for mime, value in (output.get("data") or {}).items():
        if mime.startswith("text/") or mime.endswith("json"):
            yield "".join(value) if isinstance(value, list) else (value if isinstance(value, str) else "")
    if "traceback" in output:
        yield "\n".join(output["traceback"])


def scan_notebook(nb: dict, path: str, fingerprints: Fingerprints) -> list[Leak]:
    """Every cell's source and text outputs; a leak names the cell (index and id) and the line."""
    leaks = []
    for index, cell in enumerate(nb.get("cells", [])):
        cell_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or cell.get("id") or ""
        label = f"cell {index}" + (f" ({cell_id})" if cell_id else "")
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        texts = [("", source)] + [(" output", text) for out in cell.get("outputs", []) for text in _output_texts(out)]
        for part, text in texts:
            for lineno, line in enumerate(text.splitlines(), start=1):
                leak = _check_line(line, path, f"{label}{part}, line {lineno}", fingerprints)
                if leak:
                    leaks.append(leak)
    return leaks


def scan_bytes(data: bytes, path: str, fingerprints: Fingerprints) -> list[Leak]:
    name = path.lower()
    if name.endswith(".zip"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            return []
        leaks = []
        with archive:
            for member in archive.infolist():
                if not member.is_dir():
                    leaks.extend(scan_bytes(archive.read(member), f"{path}!{member.filename}", fingerprints))
        return leaks
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return []
    if name.endswith(".ipynb"):
        try:
            nb = json.loads(text)
        except ValueError:
            return scan_text(text, path, fingerprints)
        return scan_notebook(nb, path, fingerprints) if isinstance(nb, dict) else []
    if name.endswith((".html", ".htm")):
        text = "\n".join(html.unescape(_TAG.sub("", line)) for line in text.splitlines())
    return scan_text(text, path, fingerprints)


def scan_path(target: Path, fingerprints: Fingerprints | None = None, shown_as: str | None = None) -> list[Leak]:
    """Leaks in a folder (every file but caches), a zip or one file; paths shown under `shown_as`."""
    target = Path(target)
    if not target.exists():
        raise FileNotFoundError(f"{target}: no such file or folder to scan")
    fingerprints = fingerprints or Fingerprints.build()
    base = shown_as or str(target)
    leaks = []
    if target.is_file():
        return scan_bytes(target.read_bytes(), base, fingerprints)
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
        relative = path.relative_to(target).as_posix()
        leaks.extend(scan_bytes(path.read_bytes(), f"{base}/{relative}", fingerprints))
    return leaks


def check_release(target: Path, notebooks: Iterable[Path] = (), shown_as: str | None = None) -> None:
    """Raise LeakError naming every leaked file and line of `target`."""
    leaks = scan_path(target, Fingerprints.build(notebooks), shown_as)
    if leaks:
        raise LeakError(leaks, shown_as or str(target))


# --------------------------------------------------------------------------- nbgrader plugins

try:
    from nbgrader.exchange.default import ExchangeReleaseAssignment
    from nbgrader.preprocessors import NbGraderPreprocessor
except ImportError:  # pragma: no cover - nbgrader is a dependency; keep the scanner importable
    NbGraderPreprocessor = object  # type: ignore[assignment,misc]
    ExchangeReleaseAssignment = object  # type: ignore[assignment,misc]


def _source_notebooks(coursedir, assignment_id: str) -> list[Path]:
    source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment_id))
    return sorted(source.glob("*.ipynb"))


class LeakScan(NbGraderPreprocessor):
    """The last preprocessor of `nbgrader generate_assignment`: fail on any leak.

    It scans the generated notebook and every file nbgrader copied into the
    release folder. Raising here makes nbgrader log the message (file and line),
    remove the release folder and exit with an error.
    """

    def preprocess(self, nb, resources):
        assignment_id = resources["nbgrader"]["assignment"]
        notebook_id = resources["nbgrader"]["notebook"]
        converter = getattr(self.parent, "parent", None)
        coursedir = getattr(converter, "coursedir", None)
        notebooks = _source_notebooks(coursedir, assignment_id) if coursedir is not None else []
        fingerprints = Fingerprints.build(notebooks)
        leaks = scan_notebook(nb, f"{notebook_id}.ipynb", fingerprints)
        release = None
        if coursedir is not None:
            release = Path(coursedir.format_path(coursedir.release_directory, ".", assignment_id))
            if release.is_dir():
                # Notebooks are scanned as they are generated (above), each in its turn.
                leaks += [
                    leak for leak in scan_path(release, fingerprints, str(release))
                    if not leak.path.endswith(".ipynb")
                ]
        if leaks:
            raise LeakError(leaks, str(release) if release else f"{notebook_id}.ipynb")
        return nb, resources


class ScannedReleaseAssignment(ExchangeReleaseAssignment):
    """`nbgrader release_assignment` that scans the release folder before copying it to the exchange."""

    def copy_files(self):
        notebooks = _source_notebooks(self.coursedir, self.coursedir.assignment_id)
        try:
            check_release(Path(self.src_path), notebooks)
        except LeakError as error:
            self.fail(str(error))
        super().copy_files()
