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
    public_checks_command,
    rubric_by_function,
)
from autograder.nbgrader_course.workflow import run_nbgrader
from autograder.paths import GRADED_FILES, assignment_dir, solutions_dir


@pytest.mark.parametrize("function", sorted(rubric_by_function()))
def test_each_autograded_cell_selects_public_checks_of_its_function(function):
    selection = public_checks_command(rubric_by_function()[function])
    assert selection is not None
    collected = subprocess.run([sys.executable, *PYTEST_ARGS, "--collect-only", *selection], cwd=assignment_dir(),
                               capture_output=True, text=True, check=False)
    assert collected.returncode == 0, collected.stdout[-2000:]
    tests = [line for line in collected.stdout.splitlines() if "::" in line]
    assert tests, f"pytest {' '.join(selection)} selects no public check"


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
