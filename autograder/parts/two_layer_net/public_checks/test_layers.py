"""Public checks for cs231n/layers.py, on small cases worked by hand.

Run `pytest` in the assignment folder (or `autograder check`). These checks are a
first test of your code, not the grade: the grader checks many more cases.
"""

import math

import numpy as np
from cs231n.layers import (
    affine_backward,
    affine_forward,
    relu_backward,
    relu_forward,
    softmax_loss,
    svm_loss,
)
from helpers import close, show

# The affine layer's hand-worked example: N = 2 inputs of shape (2, 2), so D = 4, and M = 2.
#
#   x[0] = [[1, 2],     x[1] = [[ 0, 1],     w = [[1,  0],     b = [0.5, -1]
#           [3, 4]]             [-1, 2]]          [0,  1],
#                                                 [1,  1],
#                                                 [0, -1]]
#
# Flattened, the rows of x are r0 = [1, 2, 3, 4] and r1 = [0, 1, -1, 2]:
#   out[0] = [1 + 3, 2 + 3 - 4] + b = [4, 1] + b = [4.5, 0]
#   out[1] = [-1, 1 - 1 - 2] + b = [-1, -2] + b = [-0.5, -3]
#
# Backward with dout = [[1, 2], [0, -1]]:
#   dx (flat) = dout w^T: row 0 = [1, 2, 1 + 2, -2] = [1, 2, 3, -2], row 1 = [0, -1, -1, 1],
#   reshaped back to x's shape (2, 2, 2);
#   dw = (flat x)^T dout: row k is r0[k] * [1, 2] + r1[k] * [0, -1]
#      = [[1, 2], [2, 3], [3, 7], [4, 6]];
#   db = dout summed over the N inputs = [1, 1].
X_AFFINE = np.array([[[1.0, 2.0], [3.0, 4.0]], [[0.0, 1.0], [-1.0, 2.0]]])
W_AFFINE = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, -1.0]])
B_AFFINE = np.array([0.5, -1.0])
OUT_AFFINE = np.array([[4.5, 0.0], [-0.5, -3.0]])
DOUT_AFFINE = np.array([[1.0, 2.0], [0.0, -1.0]])
DX_AFFINE = np.array([[[1.0, 2.0], [3.0, -2.0]], [[0.0, -1.0], [-1.0, 1.0]]])
DW_AFFINE = np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 7.0], [4.0, 6.0]])
DB_AFFINE = np.array([1.0, 1.0])


def test_affine_forward_flattens_each_input_and_adds_the_bias():
    x = X_AFFINE.copy()
    out, cache = affine_forward(x, W_AFFINE.copy(), B_AFFINE.copy())
    assert close(out, OUT_AFFINE), (
        "affine_forward: reshape x to (N, D) = (2, 4), multiply by w and add b; expected\n"
        f"{show(OUT_AFFINE)}\ngot\n{show(out)}"
    )
    assert np.array_equal(x, X_AFFINE) and x.shape == (2, 2, 2), (
        "affine_forward changed its input x: the cache keeps x for the backward pass, so use "
        "x.reshape(...) (a new view) rather than assigning to x.shape or writing into x"
    )


def test_affine_backward_returns_gradients_shaped_like_x_w_and_b():
    cache = (X_AFFINE.copy(), W_AFFINE.copy(), B_AFFINE.copy())
    dx, dw, db = affine_backward(DOUT_AFFINE.copy(), cache)
    assert np.shape(dx) == X_AFFINE.shape and close(dx, DX_AFFINE), (
        "dx = dout w^T, reshaped back to the shape of x (2, 2, 2); expected\n"
        f"{show(DX_AFFINE)}\ngot\n{show(dx)}"
    )
    assert close(dw, DW_AFFINE), f"dw = (x flattened to (N, D))^T dout; expected\n{show(DW_AFFINE)}\ngot\n{show(dw)}"
    assert close(np.ravel(db), DB_AFFINE), f"db = dout summed over the N inputs (axis 0); expected {DB_AFFINE}, got {db}"


# ReLU: max(0, x) forward; backward, the gradient flows where x > 0.
X_RELU = np.array([[-1.0, 0.5, 2.0], [3.0, -0.5, 0.25]])
OUT_RELU = np.array([[0.0, 0.5, 2.0], [3.0, 0.0, 0.25]])
DOUT_RELU = np.array([[5.0, 6.0, 7.0], [8.0, 9.0, 10.0]])
DX_RELU = np.array([[0.0, 6.0, 7.0], [8.0, 0.0, 10.0]])


def test_relu_forward_zeroes_negative_inputs_and_keeps_x():
    x = X_RELU.copy()
    out, _ = relu_forward(x)
    assert close(out, OUT_RELU), f"relu_forward: max(0, x); expected\n{show(OUT_RELU)}\ngot\n{show(out)}"
    assert np.array_equal(x, X_RELU), (
        "relu_forward changed its input x (the cache keeps it for the backward pass): "
        "compute a new array, e.g. np.maximum(0, x)"
    )


def test_relu_backward_lets_the_gradient_through_where_x_was_positive():
    dx = relu_backward(DOUT_RELU.copy(), X_RELU.copy())
    assert close(dx, DX_RELU), (
        "relu_backward: dout where the input x (the cache) was positive, 0 elsewhere; expected\n"
        f"{show(DX_RELU)}\ngot\n{show(dx)}"
    )


def test_relu_backward_at_exactly_zero_gives_zero_or_dout():
    dx = relu_backward(np.array([4.0]), np.array([0.0]))
    assert np.shape(dx) == (1,) and float(dx[0]) in (0.0, 4.0), (
        f"at x = 0 the ReLU has a kink: 0 or dout (here 4) are both fine, got {dx}"
    )


# SVM loss, delta = 1: scores x = [[1, 2, -1], [0, 0, 3]], labels y = [0, 2].
#   sample 0 (correct score 1): class 1 margin 2 - 1 + 1 = 2, class 2 margin -1 - 1 + 1 = -1 -> 0
#   sample 1 (correct score 3): margins 0 - 3 + 1 = -2 -> 0 for both other classes
# loss = (2 + 0) / 2 = 1; dx: sample 0 gets +1 for class 1 and -1 for its own class, / N = 2.
X_SVM = np.array([[1.0, 2.0, -1.0], [0.0, 0.0, 3.0]])
Y_SVM = np.array([0, 2])
DX_SVM = np.array([[-0.5, 0.5, 0.0], [0.0, 0.0, 0.0]])


def test_svm_loss_on_the_hand_worked_example():
    loss, dx = svm_loss(X_SVM.copy(), Y_SVM.copy())
    assert math.isclose(float(loss), 1.0), (
        f"svm_loss: the mean over samples of the positive margins of the wrong classes is 1, got {loss} "
        "(a loss of 2 means it is not divided by N; 2 more per sample, that the correct class is counted)"
    )
    assert close(dx, DX_SVM), f"dx: expected\n{show(DX_SVM)}\ngot\n{show(dx)}"


# Softmax loss: scores x = [[0, 0, 0], [0, ln 2, ln 5]], labels y = [0, 2].
#   sample 0: p = [1/3, 1/3, 1/3], loss -log(1/3) = log 3
#   sample 1: exp = [1, 2, 5], sum 8, p = [1/8, 2/8, 5/8], loss -log(5/8) = log(8/5)
# loss = (log 3 + log(8/5)) / 2; dx = (p - one_hot(y)) / N.
X_SOFTMAX = np.array([[0.0, 0.0, 0.0], [0.0, math.log(2), math.log(5)]])
Y_SOFTMAX = np.array([0, 2])
LOSS_SOFTMAX = (math.log(3) + math.log(8 / 5)) / 2
DX_SOFTMAX = np.array([[1 / 3 - 1, 1 / 3, 1 / 3], [1 / 8, 2 / 8, 5 / 8 - 1]]) / 2


def test_softmax_loss_on_the_hand_worked_example():
    loss, dx = softmax_loss(X_SOFTMAX.copy(), Y_SOFTMAX.copy())
    assert math.isclose(float(loss), LOSS_SOFTMAX), f"softmax_loss: expected {LOSS_SOFTMAX:.6f}, got {loss}"
    assert close(dx, DX_SOFTMAX), f"dx = (p - one_hot(y)) / N; expected\n{show(DX_SOFTMAX)}\ngot\n{show(dx)}"


def test_softmax_loss_is_unchanged_by_large_scores():
    shifted = X_SOFTMAX + np.array([[1000.0], [-2000.0]])
    loss, dx = softmax_loss(shifted, Y_SOFTMAX.copy())
    assert math.isclose(float(loss), LOSS_SOFTMAX), (
        "adding a constant to every score of a row changes no probability, but the loss became "
        f"{loss}: subtract each row's maximum score before np.exp"
    )
    assert close(dx, DX_SOFTMAX), f"with shifted scores dx changed:\n{show(dx)}"
