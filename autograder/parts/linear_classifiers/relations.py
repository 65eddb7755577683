"""Mistakes recognised by how a loss function's answers relate to the right ones.

Linear-classifier knowledge (the SVM and Softmax losses, their regularization and their
gradient), kept apart from the generic matching in `autograder.grading.diagnosis`.

Many wrong loss functions are the right one with a part scaled, dropped or negated:
the 0.5 * reg convention, a gradient summed and not averaged, a regularization gradient
without its factor 2, a correct-class column missing from dW. Such a function's answers
relate to the right ones part by part. Any answer (the reference's, or a catalogue
mutant's for a mistake made together with one of these) splits into

    loss = data + reg term                 (the reg term: its answer at reg minus at reg = 0)
    dW   = data gradient + reg gradient    (the data gradient: wrong classes + correct class)

and a student's answer is explained by one factor per part (`Factors`): 1 where the part
is right, 0 where it is missing, N or 1/N where it is not averaged or averaged twice, -1
where its sign is wrong, 0.5 or 2 where a factor is missing or doubled. A factor
combination explains the student only if it reproduces every recorded answer (the same
standard as a mutant); `explanations` returns every combination that does, and the
caller says nothing unless exactly one does. `describe` turns a combination into the
sentences a student reads, one rule (`Rule`) per mistake; a combination that no rule
describes says nothing either.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

import numpy as np

from autograder.course import Course
from autograder.parts.linear_classifiers.formulation import Formulation

KIND_OF_FUNCTION = {
    "svm_loss_naive": "svm", "svm_loss_vectorized": "svm",
    "softmax_loss_naive": "softmax", "softmax_loss_vectorized": "softmax",
}
"""The functions these relations know, and which loss each computes."""

ONE, ZERO, MINUS, HALF, TWICE, TIMES_N, OVER_N = "1", "0", "-1", "0.5", "2", "N", "1/N"
_VALUE: dict[str, Callable[[int], float]] = {
    ONE: lambda n: 1.0, ZERO: lambda n: 0.0, MINUS: lambda n: -1.0, HALF: lambda n: 0.5,
    TWICE: lambda n: 2.0, TIMES_N: lambda n: float(n), OVER_N: lambda n: 1.0 / n,
}


@dataclass(frozen=True)
class Factors:
    """One factor per part of an answer, relative to the base answer (reference or mutant)."""

    loss_data: str = ONE
    loss_reg: str = ONE
    grad_data: str = ONE
    grad_reg: str = ONE
    correct: str = ONE
    """The correct class's part of the data gradient (relative to the reference only)."""


CHOICES = {
    "loss_data": (ONE, TIMES_N, OVER_N, MINUS, ZERO),
    "loss_reg": (ONE, ZERO, HALF, TWICE, OVER_N),
    "grad_data": (ONE, TIMES_N, OVER_N, MINUS, ZERO, HALF, TWICE),
    "grad_reg": (ONE, ZERO, HALF, TWICE, OVER_N),
    "correct": (ONE, ZERO, MINUS),
}
"""The factors tried for each part: the mistakes real student code makes."""


def knows(function: str) -> bool:
    """Whether these relations apply to `function`."""
    return function in KIND_OF_FUNCTION


# ------------------------------------------------------------------ parts of an answer


@dataclass
class Parts:
    """An answer split into its parts, on one recorded input."""

    n: int
    loss_data: float
    loss_reg: float
    grad_data: np.ndarray
    grad_reg: np.ndarray
    grad_correct: np.ndarray | None
    """The correct class's share of grad_data (None: not known, the factor stays 1)."""
    answer: dict
    """The base answer at the recorded reg (errors and returned inputs come from it)."""


def correct_class_share(kind: str, course: Formulation, W, X, y) -> np.ndarray:
    """The correct class's part of the reference's data gradient: column y_i gets minus the
    slopes of the sample's positive margins (SVM), or -X[i] (Softmax); averaged over N."""
    W, X, y = np.asarray(W, float), np.asarray(X, float), np.asarray(y)
    n = X.shape[0]
    rows = np.arange(n)
    coefficients = np.zeros((n, W.shape[1]))
    if kind == "svm":
        scores = X @ W
        margins = scores - scores[rows, y][:, None] + course.delta
        slope = course.hinge_slope(margins)
        slope[rows, y] = 0.0
        coefficients[rows, y] = -slope.sum(axis=1)
    else:
        coefficients[rows, y] = -1.0
    return X.T @ coefficients / n


def reference_parts(function: str, course: Course, request: dict) -> Parts:
    """The reference's answer on `request` in parts, from the course's formulation."""
    form = Formulation.of(course)
    kind = KIND_OF_FUNCTION[function]
    compute = form.svm_loss_and_gradient if kind == "svm" else form.softmax_loss_and_gradient
    W, X, y, reg = request["W"], request["X"], request["y"], float(request["reg"])
    loss0, grad0 = compute(W, X, y, 0.0)
    answer = {"ok": True, "loss": np.asarray(loss0 + reg * form.reg_term(W)),
              "dW": grad0 + reg * form.reg_gradient(W)}
    if request.get("return_inputs"):
        answer["inputs"] = {"W": W, "X": X, "y": y}
    return Parts(X.shape[0], float(loss0), reg * form.reg_term(W), grad0, reg * form.reg_gradient(W),
                 correct_class_share(kind, form, W, X, y), answer)


def run_parts(run: Callable[[dict], dict], request: dict) -> Parts | None:
    """The answer `run` gives on `request`, in parts (run twice: at its reg and at reg = 0).

    None when the two runs do not split (one of them raised, or returned no numbers)."""
    answer = run(request)
    if not answer.get("ok"):
        return Parts(request["X"].shape[0], 0.0, 0.0, np.zeros(0), np.zeros(0), None, answer)
    without = run({**request, "reg": 0.0, "return_inputs": False})
    if not without.get("ok"):
        return None
    loss, loss0 = np.asarray(answer["loss"], float), np.asarray(without["loss"], float)
    dW, dW0 = np.asarray(answer["dW"], float), np.asarray(without["dW"], float)
    if loss.size != 1 or loss0.size != 1 or dW.shape != dW0.shape:
        return None  # not a loss and a gradient to scale (a loss per sample, say)
    loss, loss0 = float(loss.ravel()[0]), float(loss0.ravel()[0])
    return Parts(request["X"].shape[0], loss0, loss - loss0, dW0, dW - dW0, None, answer)


# ------------------------------------------------------------------ which factors explain the answers


def _loss_options(parts: Parts, nulls: set[str]) -> Iterable[tuple[tuple[str, str], float]]:
    for data, reg in itertools.product(CHOICES["loss_data"], CHOICES["loss_reg"]):
        if ("loss_data" in nulls and data != ONE) or ("loss_reg" in nulls and reg != ONE):
            continue
        yield (data, reg), _VALUE[data](parts.n) * parts.loss_data + _VALUE[reg](parts.n) * parts.loss_reg


def _grad_options(parts: Parts, nulls: set[str]) -> Iterable[tuple[tuple[str, str, str], np.ndarray]]:
    corrects = CHOICES["correct"] if parts.grad_correct is not None and "correct" not in nulls else (ONE,)
    for data, reg, correct in itertools.product(CHOICES["grad_data"], CHOICES["grad_reg"], corrects):
        if ("grad_data" in nulls and data != ONE) or ("grad_reg" in nulls and reg != ONE):
            continue
        if data == ZERO and correct != ONE:
            continue  # no data gradient at all: its correct-class share says nothing
        gradient = parts.grad_data
        if correct != ONE:
            gradient = gradient + (_VALUE[correct](parts.n) - 1.0) * parts.grad_correct
        yield (data, reg, correct), _VALUE[data](parts.n) * gradient + _VALUE[reg](parts.n) * parts.grad_reg


def null_parts(all_parts: list[Parts]) -> set[str]:
    """Parts that are zero on every input (a factor on them would be a guess): their factor stays 1."""
    answered = [p for p in all_parts if p.answer.get("ok")]
    nulls = set()
    for name, values in (("loss_data", [p.loss_data for p in answered]), ("loss_reg", [p.loss_reg for p in answered]),
                         ("grad_data", [p.grad_data for p in answered]), ("grad_reg", [p.grad_reg for p in answered]),
                         ("correct", [p.grad_correct for p in answered if p.grad_correct is not None])):
        if not values or all(not np.any(np.asarray(v)) for v in values):
            nulls.add(name)
    return nulls


def explanations(cases: list[tuple[Parts, dict]], same: Callable[[dict, dict], bool]) -> set[Factors]:
    """Every factor combination that reproduces each student answer from its base parts.

    `cases` pairs the base's parts on each recorded input with the student's answer there;
    `same(student, predicted)` is the grader's comparison of two answers. The loss and the
    gradient are compared separately (each prediction keeps the student's other field),
    so the combinations are the product of those the loss allows and those dW allows.
    """
    nulls = null_parts([parts for parts, _ in cases])
    losses: set | None = None
    grads: set | None = None
    for parts, student in cases:
        if not parts.answer.get("ok"):
            if not same(student, parts.answer):
                return set()
            continue
        if not student.get("ok"):
            return set()
        allowed = {key for key, loss in _loss_options(parts, nulls) if (losses is None or key in losses)
                   and same(student, {**parts.answer, "loss": np.asarray(loss), "dW": student.get("dW")})}
        losses = allowed
        grad_allowed = {key for key, dW in _grad_options(parts, nulls) if (grads is None or key in grads)
                        and same(student, {**parts.answer, "loss": student.get("loss"), "dW": dW})}
        grads = grad_allowed
        if not losses or not grads:
            return set()
    if losses is None or grads is None:
        return set()
    return {Factors(ld, lr, gd, gr, c) for (ld, lr), (gd, gr, c) in itertools.product(losses, grads)}


# ------------------------------------------------------------------ the sentences


def _coefficient(value: float) -> str:
    return "" if value == 1.0 else f"{value:g} * "


def reg_loss_text(course: Formulation, factor: str) -> str:
    """The student's regularization term in the loss, in code-like words."""
    r = "sum(W**2)" if course.reg_kind == "l2" else "sum(|W|)"
    if factor == OVER_N:
        return f"{course.reg_text} / N"
    return f"{_coefficient(_VALUE[factor](1) * course.reg_scale)}reg * {r}"


def reg_gradient_text(course: Formulation, factor: str) -> str:
    """The student's regularization part of dW, in code-like words."""
    if factor == OVER_N:
        return f"{course.reg_gradient_text} / N"
    value = _VALUE[factor](1) * course.reg_scale
    if course.reg_kind == "l2":
        return f"{_coefficient(2.0 * value)}reg * W"
    return f"{_coefficient(value)}reg * sign(W)"


@dataclass(frozen=True)
class Rule:
    """One mistake: the factors it sets (part -> factor), its id, and its sentence for the student."""

    id: str
    sets: tuple[tuple[str, str], ...]
    sentence: Callable[[str, Formulation], str]
    """(kind, course) -> the sentence shown after "Likely mistake: "."""
    covers: frozenset[str] = frozenset()
    """The hint topics (`grading.hints`) whose advice the sentence gives too."""
    kinds: tuple[str, ...] = ("svm", "softmax")


REG, AVERAGING = frozenset({"regularization"}), frozenset({"averaging"})


def _data_loss_words(kind: str) -> str:
    return "the average hinge loss of the wrong classes" if kind == "svm" else "-log of the correct class's probability, averaged"


RULES: tuple[Rule, ...] = (
    # Mistakes that set two parts at once come first: one sentence for the pair.
    Rule("relation_reg_half_convention", (("loss_reg", HALF), ("grad_reg", HALF)), lambda kind, c: (
        f"Your regularization is half of this assignment's: your loss adds {reg_loss_text(c, HALF)} and your dW "
        f"{reg_gradient_text(c, HALF)} (another handout's convention); here the loss adds {c.reg_text} and dW "
        f"{c.reg_gradient_text}."), REG),
    Rule("relation_reg_double_convention", (("loss_reg", TWICE), ("grad_reg", TWICE)), lambda kind, c: (
        f"Your regularization is twice this assignment's: your loss adds {reg_loss_text(c, TWICE)} and your dW "
        f"{reg_gradient_text(c, TWICE)} (another handout's convention); here the loss adds {c.reg_text} and dW "
        f"{c.reg_gradient_text}."), REG),
    Rule("relation_no_reg", (("loss_reg", ZERO), ("grad_reg", ZERO)), lambda kind, c: (
        f"Your function ignores reg: the loss must add {c.reg_text} and dW its gradient {c.reg_gradient_text}."),
        REG),
    Rule("relation_gradient_not_computed", (("grad_data", ZERO), ("grad_reg", ZERO)), lambda kind, c: (
        "Your dW is all zeros: the gradient is never computed (or never stored in the dW you return); compute "
        f"the data gradient, average it, and add {c.reg_gradient_text}.")),
    Rule("relation_only_regularization", (("loss_data", ZERO), ("grad_data", ZERO)), lambda kind, c: (
        "Your function returns only the regularization: the data loss and its gradient are missing (is their "
        "part of the TODO block still empty?).")),
    Rule("relation_reg_before_average", (("loss_reg", OVER_N), ("grad_reg", OVER_N)), lambda kind, c: (
        "You add the regularization before dividing by the number of samples N, so it is divided by N too, in the "
        f"loss and in dW; average the data terms first, then add {c.reg_text} and {c.reg_gradient_text}."),
        REG | AVERAGING),
    Rule("relation_not_averaged", (("loss_data", TIMES_N), ("grad_data", TIMES_N)), lambda kind, c: (
        "Your loss and your dW are sums over the samples, not averages: divide the data loss and the data gradient "
        "by the number of samples N (before adding the regularization)."), AVERAGING),
    Rule("relation_averaged_twice", (("loss_data", OVER_N), ("grad_data", OVER_N)), lambda kind, c: (
        "You divide the data loss and the data gradient by the number of samples N twice, so both are N times too "
        "small; divide once."), AVERAGING),
    # One part each.
    Rule("relation_loss_not_averaged", (("loss_data", TIMES_N),), lambda kind, c: (
        "Your data loss is the sum over the samples, not the average: divide it by the number of samples N "
        "(before adding the regularization)."), AVERAGING),
    Rule("relation_loss_averaged_twice", (("loss_data", OVER_N),), lambda kind, c: (
        "Your data loss is divided by the number of samples N twice, so it is N times too small; divide once."),
        AVERAGING),
    Rule("relation_loss_sign", (("loss_data",  MINUS),), lambda kind, c: (
        "Your data loss has the wrong sign: the Softmax loss is minus the average log-probability of the correct "
        "class, a positive number." if kind == "softmax" else
        "Your data loss has the wrong sign: the hinge loss of each wrong class is max(0, margin), never negative.")),
    Rule("relation_loss_without_data", (("loss_data", ZERO),), lambda kind, c: (
        f"Your loss has no data term, only the regularization: add {_data_loss_words(kind)} over the samples.")),
    Rule("relation_loss_without_reg", (("loss_reg", ZERO),), lambda kind, c: (
        f"Your loss has no regularization term: add {c.reg_text} to the averaged data loss."), REG),
    Rule("relation_loss_half_reg", (("loss_reg", HALF),), lambda kind, c: (
        f"Your loss adds {reg_loss_text(c, HALF)}, half of this assignment's regularization term {c.reg_text}."),
        REG),
    Rule("relation_loss_reg_twice", (("loss_reg", TWICE),), lambda kind, c: (
        f"Your loss adds the regularization term twice ({reg_loss_text(c, TWICE)} in all); add {c.reg_text} once."),
        REG),
    Rule("relation_loss_reg_before_average", (("loss_reg", OVER_N),), lambda kind, c: (
        f"The regularization term of your loss is divided by the number of samples N: add {c.reg_text} after "
        "averaging the data loss, not before."), REG | AVERAGING),
    Rule("relation_gradient_not_averaged", (("grad_data", TIMES_N),), lambda kind, c: (
        "Your dW is summed over the samples, not averaged: divide the data gradient by the number of samples N, "
        "like the loss."), AVERAGING),
    Rule("relation_gradient_averaged_twice", (("grad_data", OVER_N),), lambda kind, c: (
        "Your data gradient is divided by the number of samples N twice, so it is N times too small; divide once."),
        AVERAGING),
    Rule("relation_gradient_sign", (("grad_data", MINUS),), lambda kind, c: (
        "Your data gradient has the wrong sign: the derivative of the loss with respect to the scores is P - Y "
        "(probabilities minus one-hot labels), not Y - P." if kind == "softmax" else
        "Your data gradient has the wrong sign: for a wrong class j with a positive margin, column j of dW gets "
        "+X[i] and the correct column y[i] gets -X[i].")),
    Rule("relation_gradient_without_data", (("grad_data", ZERO),), lambda kind, c: (
        "Your dW has no data part, only the regularization gradient: add the gradient of the data loss "
        "(X.T times the coefficients of the scores, averaged).")),
    Rule("relation_gradient_half", (("grad_data", HALF),), lambda kind, c: (
        "Your data gradient is half the right one: a factor 2 is missing (the square of the squared hinge gives "
        "2 * max(0, margin))." if kind == "svm" and c.svm_loss == "squared_hinge" else
        "Your data gradient is half the right one: a factor 2 is missing.")),
    Rule("relation_gradient_twice", (("grad_data", TWICE),), lambda kind, c: (
        "Your data gradient is twice the right one: each contribution is counted twice, or a factor 2 is one "
        "too many.")),
    Rule("relation_gradient_without_reg", (("grad_reg", ZERO),), lambda kind, c: (
        f"Your dW has no regularization part: add {c.reg_gradient_text}, the derivative of {c.reg_text}."), REG),
    Rule("relation_gradient_half_reg", (("grad_reg", HALF),), lambda kind, c: (
        f"The regularization part of your dW is {reg_gradient_text(c, HALF)}, but the derivative of {c.reg_text} "
        f"is {c.reg_gradient_text}" + (" (the factor 2 comes from the square)." if c.reg_kind == "l2" else ".")),
        REG),
    Rule("relation_gradient_reg_twice", (("grad_reg", TWICE),), lambda kind, c: (
        f"Your dW gets the regularization gradient twice ({reg_gradient_text(c, TWICE)} in all); add "
        f"{c.reg_gradient_text} once."), REG),
    Rule("relation_gradient_reg_before_average", (("grad_reg", OVER_N),), lambda kind, c: (
        f"The regularization part of your dW is divided by the number of samples N: add {c.reg_gradient_text} "
        "after averaging the data gradient, not before."), REG | AVERAGING),
    Rule("relation_no_correct_class_gradient", (("correct", ZERO),), lambda kind, c: (
        "Your gradient never subtracts X[i] from the correct class column y[i]: the derivative of -log p_yi with "
        "respect to s_j is p_j - 1 when j == y[i] (dW = X.T.dot(P - Y) / N)." if kind == "softmax" else
        "Your gradient has no term for the correct class: the correct score appears in every margin with a minus "
        "sign, so column y[i] gets -X[i] once per positive margin.")),
    Rule("relation_correct_class_gradient_sign", (("correct", MINUS),), lambda kind, c: (
        "The correct class's part of your gradient has the wrong sign: dW is X.T.dot(P - Y) / N, with the one-hot "
        "labels Y subtracted." if kind == "softmax" else
        "The correct class's column of your gradient has the wrong sign: column y[i] gets -X[i] (not +X[i]) once "
        "per positive margin, because raising the correct score lowers the loss.")),
)
"""Every relation, the two-part mistakes first (`describe` uses the first that fits)."""


@dataclass(frozen=True)
class Described:
    """A relation as the student reads it."""

    id: str
    text: str
    covers: frozenset[str]


def describe(function: str, factors: Factors, course: Course) -> list[Described] | None:
    """The sentences for `factors`, one per rule, or None when some part has no rule that fits."""
    form = Formulation.of(course)
    kind = KIND_OF_FUNCTION[function]
    if all(getattr(factors, part) == ZERO for part in ("loss_data", "loss_reg", "grad_data", "grad_reg")):
        return None  # a loss of 0 and a dW of zeros: nothing is computed, no relation to name
    left = {f.name: getattr(factors, f.name) for f in fields(Factors) if getattr(factors, f.name) != ONE}
    found = []
    for rule in RULES:
        if kind in rule.kinds and all(left.get(part) == value for part, value in rule.sets):
            found.append(Described(rule.id, rule.sentence(kind, form), rule.covers))
            for part, _ in rule.sets:
                del left[part]
    return found if found and not left else None


def description(rule_id: str) -> str | None:
    """What a relation id stands for, for instructors (its sentence in CS231n's formulation)."""
    rule = next((r for r in RULES if r.id == rule_id), None)
    return None if rule is None else rule.sentence(rule.kinds[0], Formulation())
