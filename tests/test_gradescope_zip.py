"""`autograder gradescope build`: the zip, and its run_autograder run in a temporary folder
laid out like Gradescope's /autograder (with this environment's Python instead of setup.sh's)."""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile

import pytest
from batch_helpers import deterministic_results, graded_class  # noqa: F401
from click.testing import CliRunner

from autograder.cli import main
from autograder.paths import cache_dir
from autograder.report.results import deterministic_view, validate


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    path = tmp_path_factory.mktemp("zip") / "autograder.zip"
    result = CliRunner().invoke(main, ["gradescope", "build", "--out", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_the_zip_holds_the_scripts_the_hidden_suite_and_the_material(autograder_zip, tmp_path):
    with zipfile.ZipFile(autograder_zip) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        requirements = archive.read("requirements.txt").decode()
    for name in ("setup.sh", "run_autograder", "requirements.txt", "autograder/grading/engine.py",
                 "autograder/parts/linear_classifiers/rubric.toml", "autograder/sandbox/child.py", "autograder/gradescope/run.py",
                 "solutions/cs231n/classifiers/linear_svm.py", "assignment/cs231n/classifiers/softmax.py",
                 "assignment/cs231n/data_utils.py"):
        assert name in infos, name
    assert not [n for n in infos if "__pycache__" in n or n.endswith(".pyc") or n.startswith("tests/")]
    for name in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(infos[name].external_attr >> 16) == 0o755
    import hypothesis
    import numpy

    assert f"numpy=={numpy.__version__}" in requirements and f"hypothesis=={hypothesis.__version__}" in requirements
    again = tmp_path / "again.zip"
    assert CliRunner().invoke(main, ["gradescope", "build", "--out", str(again)]).exit_code == 0
    assert again.read_bytes() == autograder_zip.read_bytes()  # reproducible


def _gradescope_layout(root, autograder_zip, files):
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):  # extractall drops the modes
        (root / "source" / name).chmod(0o755)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for path in files:
        shutil.copy(path, root / "submission" / path.name)


def _run(root):
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable,
               AUTOGRADER_CACHE_DIR=str(cache_dir()))
    env.pop("AUTOGRADER_MATERIAL", None)
    return subprocess.run(["bash", str(root / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_setup_sh_and_run_autograder_are_valid_bash(autograder_zip, tmp_path):
    _gradescope_layout(tmp_path / "autograder", autograder_zip, [])
    for name in ("setup.sh", "run_autograder"):
        completed = subprocess.run(["bash", "-n", str(tmp_path / "autograder" / "source" / name)],
                                   capture_output=True, text=True, check=False)
        assert completed.returncode == 0, completed.stderr


def test_run_autograder_grades_the_submission_like_the_batch(autograder_zip, graded_class, tmp_path):  # noqa: F811
    # The student uploads the three files loose, as Gradescope's upload form does.
    root = tmp_path / "autograder"
    student = graded_class.folder / "carol" / "cs231n" / "classifiers"
    _gradescope_layout(root, autograder_zip, [student / "linear_svm.py", student / "softmax.py",
                                              student / "linear_classifier.py"])
    completed = _run(root)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert f"from {root / 'source' / 'autograder'}" in completed.stdout  # the zip's hidden suite ran
    results = json.loads((root / "results" / "results.json").read_text())
    validate(results)
    assert deterministic_view(results) == deterministic_results(graded_class.out, ["carol"])["carol"]
    assert sorted(p.name for p in (root / "submission").iterdir()) == ["linear_classifier.py", "linear_svm.py",
                                                                        "softmax.py"]


def test_run_autograder_without_a_submission_folder_fails_loudly(autograder_zip, tmp_path):
    root = tmp_path / "autograder"
    _gradescope_layout(root, autograder_zip, [])
    (root / "submission").rmdir()
    completed = _run(root)
    assert completed.returncode == 1
    assert "submission: no such folder" in completed.stderr
    assert not (root / "results" / "results.json").exists()
