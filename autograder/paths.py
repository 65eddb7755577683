"""Where the course material lives: the checkout this package was installed from.

Everything that needs `solutions/` or `assignment/` asks here. The package is
installed editable from a checkout (`pip install -e .`, as tox does), so the
material sits beside the `autograder/` folder; `AUTOGRADER_MATERIAL` points
elsewhere (a Gradescope image, an unpacked course bundle).
"""

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


class MaterialNotFound(RuntimeError):
    """The reference solutions or the release folder cannot be found."""


def material_root() -> Path:
    """The folder holding `solutions/` and `assignment/`."""
    override = os.environ.get("AUTOGRADER_MATERIAL")
    root = Path(override) if override else _PACKAGE_DIR.parent
    if not (root / "solutions").is_dir():
        raise MaterialNotFound(
            f"{root / 'solutions'} does not exist: install the autograder editable from a "
            "checkout (pip install -e .) or set AUTOGRADER_MATERIAL to the folder that "
            "holds solutions/ and assignment/"
        )
    return root


def solutions_dir() -> Path:
    """The reference implementations (instructor only, never shipped to students)."""
    return material_root() / "solutions"


def assignment_dir() -> Path:
    """The student release: stubs, notebooks and public checks."""
    return material_root() / "assignment"


PARTS_PATH_VARIABLE = "AUTOGRADER_PARTS_PATH"
"""Folders of further parts of the assignment (os.pathsep-separated; `autograder.parts`)."""


def extra_parts_path() -> str:
    """AUTOGRADER_PARTS_PATH as this process sees it (handed to the sandbox's processes, which
    load every part's harness but see none of the grader's environment)."""
    return os.environ.get(PARTS_PATH_VARIABLE, "")


def cache_dir() -> Path:
    """This user's cache folder for what the grader computes once and keeps (examples, reference
    answers, the CS231n-size problem); ``AUTOGRADER_CACHE_DIR`` overrides it."""
    override = os.environ.get("AUTOGRADER_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cs231n-autograder"
