"""The linear classifiers' names for their notebook sources (`release_notebooks.notebook_context`)."""

from autograder.formulation import Formulation


def context(form: Formulation) -> dict:
    """Which loss and regularization the course teaches, and the SVM loss at W = 0."""
    return {
        "hinge": form.svm_loss == "hinge",
        "squared_hinge": form.svm_loss == "squared_hinge",
        "l1": form.reg_kind == "l1",
        "l2": form.reg_kind == "l2",
        # One wrong class's loss at W = 0, and the whole SVM loss at W = 0 for 10 classes.
        "svm_class_loss_at_zero": f"{form.svm_loss_at_zero(2):g}",
        "svm_loss_at_zero_10": f"{form.svm_loss_at_zero(10):g}",
    }
