"""`autograder demo`: grade a bundled sample class end to end and print the gradebook.

The class is made on the spot from what the package ships: the reference solution,
the untouched student stubs, and the students each part of the course declares
(`[[demo]]` in its part.toml), who each made one typical mistake from its bug
catalogue. Each submission is graded exactly as `autograder grade` would, results.json
files are written, and the gradebook and what one student reads are printed. With
`--all-parts` the class does every part of the assignment, whatever course.toml selects
(the course's formulation is kept): its material is built on the spot beside the class.
"""

import os
import shutil
import tempfile
from pathlib import Path

import click


def build_class(dest: Path) -> list[tuple[str, Path, str]]:
    """Write the sample class's submission folders under `dest`: (name, folder, what)."""
    from autograder import parts
    from autograder.catalogue.mutants import load_catalogue, materialise
    from autograder.paths import assignment_dir

    mutants = {m.id: m for m in load_catalogue()}
    students = [("ada", materialise(None, dest / "ada"), "the reference solution")]
    shutil.copytree(assignment_dir() / "cs231n", dest / "bruno" / "cs231n", ignore=shutil.ignore_patterns("__pycache__"))
    students.append(("bruno", dest / "bruno", "the untouched stubs"))
    for part in parts.selected():
        for student in part.demo:
            students.append((student.name, materialise(mutants[student.mutant], dest / student.name), student.what))
    return students


def featured() -> tuple[str, str] | None:
    """(student, property) whose feedback the demo prints: the first one a part features."""
    from autograder import parts

    return next(((s.name, s.featured) for part in parts.selected() for s in part.demo if s.featured), None)


def all_parts_material(dest: Path) -> Path:
    """A material folder (solutions, release, course.toml) for every part of the assignment, with
    the course's formulation: `autograder build` run into it. This process's environment is left
    as it was (AUTOGRADER_MATERIAL names `dest` only while it is built)."""
    import dataclasses

    from autograder import parts
    from autograder.course import current
    from autograder.paths import assignment_dir, solutions_dir
    from autograder.release.course_build import build_release

    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(solutions_dir(), dest / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(assignment_dir(), dest / "assignment", ignore=shutil.ignore_patterns("__pycache__", "*.ipynb"))
    course = dataclasses.replace(current(), parts=tuple(sorted(parts.available())))
    (dest / "course.toml").write_text(course.to_toml(), encoding="utf-8")
    before = os.environ.get("AUTOGRADER_MATERIAL")
    os.environ["AUTOGRADER_MATERIAL"] = str(dest)
    try:
        build_release(check=False, quiet=True)
    finally:
        if before is None:
            del os.environ["AUTOGRADER_MATERIAL"]
        else:
            os.environ["AUTOGRADER_MATERIAL"] = before
    return dest


@click.command("demo")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Keep the class and its results.json files here (default: a temporary folder).")
@click.option("--all-parts", is_flag=True,
              help="A class doing every part of the assignment (kNN, the linear classifiers, the two-layer "
                   "net), whatever course.toml selects.")
def demo_command(out: Path | None, all_parts: bool) -> None:
    """Grade a bundled sample class end to end and print the gradebook."""
    from rich.console import Console

    from autograder.grading.engine import grade_submission
    from autograder.report.results import to_results, write_results
    from autograder.report.table import gradebook_table

    console = Console()
    root = out or Path(tempfile.mkdtemp(prefix="autograder-demo-"))
    if all_parts:
        with console.status("building the material of every part..."):
            os.environ["AUTOGRADER_MATERIAL"] = str(all_parts_material(root / "material"))
    submissions = root / "submissions"
    if submissions.exists():
        shutil.rmtree(submissions)
    reports = []
    with console.status("grading the sample class...") as status:
        for name, folder, what in build_class(submissions):
            status.update(f"grading {name} ({what})...")
            report = grade_submission(folder)
            write_results(root / "results" / name / "results.json", to_results(report))
            reports.append((report, what))
    console.print(gradebook_table([r for r, _ in reports], title="Sample class gradebook"))
    for report, what in reports:
        console.print(f"  {report.submission}: {what}")
    shown = featured()
    if shown is not None:
        student, prop = shown
        report = next(r for r, _ in reports if r.submission == student)
        failed = next(t for t in report.tests if t.property == prop and t.status == "failed")
        console.rule(f"What {student} reads for '{failed.name}'", align="left")
        console.print(failed.output, markup=False, highlight=False)
    console.print(f"\nSubmissions and results.json files: {root}")
    if out is None:
        console.print("(a temporary folder; pass --out DIR to keep them somewhere else)")
