"""Recognising a submission written for another formulation than the course's.

Students follow the handout they were given, and handouts differ: the squared hinge
or the plain one, another margin delta, `0.5 * reg * sum(W**2)` or `reg * sum(W**2)`,
L1 or L2. When an answer is wrong, the hidden properties ask here whether it is the
right answer of a neighbouring formulation (computed with `formulation.py`'s
math, never with copies of it), so that the hint names the difference in the
course's words. This is the only place that knows which mistakes are conventions.
"""

from __future__ import annotations

import numpy as np

from autograder.grading.hints import Hint, about
from autograder.grading.properties.base import close
from autograder.parts.linear_classifiers.formulation import Formulation, current


def _answer(formulation: Formulation, kind: str, W, X, y, reg):
    compute = formulation.svm_loss_and_gradient if kind == "svm" else formulation.softmax_loss_and_gradient
    return compute(W, X, y, reg)


def other_formulation(kind: str, W, X, y, reg, loss, dW, ref_loss, ref_dW) -> Hint | None:
    """A hint when (loss, dW) is another formulation's exact answer and not the course's.

    Only a full match counts (loss and gradient of a neighbouring formulation), so an
    ordinary bug is never mistaken for a convention. When several formulations give that
    answer on this input (at reg = 0 the regularization cannot be told apart, a sample
    whose margins are all negative hides the square), the hint names only what they all
    have in common.
    """
    course = current()
    matches = []
    for other in course.neighbours(kind):
        other_loss, other_dW = _answer(other, kind, W, X, y, reg)
        if close(other_loss, ref_loss) and close(other_dW, ref_dW):
            continue  # indistinguishable from the course's on this input
        if close(loss, other_loss) and (dW is None or close(dW, other_dW)):
            matches.append(other)
    return _common_hint(course, matches)


def _common_hint(course: Formulation, matches: list[Formulation]) -> Hint | None:
    if not matches:
        return None
    shared = set.intersection(*(set(course.differences(m)) for m in matches))
    words = [w for w in course.differences(matches[0]) if w in shared]
    if not words:
        return None
    topics = {topic for m in matches for topic in _topics(course, m)}
    return about(f"your function follows another formulation: {'; '.join(words)} (see the docstring and course.toml).",
                *sorted(topics))


def _topics(course: Formulation, other: Formulation) -> list[str]:
    """The hint topics (`grading.hints`) of what `other` does differently from the course."""
    return [topic for topic, differs in (("hinge", other.svm_loss != course.svm_loss),
                                         ("delta", other.delta != course.delta),
                                         ("regularization", (other.reg_kind, other.reg_scale)
                                          != (course.reg_kind, course.reg_scale))) if differs]


def svm_loss_at_zero(num_classes: int, at_zero: float) -> Hint | None:
    """A hint when the SVM loss at W = 0 is another formulation's ((C-1)*delta, (C-1)*delta**2)."""
    course = current()
    matches = [other for other in course.neighbours("svm")
               if other.svm_loss_at_zero(num_classes) != course.svm_loss_at_zero(num_classes)
               and close(at_zero, other.svm_loss_at_zero(num_classes))]
    return _common_hint(course, matches)


def regularization_term(W, reg: float, n: int, diff: float) -> Hint | None:
    """Why loss(reg) - loss(0) = `diff` is not the course's term: which formulation's it is."""
    course = current()
    penalty = reg * course.reg_term(W)
    hints = [(0.0, "reg is not used in the loss at all.")]
    for other in course.neighbours("reg"):
        hints.append((reg * other.reg_term(W), _term_hint(course, other)))
    hints.append((penalty / n, f"this is {course.reg_text} / N: add the regularization after dividing the "
                               "data loss by N."))
    return about(" Or: ".join(h for v, h in hints if close(diff, v) and not close(v, penalty)), "regularization")


def _term_hint(course: Formulation, other: Formulation) -> str:
    owner = "CS231n's" if course.is_default else "the course's"
    if other.reg_kind == course.reg_kind and course.reg_scale == 1.0:
        return f"this is {other.reg_text}; {owner} convention is {course.reg_text}, with no {other.reg_scale:g}."
    return f"this is {other.reg_text}; {owner} convention is {course.reg_text}."


def regularization_gradient(W, reg: float, n: int, gdiff: np.ndarray) -> Hint | None:
    """Why dW(reg) - dW(0) = `gdiff` is not the course's gradient term."""
    course = current()
    expected = reg * course.reg_gradient(W)
    hints = [(0 * W, "the gradient has no regularization term.")]
    for other in course.neighbours("reg"):
        hints.append((reg * other.reg_gradient(W),
                      f"this is {other.reg_gradient_text}: the derivative of {course.reg_text} is "
                      f"{course.reg_gradient_text}."))
    hints.append((expected / n, f"this is {course.reg_gradient_text} / N: add the term after dividing by N."))
    return about(" Or: ".join(h for v, h in hints if close(gdiff, v) and not close(v, expected)), "regularization")
