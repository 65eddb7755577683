"""The nbgrader workflow's parts, without running nbgrader's commands (see test_nbgrader_e2e.py).

The leak scan (secret lines, a deliberately leaked file, notebooks, zips), the
LMS file names of zip_collect, the grade cells and how nbgrader reads their
points, course set-up and the commands' errors naming the path.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbgrader.utils import determine_grade

from autograder.cli import main
from autograder.nbgrader_course import course as course_mod
from autograder.nbgrader_course.engine_grades import SafeOutputs
from autograder.nbgrader_course.gradecells import (
    add_grade_cells,
    feedback_text,
    fill_cell,
    grade_id,
    placement,
    rubric_by_function,
)
from autograder.nbgrader_course.leaks import (
    Fingerprints,
    LeakError,
    check_release,
    scan_path,
    significant,
)
from autograder.nbgrader_course.workflow import write_zip
from autograder.nbgrader_course.zipcollect import LMS_FILENAME_REGEXP, LMSCollectorPlugin
from autograder.paths import assignment_dir, solutions_dir

GRADING_DIR = Path(__file__).resolve().parent.parent / "autograder" / "parts" / "linear_classifiers"


def student_release(tmp_path: Path) -> Path:
    """What students get, built without nbgrader: stubs, public checks, notebooks without answers."""
    folder = tmp_path / "release"
    shutil.copytree(assignment_dir(), folder, ignore=shutil.ignore_patterns(
        "__pycache__", ".*", "*.pyc", "*.ipynb"))
    for name in ("svm", "softmax"):
        nb = nbformat.read(assignment_dir() / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = "# YOUR CODE HERE" if cell.cell_type == "code" else "YOUR ANSWER HERE"
        nbformat.write(add_grade_cells(nb, name), folder / f"{name}.ipynb")
    return folder


# --------------------------------------------------------------------------- the leak scan


def test_the_student_release_has_no_leak(tmp_path):
    check_release(student_release(tmp_path))


def test_a_leaked_solution_file_fails_naming_the_file_and_line(tmp_path):
    release = student_release(tmp_path)
    leaked = release / "cs231n" / "classifiers" / "linear_svm.py"
    shutil.copy(solutions_dir() / "cs231n" / "classifiers" / "linear_svm.py", leaked)
    with pytest.raises(LeakError) as caught:
        check_release(release)
    message = str(caught.value)
    reference = (solutions_dir() / "cs231n" / "classifiers" / "linear_svm.py").read_text().splitlines()
    first = next(i for i, line in enumerate(reference, 1) if "### BEGIN SOLUTION" in line)
    assert f"{leaked}:{first}: a solution marker was left in the release" in message
    assert f"{leaked}:{first + 1}: " in message
    assert f"line {first + 1} of the reference solution solutions/cs231n/classifiers/linear_svm.py" in message
    assert all(leak.path == str(leaked) for leak in caught.value.leaks)


def test_one_reference_line_pasted_into_a_public_check_is_found(tmp_path):
    release = student_release(tmp_path)
    reference = (solutions_dir() / "cs231n" / "classifiers" / "softmax.py").read_text()
    line = next(line for line in reference.splitlines() if "keepdims" in line)
    with open(release / "tests" / "helpers.py", "a") as fh:
        fh.write(f"\n# scratch\n{line.strip()}\n")
    leaks = scan_path(release)
    assert [(Path(leak.path).name, leak.origin.kind) for leak in leaks] == [("helpers.py", "reference solution")]


def test_hidden_suite_lines_in_a_notebook_cell_or_output_are_found(tmp_path):
    release = student_release(tmp_path)
    hidden = (GRADING_DIR / "cases.py").read_text().splitlines()
    secret = next(line for line in hidden if line.startswith("def ") and len(line) > 20)
    rubric_line = next(line for line in (GRADING_DIR / "rubric.toml").read_text().splitlines()
                       if line.startswith("matches_reference"))
    path = release / "svm.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[3].source += "\n" + secret
    nb.cells[5].outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"x\n{rubric_line}\n")]
    nbformat.write(nb, path)
    leaks = scan_path(release)
    described = [leak.describe() for leak in leaks]
    cell3 = nb.cells[3].metadata["nbgrader"]["grade_id"]
    n = len(nb.cells[3].source.splitlines())
    assert any(f"svm.ipynb, cell 3 ({cell3}), line {n}:" in d and "cases.py" in d for d in described)
    assert any("cell 5" in d and "output, line 2" in d and "rubric.toml" in d for d in described)


def test_model_answers_are_secret_and_a_zip_is_scanned_member_by_member(tmp_path):
    release = student_release(tmp_path)
    nb = nbformat.read(assignment_dir() / "softmax.ipynb", as_version=4)
    answer = next(c for c in nb.cells if c.metadata["nbgrader"].get("grade") and c.cell_type == "markdown")
    (release / "notes.md").write_text("Notes\n" + answer.source.splitlines()[0] + "\n")
    target = tmp_path / "release.zip"
    write_zip(release, target, top="linear_classifiers")
    with pytest.raises(LeakError) as caught:
        check_release(target)
    assert f"{target}!linear_classifiers/notes.md:2:" in str(caught.value)
    assert "model answer" in str(caught.value)


def test_generic_lines_are_not_fingerprints():
    for line in ("import numpy as np", "from hypothesis import strategies as st", "return out", "pass",
                 "# ----------------------"):
        assert not significant(" ".join(line.split()))
    fingerprints = Fingerprints.build()
    # Lines the stubs hold are public even when a solution region repeats them.
    for line in (assignment_dir() / "cs231n" / "classifiers" / "linear_svm.py").read_text().splitlines():
        assert fingerprints.origin(line) is None, line


def test_scan_command_exit_codes(tmp_path):
    release = student_release(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["nbgrader", "scan", str(release)]).exit_code == 0
    shutil.copy(GRADING_DIR / "rubric.toml", release / "rubric.toml")
    result = runner.invoke(main, ["nbgrader", "scan", str(release)])
    assert result.exit_code == 1
    assert f"{release}/rubric.toml:" in result.output
    missing = runner.invoke(main, ["nbgrader", "scan", str(tmp_path / "nowhere")])
    assert missing.exit_code != 0 and str(tmp_path / "nowhere") in missing.output


# --------------------------------------------------------------------------- zip_collect file names

NAMES = [
    ("doejane_12345_678901_svm.ipynb", "doejane", "svm", None),
    ("doejane_LATE_12345_678901_softmax-1.ipynb", "doejane", "softmax", None),
    ("doejane_late_12345_678901_linear_svm.py", "doejane", "linear_svm", None),
    ("doejane_12345_678901_hw/linear_classifiers/svm.ipynb", "doejane", "svm", None),
    ("doejane_12345_678901_hw/cs231n/classifiers/softmax.py", "doejane", "hw/cs231n/classifiers/softmax", None),
    ("Jane Doe_123456_assignsubmission_file_/svm.ipynb", "Jane Doe", "svm", None),
    ("Jane Doe_123456_assignsubmission_file_/cs231n/classifiers/linear_svm.py", "Jane Doe",
     "cs231n/classifiers/linear_svm", None),
    ("Jane Doe_123456_assignsubmission_file_softmax.ipynb", "Jane Doe", "softmax", None),
    ("HW1 linear_jdoe_attempt_2024-01-30-15-00-00_svm.ipynb", "jdoe", "svm", "2024-01-30 15:00:00"),
    ("HW1_jdoe_attempt_2024-01-30-15-00-00_linear_classifier.py", "jdoe", "linear_classifier",
     "2024-01-30 15:00:00"),
]


@pytest.mark.parametrize(("name", "student", "file_id", "timestamp"), NAMES)
def test_lms_file_names(name, student, file_id, timestamp):
    plugin = LMSCollectorPlugin(named_regexp=LMS_FILENAME_REGEXP, valid_ext=[".ipynb", ".py"])
    info = plugin.collect(f"/course/downloaded/linear_classifiers/extracted/submissions/{name}")
    assert info["student_id"] == student
    assert info["file_id"] == file_id
    assert info.get("timestamp") == timestamp


@pytest.mark.parametrize("name", [
    "doejane_1_2_hw/__MACOSX/._svm.ipynb", "doejane_1_2_hw/.ipynb_checkpoints/svm-checkpoint.ipynb",
    "HW1_jdoe_attempt_2024-01-30-15-00-00.txt", "svm.ipynb",
])
def test_lms_junk_is_skipped(name):
    path = f"/course/downloaded/linear_classifiers/extracted/submissions/{name}"
    plugin = LMSCollectorPlugin(named_regexp=LMS_FILENAME_REGEXP, valid_ext=[".ipynb", ".py"])
    assert plugin.collect(path) is None


# --------------------------------------------------------------------------- grade cells


def test_grade_cells_are_placed_and_worth_the_rubric():
    rubrics = rubric_by_function()
    total = 0
    for name in ("svm", "softmax"):
        nb = add_grade_cells(nbformat.read(assignment_dir() / f"{name}.ipynb", as_version=4), name)
        nbformat.validate(nb)
        ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells]
        for function, (notebook, anchor) in placement().items():
            if notebook == name:
                assert ids.index(grade_id(function)) == ids.index(anchor) + 1
                cell = nb.cells[ids.index(grade_id(function))]
                assert cell.metadata["nbgrader"]["points"] == sum(rubrics[function].points.values())
                assert cell.metadata["nbgrader"]["locked"] and not cell.metadata["nbgrader"]["solution"]
                total += cell.metadata["nbgrader"]["points"]
        assert add_grade_cells(nb, name).cells == nb.cells  # idempotent
    assert total == 100


def results_for(scores: dict[str, float]) -> dict:
    tests = []
    for function, rubric in rubric_by_function().items():
        for prop, points in rubric.points.items():
            passed = scores.get(function, 0) > 0
            tests.append({"name": f"{rubric.display_name}: {prop.replace('_', ' ')}", "tags": [function, prop],
                          "score": float(points) if passed else 0.0, "max_score": float(points),
                          "status": "passed" if passed else "failed",
                          "output": "Passed." if passed else "The loss differs.\nExpected: 1\nGot:      0"})
    return {"tests": tests}


@pytest.mark.parametrize("full", [True, False])
def test_filled_cells_give_nbgrader_the_points(full):
    rubric = rubric_by_function()["svm_loss_naive"]
    nb = add_grade_cells(nbformat.read(assignment_dir() / "svm.ipynb", as_version=4), "svm")
    cell = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == grade_id("svm_loss_naive"))
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "18"}, execution_count=1)]
    results = results_for({"svm_loss_naive": 1 if full else 0})
    fill_cell(cell, "svm_loss_naive", results)
    expected = float(sum(rubric.points.values())) if full else 0.0
    assert determine_grade(cell) == (expected, float(sum(rubric.points.values())))
    text = cell.outputs[0]["text"]
    assert text.startswith(f"svm_loss_naive: {expected:g} / 18 points, graded from your {rubric.file}")
    assert ("[FAILED] matches reference (0 / 6)\n    The loss differs." in text) != full
    assert text == feedback_text("svm_loss_naive", results)[0]  # deterministic


def test_safe_outputs_keep_text_and_images_only():
    cell = nbformat.v4.new_code_cell("plot()", outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": "<script>x()</script>", "image/png": "iVBOR",
                                                     "text/plain": "<Figure>"}),
        nbformat.v4.new_output("display_data", data={"application/javascript": "alert(1)"}),
        nbformat.v4.new_output("stream", name="stdout", text="accuracy 0.9\n"),
    ])
    cell, _ = SafeOutputs().preprocess_cell(cell, {}, 0)
    assert [sorted(o.get("data", {})) for o in cell.outputs] == [["image/png", "text/plain"], []]
    assert cell.outputs[1]["text"] == "accuracy 0.9\n"


# --------------------------------------------------------------------------- init and errors


def test_init_writes_a_course_and_refuses_to_overwrite_it(tmp_path):
    runner = CliRunner()
    course = tmp_path / "course"
    result = runner.invoke(main, ["nbgrader", "init", str(course), "--course-id", "cs231n-2025"])
    assert result.exit_code == 0, result.output
    source = course / "source" / "linear_classifiers"
    for relative in ("svm.ipynb", "softmax.ipynb", "cs231n/classifiers/linear_svm.py", "tests/test_softmax.py",
                     "pytest.ini"):
        assert (source / relative).is_file(), relative
    assert (source / "cs231n/classifiers/linear_svm.py").read_bytes() == (
        assignment_dir() / "cs231n/classifiers/linear_svm.py").read_bytes()
    assert not any(p.name.startswith(".") for p in source.rglob("*"))
    svm = nbformat.read(source / "svm.ipynb", as_version=4)
    assert grade_id("predict") in [c.metadata["nbgrader"]["grade_id"] for c in svm.cells]
    from autograder.nbgrader_course.workflow import load_course_config

    config = load_course_config(course)
    assert config.CourseDirectory.course_id == "cs231n-2025"
    assert config.Exchange.root == str(course / "exchange")
    assert config.Autograde.exclude_overwriting == {"linear_classifiers": [
        "cs231n/classifiers/linear_svm.py", "cs231n/classifiers/softmax.py",
        "cs231n/classifiers/linear_classifier.py"]}
    assert config.FileNameCollectorPlugin.named_regexp == LMS_FILENAME_REGEXP
    assert "EngineGrades" in [p.__name__ for p in config.Autograde.autograde_preprocessors]
    assert "Execute" not in [p.__name__ for p in config.Autograde.autograde_preprocessors]
    assert config.GenerateAssignment.preprocessors[-1].__name__ == "LeakScan"
    student = (course / "student_nbgrader_config.py").read_text()
    assert "'cs231n-2025'" in student and str(course / "exchange") in student

    again = runner.invoke(main, ["nbgrader", "init", str(course)])
    assert again.exit_code != 0 and str(course / "nbgrader_config.py") in again.output
    exchange = tmp_path / "shared-exchange"
    forced = runner.invoke(main, ["nbgrader", "init", str(course), "--force", "--exchange", str(exchange)])
    assert forced.exit_code == 0, forced.output
    assert load_course_config(course).Exchange.root == str(exchange) and exchange.is_dir()


def test_init_errors_name_the_path(tmp_path):
    runner = CliRunner()
    a_file = tmp_path / "file"
    a_file.write_text("x")
    result = runner.invoke(main, ["nbgrader", "init", str(a_file)])
    assert result.exit_code != 0 and f"{a_file} exists and is not a folder" in result.output
    result = runner.invoke(main, ["nbgrader", "init", str(tmp_path / "c"), "--exchange", str(a_file)])
    assert result.exit_code != 0 and str(a_file) in result.output
    result = runner.invoke(main, ["nbgrader", "init", str(tmp_path / "c"), "--course-id", "a b"])
    assert result.exit_code != 0 and "'a b'" in result.output


def test_stale_stubs_stop_init(tmp_path, monkeypatch):
    material = tmp_path / "material"
    shutil.copytree(assignment_dir(), material / "assignment", ignore=shutil.ignore_patterns("__pycache__", ".*"))
    shutil.copytree(solutions_dir(), material / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    stub = material / "assignment" / "cs231n" / "classifiers" / "softmax.py"
    stub.write_text(stub.read_text() + "\n# edited by hand\n")
    monkeypatch.setenv("AUTOGRADER_MATERIAL", str(material))
    with pytest.raises(course_mod.CourseError) as caught:
        course_mod.init_course(tmp_path / "course")
    assert str(stub) in str(caught.value) and "autograder build" in str(caught.value)
    assert not (tmp_path / "course" / "nbgrader_config.py").exists()


def test_autograde_and_release_errors_name_the_path(tmp_path):
    runner = CliRunner()
    nowhere = tmp_path / "nowhere"
    result = runner.invoke(main, ["nbgrader", "autograde", str(nowhere)])
    assert result.exit_code != 0 and str(nowhere) in result.output
    plain = tmp_path / "plain"
    plain.mkdir()
    result = runner.invoke(main, ["nbgrader", "release", str(plain)])
    assert result.exit_code != 0 and str(plain / "nbgrader_config.py") in result.output
    course = tmp_path / "course"
    assert runner.invoke(main, ["nbgrader", "init", str(course)]).exit_code == 0
    result = runner.invoke(main, ["nbgrader", "autograde", str(course), "other_assignment"])
    assert result.exit_code != 0 and str(course / "source" / "other_assignment") in result.output
    result = runner.invoke(main, ["nbgrader", "autograde", str(course)])
    assert result.exit_code != 0 and str(course / "gradebook.db") in result.output
    assert "release" in result.output
    result = runner.invoke(main, ["nbgrader", "release", str(course), "--zip", str(tmp_path / "no" / "r.zip")])
    assert result.exit_code != 0 and str(tmp_path / "no") in result.output

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "cs231n") as gb:
        gb.add_assignment("linear_classifiers")
    result = runner.invoke(main, ["nbgrader", "autograde", str(course)])
    assert result.exit_code != 0 and str(course / "submitted") in result.output
    result = runner.invoke(main, ["nbgrader", "autograde", str(course), "--student", "nobody"])
    assert result.exit_code != 0 and str(course / "submitted" / "nobody" / "linear_classifiers") in result.output


def test_release_zip_layout(tmp_path):
    release = student_release(tmp_path)
    target = tmp_path / "out.zip"
    write_zip(release, target, top="linear_classifiers")
    names = zipfile.ZipFile(target).namelist()
    assert "linear_classifiers/svm.ipynb" in names
    assert "linear_classifiers/cs231n/classifiers/linear_svm.py" in names
    assert names == sorted(names)
