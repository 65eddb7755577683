"""`autograder grade SUBMISSION_DIR... --out DIR`: discovery, results, grades.csv, skipping,
regrading, and resuming after SIGKILL with exactly the results of an uninterrupted run."""

import csv
import json
import os
import shutil
import signal
import subprocess
import time

import pytest
from batch_helpers import AUTOGRADER, assert_same_outcome, graded_class, run_cli, snapshot  # noqa: F401
from click.testing import CliRunner

from autograder.batch.discover import BatchInputError, find_submissions
from autograder.catalogue.mutants import materialise
from autograder.cli import main
from autograder.report.results import validate

# ---------------------------------------------------------------- which folders


def test_a_folder_of_submissions_is_expanded_and_litter_left_out(tmp_path):
    for name in ("b", "a"):
        materialise(None, tmp_path / "class" / name)
    (tmp_path / "class" / "empty").mkdir()
    (tmp_path / "class" / "__MACOSX").mkdir()
    (tmp_path / "class" / ".git").mkdir()
    (tmp_path / "class" / "README.txt").write_text("hi")
    out = tmp_path / "class" / "graded"  # an output folder inside the class is not a submission
    out.mkdir()
    found = find_submissions([tmp_path / "class"], out)
    assert [p.name for p in found] == ["a", "b", "empty"]


def test_one_submission_or_a_list_of_them(tmp_path):
    one = materialise(None, tmp_path / "one")
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "softmax.py").write_text("")
    assert find_submissions([one]) == [one.resolve()]
    assert [p.name for p in find_submissions([flat, one])] == ["flat", "one"]


@pytest.mark.parametrize("case, message", [
    ("missing", "missing: no such folder"),
    ("file", "file.txt: not a folder"),
    ("nothing", "nothing: no submission found"),
    ("duplicate", "two submissions named 'alice'"),
    ("reserved", "may not be named 'grades.csv'"),
    ("out_inside", "overlaps this submission"),
    ("out_is_class", "overlaps this submission"),
    ("class_in_list", "holds several submissions"),
])
def test_bad_input_is_named(tmp_path, case, message):
    out = tmp_path / "out"
    materialise(None, tmp_path / "c1" / "alice")
    materialise(None, tmp_path / "c1" / "bob")
    materialise(None, tmp_path / "c2" / "alice")
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "nothing" / "sub").mkdir(parents=True)
    arguments = {
        "missing": [tmp_path / "missing"],
        "file": [tmp_path / "file.txt"],
        "nothing": [tmp_path / "nothing"],
        "duplicate": [tmp_path / "c1" / "alice", tmp_path / "c2" / "alice"],
        "reserved": [materialise(None, tmp_path / "grades.csv"), tmp_path / "c1" / "bob"],
        "out_inside": [tmp_path / "c1" / "alice"],
        "out_is_class": [tmp_path / "c1"],
        "class_in_list": [tmp_path / "c1", tmp_path / "c2" / "alice"],
    }[case]
    out = {"out_inside": tmp_path / "c1" / "alice" / "results", "out_is_class": tmp_path / "c1"}.get(case, out)
    with pytest.raises(BatchInputError, match=message):
        find_submissions(arguments, out)
    result = CliRunner().invoke(main, ["grade", *map(str, arguments), "--out", str(out)])
    assert result.exit_code != 0 and message.split(":")[0] in result.output, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "c1" / "alice" / "results").exists()


def test_batch_options_need_out(tmp_path):
    a, b = materialise(None, tmp_path / "a"), materialise(None, tmp_path / "b")
    result = CliRunner().invoke(main, ["grade", str(a), str(b)])
    assert result.exit_code == 2 and "needs --out" in result.output
    result = CliRunner().invoke(main, ["grade", str(a), "--workers", "2"])
    assert result.exit_code == 2 and "give --out" in result.output
    result = CliRunner().invoke(main, ["grade", str(a), "--out", str(tmp_path / "o"), "--results", "r.json"])
    assert result.exit_code == 2 and "--results" in result.output


# ---------------------------------------------------------------- a graded class


def test_every_submission_gets_results_and_a_gradebook_row(graded_class):  # noqa: F811
    out = graded_class.out
    scores = {}
    for name in graded_class.names:
        results = json.loads((out / name / "results.json").read_text())
        validate(results)
        scores[name] = results["score"]
    assert scores["alice"] == scores["frank"] == scores["grace"] == 100  # reference, a correct variant, flat files
    assert scores["bob"] == scores["heidi"] == 0  # the stubs, nothing submitted
    assert all(0 < scores[name] < 100 for name in ("carol", "dave", "erin"))
    assert not (out / "__MACOSX").exists() and not (out / ".hidden").exists()

    with open(out / "grades.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    alice = json.loads((out / "alice" / "results.json").read_text())
    assert header == ["submission", *[t["name"] for t in alice["tests"]], "total"]
    assert [row[0] for row in body] == list(graded_class.names)
    for row in body:
        assert float(row[-1]) == scores[row[0]]
        assert sum(float(cell) for cell in row[1:-1]) == pytest.approx(scores[row[0]])
    assert (out / "report.html").is_file()
    assert (out / "histogram.png").read_bytes().startswith(b"\x89PNG")
    assert snapshot(graded_class.folder) == graded_class.snapshot  # submissions never modified


def test_a_second_run_skips_what_is_graded_and_regrade_grades_again(graded_class, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    shutil.copytree(graded_class.out, out)
    (out / ".batch.lock").unlink()
    stamps = {name: (out / name / "results.json").stat().st_mtime_ns for name in graded_class.names}
    completed = run_cli("grade", str(graded_class.folder), "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    assert f"0 graded, {len(graded_class.names)} skipped" in completed.stdout
    assert stamps == {name: (out / name / "results.json").stat().st_mtime_ns for name in graded_class.names}
    assert_same_outcome(out, graded_class)

    # --regrade on two of them (listed explicitly): both graded again, same results.
    completed = run_cli("grade", str(graded_class.folder / "alice"), str(graded_class.folder / "erin"),
                        "--out", str(out), "--regrade", "--workers", "1", "--quiet")
    assert completed.returncode == 0, completed.stderr
    assert "2 graded, 0 skipped" in completed.stdout
    for name in ("alice", "erin"):
        assert (out / name / "results.json").stat().st_mtime_ns != stamps[name]
    assert (out / "grades.csv").read_text().count("\n") == 3  # header and the two listed
    assert snapshot(graded_class.folder) == graded_class.snapshot


def test_sigkill_then_resume_gives_the_uninterrupted_results(graded_class, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    total = len(graded_class.names)
    process = subprocess.Popen([*AUTOGRADER, "grade", str(graded_class.folder), "--out", str(out), "--workers", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None:
            if any(out.glob("*/results.json")):
                break
            time.sleep(0.02)
        assert process.poll() is None, "the batch ended before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    done = list(out.glob("*/results.json"))
    assert 1 <= len(done) < total
    # A write cut short by the kill leaves a temporary file at most; make one to be sure.
    (out / "heidi").mkdir(exist_ok=True)
    (out / "heidi" / ".results.json.x1y2.tmp").write_text('{"half": ')

    completed = run_cli("grade", str(graded_class.folder), "--out", str(out), "--workers", "2")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert f"{len(done)} already graded" in completed.stdout
    assert_same_outcome(out, graded_class)
    assert snapshot(graded_class.folder) == graded_class.snapshot


def test_a_second_batch_on_the_same_folder_is_refused(tmp_path):
    import fcntl

    submission = materialise(None, tmp_path / "alice")
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".batch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = CliRunner().invoke(main, ["grade", str(submission), "--out", str(out)])
    assert result.exit_code == 1 and "another batch is writing" in result.output


def test_an_output_path_that_is_a_file_is_named(tmp_path):
    submission = materialise(None, tmp_path / "alice")
    (tmp_path / "out").write_text("not a folder")
    result = CliRunner().invoke(main, ["grade", str(submission), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "out: cannot create the output folder" in result.output, result.output
