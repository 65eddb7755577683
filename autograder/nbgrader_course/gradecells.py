"""The autograded cells: one nbgrader grade cell per graded function, filled from our engine.

The course's notebooks carry one locked, autograded code cell per graded
function (`autograder-<function id>`), worth that function's points in the rubric,
placed where its part says (`notebook` and `after_cell` in part.toml). Running it (as nbgrader's Validate button does) runs that function's
public checks and fails with what they say, so Validate is useful on a stub. At
autograde time nothing runs in a kernel: `fill_cell` replaces the cell's outputs
with the engine's feedback for that function (a stdout stream, per property)
followed by the points as the cell's result, which is how nbgrader reads
partial credit (`nbgrader.utils.determine_grade`). nbgrader then stores the
points as the cell's auto-graded score, and its feedback shows the text.
"""

from __future__ import annotations

import copy

from nbformat.v4 import new_code_cell, new_output

from autograder import parts
from autograder.grading.rubric import FunctionRubric, load_rubric
from autograder.report.inert import inert

GRADE_ID_PREFIX = "autograder-"
SCHEMA_VERSION = 3

def placement() -> dict[str, tuple[str | None, str | None]]:
    """Each graded function's cell: the notebook it goes in and the cell it follows (when that
    cell is missing the grade cell goes at the end of the notebook), as its part declares."""
    return {f.id: (f.notebook, f.after_cell) for f in parts.selected_functions()}


def public_checks_file(relative: str) -> str | None:
    """The public checks' file of a graded file, as its part declares (None when it has none)."""
    return next((part.public_checks[relative] for part in parts.selected() if relative in part.public_checks), None)


def grade_id(function: str) -> str:
    return GRADE_ID_PREFIX + function


def function_of(cell_grade_id: str | None) -> str | None:
    """The graded function of one of our grade cells, or None for any other cell."""
    if cell_grade_id and cell_grade_id.startswith(GRADE_ID_PREFIX):
        return cell_grade_id[len(GRADE_ID_PREFIX):]
    return None


def rubric_by_function() -> dict[str, FunctionRubric]:
    return {r.function: r for r in load_rubric()}


PYTEST_ARGS = ["-m", "pytest", "-q", "--tb=short", "-rfE", "--color=no"]

CHECKS_TEMPLATE = """\
# Running this cell (or nbgrader's Validate button) runs its public checks now:
#     pytest {selection}
import os, subprocess, sys, textwrap

checks = subprocess.run(
    [sys.executable, {command}],
    capture_output=True, text=True, env=dict(os.environ, COLUMNS="2000"),
)
failed = [line.split(" ", 1)[1].split(" - ", 1) for line in checks.stdout.splitlines()
          if line.startswith(("FAILED ", "ERROR "))]
for test, *message in failed:  # what each failed check says, on stderr: Validate shows it
    print("- " + test.split("::")[-1], *textwrap.wrap(" ".join(message), 76, initial_indent="    ",
          subsequent_indent="    "), sep="\\n", file=sys.stderr)
if checks.returncode != 0:
    if not failed or not all(message for _, *message in failed):  # e.g. your file cannot be imported
        lines = [line.strip(" =!_") for line in (checks.stdout + checks.stderr).splitlines()]
        print(*[line for line in lines if line][-30:], sep="\\n", file=sys.stderr)
    raise AssertionError("{name} does not pass its public checks: fix it in "
                         "{file} (see above)")
print("{name} passes its public checks; the autograder checks many more cases.")
"""
"""The grade cell's code: the function's public checks in a fresh process (the
notebook's own imports may be stale); each failure's message goes to stderr,
which nbgrader's Validate prints, and an error makes Validate fail."""


def public_checks_command(rubric: FunctionRubric) -> list[str] | None:
    """pytest's arguments selecting the public checks of one function (None when its file has none)."""
    check = public_checks_file(rubric.file)
    return None if check is None else [check, "-k", rubric.function]


def cell_source(rubric: FunctionRubric) -> str:
    """What the grade cell runs when a student runs it or presses nbgrader's Validate button.

    Autograding never runs it (the engine fills its outputs); for the student it
    runs the function's public checks in a fresh process (the notebook's own
    imports may be stale), so Validate fails on a stub and names what is wrong,
    and passes once the public checks do.
    """
    points = sum(rubric.points.values())
    lines = [
        f"# Autograded: {rubric.display_name} in {rubric.file} ({points} points).",
        "# The course autograder grades this function from your .py file after you",
        "# submit; your points and its feedback appear under this cell in your feedback.",
    ]
    selection = public_checks_command(rubric)
    if selection is None:
        lines.append(f'print("{rubric.display_name} is graded from {rubric.file} after you submit.")')
        return "\n".join(lines)
    command = ", ".join(f'"{arg}"' for arg in PYTEST_ARGS + selection)
    lines.append(CHECKS_TEMPLATE.format(selection=" ".join(selection), command=command,
                                        name=rubric.display_name, file=rubric.file).rstrip("\n"))
    return "\n".join(lines)


def new_grade_cell(rubric: FunctionRubric):
    """The locked autograded code cell of one graded function (nbgrader schema 3)."""
    gid = grade_id(rubric.function)
    return new_code_cell(
        cell_source(rubric),
        id=gid,
        metadata={
            "deletable": False,
            "editable": False,
            "nbgrader": {
                "grade": True,
                "grade_id": gid,
                "locked": True,
                "points": sum(rubric.points.values()),
                "schema_version": SCHEMA_VERSION,
                "solution": False,
                "task": False,
            },
        },
    )


def add_grade_cells(nb, notebook_name: str):
    """A copy of `nb` with the grade cells of the functions placed in `notebook_name`."""
    nb = copy.deepcopy(nb)
    rubrics = rubric_by_function()
    present = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells}
    planned = placement()
    for function, (name, anchor) in planned.items():
        if name != notebook_name or function not in rubrics or grade_id(function) in present:
            continue
        cell = new_grade_cell(rubrics[function])
        ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells]
        position = ids.index(anchor) + 1 if anchor in ids else len(nb.cells)
        nb.cells.insert(position, cell)
    missing = {f for f in rubrics if planned.get(f, (None,))[0] is None}
    if missing:
        raise KeyError(f"no notebook is planned for the grade cells of {sorted(missing)} (`notebook` in part.toml)")
    return nb


# --------------------------------------------------------------------------- feedback


def feedback_text(function: str, results: dict) -> tuple[str, float, float]:
    """(text, score, max score) of one function from a Gradescope-format results document."""
    tests = [t for t in results["tests"] if t.get("tags", [None])[0] == function]
    if not tests:
        raise KeyError(f"the results hold no test of {function}")
    rubric = rubric_by_function().get(function)
    display = rubric.display_name if rubric else function
    score = float(sum(t["score"] for t in tests))
    max_score = float(sum(t["max_score"] for t in tests))
    source = f", graded from your {rubric.file}" if rubric else ""
    lines = [f"{display}: {score:g} / {max_score:g} points{source}", ""]
    for test in tests:
        title = test["name"].split(": ", 1)[-1]
        mark = "passed" if test["status"] == "passed" else "FAILED"
        lines.append(f"[{mark}] {title} ({test['score']:g} / {test['max_score']:g})")
        if test["status"] != "passed":  # inert again: the results may come from an older results.json
            lines.extend("    " + line if line else "" for line in inert(test["output"]).splitlines())
    return "\n".join(lines) + "\n", score, max_score


def fill_cell(cell, function: str, results: dict) -> None:
    """Replace the cell's outputs by our feedback and, as its result, the points."""
    text, score, max_score = feedback_text(function, results)
    points = float(cell.metadata["nbgrader"]["points"])
    if max_score != points:
        raise ValueError(
            f"cell {grade_id(function)} is worth {points:g} points but the rubric gives "
            f"{function} {max_score:g}: run `autograder nbgrader init --force` and "
            "`nbgrader generate_assignment` again"
        )
    cell.outputs = [
        new_output("stream", name="stdout", text=text),
        new_output("execute_result", data={"text/plain": repr(score)}, execution_count=None),
    ]
    cell.execution_count = None
