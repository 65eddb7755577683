"""The generated lines of the linear classifiers' solution files (see `autograder.release.slots`):
the margin, the hinge or its square, the regularization term and its gradient, and the
docstring and TODO box sentences that describe them, for the course's formulation."""

from __future__ import annotations

import dataclasses

from autograder.parts.linear_classifiers.formulation import Formulation
from autograder.release.slots import Slot, comment_box, nobreak


def _svm_naive_todo(f: Formulation) -> list[str]:
    if f.is_squared:
        per_class = (f"the squared margin adds to the loss, column j of dW gets {nobreak('+2 * margin * X[i]')} "
                     f"and column y[i] gets {nobreak('-2 * margin * X[i]')}.")
    else:
        per_class = "the margin adds to the loss, column j of dW gets +X[i] and column y[i] gets -X[i]."
    return comment_box(
        "TODO: Compute the loss and its gradient dW with loops over the samples and the classes. "
        f"For every class j != y[i] with a positive margin, {per_class} Average over the samples, "
        f"then add the regularization term {nobreak(f.reg_text)} and its gradient "
        f"{nobreak(f.reg_gradient_text)}.")


def _svm_vectorized_todo(f: Formulation) -> list[str]:
    if f.is_squared:
        matrix = ("a matrix that says how much of each sample (2 * its positive margin) is added to or "
                  "subtracted from each column of dW.")
    else:
        matrix = "a matrix that says how often each sample adds or subtracts itself from each column of dW."
    return comment_box(
        "TODO: Implement a vectorized version of the structured SVM loss and its gradient. Compute all "
        "the scores at once (X.dot(W)), pick the correct class scores with integer array indexing, "
        f"and build {matrix}")


def _svm_module_doc(f: Formulation) -> list[str]:
    form = "squared hinge, L2-SVM" if f.is_squared else "Weston-Watkins form"
    return [f'"""Multiclass SVM loss ({form}, margin delta = {f.delta_text}) and its gradient.']


_SVM_SLOTS = (
    Slot("module docstring", r'"""Multiclass SVM loss \(.*\) and its gradient\.', _svm_module_doc),
    Slot("svm_loss_naive docstring: the loss", r"sum_\{j != y_i\} .*, plus .*;",
         lambda f: [f"sum_{{j != y_i}} {f.svm_term_text}, plus {f.reg_text};"]),
    Slot("svm_loss_naive TODO box", r"# TODO: Compute the loss and its gradient dW with loops .*", _svm_naive_todo,
         box=True),
    Slot("svm_loss_naive margin", r"margin = scores\[j\] - correct_class_score \+ .*",
         lambda f: [f"margin = scores[j] - correct_class_score + {f.delta_code}  # note delta = {f.delta_text}"]),
    Slot("svm_loss_naive loss of a class", r"loss \+= margin(\*\*2)?",
         lambda f: ["loss += margin**2" if f.is_squared else "loss += margin"]),
    Slot("svm_loss_naive gradient of column j", r"dW\[:, j\] \+= .*X\[i\]",
         lambda f: ["dW[:, j] += 2 * margin * X[i]" if f.is_squared else "dW[:, j] += X[i]"]),
    Slot("svm_loss_naive gradient of column y[i]", r"dW\[:, y\[i\]\] -= .*X\[i\]",
         lambda f: ["dW[:, y[i]] -= 2 * margin * X[i]" if f.is_squared else "dW[:, y[i]] -= X[i]"]),
    Slot("svm_loss_naive regularization", r"loss \+= .*reg \* np\.sum\(.*\)", lambda f: [f"loss += {f.reg_loss_code}"]),
    Slot("svm_loss_naive regularization gradient", r"dW \+= .*reg \* .*", lambda f: [f"dW += {f.reg_gradient_code}"]),
    Slot("svm_loss_vectorized TODO box", r"# TODO: Implement a vectorized version of the structured SVM .*",
         _svm_vectorized_todo, box=True),
    Slot("svm_loss_vectorized margins", r"margins = np\.maximum\(0, scores - correct_class_scores \+ .*\)",
         lambda f: [f"margins = np.maximum(0, scores - correct_class_scores + {f.delta_code})"]),
    Slot("svm_loss_vectorized loss", r"loss = float\(.*margins.*\.sum\(\) / num_train \+ .*\)",
         lambda f: [f"loss = float({'(margins**2)' if f.is_squared else 'margins'}.sum() / num_train + "
                    f"{f.reg_loss_code})"]),
    Slot("svm_loss_vectorized coefficients", r"coefficients = .*margins.*",
         lambda f: ["coefficients = 2 * margins" if f.is_squared
                    else "coefficients = (margins > 0).astype(scores.dtype)"]),
    Slot("svm_loss_vectorized gradient", r"dW = X\.T\.dot\(coefficients\) / num_train \+ .*",
         lambda f: [f"dW = X.T.dot(coefficients) / num_train + {f.reg_gradient_code}"]),
)

_SOFTMAX_SLOTS = (
    Slot("softmax_loss_naive docstring: the regularization", r"(\S+ \* )?reg \* sum\(.*\);",
         lambda f: [f"{f.reg_text};"]),
    Slot("softmax_loss_naive regularization", r"loss \+= .*reg \* np\.sum\(.*\)", lambda f: [f"loss += {f.reg_loss_code}"]),
    Slot("softmax_loss_naive regularization gradient", r"dW \+= .*reg \* .*",
         lambda f: [f"dW += {f.reg_gradient_code}"]),
    Slot("softmax_loss_vectorized loss", r"loss = float\(-log_probs\[rows, y\]\.sum\(\) / num_train \+ .*\)",
         lambda f: [f"loss = float(-log_probs[rows, y].sum() / num_train + {f.reg_loss_code})"]),
    Slot("softmax_loss_vectorized gradient", r"dW = X\.T\.dot\(dscores\) / num_train \+ .*",
         lambda f: [f"dW = X.T.dot(dscores) / num_train + {f.reg_gradient_code}"]),
)

def _for_the_course(slots: tuple[Slot, ...]) -> tuple[Slot, ...]:
    """The slots as the release calls them, with the course: each renders its formulation."""
    return tuple(dataclasses.replace(slot, render=lambda course, render=slot.render: render(Formulation.of(course)))
                 for slot in slots)


SLOTS: dict[str, tuple[Slot, ...]] = {
    "cs231n/classifiers/linear_svm.py": _for_the_course(_SVM_SLOTS),
    "cs231n/classifiers/softmax.py": _for_the_course(_SOFTMAX_SLOTS),
}
"""The generated lines of each solution file (paths relative to solutions/): every other
line is the instructor's, and `autograder build` never touches it."""
