"""The engine end to end: scores, gating, isolation of failures, feedback hygiene."""

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import REFERENCE_FILES, replace_function, submission_with

from autograder.grading import grade_submission
from autograder.grading.properties import for_function
from autograder.grading.rubric import load_rubric
from autograder.paths import solutions_dir
from autograder.report.results import to_results, validate
from autograder.sandbox.process import Limits

HIDDEN_SOURCES = sorted((Path(__file__).parents[1] / "autograder" / "grading").rglob("*.py"))


def scores(report) -> dict[str, float]:
    return report.by_function()


def test_rubric_is_100_points_over_existing_properties():
    rubric = load_rubric()
    assert sum(sum(f.points.values()) for f in rubric) == 100
    for function in rubric:
        assert set(function.points) <= set(for_function(function.function)), function.function
        assert function.gate in function.points


def test_reference_scores_full_marks_and_results_are_gradescope_format(reference_submission):
    report = grade_submission(reference_submission)
    assert report.score == report.max_score == 100
    results = to_results(report)
    validate(results)
    for test in results["tests"]:
        function = test["tags"][0]
        shown = {"train": "LinearClassifier.train", "predict": "LinearClassifier.predict"}.get(function, function)
        assert shown in test["name"]


def test_stubs_score_zero_and_say_why(stub_submission):
    report = grade_submission(stub_submission)
    assert report.score == 0
    gates = [t for t in report.tests if t.property in ("matches_reference", "sgd_step")]
    assert all("Smallest failing input found" in t.output for t in gates)
    gated = [t for t in report.tests if t not in gates]
    assert all(t.output.startswith("Not graded yet") for t in gated)


def test_an_import_error_costs_only_that_module(tmp_path):
    folder = submission_with(tmp_path, "syntax", linear_svm="def svm_loss_naive(:\n")
    report = grade_submission(folder)
    got = scores(report)
    assert got["svm_loss_naive"] == got["svm_loss_vectorized"] == 0
    assert got["softmax_loss_naive"] == 18 and got["softmax_loss_vectorized"] == 22
    assert got["train"] == 12 and got["predict"] == 8
    svm_output = next(t.output for t in report.tests if t.function == "svm_loss_naive")
    assert "linear_svm.py could not be imported" in svm_output and "SyntaxError" in svm_output


def test_a_missing_file_is_named(tmp_path):
    folder = submission_with(tmp_path, "missing")
    (folder / "cs231n" / "classifiers" / "softmax.py").unlink()
    report = grade_submission(folder)
    assert scores(report)["softmax_loss_naive"] == 0 and scores(report)["svm_loss_naive"] == 18
    assert "cs231n/classifiers/softmax.py was not found" in next(
        t.output for t in report.tests if t.function == "softmax_loss_vectorized")


def test_files_are_found_outside_the_release_layout(tmp_path):
    reference = submission_with(tmp_path, "ref")
    flat = tmp_path / "flat"
    flat.mkdir()
    for name in ("linear_svm.py", "softmax.py", "linear_classifier.py"):
        (flat / name).write_text((reference / "cs231n" / "classifiers" / name).read_text())
    assert grade_submission(flat).score == 100


def test_a_crashing_function_costs_only_itself(tmp_path):
    crash = replace_function("linear_svm", "svm_loss_naive", (
        "def svm_loss_naive(W, X, y, reg):\n    import os\n    os._exit(3)\n"))
    report = grade_submission(submission_with(tmp_path, "crash", linear_svm=crash))
    got = scores(report)
    assert got["svm_loss_naive"] == 0
    assert got["svm_loss_vectorized"] == 22 and got["softmax_loss_naive"] == 18 and got["train"] == 12
    assert "exited with code 3" in next(t.output for t in report.tests if t.function == "svm_loss_naive")


def test_a_hanging_function_costs_only_itself(tmp_path):
    hang = replace_function("softmax", "softmax_loss_vectorized", (
        "def softmax_loss_vectorized(W, X, y, reg):\n    while True:\n        pass\n"))
    report = grade_submission(submission_with(tmp_path, "hang", softmax=hang), limits=Limits(call_seconds=2.0))
    got = scores(report)
    assert got["softmax_loss_vectorized"] == 0
    assert got["softmax_loss_naive"] == 18 and got["svm_loss_vectorized"] == 22 and got["predict"] == 8
    assert "did not finish within 2 seconds" in next(
        t.output for t in report.tests if t.function == "softmax_loss_vectorized")


def test_sys_exit_at_import_is_an_import_error(tmp_path):
    text = "import sys\nsys.exit(0)\n" + (solutions_dir() / "cs231n/classifiers/softmax.py").read_text()
    report = grade_submission(submission_with(tmp_path, "exit", softmax=text))
    assert scores(report)["softmax_loss_naive"] == 0 and scores(report)["svm_loss_naive"] == 18
    assert "sys.exit" in next(t.output for t in report.tests if t.function == "softmax_loss_naive")


def test_student_tracebacks_are_trimmed_to_their_own_files(tmp_path):
    broken = replace_function("linear_svm", "svm_loss_naive", (
        "def svm_loss_naive(W, X, y, reg):\n    return helper(W)\n\ndef helper(W):\n    raise ValueError('boom')\n"))
    report = grade_submission(submission_with(tmp_path, "raise", linear_svm=broken), functions=("svm_loss_naive",))
    output = report.tests[0].output
    assert 'File "cs231n/classifiers/linear_svm.py"' in output and "ValueError: boom" in output
    assert "autograder" not in output and "child.py" not in output


def _hidden_lines() -> set[str]:
    lines = set()
    for path in HIDDEN_SOURCES + [solutions_dir() / "cs231n/classifiers" / n for n in
                                  ("linear_svm.py", "softmax.py", "linear_classifier.py")]:
        for line in path.read_text().splitlines():
            code = line.strip()
            if len(code) > 25 and not code.startswith(("#", '"', "'")) and re.search(r"[=(]", code):
                lines.add(code)
    return lines


def test_feedback_never_shows_hidden_source_or_reference_code(stub_submission, tmp_path):
    from autograder.catalogue.mutants import catalogue_path, load_mutants, materialise

    mutants = {m.id: m for m in load_mutants(catalogue_path())}
    reports = [grade_submission(stub_submission)]
    for name in ("softmax_vec_no_max_shift", "svm_naive_half_reg_in_loss", "train_step_uphill"):
        reports.append(grade_submission(materialise(mutants[name], tmp_path / name), functions=(mutants[name].function,)))
    hidden = _hidden_lines()
    for report in reports:
        text = "\n".join(t.output for t in report.tests)
        leaked = [line for line in hidden if line in text]
        assert not leaked, leaked[:3]


def _grade_mutant(tmp_path, mutant_id: str):
    """The report on the catalogue's `mutant_id`, for the function it edits only."""
    from autograder.catalogue.mutants import catalogue_path, load_mutants, materialise

    mutant = next(m for m in load_mutants(catalogue_path()) if m.id == mutant_id)
    return grade_submission(materialise(mutant, tmp_path / mutant_id), functions=(mutant.function,))


@pytest.mark.parametrize("mutant_id, words", [
    ("svm_naive_half_reg_in_loss", "0.5 * reg * sum(W**2)"),
    ("svm_naive_reg_grad_no_factor_2", "2 * reg * W"),
    ("svm_naive_reg_before_average", "after dividing the data loss by N"),
    ("softmax_vec_no_max_shift", "subtract each row's maximum"),
    ("softmax_vec_clipped_probabilities", "stops growing at 23.03 = -log(1e-10)"),
    ("softmax_naive_epsilon_in_log", "-log(1e-10)"),
    ("train_step_uphill", "uphill"),
    ("train_labels_sampled_separately", "X[idx] and y[idx]"),
    ("predict_argmax_over_samples", "axis 1"),
])
def test_feedback_names_the_mistake(tmp_path, monkeypatch, mutant_id, words):
    """The properties' own hints (a diagnosis that says the same replaces the hint: the
    diagnosis is switched off here, and tested in test_diagnosis.py and test_corpora.py)."""
    from autograder.grading import diagnosis

    monkeypatch.setattr(diagnosis, "diagnose", lambda session, function, failed: [])
    report = _grade_mutant(tmp_path, mutant_id)
    assert any(words in t.output for t in report.tests if t.status == "failed"), [t.output for t in report.tests]


def test_the_release_layout_wins_over_stray_copies_and_ties_are_named(tmp_path):
    folder = submission_with(tmp_path, "stray")
    backup = folder / "backup" / "old"
    backup.mkdir(parents=True)
    (backup / "softmax.py").write_text("raise SystemExit('old draft')\n")
    assert grade_submission(folder, functions=("softmax_loss_naive",)).score == 18

    nested = tmp_path / "nested"
    (nested / "assignment1").mkdir(parents=True)
    (folder / "cs231n").rename(nested / "assignment1" / "cs231n")
    (nested / "drafts").mkdir()
    (nested / "drafts" / "linear_svm.py").write_text("raise SystemExit('draft')\n")
    report = grade_submission(nested, functions=("svm_loss_naive", "softmax_loss_naive"))
    assert report.score == 36  # the cs231n/classifiers copies are preferred to the draft

    twice = tmp_path / "twice"
    for part in ("a", "b"):
        (twice / part).mkdir(parents=True)
        (twice / part / "predict_helper.py").write_text("")
        (twice / part / "linear_classifier.py").write_text(REFERENCE_FILES["linear_classifier.py"])
    report = grade_submission(twice, functions=("predict",))
    assert report.score == 0 and "found more than once (a/linear_classifier.py, b/linear_classifier.py)" in report.tests[0].output


def test_bom_and_declared_encodings_are_read_like_python_does(tmp_path):
    svm = "\ufeff" + REFERENCE_FILES["linear_svm.py"]
    softmax = "# -*- coding: latin-1 -*-\n# écrit par un étudiant\n" + REFERENCE_FILES["softmax.py"]
    folder = submission_with(tmp_path, "encodings")
    (folder / "cs231n/classifiers/linear_svm.py").write_bytes(svm.encode("utf-8"))
    (folder / "cs231n/classifiers/softmax.py").write_bytes(softmax.encode("latin-1"))
    report = grade_submission(folder, functions=("svm_loss_vectorized", "softmax_loss_vectorized"))
    assert report.score == 44, [t.output for t in report.tests if t.status == "failed"]


def test_switching_tracing_off_around_a_loop_does_not_pass_the_speed_check(tmp_path):
    sneaky = replace_function("softmax", "softmax_loss_vectorized", (
        "def softmax_loss_vectorized(W, X, y, reg):\n"
        "    import sys\n"
        "    saved = sys.gettrace()\n"
        "    sys.settrace(None)\n"
        "    try:\n"
        "        return softmax_loss_naive(W, X, y, reg)\n"
        "    finally:\n"
        "        sys.settrace(saved)\n"))
    report = grade_submission(submission_with(tmp_path, "sneaky", softmax=sneaky), functions=("softmax_loss_vectorized",))
    speed = next(t for t in report.tests if t.property == "speed")
    assert speed.score == 0 and "tracing hooks" in speed.output


def _shown_shapes(output: str) -> dict[str, tuple]:
    """The shapes in the 'Smallest failing input found' block of one feedback text."""
    block = output.split("Smallest failing input found:\n", 1)[1]
    shapes = {}
    for name, shape in re.findall(r"^    (\w+) = array of shape \(([\d, ]+)\)", block, re.M):
        shapes[name] = tuple(int(n) for n in shape.split(",") if n.strip())
    return shapes


@pytest.mark.parametrize("mutant_id, prop", [
    ("svm_naive_reg_grad_no_factor_2", "matches_reference"),
    ("softmax_vec_no_max_shift", "shift_invariance"),
    ("svm_vec_reg_before_average", "regularization"),
    ("predict_argmin", "matches_reference"),
])
def test_the_failing_input_shown_is_tiny(tmp_path, mutant_id, prop):
    """Whatever the fast pass failed on, the student sees a 1-sample or 2-sample problem."""
    report = _grade_mutant(tmp_path, mutant_id)
    (test,) = [t for t in report.tests if t.property == prop]
    assert test.status == "failed"
    shapes = _shown_shapes(test.output)
    assert shapes["X"][0] <= 2 and shapes["W"][0] <= 2 and shapes["W"][1] <= 3, test.output


def test_the_ladder_is_simplest_first_and_only_small_inputs():
    from autograder.grading.properties.base import simplicity
    from autograder.parts.linear_classifiers import cases as C

    for function in ("svm_loss_naive", "softmax_loss_vectorized", "train", "predict"):
        for prop in for_function(function).values():
            ladder = prop.ladder(function)
            if prop.strategy(function) is None:
                assert ladder == ()
                continue
            assert len(ladder) >= 10, (function, prop.id)
            keys = [simplicity(case) for case in ladder]
            assert keys == sorted(keys)
            for case in ladder:
                if "W" in case and prop.id != "large_margins":
                    assert case["W"].shape[1] <= C.SMALL["max_c"]
                if "X" in case:
                    assert case["X"].shape[0] <= max(C.SMALL["max_n"], C.SMALL["max_c"])


def _ladder_only_input() -> list:
    """An X on the ladder of svm_loss_naive's 'matches reference' that its fast pass never uses."""
    prop = for_function("svm_loss_naive")["matches_reference"]
    fast_pass = [case["X"].tolist() for case in prop.explicit_cases("svm_loss_naive")]
    fast_pass += [case["X"].tolist() for case in prop.generated_cases("svm_loss_naive")]
    return next(case["X"].tolist() for case in prop.ladder("svm_loss_naive") if case["X"].tolist() not in fast_pass)


def test_the_ladder_never_decides_a_grade(tmp_path):
    """A function wrong only on the simplest input of a ladder (never in the fast pass)
    keeps its points: the ladder only chooses which failing input is shown."""
    trap = _ladder_only_input()
    body = f"""
def svm_loss_naive(W, X, y, reg):
    loss, dW = svm_loss_vectorized(W, X, y, reg)
    if X.tolist() == {trap!r}:
        loss += 1.0
    return loss, dW
"""
    folder = submission_with(tmp_path, "trap", linear_svm=replace_function("linear_svm", "svm_loss_naive", body))
    report = grade_submission(folder, functions=("svm_loss_naive",))
    assert report.score == report.max_score, [t.output for t in report.tests if t.status == "failed"]


def test_a_hang_while_looking_for_a_smaller_input_costs_nothing_more(tmp_path):
    """The search for a smaller failing input only chooses what is shown: a function that
    hangs on one of its inputs still has its other checks graded as usual."""
    trap = _ladder_only_input()
    body = f"""
def svm_loss_naive(W, X, y, reg):
    if X.tolist() == {trap!r}:
        while True:
            pass
    loss, dW = svm_loss_vectorized(W, X, y, reg)
    return loss, dW - reg * W
"""
    folder = submission_with(tmp_path, "hang", linear_svm=replace_function("linear_svm", "svm_loss_naive", body))
    report = grade_submission(folder, limits=Limits(call_seconds=2.0), functions=("svm_loss_naive",))
    by_property = {t.property: t for t in report.tests}
    assert by_property["matches_reference"].status == "failed"
    assert "Smallest failing input found" in by_property["matches_reference"].output
    assert not any("did not finish" in t.output or "could not be checked" in t.output for t in report.tests)
    assert by_property["hygiene"].status == by_property["large_margins"].status == "passed"
    assert by_property["regularization"].status == "failed"


CLIPPED_SOFTMAX = """
def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    p = np.clip(p, 1e-12, 1)
    loss = -np.mean(np.log(p[np.arange(num_train), y])) + reg * np.sum(W * W)
    p[np.arange(num_train), y] -= 1
    return loss, X.T.dot(p) / num_train + 2 * reg * W
"""


def test_clipped_probabilities_are_named_and_no_hint_sends_the_student_to_a_check_they_passed(tmp_path):
    """np.clip(p, 1e-12, 1) is right on ordinary inputs and caps each sample's loss at -log(1e-12)."""
    softmax = replace_function("softmax", "softmax_loss_vectorized", CLIPPED_SOFTMAX)
    report = grade_submission(submission_with(tmp_path, "clipped", softmax=softmax),
                              functions=("softmax_loss_vectorized",))
    status = {t.property: t.status for t in report.tests}
    assert status["matches_reference"] == "passed" and status["shift_invariance"] == "failed"
    shift = next(t.output for t in report.tests if t.property == "shift_invariance")
    assert "'matches reference'" not in shift
    assert "stops growing at 27.63 = -log(1e-12)" in shift and "clipped" in shift, shift


def test_predict_hints_say_what_the_predictions_are():
    """Lowest-score predictions are named as such; all zeros that argmin also gives get no
    guess about an empty TODO block (the untouched stub and np.argmin look the same there)."""
    import numpy as np

    from autograder.grading.failure import Failure

    prop = for_function("predict")["matches_reference"]
    W, X = np.array([[1.0, -1.0, 0.0]]), np.array([[1.0], [-1.0]])
    case = {"W": W, "X": X, "cls": "LinearSVM"}
    hints = {}
    for name, y in (("argmin", [1.0, 0.0]), ("zeros", [0.0, 0.0])):
        with pytest.raises(Failure) as failed:
            prop.judge(case, {"y": np.array(y)})
        hints[name] = failed.value.hint
    assert hints["argmin"] == "each prediction is the class with the lowest score: take np.argmax, not np.argmin."
    assert "TODO block" in hints["zeros"]
    with pytest.raises(Failure) as failed:
        prop.judge({"W": np.array([[1.0, 2.0]]), "X": np.array([[1.0]]), "cls": "LinearSVM"}, {"y": np.array([0.0])})
    assert failed.value.hint is None


def test_inputs_run_ahead_change_nothing_when_the_child_dies_on_a_later_one(tmp_path):
    """Predictions (and trainings) go to the child several per round trip; a crash on a later
    input must not hide the ordinary failure of an earlier one, as graded one by one."""
    classifier = REFERENCE_FILES["linear_classifier.py"].replace(
        "        y_pred = np.zeros(X.shape[0])\n",
        "        y_pred = np.zeros(X.shape[0])\n"
        "        if X.shape[0] == 3:\n"
        "            import os\n"
        "            os._exit(3)\n"
        "        if X.shape[0] == 5:\n"
        "            return np.argmin(X.dot(self.W), axis=1)\n", 1)
    assert classifier != REFERENCE_FILES["linear_classifier.py"]
    report = grade_submission(submission_with(tmp_path, "late_crash", linear_classifier=classifier),
                              functions=("predict",))
    gate = next(t for t in report.tests if t.property == "matches_reference")
    assert gate.status == "failed"
    assert gate.output.startswith("predict must return, for each row of X, the class with the highest score"), gate.output
    assert "could not be checked" not in gate.output and "exited with code" not in gate.output


def test_drawn_examples_do_not_depend_on_the_modules_loaded(tmp_path, monkeypatch):
    """hypothesis mixes constants from loaded 'local' modules into its draws; the command line,
    batch workers and tests load different ones, and must still draw the same examples."""
    import importlib

    from autograder.grading.properties.base import _draw, case_key

    prop = for_function("svm_loss_naive")["matches_reference"]
    before = [case_key(case) for case in _draw(prop, "svm", prop.strategy("svm_loss_naive"), 30)]
    (tmp_path / "constants_module.py").write_text(
        "".join(f"VALUE_{i} = {value}\n" for i, value in enumerate(range(-199, 200, 7))))
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("constants_module")
    after = [case_key(case) for case in _draw(prop, "svm", prop.strategy("svm_loss_naive"), 30)]
    assert before == after


def test_hand_picked_inputs_are_made_once_and_each_caller_gets_its_own_arrays():
    from autograder.grading.properties.base import Property

    made = []

    class Counting(Property):
        id = "counting"

        def explicit_cases(self, function):
            made.append(function)
            return [{"x": np.array([1.0, 2.0]), "k": 3}]

    prop = Counting()
    first = prop.hand_picked("f")
    first[0]["x"][0] = 99.0
    second = prop.hand_picked("f")
    assert made == ["f"]
    assert second[0]["x"].tolist() == [1.0, 2.0] and second[0]["k"] == 3
    assert prop.fast_pass_cases("f")[0]["x"].tolist() == [1.0, 2.0]
