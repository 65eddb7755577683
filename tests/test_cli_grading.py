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


GRADE_AND_LIST_MODULES = """
import sys
from autograder.cli import main
try:
    main(sys.argv[1:])
except SystemExit as done:
    assert not done.code, done.code
heavy = ("hypothesis", "jsonschema", "nbgrader", "nbformat", "rich", "matplotlib", "autograder.sandbox.doctor",
         "autograder.catalogue", "autograder.gradescope", "autograder.nbgrader_course", "autograder.release.stubs",
         "autograder.release.course_build", "autograder.release.public_check_files")
print(sorted({name for name in sys.modules for top in heavy if name == top or name.startswith(top + ".")}))
"""


def test_grading_a_correct_submission_imports_nothing_it_does_not_use(reference_submission, tmp_path):
    """A fresh `autograder grade --quiet` of a correct submission, with the examples cached,
    imports neither hypothesis (nothing to draw or shrink) nor the other commands' tools."""
    from autograder.grading import grade_submission

    assert grade_submission(reference_submission, functions=("predict",)).score == 8  # the cache is warm
    done = subprocess.run([sys.executable, "-c", GRADE_AND_LIST_MODULES, "grade", str(reference_submission),
                           "--quiet", "--results", str(tmp_path / "results.json")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "100 / 100" in done.stdout
    assert done.stdout.splitlines()[-1] == "[]", done.stdout


def test_help_lists_every_command_with_its_short_help():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name, words in (("audit", "Check that the hidden suite"), ("build", "Generate the release"),
                        ("check", "Run the public checks"), ("demo", "Grade a bundled sample class"),
                        ("doctor", "sandbox layers"), ("grade", "Grade one submission folder"),
                        ("gradescope", "Gradescope"), ("nbgrader", "The nbgrader workflow")):
        line = next(line for line in result.output.splitlines() if line.strip().startswith(name + " "))
        assert words in line, line
