"""`autograder grade SUBMISSION_DIR [--results FILE]`: grade one submission."""

from pathlib import Path

import click


@click.command("grade")
@click.argument("submission", type=click.Path(path_type=Path))
@click.option("--results", "results_path", type=click.Path(path_type=Path), default=None,
              help="Where to write Gradescope-format results.json (default: results.json in the current folder).")
@click.option("--quiet", is_flag=True, help="Print only the score line, no table or feedback.")
def grade_command(submission: Path, results_path: Path | None, quiet: bool) -> None:
    """Grade one submission folder (the student's copy of the release folder).

    Exits 0 whenever grading completed, whatever the score.
    """
    # Imported here: the engine pulls in hypothesis, which other commands do not need.
    from rich.console import Console

    from autograder.grading.engine import grade_submission
    from autograder.grading.session import SubmissionError
    from autograder.paths import MaterialNotFound
    from autograder.report.results import to_results, write_results
    from autograder.report.table import print_report

    if not submission.exists():
        raise click.ClickException(f"{submission}: no such folder")
    if not submission.is_dir():
        raise click.ClickException(f"{submission}: not a folder (give the student's copy of the release folder)")
    try:
        report = grade_submission(submission)
    except (SubmissionError, MaterialNotFound) as exc:
        raise click.ClickException(str(exc)) from None
    results = to_results(report)
    target = results_path or Path("results.json")
    try:
        write_results(target, results)
    except OSError as exc:
        raise click.ClickException(f"{target}: cannot write the results ({exc.strerror})") from None
    console = Console()
    if quiet:
        console.print(f"{report.submission}: {report.score:g} / {report.max_score:g}")
    else:
        print_report(report, console)
        console.print(f"Results written to {target}")
