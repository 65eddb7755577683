"""nbgrader autograde with our engine instead of a kernel.

The course's nbgrader_config.py replaces nbgrader's `Execute` preprocessor by
`EngineGrades` and its `ClearOutput` by `SafeOutputs`, so `nbgrader autograde`
(and the formgrader's autograde button) never starts a kernel on student code:

- `EngineGrades` grades the student's own Python modules, read from
  `submitted/STUDENT/ASSIGNMENT/` (never the instructor's copies), with
  `autograder.grading.grade_submission`, which runs them in a sandboxed child
  process, and writes the feedback and points into our grade cells, from which
  nbgrader's `SaveAutoGrades` records the auto-graded scores. A grade cell the
  student deleted is added back. The results are kept in
  `autograder_results/ASSIGNMENT/STUDENT.json` (Gradescope format) and reused as
  long as the graded files, the rubric and the autograder version are unchanged,
  so the engine runs once per submission, not once per notebook.
- `SafeOutputs` keeps the outputs the student's own run left in the notebook
  (plots, printed accuracies: what the manual grader of the inline questions
  needs) but only as plain text and PNG/JPEG images of known shape
  (`inert_notebook.inert_outputs`): no HTML or JavaScript from a submission
  reaches the formgrader or the feedback.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from nbformat.v4 import new_code_cell
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder import __version__
from autograder.nbgrader_course.gradecells import fill_cell, function_of
from autograder.nbgrader_course.inert_notebook import inert_outputs
from autograder.parts import graded_files, selected
from autograder.report.results import dumps, write_atomically

RESULTS_DIR = "autograder_results"


def results_path(course_root: Path, assignment: str, student: str) -> Path:
    return Path(course_root) / RESULTS_DIR / assignment / f"{student}.json"


def submission_fingerprint(submission: Path) -> str:
    """What the grade depends on: the graded files as found, the rubric, the autograder version."""
    from autograder.grading.session import locate_graded_file

    digest = hashlib.sha256(f"{__version__}\n".encode())
    for part in selected():
        digest.update(part.rubric_path.read_bytes())
    for relative in graded_files():
        path, problem = locate_graded_file(submission, relative)
        digest.update(f"\n{relative}\n".encode())
        if path is None:
            digest.update(f"problem: {problem}".encode())
        else:
            digest.update(str(path.relative_to(submission)).encode() + b"\n" + path.read_bytes())
    return digest.hexdigest()


def grade_or_load(course_root: Path, assignment: str, student: str, submission: Path,
                  regrade: bool = False) -> tuple[dict, bool]:
    """(Gradescope-format results, whether they were reused) of one submission.

    Results kept from an earlier grading are reused while the graded files, the
    rubric and the autograder version are unchanged (unless `regrade`).
    """
    submission = Path(submission)
    if not submission.is_dir():
        raise FileNotFoundError(f"{submission}: no submitted folder for student {student!r}")
    store = results_path(course_root, assignment, student)
    fingerprint = submission_fingerprint(submission)
    if store.is_file() and not regrade:
        try:
            kept = json.loads(store.read_text(encoding="utf-8"))
            if kept.get("fingerprint") == fingerprint:
                return kept["results"], True
        except (ValueError, KeyError, OSError):
            pass
    from autograder.grading import grade_submission
    from autograder.report.results import to_results

    results = to_results(grade_submission(submission))
    write_atomically(store, dumps({"fingerprint": fingerprint, "student": student, "results": results}))
    return results, False


def _coursedir(preprocessor):
    converter = getattr(preprocessor.parent, "parent", None)
    coursedir = getattr(converter, "coursedir", None)
    if coursedir is None:
        raise RuntimeError(f"{type(preprocessor).__name__} runs only inside nbgrader autograde")
    return coursedir


class EngineGrades(NbGraderPreprocessor):
    """Fill our grade cells from the engine's grading of the student's Python modules."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        student, assignment, notebook = info["student"], info["assignment"], info["notebook"]
        coursedir = _coursedir(self)
        submission = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
        results, _ = grade_or_load(Path(coursedir.root), assignment, student, submission)
        self._restore_missing_cells(nb, info["db_url"], coursedir.course_id, notebook, assignment)
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            function = function_of(meta.get("grade_id"))
            if function and meta.get("grade") and cell.cell_type == "code":
                fill_cell(cell, function, results)
        return nb, resources

    def _restore_missing_cells(self, nb, db_url: str, course_id: str, notebook: str, assignment: str) -> None:
        present = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells}
        with Gradebook(db_url, course_id) as gb:
            try:
                record = gb.find_notebook(notebook, assignment)
            except MissingEntry:
                return
            for grade_cell in record.grade_cells:
                if not function_of(grade_cell.name) or grade_cell.name in present:
                    continue
                source = gb.find_source_cell(grade_cell.name, notebook, assignment)
                self.log.warning("Grade cell %s was missing from the submission; added it back", grade_cell.name)
                nb.cells.append(new_code_cell(source.source, metadata={
                    "deletable": False,
                    "editable": False,
                    "nbgrader": {
                        "grade": True, "grade_id": grade_cell.name, "locked": True,
                        "points": grade_cell.max_score, "schema_version": 3, "solution": False,
                        "task": False, "checksum": source.checksum,
                    },
                }))


class SafeOutputs(NbGraderPreprocessor):
    """Keep the student's own outputs as text and images only (in place of ClearOutput)."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code":
            cell.outputs = inert_outputs(cell.get("outputs"))
        return cell, resources
