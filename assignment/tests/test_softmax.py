"""Public checks for cs231n/classifiers/softmax.py, on small cases worked by hand.

Run `pytest` in the assignment folder (or `autograder check`). These checks are a
first test of your code, not the grade: the grader checks many more cases.
"""

import math

import numpy as np
import pytest
from cs231n.classifiers.softmax import softmax_loss_naive, softmax_loss_vectorized
from helpers import close, python_loops, show

BOTH = pytest.mark.parametrize(
    "softmax_loss", [softmax_loss_naive, softmax_loss_vectorized], ids=lambda f: f.__name__
)

# The hand-worked example: N = 2 samples, D = 2 features, C = 3 classes.
#
#   X = [[1, 0],     y = [1, 0]     W = [[0,     0, 0],
#        [1, 1]]                         [ln 2,  0, 0]]
#
# Scores S = X W:
#   sample 0: s = [0, 0, 0]     exp = [1, 1, 1], sum 3   p = [1/3, 1/3, 1/3]
#             correct class 1:  -log p_1 = log 3
#   sample 1: s = [ln 2, 0, 0]  exp = [2, 1, 1], sum 4   p = [1/2, 1/4, 1/4]
#             correct class 0:  -log p_0 = log 2
# loss = (log 3 + log 2) / 2 = log(6) / 2 = 0.895880
#
# dW = X^T (P - Y) / N, with P - Y (one row per sample):
#   row 0: [1/3, 1/3 - 1, 1/3] = [ 1/3, -2/3, 1/3]
#   row 1: [1/2 - 1, 1/4, 1/4] = [-1/2,  1/4, 1/4]
# X^T (P - Y): feature 0 is 1 in both samples -> row 0 + row 1 = [-1/6, -5/12, 7/12]
#              feature 1 is 1 in sample 1 only -> row 1         = [-1/2,  1/4,  1/4]
# divided by N = 2:
#   dW = [[-1/12, -5/24, 7/24],
#         [-1/4,   1/8,  1/8 ]]
#
# With reg = 0.5: sum(W**2) = (ln 2)**2, so the loss grows by 0.5 * (ln 2)**2 and dW
# by 2 * 0.5 * W = W.
X_HAND = np.array([[1.0, 0.0], [1.0, 1.0]])
Y_HAND = np.array([1, 0])
W_HAND = np.array([[0.0, 0.0, 0.0], [math.log(2), 0.0, 0.0]])
LOSS_HAND = math.log(6) / 2
DW_HAND = np.array([[-1 / 12, -5 / 24, 7 / 24], [-1 / 4, 1 / 8, 1 / 8]])


def small_random_case(seed=0, num_train=6, dim=5, num_classes=4):
    rng = np.random.RandomState(seed)
    W = rng.randn(dim, num_classes)
    X = rng.randn(num_train, dim)
    y = rng.randint(num_classes, size=num_train)
    return W, X, y


@BOTH
def test_returns_a_loss_and_a_gradient_shaped_like_W(softmax_loss):
    W, X, y = small_random_case(num_train=4, dim=5, num_classes=3)
    result = softmax_loss(W, X, y, 0.1)
    assert isinstance(result, tuple) and len(result) == 2, (
        f"{softmax_loss.__name__} should return a tuple (loss, dW), got {type(result).__name__}"
    )
    loss, dW = result
    assert np.ndim(loss) == 0, f"the loss should be a single number, got shape {np.shape(loss)}"
    assert np.isfinite(float(loss)), f"the loss should be finite, got {loss}"
    assert np.shape(dW) == W.shape, (
        f"dW should have the shape of W, (D, C) = {W.shape}, got {np.shape(dW)}"
    )


@BOTH
def test_loss_at_zero_weights_is_log_C(softmax_loss):
    W = np.zeros((4, 10))
    X = np.random.RandomState(1).randn(5, 4)
    y = np.array([0, 3, 9, 1, 0])
    loss, _ = softmax_loss(W, X, y, 0.0)
    assert np.isclose(float(loss), math.log(10), rtol=1e-12), (
        f"{softmax_loss.__name__}: at W = 0 every score is 0, so each of the C = 10 classes "
        f"has probability 1/10 and the loss is -log(0.1) = log(10) = {math.log(10):.6f}; "
        f"got {loss}"
    )


@BOTH
def test_hand_worked_example(softmax_loss):
    loss, dW = softmax_loss(W_HAND, X_HAND, Y_HAND, 0.0)
    assert np.isclose(float(loss), LOSS_HAND, rtol=1e-10), (
        f"{softmax_loss.__name__}: the hand-worked example (see the comment at the top of "
        f"tests/test_softmax.py) has loss (log 3 + log 2) / 2 = {LOSS_HAND:.6f}; got {loss}. "
        "Average -log(probability of the correct class) over the samples"
    )
    assert close(dW, DW_HAND), (
        f"{softmax_loss.__name__}: dW of the hand-worked example should be\n{show(DW_HAND)}\n"
        f"got\n{show(dW)}\nThe gradient is X^T (P - Y) / N: probabilities minus one-hot labels"
    )


@BOTH
def test_regularization_adds_reg_times_sum_of_W_squared(softmax_loss):
    reg = 0.5
    loss0, dW0 = softmax_loss(W_HAND, X_HAND, Y_HAND, 0.0)
    loss, dW = softmax_loss(W_HAND, X_HAND, Y_HAND, reg)
    expected = reg * math.log(2) ** 2
    assert np.isclose(float(loss) - float(loss0), expected, rtol=1e-10), (
        f"{softmax_loss.__name__}: with reg = 0.5 the loss should grow by reg * sum(W**2) = "
        f"0.5 * (ln 2)**2 = {expected:.6f} (added after averaging over the samples); it grew by "
        f"{float(loss) - float(loss0)}"
    )
    assert close(np.asarray(dW) - np.asarray(dW0), 2 * reg * W_HAND), (
        f"{softmax_loss.__name__}: with reg = 0.5 dW should grow by 2 * reg * W =\n"
        f"{show(2 * reg * W_HAND)}\ngot\n{show(np.asarray(dW) - np.asarray(dW0))}"
    )


@BOTH
def test_large_scores_stay_finite(softmax_loss):
    # One feature, scores 1000 for sample 0 and 2000 for sample 1, in every class:
    # p = [1/3, 1/3, 1/3] for both, so the loss is log 3; exp(1000) overflows, so
    # shift the scores of each sample by their maximum first.
    # dW = X^T (P - Y) / 2 with y = [0, 2]:
    #   (1 * [-2/3, 1/3, 1/3] + 2 * [1/3, 1/3, -2/3]) / 2 = [0, 1/2, -1/2]
    X = np.array([[1.0], [2.0]])
    y = np.array([0, 2])
    W = np.array([[1000.0, 1000.0, 1000.0]])
    with np.errstate(all="ignore"):
        loss, dW = softmax_loss(W, X, y, 0.0)
    assert np.isclose(float(loss), math.log(3), rtol=1e-10), (
        f"{softmax_loss.__name__}: with scores of 1000 and 2000 in every class the loss should "
        f"be log 3 = {math.log(3):.6f}; got {loss}. Subtract the maximum score of each sample "
        "before np.exp, or exp(1000) overflows to inf"
    )
    assert close(dW, [[0.0, 0.5, -0.5]]), (
        f"{softmax_loss.__name__}: with scores of 1000 and 2000 dW should be [[0, 0.5, -0.5]]; "
        f"got {show(dW)}. Shift the scores by their row maximum before np.exp"
    )


@BOTH
def test_inputs_are_not_modified(softmax_loss):
    W, X, y = small_random_case(seed=2)
    W_copy, X_copy, y_copy = W.copy(), X.copy(), y.copy()
    softmax_loss(W, X, y, 0.1)
    for name, before, after in (("W", W_copy, W), ("X", X_copy, X), ("y", y_copy, y)):
        assert np.array_equal(before, after), (
            f"{softmax_loss.__name__} changed its input {name}: work on new arrays "
            "(such as the scores X.dot(W)) instead of updating the inputs in place"
        )


def test_naive_and_vectorized_agree():
    W, X, y = small_random_case(seed=3)
    loss_naive, dW_naive = softmax_loss_naive(W, X, y, 0.05)
    loss_vectorized, dW_vectorized = softmax_loss_vectorized(W, X, y, 0.05)
    assert np.isclose(float(loss_naive), float(loss_vectorized), rtol=1e-10), (
        "softmax_loss_naive and softmax_loss_vectorized should give the same loss on the same "
        f"inputs: {loss_naive} (naive) vs {loss_vectorized} (vectorized)"
    )
    assert close(dW_naive, dW_vectorized, rtol=1e-9), (
        "softmax_loss_naive and softmax_loss_vectorized should give the same dW; the largest "
        f"difference is {np.max(np.abs(np.asarray(dW_naive) - np.asarray(dW_vectorized)))}"
    )


def test_vectorized_version_has_no_python_loop():
    loops = python_loops(softmax_loss_vectorized)
    assert not loops, (
        "softmax_loss_vectorized should use array operations only, no Python loop "
        f"(for, while, comprehension); found: {', '.join(loops)}"
    )
