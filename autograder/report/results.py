"""Gradescope-format results.json: built from a GradeReport, validated, written atomically.

Everything but `execution_time` and `extra_data.timings` depends only on the
submission, so two gradings of the same folder give byte-identical files once
those two are removed (DESIGN principle 4; see `deterministic_view`).
"""

import json
import os
import tempfile
from pathlib import Path

from autograder import __version__
from autograder.grading.engine import GradeReport

SCHEMA_PATH = Path(__file__).with_name("gradescope_results.schema.json")
MAX_TEST_OUTPUT = 8000
MAX_STUDENT_OUTPUT = 10000
TIMING_FIELDS = ("execution_time",)


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    half = limit // 2
    return text[:half] + f"\n... ({len(text) - 2 * half} characters left out) ...\n" + text[-half:]


def summary_text(report: GradeReport) -> str:
    lines = [f"Score: {report.score:g} / {report.max_score:g}"]
    for function, score in report.by_function().items():
        max_score = sum(t.max_score for t in report.tests if t.function == function)
        name = next(t.name for t in report.tests if t.function == function).split(":")[0]
        lines.append(f"  {name}: {score:g} / {max_score:g}")
    if report.output.strip():
        lines.append("")
        lines.append("What your code printed while it was graded:")
        lines.append(_clip(report.output, MAX_STUDENT_OUTPUT))
    return "\n".join(lines)


def to_results(report: GradeReport) -> dict:
    """The results.json document for one graded submission."""
    tests = []
    for number, test in enumerate(report.tests, start=1):
        entry = {
            "name": test.name,
            "number": str(number),
            "score": test.score,
            "max_score": test.max_score,
            "status": test.status,
            "output": _clip(test.output, MAX_TEST_OUTPUT),
            "output_format": "text",
            "tags": [test.function, test.property],
            "visibility": "visible",
        }
        if test.diagnoses:  # the recognised mistakes, for the class report (grading.diagnosis)
            entry["extra_data"] = {"diagnoses": list(test.diagnoses)}
        tests.append(entry)
    return {
        "score": report.score,
        "execution_time": round(report.execution_time, 3),
        "output": summary_text(report),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {
            "grader": f"cs231n-autograder {__version__}",
            "max_score": report.max_score,
            "timings": {k: {n: round(v, 6) for n, v in t.items()} for k, t in report.timings.items()},
        },
        "tests": tests,
    }


def validate(results: dict) -> None:
    """Raise jsonschema.ValidationError if `results` is not Gradescope's format.

    Used by the tests and by `--validate`; not on every write, because importing
    jsonschema can take seconds (its format checkers compile grammars at import).
    """
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.validate(results, schema)


def deterministic_view(results: dict) -> dict:
    """The results without the fields that measure time."""
    out = {k: v for k, v in results.items() if k not in TIMING_FIELDS}
    out["extra_data"] = {k: v for k, v in results.get("extra_data", {}).items() if k != "timings"}
    return out


def dumps(results: dict) -> str:
    return json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write a text file so that readers see the old content or the new one, never half of it."""
    write_atomically_bytes(path, text.encode("utf-8"))


def write_atomically_bytes(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new one, never half of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; results are read by instructors' tools and web servers
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_results(path: Path, results: dict) -> None:
    write_atomically(path, dumps(results))
