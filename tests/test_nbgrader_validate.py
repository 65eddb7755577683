"""`nbgrader validate` (the students' Validate button) on the notebooks `autograder nbgrader` releases.

Each autograded cell runs its function's public checks: on the stubs Validate
fails and says, per function, which public checks fail and what they say; on a
correct solution (with the inline questions answered) it passes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.nbgrader_course.course import ASSIGNMENT, init_course
from autograder.nbgrader_course.gradecells import (
    PYTEST_ARGS,
    cell_source,
    public_checks_command,
    rubric_by_function,
)
from autograder.nbgrader_course.workflow import run_nbgrader
from autograder.parts import graded_files
from autograder.paths import assignment_dir, solutions_dir

GRADED_FILES = graded_files()  # the linear classifiers' (the default course)


@pytest.mark.parametrize("function", sorted(rubric_by_function()))
def test_each_autograded_cell_selects_public_checks_of_its_function(function):
    selection = public_checks_command(rubric_by_function()[function])
    assert selection is not None
    collected = subprocess.run([sys.executable, *PYTEST_ARGS, "--collect-only", *selection], cwd=assignment_dir(),
                               capture_output=True, text=True, check=False)
    assert collected.returncode == 0, collected.stdout[-2000:]
    tests = [line for line in collected.stdout.splitlines() if "::" in line]
    assert tests, f"pytest {' '.join(selection)} selects no public check"


CACHES = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".ipynb_checkpoints", "*.pyc")


def run_cell(function: str, folder: Path) -> subprocess.CompletedProcess:
    """The autograded cell of `function` run as a script in a release folder, as the kernel runs it."""
    return subprocess.run([sys.executable, "-c", cell_source(rubric_by_function()[function])], cwd=folder,
                          capture_output=True, text=True, check=False, timeout=300)


def test_an_autograded_cell_runs_the_public_checks_of_its_function(tmp_path):
    release = tmp_path / "release"
    shutil.copytree(assignment_dir(), release, ignore=CACHES)
    stub = run_cell("svm_loss_naive", release)
    assert stub.returncode != 0
    assert "AssertionError: svm_loss_naive does not pass its public checks" in stub.stderr
    assert re.search(r"^- test_\w+\[svm_loss_naive\]$", stub.stderr, re.M), stub.stderr
    assert "svm_loss_vectorized]" not in stub.stderr  # only its own function's checks

    for relative in GRADED_FILES:
        shutil.copy(solutions_dir() / relative, release / relative)
    solved = run_cell("predict", release)
    assert solved.returncode == 0, solved.stderr
    assert "LinearClassifier.predict passes its public checks" in solved.stdout

    svm = release / "cs231n" / "classifiers" / "linear_svm.py"
    svm.write_text("import tqdm_not_installed\n" + svm.read_text())
    broken = run_cell("svm_loss_vectorized", release)
    assert broken.returncode != 0
    assert "ModuleNotFoundError: No module named 'tqdm_not_installed'" in broken.stderr, broken.stderr


def nbgrader_validate(folder: Path, notebook: str) -> str:
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate", notebook], cwd=folder, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False, timeout=600)
    return done.stdout


def test_validate_names_the_failing_checks_of_a_stub_and_passes_a_solution(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    course = tmp_path / "course"
    init_course(course, exchange=tmp_path / "exchange")
    generated = run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    assert generated.returncode == 0, generated.errors()
    released = course / "release" / ASSIGNMENT
    assert (released / "requirements.txt").read_bytes() == (assignment_dir() / "requirements.txt").read_bytes()

    stubs = tmp_path / "stubs"
    shutil.copytree(released, stubs)
    said = nbgrader_validate(stubs, "svm.ipynb")
    assert "VALIDATION FAILED" in said, said[-3000:]
    for function in ("svm_loss_naive", "svm_loss_vectorized"):
        assert f"AssertionError: {function} does not pass its public checks" in said, said[-5000:]
        assert re.search(rf"^\s+- test_\w+\[{function}\]$", said, re.M), said[-5000:]
    assert "LinearClassifier.train does not pass its public checks" in said
    assert "You did not provide a response." in said  # the inline questions

    solved = tmp_path / "solved"
    shutil.copytree(released, solved)
    for relative in GRADED_FILES:
        shutil.copy(solutions_dir() / relative, solved / relative)
    nb = nbformat.read(solved / "svm.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "The hinge has a kink at a zero margin."
    nbformat.write(nb, solved / "svm.ipynb")
    said = nbgrader_validate(solved, "svm.ipynb")
    assert "Success! Your notebook passes all the tests." in said, said[-5000:]
