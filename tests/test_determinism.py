"""Same submission, same results.json (timing fields aside), in separate processes."""

import json
import subprocess
import sys

from autograder.catalogue.mutants import catalogue_path, load_mutants, materialise
from autograder.grading import grade_submission
from autograder.report.results import deterministic_view, dumps, to_results


def _mixed_submission(tmp_path):
    """Several functions failing at once, so shrinking and feedback are exercised."""
    mutants = {m.id: m for m in load_mutants(catalogue_path())}
    folder = materialise(mutants["softmax_vec_clipped_probabilities"], tmp_path / "mixed")
    other = materialise(mutants["svm_naive_no_delta"], tmp_path / "other")
    (folder / "cs231n/classifiers/linear_svm.py").write_text((other / "cs231n/classifiers/linear_svm.py").read_text())
    return folder


def test_two_processes_write_byte_identical_results(tmp_path):
    folder = _mixed_submission(tmp_path)
    views = []
    for run in range(2):
        out = tmp_path / f"results-{run}.json"
        done = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(folder), "--results", str(out),
                               "--quiet"], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        views.append(dumps(deterministic_view(json.loads(out.read_text()))))
    assert views[0] == views[1]
    assert json.loads(views[0])["score"] < 100
    assert "Likely mistake:" in views[0]  # the diagnosis is part of what must not change


def test_printed_output_and_numpy_warnings_are_reported_the_same_way_every_time(tmp_path):
    """numpy warnings name the file they come from: the scratch folder's random path must not show."""
    mutants = {m.id: m for m in load_mutants(catalogue_path())}
    folder = materialise(mutants["softmax_vec_no_max_shift"], tmp_path / "noisy")
    path = folder / "cs231n/classifiers/linear_classifier.py"
    path.write_text(path.read_text().replace("        y_pred = np.zeros(X.shape[0])\n",
                                              "        y_pred = np.zeros(X.shape[0])\n        print('predicting', X.shape)\n"))
    first = to_results(grade_submission(folder))
    second = to_results(grade_submission(folder))
    assert "RuntimeWarning" in first["output"] and "predicting" in first["output"]
    assert "/tmp/" not in first["output"] and "autograder-" not in first["output"]
    assert dumps(deterministic_view(first)) == dumps(deterministic_view(second))
