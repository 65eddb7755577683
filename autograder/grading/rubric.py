"""The rubric: points per graded function and property, from each selected part's rubric.toml.

A part's `rubric.toml` has one table per graded function (its `file`, then points per
property); the course's rubric is the selected parts' rubrics in the order course.toml
names the parts. The function's display name and gate come from the part's declaration
(`autograder.parts`).
"""

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from autograder import parts


@dataclass(frozen=True)
class FunctionRubric:
    function: str
    file: str
    points: dict[str, int]
    display_name: str
    gate: str
    part: str


def load_rubric(path: Path | None = None) -> tuple[FunctionRubric, ...]:
    """The course's rubric (the selected parts'), or the one rubric.toml at `path`."""
    if path is not None:
        return _part_rubric(str(Path(path).resolve()), Path(path).stat().st_mtime_ns)
    return tuple(r for part in parts.selected()
                 for r in _part_rubric(str(part.rubric_path), part.rubric_path.stat().st_mtime_ns))


def total_points() -> int:
    return sum(sum(r.points.values()) for r in load_rubric())


@functools.cache
def _part_rubric(path: str, mtime_ns: int) -> tuple[FunctionRubric, ...]:
    with open(path, "rb") as fh:
        try:
            data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise parts.PartError(f"{path}: not valid TOML: {exc}") from None
    part = parts.get(Path(path).parent.name) if (Path(path).parent / "part.toml").is_file() else None
    declared = {f.id: f for f in part.functions} if part is not None else {}
    if part is not None and set(data) != set(declared):
        raise parts.PartError(f"{path}: the rubric's functions {sorted(data)} are not the ones "
                              f"part.toml declares {sorted(declared)}")
    rubric = []
    for function, table in data.items():
        points = {k: v for k, v in table.items() if k != "file"}
        bad = [k for k, v in points.items() if isinstance(v, bool) or not isinstance(v, int) or v < 0]
        if bad:
            raise parts.PartError(f"{path}: {function}.{bad[0]} must be a whole number of points")
        graded = declared.get(function)
        rubric.append(FunctionRubric(
            function, table["file"], points,
            display_name=graded.display if graded else function,
            gate=graded.gate if graded else next(iter(points)),
            part=graded.part if graded else ""))
        if graded is not None and graded.gate not in points:
            raise parts.PartError(f"{path}: {function} has no points for its gate {graded.gate!r}")
    return tuple(rubric)
