"""The reference loss functions, loaded into the grader (never into a child).

They are the course's rendered solutions: `solutions/` with its generated lines written
for course.toml (`autograder.release.course_solutions`), whether or not `autograder build`
has been run since course.toml changed. They are compiled by file path under private
module names, so that nothing called `cs231n` is ever imported into the grading process.
"""

import functools
import types
from pathlib import Path

from autograder.formulation import Formulation, current
from autograder.paths import solutions_dir

_FILES = {"svm": "linear_svm.py", "softmax": "softmax.py"}


@functools.cache
def _source(kind: str, root: str, formulation: Formulation) -> str:
    from autograder.release.course_solutions import rendered_source

    return rendered_source(f"cs231n/classifiers/{_FILES[kind]}", formulation, Path(root))


def source(kind: str) -> str:
    """The text of the course's reference file for 'svm' or 'softmax' (what `loss_function` runs)."""
    return _source(kind, str(solutions_dir()), current())


@functools.cache
def _module(kind: str, root: str, formulation: Formulation):
    module = types.ModuleType(f"_autograder_reference_{kind}")
    module.__file__ = f"{root}/cs231n/classifiers/{_FILES[kind]}"
    code = compile(_source(kind, root, formulation), module.__file__, "exec")
    exec(code, module.__dict__)  # noqa: S102 - our own solutions
    return module


def loss_function(kind: str):
    """The reference vectorized loss for 'svm' or 'softmax': (W, X, y, reg) -> (loss, dW)."""
    module = _module(kind, str(solutions_dir()), current())
    return getattr(module, f"{kind}_loss_vectorized")


def kind_of(function: str) -> str:
    """'svm' for svm_loss_*, 'softmax' for softmax_loss_*."""
    return "svm" if function.startswith("svm") else "softmax"
