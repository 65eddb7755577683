"""The command-line contract of DESIGN.md: grade, demo, audit."""

import json
import subprocess
import sys

from click.testing import CliRunner

from autograder.cli import main
from autograder.report.results import validate


def test_grade_writes_gradescope_results_and_exits_zero_whatever_the_score(stub_submission, tmp_path):
    out = tmp_path / "out" / "results.json"
    result = CliRunner().invoke(main, ["grade", str(stub_submission), "--results", str(out)])
    assert result.exit_code == 0, result.output
    results = json.loads(out.read_text())
    validate(results)
    assert results["score"] == 0
    assert out.stat().st_mode & 0o777 == 0o644
    assert "svm_loss_naive: matches reference" in result.output


def test_grade_names_a_missing_folder(tmp_path):
    result = CliRunner().invoke(main, ["grade", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert "nope: no such folder" in result.output
    assert "Traceback" not in result.output


def test_grade_names_a_file_given_instead_of_a_folder(tmp_path):
    path = tmp_path / "linear_svm.py"
    path.write_text("x = 1\n")
    result = CliRunner().invoke(main, ["grade", str(path)])
    assert result.exit_code != 0 and "not a folder" in result.output


def test_grade_never_modifies_the_submission(reference_submission, tmp_path):
    before = {p: p.read_bytes() for p in reference_submission.rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["grade", str(reference_submission), "--results", str(tmp_path / "r.json"), "--quiet"])
    assert result.exit_code == 0 and "100 / 100" in result.output
    after = {p: p.read_bytes() for p in reference_submission.rglob("*") if p.is_file()}
    assert before == after


def test_demo_grades_the_sample_class_end_to_end(tmp_path):
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "demo", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=600, env={"COLUMNS": "120", "PATH": "/usr/bin:/bin",
                                                                             "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "Sample class gradebook" in done.stdout
    results = {p.parent.name: json.loads(p.read_text()) for p in (tmp_path / "results").glob("*/results.json")}
    assert results["ada"]["score"] == 100 and results["bruno"]["score"] == 0
    assert all(0 < results[name]["score"] < 100 for name in ("chen", "dara", "emeka", "fatima", "goran"))


def test_audit_reports_caught_bugs_and_fails_on_a_survivor(tmp_path):
    ok = CliRunner().invoke(main, ["audit", "--only", "predict_argmin", "--only", "train_step_uphill"])
    assert ok.exit_code == 0, ok.output
    assert "2 of 2 bugs caught" in ok.output
    survivor = tmp_path / "bugs.toml"
    survivor.write_text(
        '[[mutant]]\nid = "not_a_bug"\nfunction = "predict"\ndescription = "an equivalent rewrite"\n'
        'caught_by = ["matches_reference"]\n[[mutant.edit]]\nfind = "X.dot(self.W)"\nreplace = "X @ self.W"\n')
    bad = CliRunner().invoke(main, ["audit", "--catalogue", str(survivor)])
    assert bad.exit_code == 1 and "SURVIVES" in bad.output
