"""The reference loss functions, loaded into the grader (never into a child).

They are read from `solutions/` by file path under private module names, so that
nothing called `cs231n` is ever imported into the grading process.
"""

import functools
import importlib.util

from autograder.paths import solutions_dir

_FILES = {"svm": "linear_svm.py", "softmax": "softmax.py"}


@functools.cache
def _module(kind: str):
    path = solutions_dir() / "cs231n" / "classifiers" / _FILES[kind]
    spec = importlib.util.spec_from_file_location(f"_autograder_reference_{kind}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def loss_function(kind: str):
    """The reference vectorized loss for 'svm' or 'softmax': (W, X, y, reg) -> (loss, dW)."""
    module = _module(kind)
    return getattr(module, f"{kind}_loss_vectorized")


def kind_of(function: str) -> str:
    """'svm' for svm_loss_*, 'softmax' for softmax_loss_*."""
    return "svm" if function.startswith("svm") else "softmax"
