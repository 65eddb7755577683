"""The instructor's steps that wrap nbgrader: release (scanned) and autograde (by our engine).

`release` runs `nbgrader generate_assignment` (whose LeakScan preprocessor fails
on any leak), scans the release folder once more and hands it to
`nbgrader release_assignment` (which scans again before copying to the
exchange) or, for an LMS, writes it as a zip.

`autograde` grades every submitted student's Python modules with our engine,
then runs `nbgrader autograde`, whose EngineGrades preprocessor writes those
results into the grade cells, so nbgrader records them as auto-graded scores.
nbgrader gives every grade of a notebook the student did not submit 0 points
(and skips a student who submitted no notebook at all); the graded modules do
not live in the notebooks, so for those the scores of our cells are set from
the engine here and a stand-in notebook (the release version, with a note and
the filled grade cells) is put in `autograded/` so that the feedback shows them.

nbgrader runs as a child process (`python -m nbgrader`) in the course folder,
exactly as an instructor would run it, with the course's nbgrader_config.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell
from sqlalchemy.exc import SAWarning

from autograder.nbgrader_course.course import CONFIG_NAME, CourseError, check_course
from autograder.nbgrader_course.engine_grades import grade_or_load
from autograder.nbgrader_course.gradecells import fill_cell, function_of, rubric_by_function
from autograder.nbgrader_course.leaks import check_release

_LOG_LINE = re.compile(r"^\[\w+ \| (\w+)\]")


def load_course_config(course: Path):
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    try:
        return PyFileConfigLoader(CONFIG_NAME, path=str(course)).load_config()
    except ConfigFileNotFound as error:
        raise CourseError(f"{course / CONFIG_NAME} does not exist") from error
    except Exception as error:  # noqa: BLE001 - any error while executing the config file
        raise CourseError(f"{course / CONFIG_NAME} cannot be loaded: {error}") from error


def course_id_of(course: Path) -> str:
    value = load_course_config(course).CourseDirectory.get("course_id")
    return value if isinstance(value, str) and value else "default_course"


def db_url_of(course: Path) -> str:
    return f"sqlite:///{course / 'gradebook.db'}"


@dataclass
class NbgraderRun:
    args: list[str]
    returncode: int
    output: str
    seconds: float

    def errors(self) -> str:
        """The ERROR lines of nbgrader's log and what follows each (a traceback, a message)."""
        lines, keep = [], False
        for line in self.output.splitlines():
            match = _LOG_LINE.match(line)
            if match:
                keep = match.group(1) in ("ERROR", "CRITICAL")
            if keep:
                lines.append(line)
        return "\n".join(lines) or self.output[-3000:]

    def leak_message(self) -> str | None:
        """The LeakError message, when nbgrader failed on a leak."""
        marker = "LeakError: "
        if marker not in self.output:
            return None
        text = self.output.split(marker, 1)[1]
        out = []
        for line in text.splitlines():
            if _LOG_LINE.match(line):
                break
            out.append(line.strip())
        return "\n  ".join(line for line in out if line)


def run_nbgrader(course: Path, *args: str) -> NbgraderRun:
    """`nbgrader ARGS` in the course folder, with this Python's nbgrader and the course's config."""
    command = [sys.executable, "-m", "nbgrader", *args]
    started = time.perf_counter()
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    done = subprocess.run(command, cwd=course, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, check=False)
    return NbgraderRun(["nbgrader", *args], done.returncode, done.stdout, time.perf_counter() - started)


# --------------------------------------------------------------------------- release


@dataclass
class ReleaseOutcome:
    release_dir: Path
    generate_seconds: float
    destination: str
    release_seconds: float = 0.0


def release(course: Path, assignment: str, force: bool = False, zip_path: Path | None = None) -> ReleaseOutcome:
    """Generate the student version, scan it, release it to the exchange or write it as a zip."""
    course = check_course(course, assignment)
    if zip_path is not None:
        zip_path = Path(zip_path).absolute()
        if zip_path.is_dir():
            raise CourseError(f"{zip_path} is a folder: give the path of the zip file to write")
        if not zip_path.parent.is_dir():
            raise CourseError(f"{zip_path.parent}: no such folder for the zip file")
    generated = run_nbgrader(course, "generate_assignment", assignment, "--force")
    if generated.returncode != 0:
        leak = generated.leak_message()
        if leak:
            raise ReleaseRefused(leak)
        raise CourseError(f"nbgrader generate_assignment {assignment} failed in {course}:\n{generated.errors()}")
    release_dir = course / "release" / assignment
    check_release(release_dir, sorted((course / "source" / assignment).glob("*.ipynb")))
    outcome = ReleaseOutcome(release_dir, generated.seconds, "")
    if zip_path is not None:
        started = time.perf_counter()
        write_zip(release_dir, zip_path, top=assignment)
        outcome.destination = str(zip_path)
        outcome.release_seconds = time.perf_counter() - started
        return outcome
    args = ["release_assignment", assignment] + (["--force"] if force else [])
    released = run_nbgrader(course, *args)
    if released.returncode != 0:
        leak = released.leak_message()
        if leak:
            raise ReleaseRefused(leak)
        raise CourseError(f"nbgrader release_assignment {assignment} failed in {course}:\n{released.errors()}")
    outcome.destination = "the exchange"
    outcome.release_seconds = released.seconds
    return outcome


class ReleaseRefused(CourseError):
    """generate_assignment or release_assignment refused a release that leaks (the message names file and line)."""


def write_zip(folder: Path, target: Path, top: str) -> None:
    """`folder` as a zip whose entries sit under `top/`, written atomically, in sorted order."""
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                archive.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


# --------------------------------------------------------------------------- autograde


@dataclass
class StudentGrade:
    student: str
    functions: dict[str, float] = field(default_factory=dict)
    auto_score: float = 0.0
    auto_max: float = 0.0
    missing_notebooks: list[str] = field(default_factory=list)
    engine_seconds: float = 0.0
    reused: bool = False


@dataclass
class AutogradeOutcome:
    students: list[StudentGrade]
    nbgrader_seconds: float
    nbgrader_failed: str | None = None


def submitted_students(course: Path, assignment: str) -> list[str]:
    submitted = course / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(d.name for d in submitted.iterdir() if (d / assignment).is_dir())


NOT_SUBMITTED_NOTE = (
    "**{notebook}.ipynb was not submitted.** This is the released notebook, shown so that "
    "you can read the autograder's feedback on the functions graded from your `.py` files; "
    "its inline questions score 0."
)


def autograde(course: Path, assignment: str, student: str | None = None, force: bool = False,
              echo: Callable[[str], None] = print) -> AutogradeOutcome:
    """Grade the submissions with our engine and record the points in nbgrader's gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    course = check_course(course, assignment)
    course_id = course_id_of(course)
    db_url = db_url_of(course)
    if not (course / "gradebook.db").is_file():
        raise CourseError(
            f"{course / 'gradebook.db'} does not exist: run autograder nbgrader release {course} "
            f"{assignment} (or nbgrader generate_assignment) first"
        )
    with Gradebook(db_url, course_id) as gb:
        try:
            notebooks = [nb.name for nb in gb.find_assignment(assignment).notebooks]
        except MissingEntry:
            raise CourseError(
                f"{assignment!r} is not in the gradebook {course / 'gradebook.db'}: run "
                f"autograder nbgrader release {course} {assignment} (or nbgrader generate_assignment) first"
            ) from None
    if student is not None:
        folder = course / "submitted" / student / assignment
        if not folder.is_dir():
            raise CourseError(f"{folder} does not exist: no submission of {assignment!r} by {student!r} "
                              "(run nbgrader collect or zip_collect first)")
        students = [student]
    else:
        students = submitted_students(course, assignment)
        if not students:
            raise CourseError(f"no submission in {course / 'submitted'}/*/{assignment}: run nbgrader collect "
                              "or nbgrader zip_collect first")

    grades: dict[str, StudentGrade] = {}
    results: dict[str, dict] = {}
    for sid in students:
        started = time.perf_counter()
        folder = course / "submitted" / sid / assignment
        results[sid], reused = grade_or_load(course, assignment, sid, folder, regrade=force)
        grade = StudentGrade(sid, engine_seconds=time.perf_counter() - started, reused=reused)
        grade.missing_notebooks = [nb for nb in notebooks if not (folder / f"{nb}.ipynb").is_file()]
        grades[sid] = grade
        how = "unchanged since the last grading" if reused else f"{grade.engine_seconds:.1f} s"
        echo(f"graded {sid}: {results[sid]['score']:g} / {results[sid]['extra_data']['max_score']:g} ({how})")

    outcome = AutogradeOutcome([], 0.0)
    # nbgrader fails on a student without any notebook; such students are recorded below.
    if any(len(grades[sid].missing_notebooks) < len(notebooks) for sid in students):
        args = ["autograde", assignment] + (["--student", student] if student else []) + (["--force"] if force else [])
        run = run_nbgrader(course, *args)
        outcome.nbgrader_seconds = run.seconds
        if run.returncode != 0:
            outcome.nbgrader_failed = run.errors()

    for sid in students:
        grade = grades[sid]
        if grade.missing_notebooks:
            _record_missing_notebooks(course, db_url, course_id, assignment, sid, grade.missing_notebooks, results[sid])
        _summarise(db_url, course_id, assignment, grade)
        outcome.students.append(grade)
    return outcome


def _record_missing_notebooks(course: Path, db_url: str, course_id: str, assignment: str, student: str,
                              missing: list[str], results: dict) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id) as gb, warnings.catch_warnings():
        # nbgrader's add_submission trips SQLAlchemy's autoflush warnings; the rows are added.
        warnings.simplefilter("ignore", SAWarning)
        try:
            gb.find_submission(assignment, student)
        except MissingEntry:  # nbgrader skips a student who submitted no notebook at all
            gb.update_or_create_student(student)
            stamp = _timestamp(course / "submitted" / student / assignment)
            gb.update_or_create_submission(assignment, student, **({"timestamp": stamp} if stamp else {}))
        for notebook in missing:
            submitted = gb.find_submission_notebook(notebook, assignment, student)
            for grade in submitted.grades:
                function = function_of(grade.name)
                if function:
                    fill = [t for t in results["tests"] if t["tags"][0] == function]
                    grade.auto_score = float(sum(t["score"] for t in fill))
                elif grade.auto_score is None:
                    grade.auto_score = 0.0
                grade.needs_manual_grade = False
            gb.db.commit()
    for notebook in missing:
        released = course / "release" / assignment / f"{notebook}.ipynb"
        if not released.is_file():
            continue
        nb = nbformat.read(released, as_version=4)
        nb.cells.insert(0, new_markdown_cell(NOT_SUBMITTED_NOTE.format(notebook=notebook)))
        for cell in nb.cells:
            function = function_of(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"))
            if function and cell.cell_type == "code":
                fill_cell(cell, function, results)
        target = course / "autograded" / student / assignment / f"{notebook}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.chmod(0o644)
        nbformat.write(nb, target)


def _timestamp(folder: Path):
    """The submission time nbgrader's collect or zip_collect wrote, if any."""
    from nbgrader.utils import parse_utc

    path = folder / "timestamp.txt"
    try:
        return parse_utc(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def _summarise(db_url: str, course_id: str, assignment: str, grade: StudentGrade) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    known = rubric_by_function()
    with Gradebook(db_url, course_id) as gb:
        try:
            submission = gb.find_submission(assignment, grade.student)
        except MissingEntry:
            return
        for notebook in submission.notebooks:
            for g in notebook.grades:
                function = function_of(g.name)
                if function in known:
                    grade.functions[function] = float(g.auto_score or 0.0)
                    grade.auto_max += float(g.max_score)
    grade.auto_score = sum(grade.functions.values())
