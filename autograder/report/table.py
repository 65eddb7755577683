"""Readable terminal output with rich: one submission's tests, or a class gradebook."""

from rich.console import Console
from rich.table import Table

from autograder.grading.engine import GradeReport


def submission_table(report: GradeReport, show_failures: bool = True) -> Table:
    table = Table(title=f"{report.submission}: {report.score:g} / {report.max_score:g}", title_justify="left")
    table.add_column("check")
    table.add_column("points", justify="right")
    table.add_column("status")
    for test in report.tests:
        style = "green" if test.status == "passed" else "red"
        table.add_row(test.name, f"{test.score:g} / {test.max_score:g}", f"[{style}]{test.status}[/{style}]")
    return table


def print_report(report: GradeReport, console: Console | None = None, feedback: bool = True) -> None:
    """The table, then the feedback of each failed check that was actually graded."""
    console = console or Console()
    console.print(submission_table(report))
    if not feedback:
        return
    for test in report.tests:
        if test.status == "failed" and not test.output.startswith("Not graded yet"):
            console.rule(f"[red]{test.name}[/red]", align="left")
            console.print(test.output, markup=False, highlight=False)


def gradebook_table(reports: list[GradeReport], title: str = "Gradebook") -> Table:
    """One row per submission, one column per graded function (per part, when the course grades
    several parts: a column per function would not fit a terminal), and the total."""
    from autograder import parts

    chosen = parts.selected()
    if len(chosen) > 1:
        column_of = {f.display: part.name for part in chosen for f in part.functions}
    else:
        column_of = {f.display: f.short for f in parts.selected_functions()}
    columns: list[str] = []
    for report in reports:
        for test in report.tests:
            label = test.name.split(":")[0]
            column = column_of.get(label, label)
            if column not in columns:
                columns.append(column)
    table = Table(title=title, title_justify="left")
    table.add_column("submission")
    for column in columns:
        table.add_column(column, justify="right")
    table.add_column("total", justify="right", style="bold")
    for report in reports:
        per = {}
        for test in report.tests:
            column = column_of.get(test.name.split(":")[0], test.name.split(":")[0])
            got, out_of = per.get(column, (0.0, 0.0))
            per[column] = (got + test.score, out_of + test.max_score)
        cells = [f"{per[column][0]:g}/{per[column][1]:g}" if column in per else "-" for column in columns]
        table.add_row(report.submission, *cells, f"{report.score:g}")
    return table
