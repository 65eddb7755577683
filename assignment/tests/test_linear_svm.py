"""Public checks for cs231n/classifiers/linear_svm.py, on small cases worked by hand.

Run `pytest` in the assignment folder (or `autograder check`). These checks are a
first test of your code, not the grade: the grader checks many more cases.
"""

import numpy as np
import pytest
from cs231n.classifiers.linear_svm import svm_loss_naive, svm_loss_vectorized
from helpers import close, python_loops, show

BOTH = pytest.mark.parametrize(
    "svm_loss", [svm_loss_naive, svm_loss_vectorized], ids=lambda f: f.__name__
)

# The hand-worked example: N = 2 samples, D = 2 features, C = 3 classes.
#
#   X = [[1,  2],     y = [0, 1]     W = [[1, 0,  0],
#        [3, -1]]                         [0, 1, -1]]
#
# Scores S = X W:
#   sample 0: s = [1, 2, -2], correct class 0 (score 1)
#       class 1: margin 2 - 1 + 1 = 2 > 0  -> loss 2, dW[:, 1] += x0, dW[:, 0] -= x0
#       class 2: margin -2 - 1 + 1 = -2    -> nothing
#   sample 1: s = [3, -1, 1], correct class 1 (score -1)
#       class 0: margin 3 + 1 + 1 = 5 > 0  -> loss 5, dW[:, 0] += x1, dW[:, 1] -= x1
#       class 2: margin 1 + 1 + 1 = 3 > 0  -> loss 3, dW[:, 2] += x1, dW[:, 1] -= x1
# loss = (2 + 5 + 3) / 2 = 5
# columns of dW before dividing by N = 2, with x0 = [1, 2] and x1 = [3, -1]:
#   column 0: -x0 + x1 = [2, -3];   column 1: x0 - 2 x1 = [-5, 4];   column 2: x1 = [3, -1]
# so dW = [[ 1.0, -2.5,  1.5],
#          [-1.5,  2.0, -0.5]]
#
# With reg = 0.1: sum(W**2) = 3, so the loss is 5 + 0.1 * 3 = 5.3 and dW gains
# 2 * 0.1 * W = [[0.2, 0, 0], [0, 0.2, -0.2]].
X_HAND = np.array([[1.0, 2.0], [3.0, -1.0]])
Y_HAND = np.array([0, 1])
W_HAND = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, -1.0]])
LOSS_HAND = 5.0
DW_HAND = np.array([[1.0, -2.5, 1.5], [-1.5, 2.0, -0.5]])


def small_random_case(seed=0, num_train=6, dim=5, num_classes=4):
    rng = np.random.RandomState(seed)
    W = rng.randn(dim, num_classes)
    X = rng.randn(num_train, dim)
    y = rng.randint(num_classes, size=num_train)
    return W, X, y


@BOTH
def test_returns_a_loss_and_a_gradient_shaped_like_W(svm_loss):
    W, X, y = small_random_case(num_train=4, dim=5, num_classes=3)
    result = svm_loss(W, X, y, 0.1)
    assert isinstance(result, tuple) and len(result) == 2, (
        f"{svm_loss.__name__} should return a tuple (loss, dW), got {type(result).__name__}"
    )
    loss, dW = result
    assert np.ndim(loss) == 0, f"the loss should be a single number, got shape {np.shape(loss)}"
    assert np.isfinite(float(loss)), f"the loss should be finite, got {loss}"
    assert np.shape(dW) == W.shape, (
        f"dW should have the shape of W, (D, C) = {W.shape}, got {np.shape(dW)}"
    )


@BOTH
def test_loss_at_zero_weights_is_C_minus_1(svm_loss):
    W = np.zeros((4, 3))
    X = np.random.RandomState(1).randn(5, 4)
    y = np.array([0, 1, 2, 1, 0])
    loss, _ = svm_loss(W, X, y, 0.0)
    assert np.isclose(float(loss), 2.0, rtol=1e-12), (
        f"{svm_loss.__name__}: the SVM loss at W = 0 should be C - 1 = 2: every score is 0, so "
        f"each of the 2 wrong classes has margin 0 - 0 + 1 = 1; got {loss}"
    )


@BOTH
def test_hand_worked_example(svm_loss):
    loss, dW = svm_loss(W_HAND, X_HAND, Y_HAND, 0.0)
    assert np.isclose(float(loss), LOSS_HAND, rtol=1e-12), (
        f"{svm_loss.__name__}: the hand-worked example (see the comment at the top of "
        f"tests/test_linear_svm.py) has loss (2 + 5 + 3) / 2 = 5; got {loss}. "
        "Sum the positive margins over the wrong classes, then divide by N"
    )
    assert close(dW, DW_HAND), (
        f"{svm_loss.__name__}: dW of the hand-worked example should be\n{show(DW_HAND)}\n"
        f"got\n{show(dW)}\nFor every wrong class j with a positive margin, column j gets +x_i "
        "and column y_i gets -x_i; then divide by N"
    )


@BOTH
def test_regularization_adds_reg_times_sum_of_W_squared(svm_loss):
    reg = 0.1
    loss0, dW0 = svm_loss(W_HAND, X_HAND, Y_HAND, 0.0)
    loss, dW = svm_loss(W_HAND, X_HAND, Y_HAND, reg)
    assert np.isclose(float(loss) - float(loss0), 0.3, rtol=1e-10), (
        f"{svm_loss.__name__}: with reg = 0.1 the loss should grow by reg * sum(W**2) = "
        f"0.1 * 3 = 0.3 (added after averaging over the samples); it grew by "
        f"{float(loss) - float(loss0)}"
    )
    assert close(np.asarray(dW) - np.asarray(dW0), 2 * reg * W_HAND), (
        f"{svm_loss.__name__}: with reg = 0.1 dW should grow by 2 * reg * W =\n"
        f"{show(2 * reg * W_HAND)}\ngot\n{show(np.asarray(dW) - np.asarray(dW0))}"
    )


@BOTH
def test_inputs_are_not_modified(svm_loss):
    W, X, y = small_random_case(seed=2)
    W_copy, X_copy, y_copy = W.copy(), X.copy(), y.copy()
    svm_loss(W, X, y, 0.1)
    for name, before, after in (("W", W_copy, W), ("X", X_copy, X), ("y", y_copy, y)):
        assert np.array_equal(before, after), (
            f"{svm_loss.__name__} changed its input {name}: work on new arrays "
            "(such as the scores X.dot(W)) instead of updating the inputs in place"
        )


def test_naive_and_vectorized_agree():
    W, X, y = small_random_case(seed=3)
    loss_naive, dW_naive = svm_loss_naive(W, X, y, 0.05)
    loss_vectorized, dW_vectorized = svm_loss_vectorized(W, X, y, 0.05)
    assert np.isclose(float(loss_naive), float(loss_vectorized), rtol=1e-10), (
        "svm_loss_naive and svm_loss_vectorized should give the same loss on the same "
        f"inputs: {loss_naive} (naive) vs {loss_vectorized} (vectorized)"
    )
    assert close(dW_naive, dW_vectorized, rtol=1e-9), (
        "svm_loss_naive and svm_loss_vectorized should give the same dW; the largest "
        f"difference is {np.max(np.abs(np.asarray(dW_naive) - np.asarray(dW_vectorized)))}"
    )


def test_vectorized_version_has_no_python_loop():
    loops = python_loops(svm_loss_vectorized)
    assert not loops, (
        "svm_loss_vectorized should use array operations only, no Python loop "
        f"(for, while, comprehension); found: {', '.join(loops)}"
    )
