"""The linear classifiers' names for their notebook sources (`release_notebooks.notebook_context`)."""

from dataclasses import fields

from autograder.course import Course
from autograder.parts.linear_classifiers.formulation import Formulation


def context(course: Course) -> dict:
    """The course's formulation in every form a notebook says it: each field of `Formulation`
    and each of its public properties (`reg_text`, ...) under its own name, so that what the
    formulation learns to say the notebooks can say; which loss and regularization the course
    teaches, and the SVM loss at W = 0."""
    form = Formulation.of(course)
    words = {f.name: getattr(form, f.name) for f in fields(form)}
    for name, member in vars(Formulation).items():
        if isinstance(member, property) and not name.startswith("_"):
            words[name] = getattr(form, name)
    return {
        **words,
        "hinge": form.svm_loss == "hinge",
        "squared_hinge": form.svm_loss == "squared_hinge",
        "l1": form.reg_kind == "l1",
        "l2": form.reg_kind == "l2",
        # One wrong class's loss at W = 0, and the whole SVM loss at W = 0 for 10 classes.
        "svm_class_loss_at_zero": f"{form.svm_loss_at_zero(2):g}",
        "svm_loss_at_zero_10": f"{form.svm_loss_at_zero(10):g}",
    }
