"""The linear classifiers' formulation: which SVM loss, margin and regularization the course teaches.

The course states it in course.toml (the keys this part declares in part.toml: `[svm] loss`,
`[svm] delta`, `[regularization] kind`, `[regularization] scale`; CS231n's since 2018 by
default). Everything of this part that depends on the choice asks this module: the
reference solutions' generated lines and stubs, the hidden properties and their hints,
the notebooks, the public checks and the catalogue's diagnoses. It holds the math
(`svm_loss_and_gradient`, ...) and the words (`reg_text`, ...) of each formulation.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from autograder.course import DEFAULT_PARTS, Course
from autograder.course import current as current_course

if TYPE_CHECKING:
    import numpy as np

PART = "linear_classifiers"
SVM_LOSSES = ("hinge", "squared_hinge")
REG_KINDS = ("l2", "l1")


@dataclass(frozen=True)
class Formulation:
    """One formulation of the SVM and Softmax losses (SPEC "Formulations")."""

    svm_loss: str = "hinge"
    delta: float = 1.0
    reg_kind: str = "l2"
    reg_scale: float = 1.0

    # ------------------------------------------------------------- the course
    @classmethod
    def of(cls, course: Course) -> Formulation:
        """The formulation a course states (course.toml's [svm] and [regularization])."""
        return _of(course)

    def course(self, parts: tuple[str, ...] = DEFAULT_PARTS) -> Course:
        """The course that grades `parts` with this formulation (the other parts at their defaults)."""
        return Course(parts).with_settings(PART, **{f.name: getattr(self, f.name) for f in fields(self)})

    @property
    def is_default(self) -> bool:
        return self == Formulation()

    @property
    def key(self) -> str:
        """A short stable name, e.g. 'hinge-d1-l2-s1' (test ids, the dev set's digest)."""
        return f"{self.svm_loss}-d{self.delta:g}-{self.reg_kind}-s{self.reg_scale:g}"

    def to_toml(self) -> str:
        """The course.toml that states this formulation (of the default parts)."""
        return self.course().to_toml()

    # ------------------------------------------------------------- the math
    def reg_term(self, W: np.ndarray) -> float:
        """R(W) times the course's scale (multiply by reg for the loss term)."""
        import numpy as np  # here, not at import: `autograder` starts before numpy is needed
        W = np.asarray(W, float)
        r = np.sum(W * W) if self.reg_kind == "l2" else np.sum(np.abs(W))
        return float(self.reg_scale * r)

    def reg_gradient(self, W: np.ndarray) -> np.ndarray:
        """The gradient of reg_term (multiply by reg for the gradient term); sign(W) is 0 at 0."""
        import numpy as np  # here, not at import: `autograder` starts before numpy is needed
        W = np.asarray(W, float)
        g = 2.0 * W if self.reg_kind == "l2" else np.sign(W)
        return self.reg_scale * g

    def hinge(self, margins: np.ndarray) -> np.ndarray:
        """The per-class SVM loss of margins m = s_j - s_yi + delta (any shape)."""
        import numpy as np  # here, not at import: `autograder` starts before numpy is needed
        m = np.maximum(0.0, np.asarray(margins, float))
        return m * m if self.svm_loss == "squared_hinge" else m

    def hinge_slope(self, margins: np.ndarray) -> np.ndarray:
        """d hinge / d margin: 1 for a positive margin (hinge), 2 * max(0, m) (squared hinge)."""
        import numpy as np  # here, not at import: `autograder` starts before numpy is needed
        m = np.asarray(margins, float)
        if self.svm_loss == "squared_hinge":
            return 2.0 * np.maximum(0.0, m)
        return (m > 0).astype(float)

    def svm_loss_and_gradient(self, W, X, y, reg) -> tuple[float, np.ndarray]:
        """The SVM loss and gradient of this formulation, straight from SPEC (for checks, not speed)."""
        import numpy as np  # here, not at import: `autograder` starts before numpy is needed
        W, X, y = np.asarray(W, float), np.asarray(X, float), np.asarray(y)
        n = X.shape[0]
        rows = np.arange(n)
        scores = X @ W
        margins = scores - scores[rows, y][:, None] + self.delta
        margins[rows, y] = 0.0
        per_class = self.hinge(margins)
        per_class[rows, y] = 0.0
        slope = self.hinge_slope(margins)
        slope[rows, y] = 0.0
        slope[rows, y] = -slope.sum(axis=1)
        loss = per_class.sum() / n + reg * self.reg_term(W)
        dW = X.T @ slope / n + reg * self.reg_gradient(W)
        return float(loss), dW

    def softmax_loss_and_gradient(self, W, X, y, reg) -> tuple[float, np.ndarray]:
        """The Softmax loss and gradient with this formulation's regularization."""
        import numpy as np  # here, not at import: `autograder` starts before numpy is needed
        W, X, y = np.asarray(W, float), np.asarray(X, float), np.asarray(y)
        n = X.shape[0]
        rows = np.arange(n)
        scores = X @ W
        scores = scores - scores.max(axis=1, keepdims=True)
        log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        loss = -log_p[rows, y].sum() / n + reg * self.reg_term(W)
        P = np.exp(log_p)
        P[rows, y] -= 1.0
        dW = X.T @ P / n + reg * self.reg_gradient(W)
        return float(loss), dW

    def svm_loss_at_zero(self, num_classes: int) -> float:
        """The SVM loss at W = 0 and reg = 0: (C - 1) * delta, or (C - 1) * delta**2 squared."""
        per_class = self.delta**2 if self.svm_loss == "squared_hinge" else self.delta
        return float((num_classes - 1) * per_class)

    @staticmethod
    def softmax_loss_at_zero(num_classes: int) -> float:
        """The Softmax loss at W = 0: log(C)."""
        return float(math.log(num_classes))

    # ------------------------------------------------------------- words
    @property
    def delta_text(self) -> str:
        """delta as written in formulas: '1', '0.5', '10'."""
        return f"{self.delta:g}"

    @property
    def scale_text(self) -> str:
        """The factor in front of reg, with its ' * ': '' for 1, '0.5 * ' for 0.5."""
        return "" if self.reg_scale == 1.0 else f"{self.reg_scale:g} * "

    @property
    def reg_text(self) -> str:
        """The regularization term in code-like words: 'reg * sum(W**2)', '0.5 * reg * sum(|W|)'."""
        r = "sum(W**2)" if self.reg_kind == "l2" else "sum(|W|)"
        return f"{self.scale_text}reg * {r}"

    @property
    def reg_gradient_text(self) -> str:
        """Its gradient in code-like words: '2 * reg * W', 'reg * W' (0.5, L2), 'reg * sign(W)'."""
        if self.reg_kind == "l2":
            factor = 2.0 * self.reg_scale
            return ("reg * W" if factor == 1.0 else f"{factor:g} * reg * W")
        return f"{self.scale_text}reg * sign(W)"

    @property
    def reg_name(self) -> str:
        """'L2' or 'L1' regularization, with the scale when it is not 1."""
        name = "L2" if self.reg_kind == "l2" else "L1"
        return name if self.reg_scale == 1.0 else f"{name} (scale {self.reg_scale:g})"

    @property
    def svm_term_text(self) -> str:
        """One wrong class's loss: 'max(0, s_j - s_{y_i} + 1)' or its square."""
        term = f"max(0, s_j - s_{{y_i}} + {self.delta_text})"
        return f"{term}**2" if self.svm_loss == "squared_hinge" else term

    @property
    def svm_name(self) -> str:
        """'hinge' or 'squared hinge (L2-SVM)', with the margin."""
        base = "squared hinge (L2-SVM)" if self.svm_loss == "squared_hinge" else "hinge"
        return f"{base}, margin delta = {self.delta_text}"

    @property
    def svm_loss_at_zero_text(self) -> str:
        """How the initial SVM loss reads: 'C - 1', '(C - 1) * 0.5', '(C - 1) * 2**2'."""
        if self.svm_loss == "squared_hinge":
            return "C - 1" if self.delta == 1.0 else f"(C - 1) * {self.delta_text}**2"
        return "C - 1" if self.delta == 1.0 else f"(C - 1) * {self.delta_text}"

    # ------------------------------------------------------------- scikit-learn (the notebooks)
    # SGDClassifier minimises mean loss + alpha * penalty, where its "l2" penalty is
    # 0.5 * ||w||**2 and its "l1" penalty is ||w||_1: these say which penalty and which
    # alpha give the course's scale * reg * R(W).
    @property
    def sklearn_penalty(self) -> str:
        """SGDClassifier's penalty matching R(W): 'l2' or 'l1'."""
        return self.reg_kind

    @property
    def sklearn_alpha_factor(self) -> str:
        """alpha / reg for SGDClassifier: 2 * scale for L2 (its 0.5 * ||w||**2), scale for L1."""
        factor = 2.0 * self.reg_scale if self.reg_kind == "l2" else self.reg_scale
        return f"{factor:g}"

    @property
    def sklearn_svm_alpha_factor(self) -> str:
        """alpha / reg for SGDClassifier(loss=svm_loss), whose margin is 1.

        With W = delta * V the SVM loss is delta**a * L(V; margin 1) (a = 1 hinge, 2 squared)
        and R(W) = delta**b * R(V) (b = 2 L2, 1 L1): the same classifier as margin 1 with
        reg * delta**(b - a).
        """
        a = 2 if self.svm_loss == "squared_hinge" else 1
        b = 2 if self.reg_kind == "l2" else 1
        factor = float(self.sklearn_alpha_factor) * self.delta ** (b - a)
        return f"{factor:g}"


    # ------------------------------------------------------------- code
    @property
    def delta_code(self) -> str:
        """delta as a Python literal: '1', '0.5'."""
        return f"{self.delta:g}"

    @property
    def reg_loss_code(self) -> str:
        """The regularization term in numpy: 'reg * np.sum(W * W)', '0.5 * reg * np.sum(np.abs(W))'."""
        r = "np.sum(W * W)" if self.reg_kind == "l2" else "np.sum(np.abs(W))"
        return f"{self.scale_text}reg * {r}"

    @property
    def reg_gradient_code(self) -> str:
        """Its gradient in numpy: '2 * reg * W', 'reg * W' (0.5, L2), 'reg * np.sign(W)'."""
        if self.reg_kind == "l2":
            return self.reg_gradient_text
        return f"{self.scale_text}reg * np.sign(W)"

    @property
    def is_squared(self) -> bool:
        return self.svm_loss == "squared_hinge"

    # ------------------------------------------------------------- the other formulations
    def differences(self, other: Formulation) -> list[str]:
        """What `other` does differently, in the course's words ('squared hinge instead of hinge', ...)."""
        out = []
        if other.svm_loss != self.svm_loss:
            out.append(f"the {_LOSS_WORDS[other.svm_loss]} instead of the course's {_LOSS_WORDS[self.svm_loss]}")
        if other.delta != self.delta:
            out.append(f"margin delta = {other.delta_text} instead of the course's delta = {self.delta_text}")
        if other.reg_kind != self.reg_kind:
            out.append(f"the regularization {_REG_WORDS[other.reg_kind]} instead of the course's "
                       f"{_REG_WORDS[self.reg_kind]}")
        if other.reg_scale != self.reg_scale:
            out.append(f"{other.reg_scale:g} * reg in front of it instead of the course's {self.reg_scale:g} * reg")
        return out

    def neighbours(self, kind: str) -> list[Formulation]:
        """The formulations a student may have followed instead of this one, closest first.

        `kind` is 'svm' (loss, delta and regularization vary) or anything else (only the
        regularization varies: the Softmax loss has no variants). Deltas and scales are the
        course's own and the usual ones (delta 1, 0.5, 2; scale 1, 0.5).
        """
        losses = SVM_LOSSES if kind == "svm" else (self.svm_loss,)
        deltas = tuple(dict.fromkeys((self.delta, 1.0, 0.5, 2.0))) if kind == "svm" else (self.delta,)
        scales = tuple(dict.fromkeys((self.reg_scale, 1.0, 0.5)))
        out = [Formulation(loss, delta, reg_kind, scale)
               for loss in losses for delta in deltas for reg_kind in REG_KINDS for scale in scales]
        out = [f for f in dict.fromkeys(out) if f != self]
        return sorted(out, key=self._distance)

    def _distance(self, other: Formulation) -> int:
        return sum(a != b for a, b in ((self.svm_loss, other.svm_loss), (self.delta, other.delta),
                                       (self.reg_kind, other.reg_kind), (self.reg_scale, other.reg_scale)))


_REG_WORDS = {"l2": "sum(W**2) (L2)", "l1": "sum(|W|) (L1)"}
_LOSS_WORDS = {"hinge": "plain hinge max(0, margin)", "squared_hinge": "squared hinge max(0, margin)**2"}


@functools.cache
def _of(course: Course) -> Formulation:
    return Formulation(**course.values(PART))


def current() -> Formulation:
    """The formulation of the course this process grades (`autograder.course.current()`)."""
    return _of(current_course())


__all__ = ["PART", "REG_KINDS", "SVM_LOSSES", "Formulation", "current"]
