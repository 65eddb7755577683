"""The parts of the assignment: what each declares, which ones the course grades.

A part is a folder (`autograder/parts/<name>/`, or one in a folder named by
``AUTOGRADER_PARTS_PATH``) holding everything that part of the assignment knows: its
declaration `part.toml` (the graded files and functions, read without importing any of
its Python), `rubric.toml`, its hidden properties (`properties.py`), the calls it makes
inside the sandboxed child (`harness.py`), its catalogue, notebooks and public checks
(docs/parts.md). The engine, the sandbox, the reports and the release only read what
the selected parts declare here; none of them names a part's function, file or class
(a new part is a new folder).

Which parts a course grades is `[assignment] parts` in course.toml (without the key,
``DEFAULT_PARTS``: the linear classifiers).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.util
import math
import os
import sys
import tomllib
import types
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import DEFAULT_PARTS  # noqa: F401 - the selection without the key
from autograder.paths import extra_parts_path

BUILT_IN = Path(__file__).resolve().parent
EXTERNAL_PACKAGE = "autograder_external_parts"


class PartError(ValueError):
    """A part's declaration is malformed, or an unknown part was asked for: the message names
    the file (or course.toml key) and what is wrong."""


@dataclass(frozen=True)
class GradedFunction:
    """One graded function of a part, as part.toml declares it."""

    id: str
    """Its key in the rubric and the results: unique across every part."""
    part: str
    file: str
    """The student's file that holds it, relative to the release folder."""
    name: str
    """Its Python name in that file (a method's name, when `cls` is set)."""
    cls: str | None
    display: str
    """What students read in test names: a method is named with its class."""
    gate: str
    """The property it must pass on basic inputs before any other earns points."""
    short: str
    """Its column heading in gradebook tables (a few characters)."""
    notebook: str | None = None
    """The notebook (a name of the part's `notebooks`, without `.pct.py`) of its grade cell."""
    after_cell: str | None = None
    """The cell (by its id in that notebook) its grade cell follows; at the end when missing."""


@dataclass(frozen=True)
class Option:
    """A course.toml key of a part (`part.toml`, `[options.<name>]`): where it is, its default and
    what it allows (one of a few words, or a positive number)."""

    name: str
    """How the part (and its catalogue's `formulations` tables) calls it."""
    table: str
    """Its table in course.toml (the part's own name unless the declaration says another)."""
    key: str
    """Its key in that table (the option's name unless the declaration says another)."""
    default: object
    allowed: str
    """Said in the error for a wrong value: 'a positive number' or the choices."""
    choices: tuple = ()

    @property
    def where(self) -> str:
        """`table.key`, as errors and cache keys name it."""
        return f"{self.table}.{self.key}"

    def checked(self, value, where: str | None = None):
        """`value` as the option holds it (a word, or a float); ValueError saying what is wrong."""
        where = where or self.where
        if self.choices:
            if not isinstance(value, str) or value not in self.choices:
                raise ValueError(f"{where} = {value!r} is not allowed; it must be {self.allowed}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{where} must be {self.allowed}, not {type(value).__name__} {value!r}")
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"{where} = {value!r} is not allowed; it must be {self.allowed}")
        return float(value)


@dataclass(frozen=True)
class DemoStudent:
    """A student of `autograder demo`'s sample class: one mistake of the part's catalogue."""

    name: str
    mutant: str
    what: str
    """The mistake in a few words, printed beside the student's row."""
    featured: str | None = None
    """A property whose feedback the demo prints for this student (what they read)."""


@dataclass(frozen=True)
class Part:
    name: str
    folder: Path
    title: str
    graded_files: tuple[str, ...]
    """The files students edit, in import order (a later one may import an earlier one)."""
    provided_files: tuple[str, ...]
    """Files of solutions/ that the release ships complete and grading stages from the release."""
    notebooks: tuple[str, ...]
    functions: tuple[GradedFunction, ...]
    placeholders: dict[str, tuple[str, ...]] = field(hash=False, compare=False)
    """Per graded file: the names a stand-in module holds when that file cannot be imported."""
    public_checks: dict[str, str] = field(hash=False, compare=False)
    """Per graded file: its public checks' file in the release (run by its notebook's grade cells)."""
    options: tuple[Option, ...] = ()
    demo: tuple[DemoStudent, ...] = ()
    hint_topics: tuple[tuple[str, str], ...] = ()
    """The part's own hint topics (`[hint_topics]`: name = what a hint on it is about)."""
    """The part's students in `autograder demo`'s sample class."""
    package: str = ""
    """The Python package of the folder (`autograder.parts.<name>` for a built-in part)."""

    @property
    def rubric_path(self) -> Path:
        return self.folder / "rubric.toml"

    def module(self, name: str) -> types.ModuleType:
        """One of the part's Python modules (`properties`, ...), imported when first asked for."""
        return importlib.import_module(f"{self.package}.{name}")

    def properties(self) -> tuple:
        return tuple(self.module("properties").PROPERTIES)


def search_path(extra: str | None = None) -> tuple[Path, ...]:
    """The folders holding parts: the built-in one, then those of AUTOGRADER_PARTS_PATH (`extra`)."""
    extra = extra_parts_path() if extra is None else extra
    return (BUILT_IN, *(Path(p) for p in extra.split(os.pathsep) if p))


def available() -> dict[str, Path]:
    """Every part that can be selected: name -> folder (the first folder holding a name wins).
    Found once per process and value of AUTOGRADER_PARTS_PATH: grading asks thousands of times."""
    return _available(extra_parts_path())


@functools.cache
def _available(extra: str) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root in search_path(extra):
        if not root.is_dir():
            continue
        for folder in sorted(root.iterdir()):
            if (folder / "part.toml").is_file():
                found.setdefault(folder.name, folder.resolve())
    return found


def get(name: str) -> Part:
    """The part called `name` (PartError naming the allowed ones when there is none)."""
    folders = available()
    if name not in folders:
        raise PartError(f"unknown part {name!r}; the parts are: {', '.join(sorted(folders))}")
    folder = folders[name]
    return _load(str(folder), (folder / "part.toml").stat().st_mtime_ns)


def selected() -> tuple[Part, ...]:
    """The parts the course grades, in the order course.toml names them."""
    from autograder.course import current

    return tuple(get(name) for name in current().parts)


def selected_functions() -> tuple[GradedFunction, ...]:
    return tuple(f for part in selected() for f in part.functions)


def graded_files(parts: tuple[Part, ...] | None = None) -> tuple[str, ...]:
    """The only files a submission contributes (of the selected parts unless `parts` is given)."""
    return tuple(relative for part in (selected() if parts is None else parts) for relative in part.graded_files)


def files_of_other_parts(course=None) -> frozenset[str]:
    """The graded and provided files of the parts the course does not grade (and that none of
    its parts has): what its release leaves out."""
    from autograder.course import current

    chosen = (course or current()).parts
    own = {f for name in chosen for f in (*get(name).graded_files, *get(name).provided_files)}
    return frozenset(f for name in available() if name not in chosen
                     for f in (*get(name).graded_files, *get(name).provided_files)) - own


def function(function_id: str) -> GradedFunction:
    """The graded function `function_id` of any available part."""
    return _functions()[function_id]


def part_of(function_id: str) -> Part:
    return get(function(function_id).part)


def _functions() -> dict[str, GradedFunction]:
    return _index(tuple(available()))


@functools.cache
def _index(names: tuple) -> dict[str, GradedFunction]:
    """Every available part's graded functions by id, read once per process (grading asks for
    a function's declaration at every request)."""
    by_id: dict[str, GradedFunction] = {}
    for name in names:
        for graded in get(name).functions:
            if graded.id in by_id:
                raise PartError(f"the parts {by_id[graded.id].part} and {name} both declare a function {graded.id!r}")
            by_id[graded.id] = graded
    return by_id


@functools.cache
def _load(folder: str, mtime_ns: int) -> Part:
    path = Path(folder) / "part.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PartError(f"{path}: cannot be read: {exc}") from None
    name = path.parent.name

    def fail(problem: str):
        raise PartError(f"{path}: {problem}")

    graded = tuple(_strings(data.get("graded_files", []), "graded_files", fail))
    if not graded:
        fail("graded_files must list the files students edit")
    functions = []
    for function_id, table in (data.get("functions") or {}).items():
        if not isinstance(table, dict):
            fail(f"functions.{function_id} must be a table")
        keys = {"file", "name", "cls", "display", "gate", "short", "notebook", "after_cell"}
        unknown = set(table) - keys
        if unknown:
            fail(f"functions.{function_id} has unknown keys {sorted(unknown)} ({', '.join(sorted(keys))})")
        if table.get("file") not in graded:
            fail(f"functions.{function_id}.file must be one of graded_files, not {table.get('file')!r}")
        if not isinstance(table.get("gate"), str):
            fail(f"functions.{function_id}.gate must name the property it must pass first")
        functions.append(GradedFunction(
            id=function_id, part=name, file=table["file"], name=table.get("name", function_id),
            cls=table.get("cls"), display=table.get("display", function_id), gate=table["gate"],
            short=table.get("short", table.get("display", function_id)), notebook=table.get("notebook"),
            after_cell=table.get("after_cell")))
    if not functions:
        fail("declares no [functions.<id>] table")
    placeholders = {}
    for relative, names in (data.get("placeholders") or {}).items():
        if relative not in graded:
            fail(f"placeholders names {relative!r}, which is not one of graded_files")
        placeholders[relative] = tuple(_strings(names, f"placeholders.{relative}", fail))
    public_checks = {}
    for relative, check in (data.get("public_checks") or {}).items():
        if relative not in graded or not isinstance(check, str):
            fail(f"public_checks maps a graded file to its checks' file, not {relative!r} = {check!r}")
        public_checks[relative] = check
    options = []
    for option_name, table in (data.get("options") or {}).items():
        if not isinstance(table, dict) or "default" not in table or "allowed" not in table:
            fail(f"options.{option_name} must be a table with 'default' and 'allowed'")
        unknown = set(table) - {"default", "allowed", "choices", "table", "key"}
        if unknown:
            fail(f"options.{option_name} has unknown keys {sorted(unknown)} (allowed, choices, default, key, table)")
        option = Option(option_name, str(table.get("table", name)), str(table.get("key", option_name)),
                        table["default"], table["allowed"], tuple(table.get("choices", ())))
        try:
            option = dataclasses.replace(option, default=option.checked(option.default, f"options.{option_name}.default"))
        except ValueError as error:
            fail(str(error))
        options.append(option)
    demo = []
    for entry in data.get("demo", []):
        if not isinstance(entry, dict) or not {"student", "mutant", "what"} <= set(entry):
            fail("each [[demo]] entry needs `student`, `mutant` (a catalogue id) and `what`")
        demo.append(DemoStudent(entry["student"], entry["mutant"], entry["what"], entry.get("featured")))
    topics = data.get("hint_topics", {})
    if not isinstance(topics, dict) or not all(isinstance(v, str) for v in topics.values()):
        fail("[hint_topics] maps each topic's name to what a hint on it is about")
    return Part(
        name=name, folder=Path(folder), title=str(data.get("title", name)), graded_files=graded,
        provided_files=tuple(_strings(data.get("provided_files", []), "provided_files", fail)),
        notebooks=tuple(_strings(data.get("notebooks", []), "notebooks", fail)),
        functions=tuple(functions), placeholders=placeholders, public_checks=public_checks,
        options=tuple(options), demo=tuple(demo), hint_topics=tuple(sorted(topics.items())),
        package=_package(name, Path(folder)),
    )


def _strings(value, where: str, fail) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        fail(f"{where} must be a list of strings")
    return value


def _package(name: str, folder: Path) -> str:
    """The importable package of a part's folder: a built-in part is `autograder.parts.<name>`;
    another one is registered under a package of its own, so that its modules import
    (relative imports included) without putting its folder on sys.path."""
    if folder.parent == BUILT_IN:
        return f"{__name__}.{name}"
    if EXTERNAL_PACKAGE not in sys.modules:
        root = types.ModuleType(EXTERNAL_PACKAGE)
        root.__path__ = []
        sys.modules[EXTERNAL_PACKAGE] = root
    package = f"{EXTERNAL_PACKAGE}.{name}"
    if package not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            package, folder / "__init__.py", submodule_search_locations=[str(folder)])
        module = importlib.util.module_from_spec(spec)
        sys.modules[package] = module
        if (folder / "__init__.py").is_file():
            spec.loader.exec_module(module)
    return package
