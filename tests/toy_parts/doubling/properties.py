"""The toy part's two properties: matches factor * x (the course's `[doubling] factor`, 2 by
default), and leaves x as it was."""

import numpy as np

from autograder.course import current
from autograder.grading.failure import Failure
from autograder.grading.properties.base import Property, close


def factor() -> float:
    return current().option("doubling", "factor")


class DoublingProperty(Property):
    functions = ("double",)
    shrinkable = False

    def explicit_cases(self, function):
        return [{"x": np.array([1.0, -2.0, 0.5])}, {"x": np.arange(6.0).reshape(2, 3)}]

    def check(self, ctx, function, case):
        (answer,) = ctx.call(function, [{"x": case["x"].copy()}])
        if not answer.get("ok"):
            raise Failure(f"{function} raised an error.", error=answer.get("error", ""))
        self.judge(function, case, answer)


class MatchesReference(DoublingProperty):
    id = "matches_reference"

    @property
    def title(self):
        return f"matches {factor():g} * x"

    def judge(self, function, case, answer):
        if not close(answer["y"], factor() * case["x"]):
            raise Failure(f"{function} must return {factor():g} * x.", expected=factor() * case["x"],
                          actual=answer["y"])


class InputUnchanged(DoublingProperty):
    id = "input_unchanged"
    title = "leaves x unchanged"

    def judge(self, function, case, answer):
        if not np.array_equal(answer["x"], case["x"]):
            raise Failure(f"{function} must not change x in place.", expected=case["x"], actual=answer["x"])


PROPERTIES = (MatchesReference(), InputUnchanged())
