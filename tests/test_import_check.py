"""Imports the grader does not have: the public check `assignment/tests/test_imports.py` and `autograder check`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from autograder.check import IMPORT_CHECK, load_module
from autograder.parts import graded_files
from autograder.paths import assignment_dir, solutions_dir

GRADED_FILES = graded_files()  # the linear classifiers' (the default course)

CACHES = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".ipynb_checkpoints", "*.pyc")
SVM = "cs231n/classifiers/linear_svm.py"


CHECK = load_module(assignment_dir() / IMPORT_CHECK, "release_import_check")


def reference_release(tmp_path: Path, first_lines: str = "") -> Path:
    """A copy of the release with the reference solutions, `first_lines` put at the top of linear_svm.py."""
    folder = tmp_path / "release"
    shutil.copytree(assignment_dir(), folder, ignore=CACHES)
    shutil.rmtree(folder / "cs231n")
    shutil.copytree(solutions_dir() / "cs231n", folder / "cs231n", ignore=CACHES)
    svm = folder / SVM
    svm.write_text(first_lines + svm.read_text())
    return folder


def test_the_release_check_scans_exactly_the_graded_files():
    assert CHECK.GRADED_FILES == GRADED_FILES


def test_finds_each_foreign_import_with_its_line():
    text = "\n".join([
        "from __future__ import print_function",
        "from builtins import range",
        "from past.builtins import xrange",
        "import numpy as np, os.path",
        "import tqdm",
        "from . import linear_svm",
        "from cs231n.data_utils import get_linear_classifier_data",
        "import numpy.linalg",
        "def f():",
        "    from scipy.special import logsumexp",
        "    import sklearn.utils as u, math",
        "    return logsumexp",
    ])
    found = CHECK.foreign_imports(text, SVM)
    assert [(f.line, f.module, f.statement) for f in found] == [
        (3, "past", "from past.builtins import xrange"),
        (5, "tqdm", "import tqdm"),
        (10, "scipy", "from scipy.special import logsumexp"),
        (11, "sklearn", "import sklearn.utils as u, math"),
    ]
    assert found[1].describe().startswith(f"{SVM}, line 5: `import tqdm` imports tqdm, which the grader does not have")


def test_a_file_that_does_not_parse_is_left_to_the_other_checks():
    assert CHECK.foreign_imports("def broken(:\n    import tqdm\n", SVM) == []


def test_the_public_check_fails_naming_the_import_and_the_line(tmp_path):
    folder = reference_release(tmp_path, "from tqdm import tqdm\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", str(IMPORT_CHECK)], cwd=folder,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stdout
    assert "1 failed, 2 passed" in run.stdout
    assert f"{SVM}, line 1: `from tqdm import tqdm` imports tqdm" in run.stdout


def test_autograder_check_warns_before_running_the_checks(tmp_path):
    folder = reference_release(tmp_path, '"""My SVM."""\nimport os\nfrom past.builtins import xrange\n')
    # The student's machine has the `future` package (here a stand-in), the grader has not.
    (folder / "past").mkdir()
    (folder / "past" / "__init__.py").write_text("")
    (folder / "past" / "builtins.py").write_text("xrange = range\n")
    run = subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(folder)], cwd=tmp_path,
                         capture_output=True, text=True, check=False)
    assert run.stderr.startswith(f"warning: {SVM}, line 3: `from past.builtins import xrange` imports past, "), \
        run.stderr
    assert run.stderr.count("warning:") == 1
    assert run.returncode == 1 and "1 failed," in run.stdout, run.stdout  # pytest's: only the import check fails
    assert f"{SVM}, line 3: `from past.builtins import xrange`" in run.stdout


def test_autograder_check_is_silent_about_a_clean_release(tmp_path):
    run = subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(reference_release(tmp_path))],
                         cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "warning" not in run.stderr


def test_the_standard_library_is_known_before_python_3_10_too(monkeypatch):
    known = CHECK.standard_library()
    monkeypatch.delattr(sys, "stdlib_module_names")
    listed = CHECK.standard_library()
    assert {"os", "math", "json", "collections", "__future__", "builtins", "itertools"} <= listed
    assert not {"numpy", "tqdm", "past", "scipy", "sklearn"} & listed
    assert len(listed & known) > 0.8 * len(known)
