"""`autograder similarity SUBMISSION... --out DIR [--archive DIR]...`.

The submission arguments are those of `autograder grade` (a folder of submissions, or
the submission folders themselves). Writes `DIR/similarity.csv` and
`DIR/similarity.html`; never modifies a submission, never changes a grade.
"""

from __future__ import annotations

from pathlib import Path

import click


def run_similarity(submissions: list[tuple[str, Path]], out: Path, archives: list[Path],
                   echo=click.echo) -> list[Path]:
    """Compare, write the report into `out`, print what a user needs; returns the written files."""
    from autograder.report.inert import inert
    from autograder.similarity.compare import NO_CODE, compare
    from autograder.similarity.report import VERDICT, write_report

    comparison = compare(submissions, archives)
    for warning in comparison.warnings:
        echo(f"warning: {warning}")
    for document in comparison.not_compared():
        echo(inert(f"{document.name}: not compared: {'; '.join(document.notes) or NO_CODE}"))
    try:
        written = write_report(comparison, out)
    except OSError as error:
        raise click.ClickException(f"{out}: cannot write the report ({error.strerror or error})") from None
    flagged = int(comparison.flagged.sum())
    echo(f"{comparison.submissions} submissions, {len(comparison.documents) - comparison.submissions} archived "
         f"files, {len(comparison.pairs.a)} pairs compared, {flagged} flagged. {VERDICT}")
    for path in written:
        echo(f"Written: {path}")
    return written


@click.command("similarity")
@click.argument("submissions", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="Folder for similarity.csv and similarity.html.")
@click.option("--archive", "archives", multiple=True, type=click.Path(path_type=Path),
              help="A folder of earlier or public solutions: every .py file below it is compared "
                   "with every submission. Repeat for several.")
def similarity_command(submissions: tuple[Path, ...], out: Path, archives: tuple[Path, ...]) -> None:
    """Rank pairs of submissions (and archived files) that share rare code: disguised copies.

    A flag is a reason to look, not a verdict.
    """
    from autograder.batch.discover import BatchInputError, find_submissions
    from autograder.paths import MaterialNotFound, material_root

    try:
        material_root()
        folders = find_submissions(list(submissions), out)
    except (BatchInputError, MaterialNotFound) as exc:
        raise click.ClickException(str(exc)) from None
    run_similarity([(folder.name, folder) for folder in folders], out, list(archives))
