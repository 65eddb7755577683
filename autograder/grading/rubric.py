"""The rubric (rubric.toml): points per graded function and property, 100 in all."""

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

RUBRIC_PATH = Path(__file__).with_name("rubric.toml")

DISPLAY_NAMES = {
    "train": "LinearClassifier.train",
    "predict": "LinearClassifier.predict",
}
GATES = {
    "svm_loss_naive": "matches_reference",
    "svm_loss_vectorized": "matches_reference",
    "softmax_loss_naive": "matches_reference",
    "softmax_loss_vectorized": "matches_reference",
    "train": "sgd_step",
    "predict": "matches_reference",
}
"""The property each function must pass on basic inputs before any other earns points."""


@dataclass(frozen=True)
class FunctionRubric:
    function: str
    file: str
    points: dict[str, int]

    @property
    def display_name(self) -> str:
        return DISPLAY_NAMES.get(self.function, self.function)

    @property
    def gate(self) -> str:
        return GATES[self.function]


@functools.cache
def load_rubric(path: Path = RUBRIC_PATH) -> tuple[FunctionRubric, ...]:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    rubric = []
    for function, table in data.items():
        points = {k: int(v) for k, v in table.items() if k != "file"}
        rubric.append(FunctionRubric(function, table["file"], points))
    total = sum(sum(f.points.values()) for f in rubric)
    if total != 100:
        raise ValueError(f"{path}: the rubric adds up to {total} points, not 100")
    return tuple(rubric)
