"""The reference solutions follow course.toml: their generated lines are rewritten for it.

A solution file is the instructor's, except for a few lines that state the course's
formulation (the margin delta, the hinge or its square, the regularization term and
its gradient, the docstring and TODO box sentences that describe them). Those lines
are listed, with how to recognise them whatever formulation they were written for,
by their part (`solution_slots.SLOTS` in its folder: `autograder.release.slots`); this
module finds them and rewrites them
at their own indentation. Every other line is left exactly as it is, so instructors
edit the solutions by hand and `autograder build` keeps only these lines in step with
course.toml (`autograder build --check` reports a file whose lines disagree).

The grader never relies on a build having been run: `rendered_source` gives the
course's version of a solution file in memory (the reference the hidden suite loads,
the base of the bug catalogue's mutants).
"""

from __future__ import annotations

import re
from pathlib import Path

from autograder.course import Course, current
from autograder.paths import solutions_dir
from autograder.release.slots import Slot


def solution_slots() -> dict[str, tuple[Slot, ...]]:
    """The generated lines of every part's solution files: file (relative to solutions/) -> slots."""
    from autograder import parts

    found: dict[str, tuple[Slot, ...]] = {}
    for name in parts.available():
        part = parts.get(name)
        if (part.folder / "solution_slots.py").is_file():
            found.update(part.module("solution_slots").SLOTS)
    return found


class SolutionLineError(ValueError):
    """A generated line of a solution file cannot be found (or is there twice)."""


def _matches(slot: Slot, line: str) -> bool:
    return re.fullmatch(slot.pattern, line.strip()) is not None


def _is_box_border(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) > 1 and set(stripped) == {"#"}


def _slot_span(slot: Slot, lines: list[str], path: str) -> tuple[int, int]:
    """[start, end) of the slot's lines in `lines`; SolutionLineError unless exactly one is found."""
    found = [i for i, line in enumerate(lines) if _matches(slot, line)]
    if len(found) != 1:
        problem = "is missing" if not found else f"occurs {len(found)} times (lines {', '.join(str(i + 1) for i in found)})"
        raise SolutionLineError(
            f"{path}: the generated line for {slot.name} {problem}. autograder build rewrites that "
            f"line for course.toml and finds it by its shape (regular expression {slot.pattern!r}, "
            "indentation aside): keep exactly one such line and edit anything else freely")
    start = end = found[0]
    end += 1
    if slot.box:
        while end < len(lines) and lines[end].strip().startswith("#") and not _is_box_border(lines[end]):
            end += 1
    return start, end


def render_text(text: str, relative: str, course: Course, path: str | None = None) -> str:
    """`text` of the solution file `relative` with its generated lines written for `formulation`."""
    slots = solution_slots().get(relative)
    if not slots:
        return text
    lines = text.splitlines(keepends=True)
    for slot in slots:
        start, end = _slot_span(slot, lines, path or relative)
        first = lines[start]
        indent = first[: len(first) - len(first.lstrip())]
        newline = "\r\n" if first.endswith("\r\n") else "\n"
        lines[start:end] = [f"{indent}{line}{newline}" for line in slot.render(course)]
    return "".join(lines)


def rendered_source(relative: str, course: Course | None = None, root: Path | None = None) -> str:
    """The course's version of a solution file (relative to solutions/), in memory."""
    base = Path(root) if root is not None else solutions_dir()
    path = base / relative
    text = path.read_text(encoding="utf-8")
    return render_text(text, relative, course or current(), str(path))


def stale_solutions(source: Path, course: Course) -> dict[str, str]:
    """Solution files (relative to `source`, the solutions/cs231n folder's parent) whose generated
    lines disagree with `formulation`: relative path -> the text they must hold."""
    out = {}
    for relative in solution_slots():
        path = source / relative
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        rendered = render_text(text, relative, course, str(path))
        if rendered != text:
            out[relative] = rendered
    return out
