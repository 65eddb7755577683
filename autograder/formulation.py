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
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    import numpy as np


COURSE_FILE = "course.toml"
DEFAULT_PARTS = ("linear_classifiers",)
"""Without `[assignment] parts`, a course grades the linear classifiers (as it always did)."""

SVM_LOSSES = ("hinge", "squared_hinge")
REG_KINDS = ("l2", "l1")


class CourseFileError(ValueError):
    """course.toml is malformed: the message names the file, the key and the allowed values."""


@dataclass(frozen=True)
class Formulation:
    """One formulation of the SVM and Softmax losses (SPEC "Formulations")."""

    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {"svm_loss": SVM_LOSSES, "reg_kind": REG_KINDS}
    """The allowed values of the fields that take one of a few words."""

    svm_loss: str = "hinge"
    delta: float = 1.0
    reg_kind: str = "l2"
    reg_scale: float = 1.0
    parts: tuple[str, ...] = field(default=("linear_classifiers",), compare=False)
    """The parts of the assignment the course grades (`[assignment] parts`): which functions
    are graded, never how, so it is no part of the formulation's identity or its key."""
    options: tuple[tuple[str, str, object], ...] = ()
    """The other parts' course keys that course.toml sets: (part, key, value), sorted."""

    def option(self, part: str, key: str):
        """The value of `[part] key` (a part's own course key), or the part's default."""
        for name, option_key, value in self.options:
            if (name, option_key) == (part, key):
                return value
        from autograder import parts

        for option in parts.get(part).options:
            if option.key == key:
                return option.default
        raise KeyError(f"{part}.{key}")

    # ------------------------------------------------------------- identity
    @property
    def is_default(self) -> bool:
        return self == Formulation()

    @property
    def key(self) -> str:
        """A short stable name, e.g. 'hinge-d1-l2-s1': part of every cache key."""
        base = f"{self.svm_loss}-d{self.delta:g}-{self.reg_kind}-s{self.reg_scale:g}"
        return base + "".join(f"-{part}.{key}={value}" for part, key, value in self.options)

    def to_toml(self) -> str:
        """The course.toml that states this formulation (every key written out)."""
        return (
            "[svm]\n"
            f'loss = "{self.svm_loss}"\n'
            f"delta = {float(self.delta)!r}\n"
            "[regularization]\n"
            f'kind = "{self.reg_kind}"\n'
            f"scale = {float(self.reg_scale)!r}\n"
        ) + self._parts_toml()

    def _parts_toml(self) -> str:
        """The `[assignment]` table and the other parts' keys, when they differ from the defaults."""
        text = ""
        if self.parts != DEFAULT_PARTS:
            text += "[assignment]\nparts = [" + ", ".join(f'"{p}"' for p in self.parts) + "]\n"
        for part in sorted({p for p, _, _ in self.options}):
            text += f"[{part}]\n" + "".join(f"{k} = {v!r}\n".replace("'", '"')
                                            for p, k, v in self.options if p == part)
        return text

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


# ------------------------------------------------------------------ where the formulation shows in the material

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
    chosen = _chosen_parts(data.get("assignment", {}), where)
    options = _part_options({k: v for k, v in data.items() if k not in _ALLOWED and k != "assignment"}, where)
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
        parts=chosen,
        options=options,
    )


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


def _part_options(tables: dict, where: str) -> tuple[tuple[str, str, object], ...]:
    """The other parts' own keys (`[<part>] <key>`), each checked against what its part allows."""
    if not tables:
        return ()
    from autograder.parts import PartError, available, get

    found = []
    for table in sorted(tables):
        declared = {}
        if table in available():
            try:
                declared = {o.key: o for o in get(table).options}
            except PartError as error:
                raise CourseFileError(str(error)) from None
        if not declared:
            raise CourseFileError(
                f"{where}: unknown table or key {table!r}; allowed tables: [assignment] (parts), [svm] "
                f"(loss, delta), [regularization] (kind, scale)"
                + "".join(f", [{name}] ({', '.join(o.key for o in get(name).options)})"
                          for name in sorted(available()) if get(name).options))
        section = tables[table]
        if not isinstance(section, dict):
            raise CourseFileError(f"{where}: {table} must be a table ([{table}]), not a {type(section).__name__}")
        for key, value in sorted(section.items()):
            option = declared.get(key)
            if option is None:
                raise CourseFileError(f"{where}: unknown key {table}.{key}; allowed keys in [{table}]: "
                                      + ", ".join(f"{table}.{k}" for k in declared))
            found.append((table, key, _option_value(where, f"{table}.{key}", value, option)))
    return tuple(found)


def _option_value(where: str, name: str, value, option):
    if option.choices:
        if value not in option.choices:
            raise CourseFileError(f"{where}: {name} = {value!r} is not allowed; it must be {option.allowed}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise CourseFileError(f"{where}: {name} = {value!r} is not allowed; it must be {option.allowed}")
    return float(value)


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


_OVERRIDE: list[Formulation] = []


def current() -> Formulation:
    """The formulation of the material this process grades (AUTOGRADER_MATERIAL or the checkout),
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


_DEFAULT = Formulation()


@functools.cache
def _course_path(material: str | None) -> str:
    return str(course_file())


def load_file(path: Path | str) -> Formulation:
    """The formulation stated by the course.toml at `path` (which must exist)."""
    file = Path(path)
    return _load_file(str(file.resolve()), file.stat().st_mtime_ns)


class use:
    """Grade as if course.toml stated `formulation` (a context manager; nests)."""

    def __init__(self, formulation: Formulation) -> None:
        self.formulation = formulation

    def __enter__(self) -> Formulation:
        _OVERRIDE.append(self.formulation)
        return self.formulation

    def __exit__(self, *exc) -> None:
        _OVERRIDE.pop()


__all__ = ["COURSE_FILE", "DEFAULT_PARTS", "REG_KINDS", "SVM_LOSSES", "CourseFileError", "Formulation",
           "course_file", "current", "load", "load_file", "parse", "use"]
