"""`autograder demo`: grade a bundled sample class end to end and print the gradebook.

The class is made on the spot from what the package ships: the reference solution,
the untouched student stubs, and students who each made one typical mistake from
the bug catalogue. Each submission is graded exactly as `autograder grade` would,
results.json files are written, and the gradebook and one student's feedback are
printed.
"""

import shutil
import tempfile
from pathlib import Path

import click

SAMPLE_CLASS = (
    ("ada", None, "the reference solution"),
    ("bruno", "stubs", "the untouched stubs"),
    ("chen", "svm_vec_half_reg_convention", "0.5 * reg in the vectorized SVM"),
    ("dara", "softmax_vec_no_max_shift", "no max subtraction in the vectorized Softmax"),
    ("emeka", "train_labels_sampled_separately", "labels sampled apart from rows"),
    ("fatima", "predict_argmax_over_samples", "argmax over axis 0 in predict"),
    ("goran", "svm_vec_calls_naive", "the vectorized SVM calls the naive one"),
)


def build_class(dest: Path) -> list[tuple[str, Path, str]]:
    """Write the sample class's submission folders under `dest`."""
    from autograder.catalogue.mutants import catalogue_path, load_mutants, materialise
    from autograder.paths import assignment_dir

    mutants = {m.id: m for m in load_mutants(catalogue_path())}
    students = []
    for name, source, what in SAMPLE_CLASS:
        folder = dest / name
        if source == "stubs":
            shutil.copytree(assignment_dir() / "cs231n", folder / "cs231n",
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            materialise(mutants[source] if source else None, folder)
        students.append((name, folder, what))
    return students


@click.command("demo")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Keep the class and its results.json files here (default: a temporary folder).")
def demo_command(out: Path | None) -> None:
    """Grade a bundled sample class end to end and print the gradebook."""
    from rich.console import Console

    from autograder.grading.engine import grade_submission
    from autograder.report.results import to_results, write_results
    from autograder.report.table import gradebook_table

    console = Console()
    root = out or Path(tempfile.mkdtemp(prefix="autograder-demo-"))
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
    chen = next(r for r, _ in reports if r.submission == "chen")
    failed = next(t for t in chen.tests if t.property == "regularization" and t.status == "failed")
    console.rule(f"What chen reads for '{failed.name}'", align="left")
    console.print(failed.output, markup=False, highlight=False)
    console.print(f"\nSubmissions and results.json files: {root}")
    if out is None:
        console.print("(a temporary folder; pass --out DIR to keep them somewhere else)")
