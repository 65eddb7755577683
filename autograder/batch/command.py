"""The batch form of `autograder grade`: `autograder grade SUBMISSION_DIR... --out DIR`.

Registered through `autograder.grading.command` (which hands over when `--out` is given
or several folders are); this module draws the progress bar and prints the summary.
"""

from pathlib import Path

import click


def grade_batch(arguments: tuple[Path, ...], out: Path | None, results_path: Path | None = None,
                quiet: bool = False, workers: int | None = None, regrade: bool = False,
                scheduler: str | None = None, similarity: bool = False) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from autograder.batch.discover import BatchInputError, find_submissions
    from autograder.batch.runner import default_workers, run_batch
    from autograder.paths import MaterialNotFound, material_root
    from autograder.report.inert import inert

    if out is None:
        raise click.UsageError("grading several submissions needs --out DIR (where the results go)")
    if results_path is not None:
        raise click.UsageError("--results names the file of one submission; a batch writes OUT/<name>/results.json")
    try:
        material_root()
        submissions = find_submissions(list(arguments), out)
    except (BatchInputError, MaterialNotFound) as exc:
        raise click.ClickException(str(exc)) from None

    console = Console(stderr=False)
    if similarity:
        # Before grading: the class report written at the end of the batch links to it.
        from autograder.similarity.command import run_similarity

        run_similarity([(s.name, s) for s in submissions], out, [],
                       echo=(lambda line: None) if quiet else (lambda line: console.print(inert(line), markup=False)))
    progress = Progress(
        TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("eta"), TimeRemainingColumn(), TextColumn("{task.fields[last]}"),
        console=console, disable=quiet, transient=False,
    )
    state = {"task": None, "started": False}
    where = f"on the Dask cluster at {scheduler}" if scheduler else f"with {workers or default_workers()} workers"

    def on_start(to_grade: int, skipped: int) -> None:
        if not quiet:
            note = f" ({skipped} already graded in {out}: skipped, --regrade grades them again)" if skipped else ""
            console.print(f"{len(submissions)} submissions: grading {to_grade} {where}{note}", markup=False)
        state["task"] = progress.add_task("grading", total=to_grade, last="")
        if to_grade:
            progress.start()
            state["started"] = True

    def on_result(name: str, document: dict | None, error: str | None) -> None:
        last = (f"{escape(inert(name))}: {document['score']:g}" if document is not None
                else f"[red]{escape(inert(name))}: grader error[/red]")
        progress.update(state["task"], advance=1, last=last)

    try:
        summary = run_batch(submissions, out, workers=workers, regrade=regrade, scheduler=scheduler,
                            on_start=on_start, on_result=on_result)
    except BatchInputError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        if state["started"]:
            progress.stop()
            state["started"] = False
        console.print(f"Interrupted. Results written so far are kept in {out}; run the same command again to grade the rest.")
        raise SystemExit(130) from None
    finally:
        if state["started"]:
            progress.stop()

    scores = [document["score"] for document in summary.results.values()]
    if scores:
        console.print(f"{len(summary.graded)} graded, {len(summary.skipped)} skipped; "
                      f"mean score {sum(scores) / len(scores):.1f} over {len(scores)} submissions")
    if not quiet:
        for path in summary.written:
            console.print(f"Written: {path}", markup=False)
    if summary.errors:
        for name, error in sorted(summary.errors.items()):
            console.print(inert(f"{name}: not graded: {error}"), style="red", markup=False, highlight=False)
        raise click.ClickException(
            f"{len(summary.errors)} submission(s) could not be graded (see above); run the same command again to retry them")
