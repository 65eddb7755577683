"""The two-layer net part: its properties judge the reference, the stubs, the bug catalogue,
the correct variants and real student code as they should.

These tests run the part's harness in this process against a fake `box` (see
two_layer_net_inprocess.py): the same calls and judgements as a real grading without the
sandbox, so that every verdict of the properties is checked quickly.
"""

import numpy as np
import pytest
import two_layer_net_inprocess as T

from autograder.course import Course
from autograder.grading.failure import Failure
from autograder.parts.two_layer_net import harness
from autograder.release.public_check_files import render_all

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # overflowing buggy softmaxes

CATALOGUE = T.entries("catalogue.toml")
VARIANTS = T.entries("variants.toml")
REAL = T.real_code()


def failed(results: dict, function: str) -> set[str]:
    return {prop for prop, failure in results[function].items() if failure is not None}


def test_rubric_is_forty_points_over_the_seven_functions():
    rubric = T.rubric()
    assert sum(sum(points.values()) for points in rubric.values()) == 40
    assert list(rubric) == list(T.part_functions())
    for function, points in rubric.items():
        assert "matches_reference" in points
        for prop in points:
            T.prop(function, prop)  # exactly one property object per (function, property)


def test_reference_scores_full_marks(tmp_path):
    results = T.grade(T.materialise(tmp_path / "ref"))
    assert T.score(results) == {f: sum(points.values()) for f, points in T.rubric().items()}


def test_stubs_score_zero_in_every_function(tmp_path):
    results = T.grade(T.materialise(tmp_path / "stub", stub=True))
    assert T.score(results) == {f: 0 for f in T.rubric()}
    for props in results.values():
        assert props["matches_reference"] is not None
        assert all(failure == "not graded" for prop, failure in props.items() if prop != "matches_reference")


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: e["id"])
def test_every_catalogue_entry_is_caught(tmp_path, entry):
    results = T.grade(T.entry_folder(tmp_path, entry), functions=[entry["function"]])
    missed = set(entry["caught_by"]) - failed(results, entry["function"])
    assert not missed, f"{entry['id']} passes {sorted(missed)}"
    assert entry["diagnosis"].strip()


@pytest.mark.parametrize("entry", VARIANTS, ids=lambda e: e["id"])
def test_every_correct_variant_scores_full_marks(tmp_path, entry):
    results = T.grade(T.entry_folder(tmp_path, entry), functions=[entry["function"]])
    assert not failed(results, entry["function"]), {
        p: f.render() for p, f in results[entry["function"]].items() if isinstance(f, Failure)}


def test_catalogue_entries_grow_from_the_real_code_read():
    labels = {hand for record in REAL["file"] for hand in record["hand"].values()}
    ids = {entry["id"] for entry in CATALOGUE}
    assert len(REAL["file"]) >= 25
    assert {label for label in labels if label.startswith("tln_")} <= ids


@pytest.mark.parametrize("entry", REAL["function"], ids=lambda e: e["id"])
def test_real_code_verdict_matches_the_hand_check(tmp_path, entry):
    results = T.grade(T.entry_folder(tmp_path, entry), functions=[entry["function"]])
    lost = failed(results, entry["function"])
    if entry["hand"] == "correct":
        assert not lost, {p: f.render() for p, f in results[entry["function"]].items() if isinstance(f, Failure)}
    elif entry["hand"].startswith("bug:"):
        assert lost
    else:
        (catalogued,) = [e for e in CATALOGUE if e["id"] == entry["hand"]]
        assert set(catalogued["caught_by"]) <= lost


# ---- the harness: each function graded on its own ----

BROKEN_LAYERS = '''
import numpy as np

def affine_forward(x, w, b):
    raise ValueError("not written yet")

def affine_backward(dout, cache):
    return None

def relu_forward(x):
    return x, x

def relu_backward(dout, cache):
    return dout

def svm_loss(x, y):
    return 0.0, x

def softmax_loss(x, y):
    return 0.0, np.zeros_like(x)
'''


def test_the_net_is_graded_with_the_harness_layers_in_place_of_broken_ones(tmp_path):
    folder = T.materialise(tmp_path / "broken", {"cs231n/layers.py": BROKEN_LAYERS})
    results = T.grade(folder)
    assert T.score(results)["two_layer_net_loss"] == 12
    assert T.score(results)["affine_forward"] == 0


def test_the_stand_in_layers_are_taken_out_after_the_call(tmp_path):
    box = T.FakeBox(T.materialise(tmp_path / "ref"))
    fc_net = box.module("cs231n/classifiers/fc_net.py")
    layers = box.module("cs231n/layers.py")
    before = (fc_net.affine_forward, layers.softmax_loss)
    case = T.prop("two_layer_net_loss", "matches_reference").explicit_cases("two_layer_net_loss")[0]
    answer = T.FakeContext(box).call("two_layer_net_loss", [
        {"mode": "loss", "dims": [4, 5, 3], "params": {k: case[k] for k in ("W1", "b1", "W2", "b2")},
         "X": case["X"], "y": case["y"], "reg": 0.0}])
    assert answer[0]["ok"]
    assert (fc_net.affine_forward, layers.softmax_loss) == before
    assert fc_net.affine_forward is not harness.STAND_INS["affine_forward"]


# ---- fairness and judgement ----

def relu_backward_case(dx):
    return {"x": np.array([[0.0, -1.0, 2.0]]), "dout": np.array([[1.5, 2.0, -1.0]])}, np.array(dx)


@pytest.mark.parametrize("at_zero", [0.0, 1.5, 0.75])
def test_any_subgradient_at_the_relu_kink_is_accepted(at_zero):
    case, dx = relu_backward_case([[at_zero, 0.0, -1.0]])
    from autograder.parts.two_layer_net.properties import judge_relu_backward
    judge_relu_backward(case, dx)


def test_a_value_outside_the_subgradient_at_the_kink_is_refused():
    from autograder.parts.two_layer_net.properties import judge_relu_backward
    case, dx = relu_backward_case([[2.0, 0.0, -1.0]])
    with pytest.raises(Failure):
        judge_relu_backward(case, dx)


INIT_TEMPLATE = '''
import numpy as np

from ..layer_utils import *
from ..layers import *


class TwoLayerNet:
    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0):
        self.reg = reg
        self.params = {{}}
        self.params["W1"] = {w1}
        self.params["b1"] = {b1}
        self.params["W2"] = {w2}
        self.params["b2"] = {b2}

    def loss(self, X, y=None):
        return None
'''


def initialisation_verdict(tmp_path, w1, w2, b1="np.zeros(hidden_dim)", b2="np.zeros(num_classes)"):
    text = INIT_TEMPLATE.format(w1=w1, w2=w2, b1=b1, b2=b2)
    ctx = T.FakeContext(T.FakeBox(T.materialise(tmp_path, {"cs231n/classifiers/fc_net.py": text})))
    return T.prop("two_layer_net_loss", "initialisation").run(ctx, "two_layer_net_loss")


GAUSSIAN = ("weight_scale * np.random.randn(input_dim, hidden_dim)", "weight_scale * np.random.randn(hidden_dim, num_classes)")


@pytest.mark.parametrize("weights, biases", [
    (GAUSSIAN, ("np.zeros(hidden_dim)", "np.zeros(num_classes)")),
    (GAUSSIAN, ("np.zeros((1, hidden_dim))", "np.zeros((1, num_classes))")),
    (("np.random.normal(0, weight_scale, (input_dim, hidden_dim))",
      "np.random.normal(scale=weight_scale, size=(hidden_dim, num_classes))"), ("np.zeros(hidden_dim)", "np.zeros(num_classes)")),
    (("np.random.default_rng().normal(0, weight_scale, (input_dim, hidden_dim))",
      "np.random.default_rng().standard_normal((hidden_dim, num_classes)) * weight_scale"),
     ("np.zeros(hidden_dim)", "np.zeros(num_classes)")),
], ids=["randn", "row-biases", "normal", "unseeded-generator"])
def test_valid_initialisations_pass(tmp_path, weights, biases):
    assert initialisation_verdict(tmp_path, *weights, *biases) is None


@pytest.mark.parametrize("weights, biases, words", [
    (("weight_scale * np.random.rand(input_dim, hidden_dim)", GAUSSIAN[1]), None, "Gaussian"),
    (("np.sqrt(weight_scale) * np.random.randn(input_dim, hidden_dim)", GAUSSIAN[1]), None, "standard deviation"),
    (("1e-3 * np.random.randn(input_dim, hidden_dim)", GAUSSIAN[1]), None, "weight_scale"),
    (GAUSSIAN, ("np.ones(hidden_dim)", "np.zeros(num_classes)"), "zero"),
    (GAUSSIAN, ("np.zeros(input_dim)", "np.zeros(num_classes)"), "shape"),
], ids=["uniform", "variance", "ignores-weight-scale", "biases-not-zero", "bias-shape"])
def test_wrong_initialisations_fail(tmp_path, weights, biases, words):
    failure = initialisation_verdict(tmp_path, *weights, *(biases or ("np.zeros(hidden_dim)", "np.zeros(num_classes)")))
    assert failure is not None and words in failure.render()


# ---- hints that name the mistake ----

def failure_of(tmp_path, entry_id, prop=None):
    """The feedback of the entry's first `caught_by` property (or of `prop`)."""
    (entry,) = [e for e in CATALOGUE if e["id"] == entry_id]
    results = T.grade(T.entry_folder(tmp_path, entry), functions=[entry["function"]])
    return results[entry["function"]][prop or entry["caught_by"][0]].render()


@pytest.mark.parametrize("entry_id, words", [
    ("tln_relu_backward_dout_mask", "your mask is dout > 0"),
    ("tln_affine_backward_db_wrong_axis", "sums dout over axis 1"),
    ("tln_affine_backward_dw_transposed", "dw is transposed"),
    ("tln_affine_forward_no_bias", "bias b is not added"),
    ("tln_affine_forward_no_reshape", "reshape it to (N, D)"),
    ("tln_svm_correct_class_counted", "skip j == y[i]"),
    ("tln_svm_not_averaged", "must be their mean"),
    ("tln_softmax_no_max_shift", "subtract each row's maximum"),
    ("tln_net_reg_no_half", "your loss adds reg * sum(W**2)"),
    ("tln_net_reg_grad_missing", "get no regularization term"),
    ("tln_relu_forward_in_place", "changed its input x"),
])
def test_hints_name_the_mistake(tmp_path, entry_id, words):
    assert words in failure_of(tmp_path, entry_id)


@pytest.mark.parametrize("entry_id, words", [("tln_net_relu_on_scores", "your scores go through a ReLU"),
                                             ("tln_net_no_hidden_relu", "your hidden layer has no ReLU")])
def test_scores_of_another_architecture_are_named(tmp_path, entry_id, words):
    (entry,) = [e for e in CATALOGUE if e["id"] == entry_id]
    ctx = T.FakeContext(T.FakeBox(T.entry_folder(tmp_path, entry)))
    failure = T.prop("two_layer_net_loss", "scores_without_y").run(ctx, "two_layer_net_loss")
    assert failure is not None and words in failure.render()


# ---- the public checks ----

def run_public_checks(tmp_path, stub: bool, reg_scale: float = 0.5):
    """pytest on the part's public checks, rendered for a course of that `reg_scale`, in a
    release-like folder holding the reference (for that course) or the stubs; (passed, failed)."""
    import re
    import shutil
    import subprocess
    import sys

    from autograder.release.course_solutions import rendered_source

    course = Course(parts=("two_layer_net",), settings=(("two_layer_net", "reg_scale", reg_scale),))
    fc_net = "cs231n/classifiers/fc_net.py"
    folder = T.materialise(tmp_path / "release", stub=stub,
                           edits=None if stub else {fc_net: rendered_source(fc_net, course)})
    tests = folder / "tests"
    tests.mkdir()
    release_tests = T.SOLUTIONS.parent / "assignment" / "tests"
    for name in ("conftest.py", "helpers.py"):
        shutil.copy(release_tests / name, tests / name)
    for relative, content in render_all(course).items():
        if relative in ("tests/test_layers.py", "tests/test_fc_net.py"):
            (folder / relative).write_bytes(content)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=folder,
                         capture_output=True, text=True, timeout=300)
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed)", run.stdout)}
    return counts.get("passed", 0), counts.get("failed", 0), run.stdout


@pytest.mark.parametrize("reg_scale", [0.5, 1.0, 2.5])
def test_public_checks_pass_on_the_reference(tmp_path, reg_scale):
    passed, failed_count, output = run_public_checks(tmp_path, stub=False, reg_scale=reg_scale)
    assert failed_count == 0 and passed >= 12, output


def test_public_checks_all_fail_on_the_stubs(tmp_path):
    passed, failed_count, output = run_public_checks(tmp_path, stub=True)
    assert passed == 0 and failed_count >= 12, output
