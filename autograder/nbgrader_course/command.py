"""`autograder nbgrader ...`: the nbgrader workflow (init, release, scan, autograde)."""

from __future__ import annotations

from pathlib import Path

import click

from autograder.nbgrader_course import DEFAULT_COURSE_ID, assignment_name


def _fail(error: Exception) -> None:
    raise click.ClickException(str(error)) from None


@click.group("nbgrader", short_help="The nbgrader workflow: course set-up, scanned release, autograding.")
def nbgrader_command() -> None:
    """Run the assignment as an nbgrader course.

    init creates the course; release generates, scans and releases the student
    version; after nbgrader collect or zip_collect, autograde grades the
    submissions with the autograder into nbgrader's gradebook. nbgrader's own
    commands (generate_feedback, export, formgrader) work as usual.
    """


@nbgrader_command.command("init")
@click.argument("course_dir", type=click.Path(path_type=Path))
@click.option("--exchange", type=click.Path(path_type=Path), default=None,
              help="The exchange folder shared with students (default: COURSE_DIR/exchange).")
@click.option("--course-id", default=DEFAULT_COURSE_ID, show_default=True, help="nbgrader's course id.")
@click.option("--force", is_flag=True,
              help="Rewrite the configuration and source folder of an existing course (gradebook and submissions are kept).")
def init_command(course_dir: Path, exchange: Path | None, course_id: str, force: bool) -> None:
    """Create a ready nbgrader course in COURSE_DIR."""
    from autograder.nbgrader_course.course import CourseError, init_course

    try:
        done = init_course(course_dir, exchange=exchange, course_id=course_id, force=force)
    except CourseError as error:
        _fail(error)
    click.echo(f"nbgrader course {course_id!r} ready in {done['course']}")
    click.echo(f"  configuration: {done['config']}")
    click.echo(f"  source:        {done['source']} ({len(done['files'])} files)")
    click.echo(f"  exchange:      {done['exchange']}")
    click.echo(f"next: autograder nbgrader release {done['course']} {assignment_name()}")


@nbgrader_command.command("release")
@click.argument("course_dir", type=click.Path(path_type=Path))
@click.argument("assignment", default=assignment_name)
@click.option("--force", is_flag=True, help="Replace a release already in the exchange.")
@click.option("--zip", "zip_path", type=click.Path(path_type=Path), default=None,
              help="Write the scanned release as this zip (for an LMS) instead of releasing it to the exchange.")
def release_command(course_dir: Path, assignment: str, force: bool, zip_path: Path | None) -> None:
    """Generate the student version, scan it for leaks and release it.

    Runs nbgrader generate_assignment (which fails on a leak), scans the release
    folder and runs nbgrader release_assignment (which scans again), or writes a zip.
    """
    from autograder.nbgrader_course.course import CourseError
    from autograder.nbgrader_course.leaks import LeakError
    from autograder.nbgrader_course.workflow import release

    try:
        outcome = release(course_dir, assignment, force=force, zip_path=zip_path)
    except (CourseError, LeakError) as error:
        _fail(error)
    click.echo(f"generated and scanned {outcome.release_dir} ({outcome.generate_seconds:.1f} s): no leak")
    click.echo(f"released to {outcome.destination} ({outcome.release_seconds:.1f} s)")


@nbgrader_command.command("scan")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--course", "course_dir", type=click.Path(path_type=Path), default=None,
              help="Also treat the solutions in this course's source notebooks as secret.")
def scan_command(path: Path, course_dir: Path | None) -> None:
    """Scan a release folder, zip or file for leaks; exit 1 naming every leaked file and line."""
    from autograder.nbgrader_course.leaks import LeakError, check_release

    if not path.exists():
        raise click.ClickException(f"{path}: no such file or folder to scan")
    notebooks = sorted(Path(course_dir).glob("source/*/*.ipynb")) if course_dir else []
    if course_dir and not notebooks:
        raise click.ClickException(f"{course_dir}: no source notebooks in {Path(course_dir) / 'source'}")
    try:
        check_release(path, notebooks)
    except LeakError as error:
        click.echo(str(error), err=True)
        click.get_current_context().exit(1)
    click.echo(f"{path}: no leak")


@nbgrader_command.command("autograde")
@click.argument("course_dir", type=click.Path(path_type=Path))
@click.argument("assignment", default=assignment_name)
@click.option("--student", default=None, help="Grade only this student's submission.")
@click.option("--force", is_flag=True, help="Grade again submissions already graded (nbgrader autograde --force).")
def autograde_command(course_dir: Path, assignment: str, student: str | None, force: bool) -> None:
    """Grade the collected submissions with the autograder into nbgrader's gradebook.

    Each student's own Python modules (from submitted/STUDENT/ASSIGNMENT) are graded
    in a sandboxed process; nbgrader autograde then records the points as the
    auto-graded scores of the notebooks' autograded cells, with the feedback.
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from autograder import parts
    from autograder.nbgrader_course.course import CourseError
    from autograder.nbgrader_course.gradecells import rubric_by_function
    from autograder.nbgrader_course.workflow import autograde
    from autograder.report.inert import inert

    try:
        outcome = autograde(course_dir, assignment, student=student, force=force,
                            echo=lambda line: click.echo(inert(line)))
    except CourseError as error:
        _fail(error)
    rubrics = rubric_by_function()
    table = Table(title=f"{assignment}: auto-graded points in the gradebook")
    table.add_column("student")
    for function in rubrics:
        table.add_column(parts.function(function).short, justify="right")
    table.add_column("total", justify="right")
    table.add_column("note")
    for grade in outcome.students:
        note = ", ".join(f"{nb}.ipynb" for nb in grade.missing_notebooks)
        table.add_row(escape(inert(grade.student)), *(f"{grade.functions.get(f, 0):g}" for f in rubrics),
                      f"{grade.auto_score:g}/{grade.auto_max:g}", f"not submitted: {note}" if note else "")
    console = Console()
    if not console.is_terminal:
        console = Console(width=max(console.width, 120))
    console.print(table)
    if outcome.nbgrader_seconds:
        click.echo(f"nbgrader autograde took {outcome.nbgrader_seconds:.1f} s.")
    click.echo("The inline questions are graded by hand in the formgrader (jupyter lab in the course folder, "
               "menu Nbgrader > Formgrader).")
    if outcome.nbgrader_failed:
        click.echo(f"nbgrader autograde reported errors:\n{outcome.nbgrader_failed}", err=True)
        click.get_current_context().exit(1)


@nbgrader_command.command("similarity")
@click.argument("course_dir", type=click.Path(path_type=Path))
@click.argument("assignment", default=assignment_name)
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="Folder for similarity.csv and similarity.html (default: COURSE_DIR/similarity/ASSIGNMENT).")
@click.option("--archive", "archives", multiple=True, type=click.Path(path_type=Path),
              help="A folder of earlier or public solutions (every .py file below it). Repeat for several.")
def similarity_command(course_dir: Path, assignment: str, out: Path | None, archives: tuple[Path, ...]) -> None:
    """Similarity report of the collected submissions (submitted/STUDENT/ASSIGNMENT).

    Compares the students' graded Python modules only, never the notebooks. A flag is a
    reason to look, not a verdict.
    """
    from autograder.nbgrader_course.workflow import submitted_students
    from autograder.similarity.command import run_similarity

    students = submitted_students(course_dir, assignment)
    if not students:
        _fail(FileNotFoundError(f"{course_dir / 'submitted'}: no student has submitted {assignment} "
                                "(run nbgrader collect or zip_collect first)"))
    submissions = [(student, course_dir / "submitted" / student / assignment) for student in students]
    run_similarity(submissions, out or course_dir / "similarity" / assignment, list(archives))
