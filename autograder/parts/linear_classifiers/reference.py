"""The reference loss functions of the linear classifiers, loaded into the grader (never into a
child) by `autograder.grading.reference`: the course's rendered solutions."""

from autograder.grading.reference import solution_module, solution_source

_FILES = {"svm": "cs231n/classifiers/linear_svm.py", "softmax": "cs231n/classifiers/softmax.py"}


def source(kind: str) -> str:
    """The text of the course's reference file for 'svm' or 'softmax' (what `loss_function` runs)."""
    return solution_source(_FILES[kind])


def loss_function(kind: str):
    """The reference vectorized loss for 'svm' or 'softmax': (W, X, y, reg) -> (loss, dW)."""
    return getattr(solution_module(_FILES[kind]), f"{kind}_loss_vectorized")


def kind_of(function: str) -> str:
    """'svm' for svm_loss_*, 'softmax' for softmax_loss_*."""
    return "svm" if function.startswith("svm") else "softmax"
