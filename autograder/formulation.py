"""The course's formulation of the assignment: the one place that knows it.

A course chooses, in `course.toml` at the top of the material (beside `solutions/`
and `assignment/`), which SVM loss, which margin delta and which regularization it
teaches. Everything that depends on that choice asks this module: the reference
solutions and stubs (`autograder build`), the hidden properties and their hints,
the notebooks, the public checks and the bug catalogue. Nothing else branches on
the loss or the regularization.

The file, every key optional (the defaults are CS231n since 2018)::

    [svm]
    loss = "hinge"        # or "squared_hinge"
    delta = 1.0           # any positive number
    [regularization]
    kind = "l2"           # or "l1"
    scale = 1.0           # the loss adds scale * reg * R(W)

A missing file means the defaults. Anything else wrong in it is a `CourseFileError`
naming the file, the key and what is allowed, raised before anything runs.
"""

from __future__ import annotations

import functools
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

COURSE_FILE = "course.toml"

SVM_LOSSES = ("hinge", "squared_hinge")
REG_KINDS = ("l2", "l1")


class CourseFileError(ValueError):
    """course.toml is malformed: the message names the file, the key and the allowed values."""


@dataclass(frozen=True)
class Formulation:
    """One formulation of the SVM and Softmax losses (SPEC "Formulations")."""

    svm_loss: str = "hinge"
    delta: float = 1.0
    reg_kind: str = "l2"
    reg_scale: float = 1.0

    # ------------------------------------------------------------- identity
    @property
    def is_default(self) -> bool:
        return self == Formulation()

    @property
    def key(self) -> str:
        """A short stable name, e.g. 'hinge-d1-l2-s1': part of every cache key."""
        return f"{self.svm_loss}-d{self.delta:g}-{self.reg_kind}-s{self.reg_scale:g}"

    def to_toml(self) -> str:
        """The course.toml that states this formulation (every key written out)."""
        return (
            "[svm]\n"
            f'loss = "{self.svm_loss}"\n'
            f"delta = {float(self.delta)!r}\n"
            "[regularization]\n"
            f'kind = "{self.reg_kind}"\n'
            f"scale = {float(self.reg_scale)!r}\n"
        )

    # ------------------------------------------------------------- the math
    def reg_term(self, W: np.ndarray) -> float:
        """R(W) times the course's scale (multiply by reg for the loss term)."""
        W = np.asarray(W, float)
        r = np.sum(W * W) if self.reg_kind == "l2" else np.sum(np.abs(W))
        return float(self.reg_scale * r)

    def reg_gradient(self, W: np.ndarray) -> np.ndarray:
        """The gradient of reg_term (multiply by reg for the gradient term); sign(W) is 0 at 0."""
        W = np.asarray(W, float)
        g = 2.0 * W if self.reg_kind == "l2" else np.sign(W)
        return self.reg_scale * g

    def hinge(self, margins: np.ndarray) -> np.ndarray:
        """The per-class SVM loss of margins m = s_j - s_yi + delta (any shape)."""
        m = np.maximum(0.0, np.asarray(margins, float))
        return m * m if self.svm_loss == "squared_hinge" else m

    def hinge_slope(self, margins: np.ndarray) -> np.ndarray:
        """d hinge / d margin: 1 for a positive margin (hinge), 2 * max(0, m) (squared hinge)."""
        m = np.asarray(margins, float)
        if self.svm_loss == "squared_hinge":
            return 2.0 * np.maximum(0.0, m)
        return (m > 0).astype(float)

    def svm_loss_and_gradient(self, W, X, y, reg) -> tuple[float, np.ndarray]:
        """The SVM loss and gradient of this formulation, straight from SPEC (for checks, not speed)."""
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


def _material_root() -> Path:
    from autograder.paths import material_root

    return material_root()


def course_file(root: Path | None = None) -> Path:
    """Where the course's course.toml is (it may not exist: then the defaults hold)."""
    return Path(root if root is not None else _material_root()) / COURSE_FILE


_ALLOWED = {
    "svm": {"loss": f"one of {', '.join(repr(v) for v in SVM_LOSSES)}",
            "delta": "a positive number"},
    "regularization": {"kind": f"one of {', '.join(repr(v) for v in REG_KINDS)}",
                       "scale": "a positive number"},
}


def parse(text: str, where: str = COURSE_FILE) -> Formulation:
    """The formulation a course.toml text states; CourseFileError naming the key otherwise."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CourseFileError(f"{where}: not valid TOML: {exc}") from None
    unknown_tables = sorted(set(data) - set(_ALLOWED))
    if unknown_tables:
        raise CourseFileError(
            f"{where}: unknown table or key {unknown_tables[0]!r}; allowed tables: [svm] "
            f"(loss, delta) and [regularization] (kind, scale)")
    values: dict[str, object] = {}
    for table, keys in _ALLOWED.items():
        section = data.get(table, {})
        if not isinstance(section, dict):
            raise CourseFileError(f"{where}: {table} must be a table ([{table}]), not a {type(section).__name__}")
        for key in sorted(set(section) - set(keys)):
            allowed = ", ".join(f"{table}.{k}" for k in keys)
            raise CourseFileError(f"{where}: unknown key {table}.{key}; allowed keys in [{table}]: {allowed}")
        for key, value in section.items():
            values[f"{table}.{key}"] = _checked(where, f"{table}.{key}", value, keys[key])
    return Formulation(
        svm_loss=values.get("svm.loss", "hinge"),
        delta=values.get("svm.delta", 1.0),
        reg_kind=values.get("regularization.kind", "l2"),
        reg_scale=values.get("regularization.scale", 1.0),
    )


def _checked(where: str, name: str, value, allowed: str):
    if name in ("svm.loss", "regularization.kind"):
        choices = SVM_LOSSES if name == "svm.loss" else REG_KINDS
        if not isinstance(value, str) or value not in choices:
            raise CourseFileError(f"{where}: {name} = {value!r} is not allowed; it must be {allowed}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CourseFileError(f"{where}: {name} must be {allowed}, not {type(value).__name__} {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise CourseFileError(f"{where}: {name} = {value!r} is not allowed; it must be {allowed}")
    return float(value)


@functools.cache
def _load_file(path: str, mtime_ns: int) -> Formulation:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseFileError(f"{file}: cannot be read: {exc}") from None
    return parse(text, where=str(file))


def load(root: Path | None = None) -> Formulation:
    """The course's formulation: course.toml in `root` (default: the material root), else the defaults."""
    file = course_file(root)
    try:
        mtime = file.stat().st_mtime_ns
    except FileNotFoundError:
        return Formulation()
    return _load_file(str(file), mtime)


def current() -> Formulation:
    """The formulation of the material this process grades (AUTOGRADER_MATERIAL or the checkout)."""
    return load()


__all__ = ["COURSE_FILE", "REG_KINDS", "SVM_LOSSES", "CourseFileError", "Formulation", "course_file",
           "current", "load", "parse"]
