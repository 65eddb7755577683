"""`autograder grade SUBMISSION_DIR [--results FILE]`: grade one submission.

With `--out DIR` (or several folders) it grades a batch: see `autograder.batch`.
"""

from pathlib import Path

import click


@click.command("grade")
@click.argument("submissions", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--results", "results_path", type=click.Path(path_type=Path), default=None,
              help="Where to write Gradescope-format results.json (default: results.json in the current folder).")
@click.option("--quiet", is_flag=True, help="Print only the score line, no table or feedback.")
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="Grade a batch into this folder: OUT/<name>/results.json, OUT/grades.csv, OUT/report.html.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Batch: worker processes (default: one per core).")
@click.option("--regrade", is_flag=True, help="Batch: grade again the submissions that already have results in OUT.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Batch: send it to a Dask distributed scheduler, e.g. tcp://host:8786 (extra 'distributed').")
@click.option("--similarity", is_flag=True,
              help="Batch: also write the similarity report (OUT/similarity.csv, OUT/similarity.html).")
def grade_command(submissions: tuple[Path, ...], results_path: Path | None, quiet: bool, out: Path | None,
                  workers: int | None, regrade: bool, scheduler: str | None, similarity: bool) -> None:
    """Grade one submission folder (the student's copy of the release folder), or a batch.

    A batch: several SUBMISSIONS, or one folder whose subfolders are the submissions,
    with --out DIR. Exits 0 whenever grading completed, whatever the score.
    """
    if out is not None or len(submissions) > 1:
        from autograder.batch.command import grade_batch

        grade_batch(submissions, out, results_path=results_path, quiet=quiet, workers=workers,
                    regrade=regrade, scheduler=scheduler, similarity=similarity)
        return
    if workers is not None or regrade or scheduler is not None or similarity:
        raise click.UsageError("--workers, --regrade, --scheduler and --similarity grade a batch: give --out DIR")
    submission = submissions[0]
    if not submission.exists():
        raise click.ClickException(f"{submission}: no such folder")
    if not submission.is_dir():
        raise click.ClickException(f"{submission}: not a folder (give the student's copy of the release folder)")
    # Imported here, after the zygote was set starting, so that its start-up overlaps them:
    # the command line must not pay for the grading engine unless it grades.
    from autograder.sandbox.process import Limits, start_zygote_in_background

    start_zygote_in_background(standby=Limits())
    from autograder.grading.engine import grade_submission
    from autograder.grading.session import SubmissionError
    from autograder.paths import MaterialNotFound
    from autograder.report.results import to_results, write_results

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
    if quiet:
        click.echo(f"{report.submission}: {report.score:g} / {report.max_score:g}")
        return
    from rich.console import Console

    from autograder.report.table import print_report

    console = Console()
    print_report(report, console)
    console.print(f"Results written to {target}")
