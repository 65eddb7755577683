"""The course: which parts of the assignment it grades and how each part is set, from course.toml.

`course.toml` sits at the top of the material (beside `solutions/` and `assignment/`).
It names the parts (`[assignment] parts`) and sets the course keys the parts declare
(each part's `part.toml`, `[options.<name>]`: a table and key of course.toml, a default
and what is allowed). This module knows none of those keys: it reads what the parts
declare, checks the file against it and hands every part the values it asked for. What
a value means (a loss, a margin, a factor) is the business of the part that declared it.

A missing file means the defaults. Anything else wrong in it is a `CourseFileError`
naming the file, the key and what is allowed, raised before anything runs.
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

COURSE_FILE = "course.toml"
DEFAULT_PARTS = ("linear_classifiers",)
"""Without `[assignment] parts`, a course grades the linear classifiers (as it always did)."""
ASSIGNMENT_TABLE = "assignment"


class CourseFileError(ValueError):
    """course.toml is malformed: the message names the file, the key and the allowed values."""


@dataclass(frozen=True)
class Course:
    """What course.toml states: the parts graded and the parts' settings that differ from their defaults."""

    parts: tuple[str, ...] = DEFAULT_PARTS
    settings: tuple[tuple[str, str, object], ...] = ()
    """(part, option name, value) for every option course.toml sets to another value than its
    default, by part and in the order the part declares them: two files that mean the same
    are the same course."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", tuple(sorted(
            ((part, name, value) for part, name, value in self.settings if value != _option(part, name).default),
            key=lambda setting: (setting[0], _declared_order(setting[0]).index(setting[1])))))

    def option(self, part: str, name: str):
        """The value of the part's option `name` in this course (its default when course.toml is silent)."""
        for owner, option_name, value in self.settings:
            if (owner, option_name) == (part, name):
                return value
        return _option(part, name).default

    def values(self, part: str) -> dict[str, object]:
        """Every option of `part` with its value in this course."""
        from autograder import parts

        return {option.name: self.option(part, option.name) for option in parts.get(part).options}

    def with_settings(self, part: str, **values) -> Course:
        """This course with some of `part`'s options set (the others as they are)."""
        kept = [s for s in self.settings if not (s[0] == part and s[1] in values)]
        return Course(self.parts, tuple(kept) + tuple((part, name, value) for name, value in values.items()))

    # ------------------------------------------------------------- identity
    @property
    def is_default(self) -> bool:
        """Every option at its default (whatever the parts): the course whose examples carry bare keys."""
        return not self.settings

    @property
    def key(self) -> str:
        """A short stable name of the settings ('default', 'svm.loss=squared_hinge-svm.delta=2'): part of
        every cache key (the parts graded are not: they change what is graded, never how)."""
        if not self.settings:
            return "default"
        return "-".join(f"{_option(part, name).where}={_words(value)}" for part, name, value in self.settings)

    def to_toml(self) -> str:
        """The course.toml that states this course (only what differs from the defaults)."""
        text = ""
        if self.parts != DEFAULT_PARTS:
            text += f"[{ASSIGNMENT_TABLE}]\nparts = [" + ", ".join(f'"{p}"' for p in self.parts) + "]\n"
        tables: dict[str, list[str]] = {}
        for part, name, value in self.settings:
            option = _option(part, name)
            literal = f'"{value}"' if isinstance(value, str) else repr(float(value))
            tables.setdefault(option.table, []).append(f"{option.key} = {literal}\n")
        return text + "".join(f"[{table}]\n" + "".join(lines) for table, lines in tables.items())


def _words(value) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def _declared_order(part: str) -> list[str]:
    from autograder import parts

    return [option.name for option in parts.get(part).options]


def _option(part: str, name: str):
    from autograder import parts

    for option in parts.get(part).options:
        if option.name == name:
            return option
    raise KeyError(f"the part {part} has no course option {name!r}")


# ------------------------------------------------------------------ reading course.toml

def _material_root() -> Path:
    from autograder.paths import material_root

    return material_root()


def course_file(root: Path | None = None) -> Path:
    """Where the course's course.toml is (it may not exist: then the defaults hold)."""
    return Path(root if root is not None else _material_root()) / COURSE_FILE


def parse(text: str, where: str = COURSE_FILE) -> Course:
    """The course a course.toml text states; CourseFileError naming the key otherwise."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CourseFileError(f"{where}: not valid TOML: {exc}") from None
    chosen = _chosen_parts(data.get(ASSIGNMENT_TABLE, {}), where)
    declared = _declared_tables(where)
    settings = []
    for table in data:
        if table == ASSIGNMENT_TABLE:
            continue
        if table not in declared:
            raise CourseFileError(f"{where}: unknown table or key {table!r}; allowed tables: "
                                  + ", ".join(f"[{name}] ({', '.join(keys)})"
                                              for name, keys in _allowed_tables(declared).items()))
        section = data[table]
        if not isinstance(section, dict):
            raise CourseFileError(f"{where}: {table} must be a table ([{table}]), not a {type(section).__name__}")
        for key, value in section.items():
            if key not in declared[table]:
                raise CourseFileError(f"{where}: unknown key {table}.{key}; allowed keys in [{table}]: "
                                      + ", ".join(f"{table}.{k}" for k in declared[table]))
            part, option = declared[table][key]
            try:
                settings.append((part, option.name, option.checked(value)))
            except ValueError as error:
                raise CourseFileError(f"{where}: {error}") from None
    return Course(parts=chosen, settings=tuple(settings))


def _declared_tables(where: str) -> dict[str, dict[str, tuple]]:
    """Every part's course keys: table -> key -> (part, Option). Any available part's keys may
    be set, selected or not (a course file keeps its settings when its selection changes)."""
    from autograder.parts import PartError, available, get

    tables: dict[str, dict[str, tuple]] = {}
    for name in sorted(available()):
        try:
            options = get(name).options
        except PartError as error:
            raise CourseFileError(str(error)) from None
        for option in options:
            tables.setdefault(option.table, {})[option.key] = (name, option)
    return tables


def _allowed_tables(declared: dict) -> dict[str, list[str]]:
    return {ASSIGNMENT_TABLE: ["parts"], **{table: list(keys) for table, keys in declared.items()}}


def _chosen_parts(table, where: str) -> tuple[str, ...]:
    """`[assignment] parts`: a non-empty list of distinct parts that exist (DEFAULT_PARTS without it)."""
    from autograder.parts import available

    if not isinstance(table, dict):
        raise CourseFileError(f"{where}: assignment must be a table ([assignment]), not a {type(table).__name__}")
    for key in sorted(set(table) - {"parts"}):
        raise CourseFileError(f"{where}: unknown key assignment.{key}; allowed keys in [assignment]: assignment.parts")
    if "parts" not in table:
        return DEFAULT_PARTS
    names, allowed = table["parts"], sorted(available())
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise CourseFileError(f"{where}: assignment.parts must be a non-empty list of part names, "
                              f"some of {', '.join(repr(p) for p in allowed)}")
    for name in names:
        if name not in allowed:
            raise CourseFileError(f"{where}: assignment.parts names an unknown part {name!r}; "
                                  f"the parts are {', '.join(repr(p) for p in allowed)}")
    if len(set(names)) != len(names):
        raise CourseFileError(f"{where}: assignment.parts names a part twice: {names}")
    return tuple(names)


@functools.cache
def _load_file(path: str, mtime_ns: int) -> Course:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseFileError(f"{file}: cannot be read: {exc}") from None
    return parse(text, where=str(file))


def load(root: Path | None = None) -> Course:
    """The course: course.toml in `root` (default: the material root), else the defaults."""
    file = course_file(root)
    try:
        mtime = file.stat().st_mtime_ns
    except FileNotFoundError:
        return Course()
    return _load_file(str(file), mtime)


def load_file(path: Path | str) -> Course:
    """The course stated by the course.toml at `path` (which must exist)."""
    file = Path(path)
    return _load_file(str(file.resolve()), file.stat().st_mtime_ns)


_OVERRIDE: list[Course] = []
_DEFAULT = Course()


def current() -> Course:
    """The course of the material this process grades (AUTOGRADER_MATERIAL or the checkout),
    unless `use` chose another one for this process (`autograder audit --course FILE`).

    Asked hundreds of times per submission, so it costs one stat of course.toml: where
    the file is, is remembered per value of AUTOGRADER_MATERIAL.
    """
    if _OVERRIDE:
        return _OVERRIDE[-1]
    path = _course_path(os.environ.get("AUTOGRADER_MATERIAL"))
    try:
        mtime = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return _DEFAULT
    return _load_file(path, mtime)


@functools.cache
def _course_path(material: str | None) -> str:
    return str(course_file())


class use:
    """Grade as if course.toml stated `course` (a context manager; nests)."""

    def __init__(self, course: Course) -> None:
        self.course = course

    def __enter__(self) -> Course:
        _OVERRIDE.append(self.course)
        return self.course

    def __exit__(self, *exc) -> None:
        _OVERRIDE.pop()


__all__ = ["COURSE_FILE", "DEFAULT_PARTS", "Course", "CourseFileError", "course_file", "current", "load",
           "load_file", "parse", "use"]
