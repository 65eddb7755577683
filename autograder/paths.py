"""Where the course material lives: the repository in a checkout, a bundled copy in a wheel.

Everything that needs `solutions/` or `assignment/` asks here, so that the same
code works from a git checkout (editable install) and from an installed wheel,
which carries both folders under `autograder/_bundle/`.
"""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def material_root() -> Path:
    """The folder holding `solutions/` and `assignment/`."""
    bundle = _PACKAGE_DIR / "_bundle"
    if (bundle / "solutions").is_dir():
        return bundle
    return _PACKAGE_DIR.parent


def solutions_dir() -> Path:
    """The reference implementations (instructor only, never shipped to students)."""
    return material_root() / "solutions"


def assignment_dir() -> Path:
    """The student release: stubs, notebooks and public checks."""
    return material_root() / "assignment"


GRADED_FILES = (
    "cs231n/classifiers/linear_svm.py",
    "cs231n/classifiers/softmax.py",
    "cs231n/classifiers/linear_classifier.py",
)
"""The only files a submission contributes (DESIGN principle 2)."""
