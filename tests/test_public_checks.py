"""The students' public checks (assignment/tests) pass on the reference and fail on the stubs.

Each run uses a temporary copy of assignment/ and plain `python -m pytest` in it,
as a student runs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from autograder.paths import assignment_dir, solutions_dir

GRADED_FUNCTIONS = (
    "svm_loss_naive",
    "svm_loss_vectorized",
    "softmax_loss_naive",
    "softmax_loss_vectorized",
    "train",
    "predict",
)
PUBLIC_MODULES = ("test_linear_svm", "test_softmax", "test_linear_classifier")
"""The checks of the graded functions (each fails on the stubs)."""
OTHER_MODULES = ("test_imports",)
"""Checks that pass on the stubs (the stubs import only numpy)."""
CACHES = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".ipynb_checkpoints", "*.pyc")


def release_copy(tmp_path: Path, package: Path) -> Path:
    """assignment/ copied to tmp_path, with `package` as its cs231n/."""
    folder = tmp_path / "release"
    shutil.copytree(assignment_dir(), folder, ignore=CACHES)
    shutil.rmtree(folder / "cs231n")
    shutil.copytree(package, folder / "cs231n", ignore=CACHES)
    return folder


def run_public_checks(folder: Path) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """Plain pytest in `folder`; returns the process and one dict per test case."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTHONPATH")}
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--junitxml=report.xml"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    suite = ET.parse(folder / "report.xml").getroot().find("testsuite")
    cases = []
    for case in suite.iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        cases.append(
            {
                "module": case.get("classname", "").rsplit(".", 1)[-1],
                "name": case.get("name", ""),
                "failed": problem is not None,
                "message": "" if problem is None else problem.get("message", ""),
            }
        )
    completed.duration = float(suite.get("time"))
    return completed, cases


def test_public_checks_pass_on_the_reference_quickly(tmp_path):
    folder = release_copy(tmp_path, solutions_dir() / "cs231n")
    completed, cases = run_public_checks(folder)
    print(f"public checks on the reference: {len(cases)} tests in {completed.duration:.2f} s")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert {case["module"] for case in cases} == set(PUBLIC_MODULES + OTHER_MODULES)
    assert not [case for case in cases if case["failed"]]
    # The target is < 2 s; a generous bound here, so that a loaded machine is no failure.
    assert completed.duration < 10, f"the public checks took {completed.duration:.1f} s"


def test_public_checks_fail_on_the_stubs(tmp_path):
    folder = release_copy(tmp_path, assignment_dir() / "cs231n")
    completed, cases = run_public_checks(folder)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    failed = [case for case in cases if case["failed"]]
    for module in PUBLIC_MODULES:
        assert any(case["module"] == module for case in failed), f"{module} passes on the stubs"
    for function in GRADED_FUNCTIONS:
        assert any(function in case["name"] for case in failed), (
            f"no public check of {function} fails on its stub"
        )
    # Every failure is an assertion with its message, not a crash inside the check.
    crashes = [case for case in failed if not case["message"].startswith("AssertionError: ")]
    assert not crashes, f"public checks that crash on the stubs: {crashes}"
