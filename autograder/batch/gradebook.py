"""`grades.csv`: one row per submission, one column per test, and the total."""

import csv
import io
from pathlib import Path

from autograder.report.inert import inert
from autograder.report.results import write_atomically

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Spreadsheets run a cell starting with these as a formula: such names get a leading '."""


def test_names(documents: list[dict]) -> list[str]:
    """Every test name, in the order the results list them (rubric order)."""
    names: dict[str, None] = {}
    for document in documents:
        for test in document.get("tests", []):
            names.setdefault(test["name"], None)
    return list(names)


def _number(value) -> str:
    return f"{float(value):g}"


def _safe(name: str) -> str:
    """A folder name as a spreadsheet shows it: inert text (report.inert), never a formula."""
    name = inert(name)
    return "'" + name if name.startswith(FORMULA_STARTS) else name


def grades_csv(rows: list[tuple[str, dict]]) -> str:
    """The CSV text for `(submission name, results document)` rows, kept in the given order."""
    columns = test_names([document for _, document in rows])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", *columns, "total"])
    for name, document in rows:
        scores = {test["name"]: test.get("score", 0) for test in document.get("tests", [])}
        cells = [_number(scores[column]) if column in scores else "" for column in columns]
        writer.writerow([_safe(name), *cells, _number(document.get("score", 0))])
    return buffer.getvalue()


def write_grades_csv(path: Path, rows: list[tuple[str, dict]]) -> None:
    write_atomically(path, grades_csv(rows))
