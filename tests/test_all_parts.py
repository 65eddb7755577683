"""A course that grades every part of assignment 1 (kNN, the linear classifiers, the two-layer
net): the release builds clean, the reference scores full marks and the stubs 0 in every graded
function, every kNN and two-layer-net catalogue entry is caught and diagnosed, and the
Gradescope zip and the nbgrader workflow (release, autograde, feedback) work with all parts.
The linear classifiers' own catalogue is audited per formulation in test_corpora.py and
test_formulations.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder import parts
from autograder.cli import main
from autograder.demo import all_parts_material

pytestmark = pytest.mark.xdist_group("all-parts")

EVERY_PART = ("knn", "linear_classifiers", "two_layer_net")


@pytest.fixture(scope="module")
def material(tmp_path_factory):
    root = all_parts_material(tmp_path_factory.mktemp("all-parts") / "material")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUTOGRADER_MATERIAL", str(root))
        patch.setenv("AUTOGRADER_CACHE_DIR", str(tmp_path_factory.mktemp("all-parts-cache")))
        yield root


def _files_of_every_part() -> list[str]:
    return [relative for name in EVERY_PART for relative in parts.get(name).graded_files]


def _grade(folder: Path, results: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), "--results", str(results),
                           "--quiet"], capture_output=True, text=True, env=dict(os.environ), timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(results.read_text())


def _per_function(results: dict) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for test in results["tests"]:
        label = test["name"].split(":")[0]
        got, of = out.get(label, (0.0, 0.0))
        out[label] = (got + test["score"], of + test["max_score"])
    return out


def test_the_course_grades_every_part_and_its_release_is_built_clean(material):
    assert parts.selected() == tuple(parts.get(name) for name in EVERY_PART)
    checked = CliRunner().invoke(main, ["build", "--check"])
    assert checked.exit_code == 0, checked.output
    for relative in _files_of_every_part():
        assert (material / "assignment" / relative).is_file(), relative
    for notebook in ("knn.ipynb", "svm.ipynb", "softmax.ipynb", "two_layer_net.ipynb"):
        assert (material / "assignment" / notebook).is_file(), notebook
    imports = (material / "assignment" / "tests" / "test_imports.py").read_text()
    assert all(f'"{relative}"' in imports for relative in _files_of_every_part())


def test_the_reference_scores_full_marks_and_the_stubs_zero_in_every_function(material, tmp_path):
    from autograder.catalogue.mutants import materialise

    reference = _grade(materialise(None, tmp_path / "reference"), tmp_path / "reference.json")
    stubs = _grade(material / "assignment", tmp_path / "stubs.json")
    displays = [f.display for name in EVERY_PART for f in parts.get(name).functions]
    assert list(_per_function(reference)) == displays
    assert all(got == of > 0 for got, of in _per_function(reference).values()), _per_function(reference)
    assert all(got == 0 for got, _ in _per_function(stubs).values()), _per_function(stubs)
    assert reference["score"] == 170 and stubs["score"] == 0


@pytest.mark.parametrize("part", ["knn", "two_layer_net"])
def test_every_catalogue_entry_of_the_new_parts_is_caught_and_diagnosed(material, part):
    audited = CliRunner().invoke(main, ["audit", "--part", part])
    assert audited.exit_code == 0, audited.output
    assert "SURVIVES" not in audited.output


def test_a_missing_file_costs_its_own_functions_only(material, tmp_path):
    from autograder.catalogue.mutants import materialise

    folder = materialise(None, tmp_path / "no-knn")
    (folder / "cs231n" / "classifiers" / "k_nearest_neighbor.py").unlink()
    results = _grade(folder, tmp_path / "no-knn.json")
    knn = {f.display for f in parts.get("knn").functions}
    for label, (got, of) in _per_function(results).items():
        assert got == (0 if label in knn else of), label
    missing = next(t for t in results["tests"] if t["name"].startswith("KNearestNeighbor."))
    assert "k_nearest_neighbor.py was not found in the submission" in missing["output"]


def test_the_gradescope_zip_grades_every_part(material, tmp_path):
    from autograder.catalogue.mutants import materialise

    archive_path = tmp_path / "autograder.zip"
    built = CliRunner().invoke(main, ["gradescope", "build", "--out", str(archive_path)])
    assert built.exit_code == 0, built.output
    assert "k_nearest_neighbor.py" in built.output and "fc_net.py" in built.output
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive_path) as archive:
        archive.extractall(root / "source")
        assert "[assignment]" in archive.read("course.toml").decode()
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "results").mkdir()
    (root / "submission").mkdir()
    reference = materialise(None, tmp_path / "reference")
    for relative in _files_of_every_part():  # uploaded loose, as Gradescope's form does
        shutil.copy(reference / relative, root / "submission" / Path(relative).name)
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable)
    env.pop("AUTOGRADER_MATERIAL")
    done = subprocess.run(["bash", str(root / "run_autograder")], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 170


def test_nbgrader_releases_autogrades_and_gives_feedback_for_every_part(material, tmp_path, monkeypatch):
    from autograder.catalogue.mutants import materialise
    from autograder.nbgrader_course import assignment_name
    from autograder.nbgrader_course.course import init_course
    from autograder.nbgrader_course.gradecells import grade_id
    from autograder.nbgrader_course.workflow import autograde, release

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    course = tmp_path / "course"
    init_course(course, exchange=tmp_path / "exchange")
    name = assignment_name()
    assert name == "assignment1"
    release(course, name, zip_path=tmp_path / "release.zip")
    released = course / "release" / name
    notebooks = sorted(p.name for p in released.glob("*.ipynb"))
    assert notebooks == ["knn.ipynb", "softmax.ipynb", "svm.ipynb", "two_layer_net.ipynb"]
    cells = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
             for nb in released.glob("*.ipynb") for c in json.loads(nb.read_text())["cells"]}
    assert {grade_id(f.id) for name_ in EVERY_PART for f in parts.get(name_).functions} <= cells
    reference = materialise(None, tmp_path / "reference")
    for student in ("ada", "bruno"):
        submitted = course / "submitted" / student / name
        shutil.copytree(released, submitted)
        if student == "ada":
            for relative in _files_of_every_part():
                shutil.copy(reference / relative, submitted / relative)
    outcome = autograde(course, name, echo=lambda line: None)
    scores = {grade.student: grade for grade in outcome.students}
    assert scores["ada"].auto_score == 170 and scores["bruno"].auto_score == 0
    assert set(scores["ada"].functions) == {f.id for name_ in EVERY_PART for f in parts.get(name_).functions}
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", name], cwd=course,
                          capture_output=True, text=True, env=dict(os.environ), timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    feedback = course / "feedback" / "bruno" / name
    assert sorted(p.name for p in feedback.glob("*.html")) == ["knn.html", "softmax.html", "svm.html",
                                                               "two_layer_net.html"]
    assert "KNearestNeighbor.compute_distances_no_loops" in (feedback / "knn.html").read_text()
