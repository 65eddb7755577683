"""Generated lines of the solutions: how a part states the lines that follow course.toml.

A part whose solution files hold lines that depend on the course's formulation (the margin,
a regularization term, the TODO box that describes them) lists them as `Slot`s in its
module `solution_slots` (`SLOTS`: solution file -> its slots); `course_solutions` finds
and rewrites them. `comment_box` lays out the CS231n TODO boxes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Slot:
    """A generated line (or comment box) of a solution file, rewritten by `autograder build`.

    `pattern` matches the line, stripped of its indentation, whatever the formulation it
    was written for; `render(f)` gives the lines (without indentation) for formulation f.
    A `box` slot is a TODO comment box: the first line matches and the comment lines up
    to the next line of only '#' belong to it.
    """

    name: str
    pattern: str
    render: object
    box: bool = False


def comment_box(text: str, width: int = 75) -> list[str]:
    """`text` wrapped into the CS231n TODO box lines: '# ' + words + padding + ' #'."""
    import textwrap

    inner = width - 4
    return [f"# {line.replace(_NBSP, ' ').ljust(inner)} #" for line in textwrap.wrap(text, inner)]


_NBSP = "\x00"


def nobreak(words: str) -> str:
    """A formula kept on one line of a comment box."""
    return words.replace(" ", _NBSP)


