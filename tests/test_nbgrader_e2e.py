"""The whole nbgrader workflow with the real nbgrader, as an instructor and students run it.

One course, one test (nbgrader's commands take seconds each, so the steps share
the course; a single test function keeps it in one xdist worker):

1. `autograder nbgrader init`; a deliberately leaked solution file stops the
   release (generate_assignment fails naming the file and line, nothing is
   released); the clean release goes to a temporary exchange; a file planted in
   the release folder afterwards stops `nbgrader release_assignment`.
2. Three students fetch, edit and submit through the exchange: alice the
   reference, bob a buggy SVM, carol the untouched stubs (who also forges a
   score in a grade cell, deletes another and adds an HTML output).
3. An LMS download (Canvas, Moodle and Blackboard file names) goes through
   `nbgrader zip_collect`: dave the reference, Erin a buggy Softmax, frank the
   reference modules without any notebook.
4. `autograder nbgrader autograde`, `nbgrader generate_feedback`, `nbgrader export`.
"""

from __future__ import annotations

import csv
import html
import json
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from autograder.catalogue.mutants import catalogue_path, load_mutants, materialise
from autograder.cli import main
from autograder.nbgrader_course.course import ASSIGNMENT, init_course
from autograder.nbgrader_course.gradecells import grade_id, rubric_by_function
from autograder.nbgrader_course.leaks import check_release, scan_path
from autograder.nbgrader_course.workflow import ReleaseRefused, release
from autograder.parts import graded_files
from autograder.paths import solutions_dir

GRADED_FILES = graded_files()  # the linear classifiers' (the default course)

GRADING_DIR = Path(__file__).resolve().parent.parent / "autograder" / "parts" / "linear_classifiers"
BUGGY_SVM = "svm_naive_reg_grad_no_factor_2"
BUGGY_SOFTMAX = "softmax_vec_no_max_shift"


def nbgrader(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)


def checked(run: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert run.returncode == 0, run.stdout[-3000:]
    return run


def copy_modules(source: Path, target: Path) -> None:
    for relative in GRADED_FILES:
        shutil.copy(source / relative, target / relative)


def forge_notebook(path: Path) -> None:
    """carol: a full score typed into one grade cell, another deleted, an HTML output added."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id("svm_loss_naive"):
            cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "18.0"},
                                                   execution_count=3)]
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id("predict")]
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": "<script>stealCookies()</script>", "text/plain": "plot"})]
    nbformat.write(nb, path)


def answer_question(path: Path, cell_id: str, text: str) -> None:
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == cell_id).source = text
    nbformat.write(nb, path)


def lms_download(target: Path, release_dir: Path, work: Path, mutants: dict) -> None:
    reference = materialise(None, work / "lms-reference")
    buggy = materialise(mutants[BUGGY_SOFTMAX], work / "lms-buggy")
    names = [Path(f).stem for f in GRADED_FILES]
    with zipfile.ZipFile(target, "w") as archive:
        # Canvas, flattened, with a re-upload suffix.
        archive.write(release_dir / "svm.ipynb", "doedave_1001_2001_svm.ipynb")
        archive.write(release_dir / "softmax.ipynb", "doedave_1001_2002_softmax-1.ipynb")
        for number, (name, relative) in enumerate(zip(names, GRADED_FILES, strict=True)):
            archive.write(reference / relative, f"doedave_1001_{2003 + number}_{name}.py")
        # Moodle, one folder per student, in the release layout.
        folder = "Erin Roe_5001_assignsubmission_file_/"
        for notebook in ("svm.ipynb", "softmax.ipynb"):
            archive.write(release_dir / notebook, folder + notebook)
        for relative in GRADED_FILES + ("cs231n/__init__.py", "cs231n/classifiers/__init__.py"):
            archive.write(buggy / relative, folder + relative)
        # Blackboard, only the modules (no notebook), an older broken attempt and a receipt.
        for name, relative in zip(names, GRADED_FILES, strict=True):
            archive.write(reference / relative, f"HW1_frank_attempt_2024-01-30-15-00-00_{name}.py")
        archive.writestr("HW1_frank_attempt_2024-01-29-09-00-00_linear_svm.py", "def broken(:\n")
        archive.writestr("HW1_frank_attempt_2024-01-30-15-00-00.txt", "Name: Frank\n")


@pytest.fixture
def isolated_home(tmp_path, monkeypatch):
    """No personal Jupyter or nbgrader configuration takes part."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERHUB_USER"):
        monkeypatch.delenv(name, raising=False)
    return home


def test_nbgrader_course_end_to_end(tmp_path, isolated_home, capsys):
    timings: dict[str, float] = {}
    course = tmp_path / "course"
    exchange = tmp_path / "exchange"
    init_course(course, exchange=exchange)
    source = course / "source" / ASSIGNMENT
    release_dir = course / "release" / ASSIGNMENT
    mutants = {m.id: m for m in load_mutants(catalogue_path())}

    # -- 1. a leaked solution file stops the release, naming the file and line
    stub = source / "cs231n" / "classifiers" / "linear_svm.py"
    kept = stub.read_bytes()
    shutil.copy(solutions_dir() / "cs231n" / "classifiers" / "linear_svm.py", stub)
    with pytest.raises(ReleaseRefused) as refused:
        release(course, ASSIGNMENT)
    reference = (solutions_dir() / "cs231n" / "classifiers" / "linear_svm.py").read_text().splitlines()
    begin = next(i for i, line in enumerate(reference, 1) if "### BEGIN SOLUTION" in line)
    assert f"{release_dir}/cs231n/classifiers/linear_svm.py:{begin + 1}: " in str(refused.value)
    assert "of the reference solution solutions/cs231n/classifiers/linear_svm.py" in str(refused.value)
    assert not release_dir.exists() and not (exchange / "cs231n").exists()
    stub.write_bytes(kept)

    # -- the clean release reaches the exchange
    outcome = release(course, ASSIGNMENT)
    timings["generate_assignment"] = outcome.generate_seconds
    timings["release_assignment"] = outcome.release_seconds
    outbound = exchange / "cs231n" / "outbound" / ASSIGNMENT
    check_release(outbound)
    released_svm = nbformat.read(outbound / "svm.ipynb", as_version=4)
    assert grade_id("svm_loss_naive") in [c.metadata["nbgrader"]["grade_id"] for c in released_svm.cells]
    assert (outbound / "cs231n" / "classifiers" / "linear_svm.py").read_bytes() == kept

    # -- a file planted in the release folder afterwards stops release_assignment
    planted = release_dir / "notes.py"
    hidden = next(line for line in (GRADING_DIR / "cases.py").read_text().splitlines()
                  if line.startswith("def ") and len(line) > 20)
    planted.write_text(f"# notes\n{hidden}\n")
    refused_again = nbgrader(course, "release_assignment", ASSIGNMENT, "--force")
    assert refused_again.returncode != 0
    assert f"{planted}:2: " in refused_again.stdout and "hidden test suite" in refused_again.stdout
    planted.unlink()

    # -- 2. students fetch, edit and submit through the exchange
    students = {"alice": None, "bob": mutants[BUGGY_SVM], "carol": "stubs"}
    started = time.perf_counter()
    for sid, variant in students.items():
        home = tmp_path / "students" / sid
        home.mkdir(parents=True)
        common = ["--course", "cs231n", f"--Exchange.root={exchange}", f"--Exchange.cache={home / 'cache'}"]
        checked(nbgrader(home, "fetch_assignment", ASSIGNMENT, *common))
        work = home / ASSIGNMENT
        if variant == "stubs":
            forge_notebook(work / "svm.ipynb")
        else:
            copy_modules(materialise(variant, tmp_path / "variants" / sid), work)
        if sid == "bob":
            answer_question(work / "svm.ipynb", "svm-q1-answer", "The hinge has a kink at a zero margin.")
        checked(nbgrader(home, "submit", ASSIGNMENT, "--student", sid, *common))
    timings["3 students fetch + submit"] = time.perf_counter() - started
    checked(nbgrader(course, "collect", ASSIGNMENT))

    # -- 3. an LMS download through zip_collect
    archive = course / "downloaded" / ASSIGNMENT / "archive"
    archive.mkdir(parents=True)
    lms_download(archive / "submissions.zip", release_dir, tmp_path, mutants)
    checked(nbgrader(course, "zip_collect", ASSIGNMENT))
    everyone = ["Erin Roe", "alice", "bob", "carol", "doedave", "frank"]
    assert sorted(p.name for p in (course / "submitted").iterdir()) == everyone
    assert not (course / "submitted" / "frank" / ASSIGNMENT / "svm.ipynb").exists()
    assert "def broken" not in (course / "submitted" / "frank" / ASSIGNMENT / "linear_svm.py").read_text()

    # -- 4. autograde with the engine into the gradebook, feedback, export
    started = time.perf_counter()
    graded = CliRunner().invoke(main, ["nbgrader", "autograde", str(course), ASSIGNMENT])
    timings["autograde per student"] = (time.perf_counter() - started) / len(everyone)
    assert graded.exit_code == 0, graded.output
    assert "not submitted" in graded.output  # frank: no notebook
    checked(nbgrader(course, "generate_feedback", ASSIGNMENT))
    checked(nbgrader(course, "export"))

    rows = {row["student_id"]: row for row in csv.DictReader((course / "grades.csv").open())}
    scores = {sid: float(row["score"]) for sid, row in rows.items()}
    assert sorted(scores) == everyone
    assert {float(row["max_score"]) for row in rows.values()} == {106.0}  # 100 auto-graded + 6 by hand
    engine = {sid: json.loads((course / "autograder_results" / ASSIGNMENT / f"{sid}.json").read_text())
              for sid in everyone}
    for sid in everyone:
        assert scores[sid] == engine[sid]["results"]["score"], sid
    assert scores["alice"] == scores["doedave"] == scores["frank"] == 100.0
    assert 0 < scores["bob"] < 100 and 0 < scores["Erin Roe"] < 100
    assert scores["carol"] == 0.0
    assert sorted(everyone, key=lambda s: -scores[s])[-1] == "carol"

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "cs231n") as gb:
        def auto_grades(sid):
            submission = gb.find_submission(ASSIGNMENT, sid)
            return {g.name: (g.auto_score, g.max_score) for nb in submission.notebooks for g in nb.grades
                    if g.name.startswith("autograder-")}

        for sid in ("alice", "doedave", "frank"):
            grades = auto_grades(sid)
            assert len(grades) == len(rubric_by_function())
            assert all(score == maximum for score, maximum in grades.values()), (sid, grades)
        assert auto_grades("bob")[grade_id("svm_loss_naive")][0] < 18
        assert all(score == 0 for score, _ in auto_grades("carol").values())

    # The formgrader's view: bob's inline answer waits for a grader, whose score adds up.
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.course_id = "cs231n"
    api = NbGraderAPI(config=config)
    bob = api.get_submission(ASSIGNMENT, "bob")
    assert (bob["code_score"], bob["max_code_score"], bob["max_written_score"]) == (scores["bob"], 100.0, 6.0)
    assert bob["needs_manual_grade"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "cs231n") as gb:
        gb.find_grade("svm-q1-answer", "svm", ASSIGNMENT, "bob").manual_score = 2.0
        gb.db.commit()
    assert api.get_submission(ASSIGNMENT, "bob")["score"] == scores["bob"] + 2.0

    # The autograded folder keeps each student's own modules; no submission's HTML survives.
    for relative in GRADED_FILES:
        assert (course / "autograded" / "bob" / ASSIGNMENT / relative).read_bytes() == (
            course / "submitted" / "bob" / ASSIGNMENT / relative).read_bytes()
    carol_svm = nbformat.read(course / "autograded" / "carol" / ASSIGNMENT / "svm.ipynb", as_version=4)
    assert grade_id("predict") in [c.metadata.get("nbgrader", {}).get("grade_id") for c in carol_svm.cells]
    assert not any("text/html" in o.get("data", {}) for c in carol_svm.cells for o in c.get("outputs", []))

    # Feedback through nbgrader: our per-property feedback, never hidden source.
    feedback = course / "feedback"
    bob_svm = html.unescape((feedback / "bob" / ASSIGNMENT / "svm.html").read_text())
    bob_naive = [t for t in engine["bob"]["results"]["tests"] if t["tags"][0] == "svm_loss_naive"]
    naive_score = sum(t["score"] for t in bob_naive)
    assert f"svm_loss_naive: {naive_score:g} / 18 points, graded from your" in bob_svm
    failed = [t for t in bob_naive if t["status"] == "failed"]
    assert failed
    for test in failed:
        assert f"[FAILED] {test['name'].split(': ', 1)[1]}" in bob_svm
        assert test["output"].splitlines()[0] in bob_svm
    assert "Smallest failing input found" in bob_svm
    assert "was not submitted" in (feedback / "frank" / ASSIGNMENT / "svm.html").read_text()
    pages = sorted(feedback.rglob("*.html"))
    assert len(pages) == 2 * len(everyone)
    for page in pages:
        assert scan_path(page) == [], page

    with capsys.disabled():
        print("\nnbgrader workflow timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
