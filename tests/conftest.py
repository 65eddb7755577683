"""Shared fixtures: submissions built from the reference, the stubs and the bug catalogue."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# The hidden examples are cached on disk; keep the tests' cache out of the user's home
# (one folder for all xdist workers: the cache is written atomically).
os.environ.setdefault("AUTOGRADER_CACHE_DIR", str(Path(tempfile.gettempdir()) / "cs231n-autograder-test-cache"))

from autograder.catalogue.mutants import materialise  # noqa: E402
from autograder.paths import assignment_dir, solutions_dir  # noqa: E402

REFERENCE_FILES = {
    name: (solutions_dir() / "cs231n" / "classifiers" / name).read_text()
    for name in ("linear_svm.py", "softmax.py", "linear_classifier.py")
}


@pytest.fixture
def reference_submission(tmp_path) -> Path:
    return materialise(None, tmp_path / "reference")


@pytest.fixture
def stub_submission(tmp_path) -> Path:
    folder = tmp_path / "stubs"
    shutil.copytree(assignment_dir() / "cs231n", folder / "cs231n", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def submission_with(tmp_path: Path, name: str, **replacements: str) -> Path:
    """The reference with whole files replaced: submission_with(tmp, "x", linear_svm="...")."""
    folder = materialise(None, tmp_path / name)
    for module, text in replacements.items():
        (folder / "cs231n" / "classifiers" / f"{module}.py").write_text(text)
    return folder


def replace_function(module: str, function: str, new_source: str) -> str:
    """The reference module's text with one top-level function replaced by `new_source`."""
    import ast

    text = REFERENCE_FILES[f"{module}.py"]
    tree = ast.parse(text)
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function)
    lines = text.splitlines(keepends=True)
    return "".join(lines[: node.lineno - 1]) + new_source.strip("\n") + "\n" + "".join(lines[node.end_lineno :])
