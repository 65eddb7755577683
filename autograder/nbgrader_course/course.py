"""`autograder nbgrader init COURSE_DIR`: a ready nbgrader course for the linear classifiers.

The course folder gets

- `nbgrader_config.py`: the course id, an exchange (under the course unless
  another path is given), the leak scan in `generate_assignment` and
  `release_assignment`, autograding by our engine instead of a kernel,
  `Autograde.exclude_overwriting` for the graded modules, every submitted
  notebook made inert before the formgrader or the feedback renders it
  (`inert_notebook`), and `zip_collect` set up for the file names of the
  common LMS downloads;
- `source/linear_classifiers/`: the two notebooks (nbgrader source version,
  with one autograded cell per graded function added), the student stubs
  `cs231n/` and the public checks `tests/` with their `pytest.ini`, all from
  the release folder `assignment/` of this checkout;
- `student_nbgrader_config.py`: what students on the same machine (a
  JupyterHub) put in `~/.jupyter/nbgrader_config.py` to fetch and submit.

Afterwards the plain nbgrader commands work in the course folder.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

from autograder.nbgrader_course import ASSIGNMENT, DEFAULT_COURSE_ID, assignment_name  # noqa: E402,F401  (kept importable from here)
from autograder.nbgrader_course.gradecells import add_grade_cells
from autograder.nbgrader_course.zipcollect import COLLECTED_EXTENSIONS, LMS_FILENAME_REGEXP
from autograder.parts import graded_files
from autograder.paths import assignment_dir
from autograder.release import stubs
from autograder.release_notebooks import notebook_names

CONFIG_NAME = "nbgrader_config.py"
STUDENT_CONFIG_NAME = "student_nbgrader_config.py"
EXTRA_IGNORE = [".hypothesis", ".pytest_cache", ".benchmarks", ".DS_Store"]
_COURSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")


class CourseError(RuntimeError):
    """The course folder or the material cannot be used (the message names the path)."""


CONFIG_TEMPLATE = '''\
# nbgrader configuration of the CS231n linear-classifiers course.
# Written by `autograder nbgrader init`; run nbgrader commands in this folder.
import os

from nbgrader.converters import Autograde, GenerateAssignment
from nbgrader.preprocessors import ClearOutput, Execute

from autograder.nbgrader_course.engine_grades import EngineGrades, SafeOutputs
from autograder.nbgrader_course.inert_notebook import InertNotebook
from autograder.nbgrader_course.leaks import LeakScan

c = get_config()  # noqa: F821 (provided by nbgrader)

HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = HERE
c.CourseDirectory.ignore = {ignore!r}

# Where releases and submissions are exchanged (students need the same path).
c.Exchange.root = {exchange_root}

def _defaults(converter, name):
    return list(converter.class_traits()[name].default())

# No leaks: every generated notebook and every file beside it is scanned for
# lines of the reference solutions and of the hidden suite (the command fails,
# naming the file and line, and the release folder is removed), and
# release_assignment scans the release folder again before it reaches the exchange.
c.GenerateAssignment.preprocessors = _defaults(GenerateAssignment, "preprocessors") + [LeakScan]
c.ExchangeFactory.release_assignment = "autograder.nbgrader_course.leaks.ScannedReleaseAssignment"

# Autograding never runs student code in a kernel: the graded Python modules are
# graded by the autograder's engine in a sandboxed process (EngineGrades, in place
# of Execute), and the outputs the student's own run left are kept as text and
# images only (SafeOutputs, in place of ClearOutput) for the manual grader.
c.Autograde.sanitize_preprocessors = [
    SafeOutputs if p is ClearOutput else p for p in _defaults(Autograde, "sanitize_preprocessors")
]
c.Autograde.autograde_preprocessors = [
    EngineGrades if p is Execute else p for p in _defaults(Autograde, "autograde_preprocessors")
] + [InertNotebook]

# Nothing a student wrote can act in an instructor's browser: the autograded copy is
# rebuilt from an allow-list at the end of autograde (InertNotebook, above: markdown
# cleaned by nh3, outputs of known shape only, nbgrader's metadata only), and every
# HTML page nbconvert renders from it (the formgrader's submission pages, the
# feedback) makes it inert again first, whatever wrote it. Where a template honours
# sanitize_html, nbconvert cleans HTML outputs too. See docs/hostile-content.md.
c.HTMLExporter.preprocessors = [InertNotebook]
c.HTMLExporter.sanitize_html = True
# The autograded folder keeps the student's own modules, not the instructor's stubs.
c.Autograde.exclude_overwriting = {exclude!r}

# The formgrader's "Current configuration" panel prints the configuration as raw
# HTML, so the preprocessor classes above and the named groups of the regular
# expression below would show garbled there: it is off; this file is the configuration.
c.FormgradeExtension.debug = False

# zip_collect: put the LMS download (a zip) in downloaded/{assignment}/archive/.
# The regular expression reads Canvas, Moodle and Blackboard file names; see
# autograder/nbgrader_course/zipcollect.py.
c.ZipCollectApp.collector_plugin = "autograder.nbgrader_course.zipcollect.LMSCollectorPlugin"
c.FileNameCollectorPlugin.named_regexp = {regexp!r}
c.FileNameCollectorPlugin.valid_ext = {extensions!r}
'''

STUDENT_CONFIG_TEMPLATE = '''\
# For students of this course on the same machine: copy this file to
# ~/.jupyter/nbgrader_config.py, then
#   nbgrader fetch_assignment {assignment}
#   ... work in {assignment}/ ...
#   nbgrader submit {assignment}
c = get_config()  # noqa: F821 (provided by nbgrader)
c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}
'''


def render_config(course_id: str, exchange: Path | None) -> str:
    exchange_root = 'os.path.join(HERE, "exchange")' if exchange is None else repr(str(exchange))
    from nbgrader.coursedir import CourseDirectory

    ignore = list(CourseDirectory.class_traits()["ignore"].default()) + EXTRA_IGNORE
    return CONFIG_TEMPLATE.format(
        course_id=course_id,
        ignore=ignore,
        exchange_root=exchange_root,
        exclude={assignment_name(): list(graded_files())},
        assignment=assignment_name(),
        regexp=LMS_FILENAME_REGEXP,
        extensions=COLLECTED_EXTENSIONS,
    )


def _release_material() -> Path:
    """The release folder, checked to hold notebooks and stubs up to date with the solutions."""
    release = assignment_dir()
    missing = [release / name for name in notebook_names() if not (release / name).is_file()]
    if missing:
        raise CourseError(f"{missing[0]} does not exist: run python -m autograder.release_notebooks")
    try:
        comparison = stubs.compare(stubs.default_source(), stubs.default_target())
    except (stubs.MarkerError, OSError) as error:
        raise CourseError(str(error)) from error
    if not comparison.up_to_date:
        raise CourseError(
            f"{stubs.default_target()} is out of date with the solutions:\n"
            f"{comparison.describe(stubs.default_target())}\nrun autograder build first"
        )
    return release


def _copy_release_files(release: Path, target: Path) -> list[str]:
    copied = []
    for path in sorted(release.rglob("*")):
        relative = path.relative_to(release)
        if not path.is_file() or path.suffix == ".ipynb" or path.suffix in stubs.IGNORED_SUFFIXES:
            continue
        if any(part in stubs.IGNORED_DIRS or part.startswith(".") for part in relative.parts):
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        copied.append(relative.as_posix())
    return copied


def write_source(target: Path) -> list[str]:
    """Fill `target` (source/linear_classifiers) from the release folder; returns what was written."""
    release = _release_material()
    written = _copy_release_files(release, target)
    for name in (Path(n).stem for n in notebook_names()):
        nb = nbformat.read(release / f"{name}.ipynb", as_version=4)
        nb = add_grade_cells(nb, name)
        nbformat.validate(nb)
        nbformat.write(nb, target / f"{name}.ipynb")
        written.append(f"{name}.ipynb")
    return sorted(written)


def init_course(course: Path, exchange: Path | None = None, course_id: str = DEFAULT_COURSE_ID,
                force: bool = False) -> dict:
    """Create (or with `force`, refresh) the course folder; returns what was done."""
    course = Path(course).absolute()
    if not _COURSE_ID.match(course_id):
        raise CourseError(f"{course_id!r} is not a valid course id (letters, digits, '_', '.', '-')")
    if course.exists() and not course.is_dir():
        raise CourseError(f"{course} exists and is not a folder")
    config = course / CONFIG_NAME
    source = course / "source" / assignment_name()
    if not force:
        for existing in (config, source):
            if existing.exists():
                raise CourseError(
                    f"{existing} already exists: this folder already holds a course "
                    "(add --force to rewrite its configuration and source folder; the "
                    "gradebook and the submissions are kept)"
                )
    if exchange is not None:
        exchange = Path(exchange).absolute()
        if exchange.exists() and not exchange.is_dir():
            raise CourseError(f"{exchange} exists and is not a folder: give a folder for the exchange")
    # Everything is read and checked before anything is written.
    text = render_config(course_id, exchange)
    staging = course / f".{assignment_name()}.init"
    try:
        course.mkdir(parents=True, exist_ok=True)
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        written = write_source(staging)
        if source.exists():
            shutil.rmtree(source)
        source.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(source)
        config.write_text(text, encoding="utf-8")
        exchange_path = exchange or course / "exchange"
        exchange_path.mkdir(parents=True, exist_ok=True)
        (course / STUDENT_CONFIG_NAME).write_text(
            STUDENT_CONFIG_TEMPLATE.format(course_id=course_id, exchange=str(exchange_path), assignment=assignment_name()),
            encoding="utf-8",
        )
    except PermissionError as error:
        raise CourseError(f"{error.filename}: permission denied") from error
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return {"course": course, "config": config, "source": source, "files": written, "exchange": exchange_path}


def check_course(course: Path, assignment: str | None = None) -> Path:
    """The course folder, checked to be one made by `init` (and to hold `assignment`'s source)."""
    course = Path(course).absolute()
    if not course.is_dir():
        raise CourseError(f"{course}: no such course folder (create one with autograder nbgrader init)")
    if not (course / CONFIG_NAME).is_file():
        raise CourseError(
            f"{course / CONFIG_NAME} does not exist: {course} is not a course folder made by "
            "autograder nbgrader init"
        )
    if assignment is not None and not (course / "source" / assignment).is_dir():
        raise CourseError(f"{course / 'source' / assignment} does not exist: no assignment {assignment!r} in {course}")
    return course
