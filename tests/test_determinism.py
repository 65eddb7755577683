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


def _broken_in_three_ways(tmp_path):
    """A syntax error, a tab/space mix and a runtime error whose message names a file path."""
    from conftest import REFERENCE_FILES, submission_with

    softmax = REFERENCE_FILES["softmax.py"].replace("def softmax_loss_naive(W, X, y, reg):",
                                                    "def softmax_loss_naive(W, X, y, reg)")
    svm = REFERENCE_FILES["linear_svm.py"].replace("    loss = 0.0\n", "\tloss = 0.0\n", 1)
    classifier = REFERENCE_FILES["linear_classifier.py"].replace(
        "    def predict(self, X):\n",
        "    def predict(self, X):\n"
        "        import os\n"
        "        open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'weights.npy'))\n", 1)
    assert softmax != REFERENCE_FILES["softmax.py"] and svm != REFERENCE_FILES["linear_svm.py"]
    assert classifier != REFERENCE_FILES["linear_classifier.py"]
    return submission_with(tmp_path, "broken", softmax=softmax, linear_svm=svm, linear_classifier=classifier)


def test_errors_name_the_students_file_never_the_scratch_folder(tmp_path):
    folder = _broken_in_three_ways(tmp_path)
    line = 1 + next(i for i, text in enumerate((folder / "cs231n/classifiers/softmax.py").read_text().splitlines())
                    if text.startswith("def softmax_loss_naive(W, X, y, reg)"))
    functions = ("svm_loss_naive", "softmax_loss_naive", "predict")
    first = to_results(grade_submission(folder, functions=functions))
    second = to_results(grade_submission(folder, functions=functions))
    outputs: dict[str, str] = {}
    for test in first["tests"]:
        function = test["name"].split(":")[0]
        outputs[function] = outputs.get(function, "") + test["output"] + "\n"
    assert f'File "cs231n/classifiers/softmax.py", line {line}\n' in outputs["softmax_loss_naive"]
    assert "SyntaxError" in outputs["softmax_loss_naive"]
    assert 'File "cs231n/classifiers/linear_svm.py", line' in outputs["svm_loss_naive"]
    assert "TabError" in outputs["svm_loss_naive"] or "IndentationError" in outputs["svm_loss_naive"]
    assert "No such file or directory: 'cs231n/classifiers/weights.npy'" in outputs["LinearClassifier.predict"]
    text = dumps(first)
    assert "/tmp" not in text and "autograder-" not in text and "/work/" not in text
    assert dumps(deterministic_view(first)) == dumps(deterministic_view(second))
