"""Mutants: the reference with one small, realistic edit in one graded function.

The catalogue proves that the grader is powerful (every known bug loses points)
and, with a second corpus of correct rewrites, that it is fair (every valid
formulation scores 100). Mutants are data, not copies of modules: each is an
entry in a TOML file, applied to the reference on demand.

Format (each part's ``catalogue.toml``, in ``autograder/parts/<part>/``; instructors add
entries there)
--------------------------------------------------------------------------
One ``[[mutant]]`` table per submission::

    [[mutant]]
    id = "double_adds_one"                     # unique, snake_case
    function = "double"                        # the ONE graded function edited (its id)
    description = "Returns 2 * x + 1 instead of 2 * x"
    diagnosis = "Your function adds 1 to 2 * x; ..."
    caught_by = ["matches_reference"]
    [[mutant.edit]]
    find = "return 2 * x"                      # exact text, exactly once in the function
    replace = "return 2 * x + 1"

Keys:

- ``id``: unique in the file, ``[a-z][a-z0-9_]*``.
- ``function``: the id of a graded function of a part (its `part.toml`: a function,
  or a method of its class). The file is derived from it (``FILE_OF_FUNCTION``).
- ``description``: one sentence, in the student's terms.
- ``diagnosis``: what a student whose function behaves like this mutant is told
  (a line ``Likely mistake: ...`` in the feedback of the failed checks): what
  their code computes and what it should, in their terms, never the reference's
  code. Every entry of a catalogue has one (the audit reports a bug without it);
  a correct variant has none.
  The grader matches the mutants of a failing function against the student's
  answers (``autograder.grading.diagnosis``); ``autograder audit`` checks that
  grading each mutant yields its own diagnosis.
- ``covers`` (optional): the hint topics (``autograder.grading.hints.known_topics()``) whose
  hints give the same advice as ``diagnosis``; a failed check that shows the diagnosis
  leaves such a hint out, so the student reads each piece of advice once.
- ``caught_by``: property ids of that function in its part's ``rubric.toml``
  that MUST fail for this bug. Empty or absent for a correct variant (the
  corpus ``tests/corpus/correct_variants.toml`` uses the same format).
- Either one or more ``[[mutant.edit]]`` tables with ``find`` and ``replace``,
  applied in order, each ``find`` occurring exactly once inside the function's
  source (decorators, signature, docstring and body; never elsewhere in the
  file); or ``replace_function``, the complete new definition of the function
  (``def name(...):`` ...), written at any indentation: it is dedented, then
  indented to where the original definition stands (methods included).

- ``formulations`` (optional, after ``caught_by``): the course formulations the entry
  is written for, as a table of allowed values of the course options of the function's
  part (the names of its part.toml's ``[options.<name>]``: a value or a list of values).
  Without it the entry holds for every formulation. The audit reports an entry that the course's formulation does not
  admit, or whose edits do not apply to the course's rendered reference, as "not
  applicable" (and counts them); the test suite checks that every entry applies to
  every formulation its table admits.

Write code with TOML *literal* strings (``'...'`` or ``'''...'''``, no escape
processing) whenever it contains a backslash; a newline right after an opening
``'''`` is dropped by TOML. An edit must leave valid Python that still defines
the function: a mutant models a submission that imports.

API
---
``load_mutants(path)`` validates a file and returns ``Mutant`` objects (errors
name the file and the entry), ``apply_mutant(source, mutant)`` returns the
edited source of the function's file, ``materialise(mutant, dest)`` writes a
submission folder laid out like the student's release folder, and
``catalogue_path(part)`` is a part's catalogue; ``load_catalogue()`` reads those of the course's parts.
"""

from __future__ import annotations

import ast
import functools
import re
import shutil
import textwrap
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from autograder import parts
from autograder.paths import solutions_dir


class _Declared(Mapping):
    """A view of what the parts declare of their graded functions (every available part's)."""

    def __init__(self, value):
        self._value = value

    def _table(self) -> dict:
        return {f.id: self._value(f) for name in parts.available() for f in parts.get(name).functions
                if self._value(f) is not None}

    def __getitem__(self, function: str):
        return self._table()[function]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


FILE_OF_FUNCTION: Mapping[str, str] = _Declared(lambda f: f.file)
"""The graded file that defines each graded function."""

CLASS_OF_FUNCTION: Mapping[str, str] = _Declared(lambda f: f.cls)
"""Graded functions that are methods, and the class that defines them."""


_ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
_MUTANT_KEYS = {"id", "function", "description", "diagnosis", "caught_by", "edit", "replace_function",
                "formulations", "covers"}
_EDIT_KEYS = {"find", "replace"}


class CatalogueError(ValueError):
    """A catalogue file is malformed, or a mutant does not apply to the source."""


@dataclass(frozen=True)
class Edit:
    """Replace the exact text ``find`` (once in the function) by ``replace``."""

    find: str
    replace: str


@dataclass(frozen=True)
class Mutant:
    """One submission: the reference with ``function`` edited."""

    id: str
    function: str
    description: str
    caught_by: tuple[str, ...] = ()
    edits: tuple[Edit, ...] = ()
    diagnosis: str = ""
    replace_function: str | None = None
    formulations: tuple[tuple[str, tuple], ...] = ()
    covers: frozenset[str] = frozenset()

    def admits(self, course) -> bool:
        """Whether the entry is written for `course` (its `formulations` table allows the course's
        values of its part's options)."""
        part = parts.function(self.function).part
        return all(course.option(part, name) in allowed for name, allowed in self.formulations)

    @property
    def file(self) -> str:
        """The graded file (relative to the submission folder) this mutant edits."""
        return FILE_OF_FUNCTION[self.function]

    @property
    def is_buggy(self) -> bool:
        """True for a bug (some property must fail), False for a correct variant."""
        return bool(self.caught_by)


CATALOGUE_FILE = "catalogue.toml"
"""A part's catalogue of buggy submissions, in its folder."""


def catalogue_path(part: str | None = None) -> Path:
    """The catalogue of buggy submissions of `part` (by default the course's first part)."""
    return (parts.get(part) if part is not None else parts.selected()[0]).folder / CATALOGUE_FILE


def load_catalogue() -> list[Mutant]:
    """The buggy submissions of every part the course grades, validated."""
    return [m for part in parts.selected() if (part.folder / CATALOGUE_FILE).is_file()
            for m in load_mutants(part.folder / CATALOGUE_FILE)]


def rubric_properties(rubric: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Property ids of each graded function (the keys that carry points), in rubric order."""
    from autograder.grading.rubric import load_rubric

    if rubric is not None:
        functions = load_rubric(Path(rubric))
    else:  # every part's: a catalogue names the functions of its own part, selected or not
        functions = [f for name in parts.available() for f in load_rubric(parts.get(name).rubric_path)]
    return {f.function: tuple(f.points) for f in functions}


def load_mutants(path: Path | str, rubric: Path | None = None) -> list[Mutant]:
    """Read and validate a catalogue file (format in this module's docstring).

    Raises CatalogueError naming the file and the entry on the first problem:
    TOML syntax, unknown or missing keys, duplicate ids, unknown functions,
    property ids the rubric does not list for that function, edits without
    ``find``/``replace``, or a ``replace_function`` that does not define the function.
    """
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{path}: invalid TOML: {error}") from error
    extra = set(data) - {"mutant"}
    if extra:
        raise CatalogueError(f"{path}: unknown top-level keys {sorted(extra)}; use [[mutant]] tables")
    entries = data.get("mutant", [])
    if not isinstance(entries, list):
        raise CatalogueError(f"{path}: `mutant` must be an array of tables ([[mutant]])")
    properties = rubric_properties(rubric)
    mutants: list[Mutant] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        mutant = _parse_entry(path, number, entry, properties)
        if mutant.id in seen:
            raise CatalogueError(f"{path}: mutant {mutant.id!r}: duplicate id")
        seen.add(mutant.id)
        mutants.append(mutant)
    return mutants


def _parse_entry(path: Path, number: int, entry: object, properties: dict) -> Mutant:
    where = f"{path}: mutant #{number}"
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: not a table")
    ident = entry.get("id")
    if not isinstance(ident, str) or not _ID_PATTERN.match(ident):
        raise CatalogueError(f"{where}: `id` must be a snake_case string, got {ident!r}")
    where = f"{path}: mutant {ident!r}"

    def fail(message: str) -> CatalogueError:
        return CatalogueError(f"{where}: {message}")

    unknown = set(entry) - _MUTANT_KEYS
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)}; allowed: {sorted(_MUTANT_KEYS)}")
    function = entry.get("function")
    if function not in FILE_OF_FUNCTION:
        raise fail(f"`function` must be one of {sorted(FILE_OF_FUNCTION)}, got {function!r}")
    description = entry.get("description")
    if not isinstance(description, str) or not description.strip():
        raise fail("`description` must be a non-empty string")
    diagnosis = entry.get("diagnosis", "")
    if not isinstance(diagnosis, str):
        raise fail("`diagnosis` must be a string")
    caught_by = entry.get("caught_by", [])
    if not caught_by and diagnosis.strip():
        raise fail("a correct variant (no `caught_by`) has no `diagnosis`")
    if not isinstance(caught_by, list) or not all(isinstance(p, str) for p in caught_by):
        raise fail("`caught_by` must be a list of property ids")
    known = properties.get(function, ())
    for prop in caught_by:
        if prop not in known:
            raise fail(f"`caught_by` names {prop!r}, not a property of {function} in the rubric "
                       f"(known: {', '.join(known)})")
    if len(set(caught_by)) != len(caught_by):
        raise fail("`caught_by` lists a property twice")

    raw_edits = entry.get("edit", [])
    if not isinstance(raw_edits, list):
        raise fail("`edit` must be an array of tables ([[mutant.edit]])")
    edits = []
    for k, raw in enumerate(raw_edits, start=1):
        if not isinstance(raw, dict):
            raise fail(f"edit #{k} is not a table")
        unknown = set(raw) - _EDIT_KEYS
        if unknown:
            raise fail(f"edit #{k}: unknown keys {sorted(unknown)}; allowed: find, replace")
        if not isinstance(raw.get("find"), str) or not raw["find"]:
            raise fail(f"edit #{k}: needs a non-empty string `find`")
        if not isinstance(raw.get("replace"), str):
            raise fail(f"edit #{k}: needs a string `replace` (may be empty)")
        edits.append(Edit(raw["find"], raw["replace"]))

    replacement = entry.get("replace_function")
    if replacement is not None:
        if not isinstance(replacement, str):
            raise fail("`replace_function` must be a string")
        if edits:
            raise fail("give either [[mutant.edit]] tables or `replace_function`, not both")
        _check_replacement(replacement, function, fail)
    elif not edits:
        raise fail("needs at least one [[mutant.edit]] or a `replace_function`")

    return Mutant(
        id=ident,
        function=function,
        description=description.strip(),
        caught_by=tuple(caught_by),
        edits=tuple(edits),
        replace_function=replacement,
        formulations=_parse_formulations(entry.get("formulations", {}), function, fail),
        diagnosis=diagnosis.strip(),
        covers=_parse_covers(entry.get("covers", []), bool(diagnosis.strip()), fail),
    )


def _parse_covers(value: object, diagnosed: bool, fail) -> frozenset[str]:
    """The `covers` list: hint topics (`autograder.grading.hints.known_topics()`) the diagnosis repeats."""
    from autograder.grading.hints import known_topics

    topics = known_topics()

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail("`covers` must be a list of hint topics")
    unknown = sorted(set(value) - set(topics))
    if unknown:
        raise fail(f"`covers` names unknown hint topics {unknown}; known: {', '.join(sorted(topics))}")
    if value and not diagnosed:
        raise fail("`covers` needs a `diagnosis` (it names the hints the diagnosis repeats)")
    return frozenset(value)


def _parse_formulations(table: object, function: str, fail) -> tuple[tuple[str, tuple], ...]:
    """The `formulations` table as ((option name, allowed values), ...), checked against the
    options that the function's part declares."""
    options = {option.name: option for option in parts.part_of(function).options}
    if not isinstance(table, dict):
        raise fail("`formulations` must be a table of allowed values of the part's course options"
                   + (f", e.g. {{{next(iter(options))} = ...}}" if options else " (this part has none)"))
    out = []
    for name, value in sorted(table.items()):
        if name not in options:
            raise fail(f"`formulations` key {name!r} unknown; allowed: {', '.join(options) or 'none'}")
        allowed = []
        for v in value if isinstance(value, list) else [value]:
            try:
                allowed.append(options[name].checked(v, f"`formulations`: {name}"))
            except ValueError:
                raise fail(f"`formulations`: {name} = {v!r} is not a possible value") from None
        out.append((name, tuple(allowed)))
    return tuple(out)


def _check_replacement(text: str, function: str, fail) -> None:
    function = parts.function(function).name if function in FILE_OF_FUNCTION else function  # its Python name
    try:
        tree = ast.parse(textwrap.dedent(text))
    except SyntaxError as error:
        raise fail(f"`replace_function` is not valid Python: {error}") from error
    defs = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if len(tree.body) != 1 or len(defs) != 1 or defs[0].name != function:
        raise fail(f"`replace_function` must contain exactly one definition, `def {function}(...)`")


def locate_function(tree: ast.Module, function: str) -> ast.FunctionDef:
    """The definition node of a graded function (its id) in a parsed graded file."""
    body = tree.body
    try:
        graded = parts.function(function)
        function, owner = graded.name, graded.cls  # its Python name and class
    except KeyError:
        owner = None
    if owner is not None:
        classes = [n for n in body if isinstance(n, ast.ClassDef) and n.name == owner]
        if not classes:
            raise LookupError(f"class {owner} not found")
        body = classes[0].body
    found = [n for n in body if isinstance(n, ast.FunctionDef) and n.name == function]
    if not found:
        where = f"class {owner}" if owner else "the module"
        raise LookupError(f"function {function} not found in {where}")
    return found[-1]  # like Python: the last definition wins


def _line_range(node: ast.FunctionDef) -> tuple[int, int]:
    """First and last line (0-based, end exclusive) of a definition, decorators included."""
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return first - 1, node.end_lineno


def function_source(source: str, function: str) -> str:
    """The exact text of a graded function's definition in a graded file's source."""
    node = locate_function(ast.parse(source), function)
    start, end = _line_range(node)
    return "".join(source.splitlines(keepends=True)[start:end])


@functools.lru_cache(maxsize=16)
def _parsed(source: str) -> ast.Module:
    """A graded file's syntax tree, kept for the next mutant of the same source (read-only)."""
    return ast.parse(source)


def apply_mutant(source: str, mutant: Mutant) -> str:
    """The source of the mutant's file with the mutant applied to its function only.

    Raises CatalogueError if the function is missing, a ``find`` does not occur
    exactly once inside the function, or the result is not valid Python.
    """
    where = f"mutant {mutant.id!r} ({mutant.function} in {mutant.file})"
    try:
        node = locate_function(_parsed(source), mutant.function)
    except (SyntaxError, LookupError) as error:
        raise CatalogueError(f"{where}: cannot locate the function: {error}") from error
    start, end = _line_range(node)
    lines = source.splitlines(keepends=True)
    segment = "".join(lines[start:end])
    if mutant.replace_function is not None:
        indent = " " * node.col_offset
        new = textwrap.dedent(mutant.replace_function).strip("\n") + "\n"
        segment = textwrap.indent(new, indent)
    for k, edit in enumerate(mutant.edits, start=1):
        count = segment.count(edit.find)
        if count != 1:
            raise CatalogueError(
                f"{where}: edit #{k}: `find` text occurs {count} times in the function "
                f"(must be exactly once): {edit.find!r}"
            )
        segment = segment.replace(edit.find, edit.replace)
    if segment and not segment.endswith("\n"):
        segment += "\n"
    result = "".join(lines[:start]) + segment + "".join(lines[end:])
    try:
        locate_function(_parsed(result), mutant.function)
    except SyntaxError as error:
        raise CatalogueError(f"{where}: the edited file is not valid Python: {error}") from error
    except LookupError as error:
        raise CatalogueError(f"{where}: the edit removed the function: {error}") from error
    return result


def materialise(mutant: Mutant | None, dest: Path | str, base: Path | str | None = None) -> Path:
    """Write a submission folder ``dest`` for ``mutant`` and return it.

    The layout is the student's release folder: the package ``__init__.py`` files on the
    way to each graded file and the graded files of the course's parts, copied from
    ``base`` (default: the reference solutions, as the course's formulation renders
    them) with the mutant applied to its file. ``mutant=None`` writes the reference
    itself. Existing files are replaced.
    """
    rendered = base is None
    base = Path(base) if base is not None else solutions_dir()
    dest = Path(dest)
    graded = parts.graded_files()
    inits = dict.fromkeys(f"{package.as_posix()}/__init__.py" for relative in graded
                          for package in reversed(Path(relative).parents) if package != Path("."))
    for relative in inits:
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if (base / relative).is_file():
            shutil.copyfile(base / relative, target)
        else:
            target.write_text("")
    for relative in graded:
        if rendered:
            from autograder.release.course_solutions import rendered_source

            source = rendered_source(relative)
        else:
            source = (base / relative).read_text(encoding="utf-8")
        if mutant is not None and relative == mutant.file:
            source = apply_mutant(source, mutant)
        (dest / relative).write_text(source, encoding="utf-8")
    return dest
