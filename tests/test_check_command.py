"""`autograder check [DIR]`: runs the public checks of a release folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from autograder.cli import main
from autograder.paths import assignment_dir, solutions_dir

CACHES = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".ipynb_checkpoints", "*.pyc")


def release_copy(tmp_path: Path, package: Path) -> Path:
    folder = tmp_path / "release"
    shutil.copytree(assignment_dir(), folder, ignore=CACHES)
    shutil.rmtree(folder / "cs231n")
    shutil.copytree(package, folder / "cs231n", ignore=CACHES)
    return folder


def autograder_check(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_passes_on_the_reference_in_the_current_folder(tmp_path):
    folder = release_copy(tmp_path, solutions_dir() / "cs231n")
    completed = autograder_check(cwd=folder)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "passed" in completed.stdout


def test_fails_on_the_stubs_with_pytests_exit_code(tmp_path):
    folder = release_copy(tmp_path, assignment_dir() / "cs231n")
    completed = autograder_check(str(folder), cwd=tmp_path)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "failed" in completed.stdout


def test_passes_other_exit_codes_through(tmp_path):
    (tmp_path / "cs231n").mkdir()
    (tmp_path / "tests").mkdir()
    completed = autograder_check(str(tmp_path), cwd=tmp_path)
    assert completed.returncode == 5, completed.stdout  # pytest: no tests collected


def test_a_folder_that_is_not_a_release_is_a_clear_error(tmp_path):
    (tmp_path / "cs231n").mkdir()
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path.resolve()} is not a release folder" in result.output
    assert "tests/" in result.output and "Traceback" not in result.output


def test_a_missing_folder_is_a_clear_error(tmp_path):
    missing = tmp_path / "nowhere"
    result = CliRunner().invoke(main, ["check", str(missing)])
    assert result.exit_code == 1
    assert f"{missing} is not a folder" in result.output
