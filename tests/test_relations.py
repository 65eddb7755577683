"""Diagnosis by relation (`autograder.parts.linear_classifiers.relations`): each rule on a submission made for
it, never on the reference; compositions of a catalogue mutant and a relation; nothing said
when two explanations fit; one voice (no hint repeats the diagnosis)."""

import numpy as np
import pytest

from autograder.catalogue.mutants import Edit, Mutant, apply_mutant, load_catalogue, materialise
from autograder.course import Course, current
from autograder.grading import diagnosis, grade_submission
from autograder.grading.diagnosis import LINE_PREFIX
from autograder.grading.hints import shared_formulas
from autograder.parts.linear_classifiers import relations
from autograder.parts.linear_classifiers.formulation import Formulation

BUGS = {m.id: m for m in load_catalogue()}

SVM_LOSS = "loss = float(margins.sum() / num_train + reg * np.sum(W * W))"
SVM_GRAD = "dW = X.T.dot(coefficients) / num_train + 2 * reg * W"
SM_LOSS = "loss = float(-log_probs[rows, y].sum() / num_train + reg * np.sum(W * W))"
SM_GRAD = "dW = X.T.dot(dscores) / num_train + 2 * reg * W"
SM_CORRECT = "dscores[rows, y] -= 1"

# rule id -> (function, edits of the reference); each function and edit chosen where no
# catalogue mutant (nor pair) says the same, so that the relation is what is shown.
MADE_FOR = {
    "relation_reg_half_convention": ("softmax_loss_vectorized", [
        (SM_LOSS, SM_LOSS.replace("+ reg *", "+ 0.5 * reg *")), (SM_GRAD, SM_GRAD.replace("2 * reg", "reg"))]),
    "relation_reg_double_convention": ("softmax_loss_vectorized", [
        (SM_LOSS, SM_LOSS.replace("+ reg *", "+ 2 * reg *")), (SM_GRAD, SM_GRAD.replace("2 * reg", "4 * reg"))]),
    "relation_no_reg": ("softmax_loss_vectorized", [
        (SM_LOSS, SM_LOSS.replace(" + reg * np.sum(W * W)", "")), (SM_GRAD, SM_GRAD.replace(" + 2 * reg * W", ""))]),
    "relation_gradient_not_computed": ("softmax_loss_vectorized", [(SM_GRAD, "dW = np.zeros_like(W)")]),
    "relation_only_regularization": ("softmax_loss_vectorized", [
        (SM_LOSS, "loss = float(reg * np.sum(W * W))"), (SM_GRAD, "dW = 2 * reg * W")]),
    "relation_reg_before_average": ("softmax_loss_vectorized", [
        (SM_LOSS, "loss = float((-log_probs[rows, y].sum() + reg * np.sum(W * W)) / num_train)"),
        (SM_GRAD, "dW = (X.T.dot(dscores) + 2 * reg * W) / num_train")]),
    "relation_not_averaged": ("softmax_loss_naive", [
        ("    loss /= num_train\n", ""), ("    dW /= num_train\n", "")]),
    "relation_averaged_twice": ("softmax_loss_vectorized", [
        (SM_LOSS, SM_LOSS.replace("/ num_train", "/ num_train / num_train")),
        (SM_GRAD, SM_GRAD.replace("/ num_train", "/ num_train / num_train"))]),
    "relation_loss_averaged_twice": ("softmax_loss_vectorized", [
        (SM_LOSS, SM_LOSS.replace("/ num_train", "/ num_train / num_train"))]),
    "relation_loss_sign": ("softmax_loss_vectorized", [(SM_LOSS, SM_LOSS.replace("-log_probs", "log_probs"))]),
    "relation_loss_without_data": ("softmax_loss_vectorized", [(SM_LOSS, "loss = float(reg * np.sum(W * W))")]),
    "relation_loss_without_reg": ("softmax_loss_vectorized", [
        (SM_LOSS, SM_LOSS.replace(" + reg * np.sum(W * W)", ""))]),
    "relation_loss_half_reg": ("softmax_loss_vectorized", [(SM_LOSS, SM_LOSS.replace("+ reg *", "+ 0.5 * reg *"))]),
    "relation_loss_reg_twice": ("softmax_loss_vectorized", [(SM_LOSS, SM_LOSS.replace("+ reg *", "+ 2 * reg *"))]),
    "relation_loss_reg_before_average": ("softmax_loss_vectorized", [
        (SM_LOSS, "loss = float((-log_probs[rows, y].sum() + reg * np.sum(W * W)) / num_train)")]),
    "relation_gradient_not_averaged": ("softmax_loss_naive", [("    dW /= num_train\n", "")]),
    "relation_gradient_averaged_twice": ("softmax_loss_vectorized", [
        (SM_GRAD, SM_GRAD.replace("/ num_train", "/ num_train / num_train"))]),
    "relation_gradient_sign": ("svm_loss_vectorized", [(SVM_GRAD, SVM_GRAD.replace("X.T.dot", "-X.T.dot"))]),
    "relation_gradient_without_data": ("softmax_loss_vectorized", [(SM_GRAD, "dW = 2 * reg * W")]),
    "relation_gradient_half": ("svm_loss_vectorized", [(SVM_GRAD, SVM_GRAD.replace("X.T.dot", "0.5 * X.T.dot"))]),
    "relation_gradient_twice": ("softmax_loss_vectorized", [(SM_GRAD, SM_GRAD.replace("X.T.dot", "2 * X.T.dot"))]),
    "relation_gradient_without_reg": ("softmax_loss_vectorized", [(SM_GRAD, SM_GRAD.replace(" + 2 * reg * W", ""))]),
    "relation_gradient_half_reg": ("softmax_loss_vectorized", [(SM_GRAD, SM_GRAD.replace("2 * reg", "reg"))]),
    "relation_gradient_reg_twice": ("softmax_loss_vectorized", [(SM_GRAD, SM_GRAD.replace("2 * reg", "4 * reg"))]),
    "relation_gradient_reg_before_average": ("svm_loss_vectorized", [
        (SVM_GRAD, "dW = (X.T.dot(coefficients) + 2 * reg * W) / num_train")]),
    "relation_correct_class_gradient_sign": ("softmax_loss_vectorized", [(SM_CORRECT, "dscores[rows, y] += 1")]),
}
"""A submission made for each rule that a submission can show on its own."""

TOGETHER = {
    # Rules whose mistake, alone, is a catalogue entry (shown instead): each is shown with another.
    ("relation_reg_half_convention", "relation_loss_not_averaged"): ("softmax_loss_vectorized", [
        (SM_LOSS, "loss = float(-log_probs[rows, y].sum() + 0.5 * reg * np.sum(W * W))"),
        (SM_GRAD, SM_GRAD.replace("2 * reg", "reg"))]),
    ("relation_no_correct_class_gradient", "relation_gradient_half_reg"): ("softmax_loss_vectorized", [
        (SM_CORRECT, "pass"), (SM_GRAD, SM_GRAD.replace("2 * reg", "reg"))]),
}


def _submission(tmp_path, name: str, function: str, edits, base: Mutant | None = None):
    folder = materialise(base, tmp_path / name)
    mutant = Mutant(name, function, name, edits=tuple(Edit(f, r) for f, r in edits))
    path = folder / mutant.file
    path.write_text(apply_mutant(path.read_text(), mutant))
    return folder


def _diagnosed(report, function: str) -> tuple[str, ...]:
    found = {t.diagnoses for t in report.tests if t.function == function and t.diagnoses}
    assert len(found) <= 1, found
    return found.pop() if found else ()


def test_every_rule_has_a_submission_made_for_it():
    shown = set(MADE_FOR) | {rule for rules in TOGETHER for rule in rules}
    assert shown == {rule.id for rule in relations.RULES}


@pytest.mark.parametrize("rule", sorted(MADE_FOR))
def test_a_rule_names_the_mistake_of_a_submission_made_for_it(tmp_path, rule):
    function, edits = MADE_FOR[rule]
    report = grade_submission(_submission(tmp_path, rule, function, edits), functions=(function,))
    assert report.score < report.max_score
    assert _diagnosed(report, function) == (rule,)
    sentence = next(r for r in relations.RULES if r.id == rule).sentence(relations.KIND_OF_FUNCTION[function], Formulation.of(current()))
    assert all(LINE_PREFIX + sentence in t.output for t in report.tests if t.diagnoses)
    for test in report.tests:  # one voice: no hint repeats what the diagnosis says
        lines = test.output.splitlines()
        hints = [line for line in lines if line.startswith("Hint: ")]
        said = [line for line in lines if line.startswith(LINE_PREFIX)]
        assert not any(shared_formulas(h, d) for h in hints for d in said), test.output


@pytest.mark.parametrize("rules", sorted(TOGETHER))
def test_two_rules_at_once_are_both_named(tmp_path, rules):
    function, edits = TOGETHER[rules]
    report = grade_submission(_submission(tmp_path, "_".join(rules), function, edits), functions=(function,))
    assert set(_diagnosed(report, function)) == set(rules)


@pytest.mark.parametrize("mutant_id, edits, expected", [
    # Real student code makes a catalogued mistake together with the 0.5 * reg convention.
    ("softmax_vec_no_max_shift", [(SM_LOSS, SM_LOSS.replace("+ reg *", "+ 0.5 * reg *")),
                                  (SM_GRAD, SM_GRAD.replace("2 * reg", "reg"))], "relation_reg_half_convention"),
    ("softmax_vec_loop_for_correct_scores", [
        ("loss = float(-correct.sum() / num_train + reg * np.sum(W * W))",
         "loss = float(-correct.sum() / num_train + 0.5 * reg * np.sum(W * W))"),
        (SM_GRAD, SM_GRAD.replace("2 * reg", "reg"))], "relation_reg_half_convention"),
    ("svm_vec_no_delta", [(SVM_GRAD, SVM_GRAD.replace("X.T.dot", "0.5 * X.T.dot"))], "relation_gradient_half"),
])
def test_a_mutant_and_a_relation_together_are_both_named(tmp_path, mutant_id, edits, expected):
    mutant = BUGS[mutant_id]
    report = grade_submission(_submission(tmp_path, mutant_id, mutant.function, edits, base=mutant),
                              functions=(mutant.function,))
    assert _diagnosed(report, mutant.function) == (mutant_id, expected)


def test_the_reference_is_explained_by_no_relation():
    """On the reference's own answers the only combination that fits is 'every part right',
    which names nothing: no rule can fire on correct code."""
    course = current()
    rng = np.random.default_rng(0)
    for function in relations.KIND_OF_FUNCTION:
        cases = []
        for n, d, c, reg in ((1, 3, 2, 0.0), (4, 5, 3, 0.7), (6, 2, 4, 2.5), (3, 3, 3, 0.1)):
            request = {"W": rng.normal(size=(d, c)), "X": rng.normal(size=(n, d)), "y": rng.integers(0, c, n),
                       "reg": reg}
            parts = relations.reference_parts(function, course, request)
            cases.append((parts, dict(parts.answer)))
        assert relations.explanations(cases, diagnosis._same_outcome) == {relations.Factors()}
        assert relations.describe(function, relations.Factors(), course) is None


def test_two_explanations_say_nothing():
    """With N = 2 on every input a regularization halved and one divided by N are the same
    numbers: two explanations, so `diagnose` names neither."""
    course = Course()
    rng = np.random.default_rng(1)
    cases = []
    for reg in (0.5, 1.5, 3.0):
        request = {"W": rng.normal(size=(3, 2)), "X": rng.normal(size=(2, 3)), "y": np.array([0, 1]), "reg": reg}
        parts = relations.reference_parts("softmax_loss_vectorized", course, request)
        student = dict(parts.answer, loss=np.asarray(parts.loss_data + 0.5 * parts.loss_reg))
        cases.append((parts, student))
    found = relations.explanations(cases, diagnosis._same_outcome)
    assert {f.loss_reg for f in found} == {relations.HALF, relations.OVER_N}


def test_a_part_that_is_zero_on_every_input_gets_no_factor():
    """reg = 0 everywhere: nothing can be said of the regularization, so its factors stay 1."""
    course = Course()
    rng = np.random.default_rng(2)
    cases = []
    for n in (2, 3, 5):
        request = {"W": rng.normal(size=(3, 3)), "X": rng.normal(size=(n, 3)), "y": rng.integers(0, 3, n), "reg": 0.0}
        parts = relations.reference_parts("svm_loss_vectorized", course, request)
        cases.append((parts, dict(parts.answer, dW=-parts.answer["dW"])))
    assert relations.explanations(cases, diagnosis._same_outcome) == {relations.Factors(grad_data=relations.MINUS)}


@pytest.mark.parametrize("factors", [
    relations.Factors(loss_data=relations.ZERO, loss_reg=relations.ZERO, grad_data=relations.ZERO,
                      grad_reg=relations.ZERO),
])
def test_nothing_computed_is_not_a_relation(factors):
    assert relations.describe("svm_loss_vectorized", factors, Course()) is None


def test_sentences_follow_the_course_formulation():
    half = relations.describe("softmax_loss_vectorized", relations.Factors(loss_reg=relations.HALF,
                                                                             grad_reg=relations.HALF), Course())
    assert [d.id for d in half] == ["relation_reg_half_convention"]
    assert "0.5 * reg * sum(W**2)" in half[0].text and "2 * reg * W" in half[0].text
    l1 = relations.describe("softmax_loss_vectorized", relations.Factors(grad_reg=relations.HALF),
                            Formulation(reg_kind="l1").course())
    assert "0.5 * reg * sign(W)" in l1[0].text and "reg * sum(|W|)" in l1[0].text


def test_instructors_read_what_a_relation_stands_for():
    """The class report names each recognised mistake with `diagnosis.describe`."""
    assert diagnosis.describe("relation_reg_half_convention").startswith("Your regularization is half")
    assert diagnosis.describe("relation_no_such_rule") == "relation_no_such_rule"
