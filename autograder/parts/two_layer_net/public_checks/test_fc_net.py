"""Public checks for cs231n/classifiers/fc_net.py: TwoLayerNet, on a net small enough to work by hand.

Run `pytest` in the assignment folder (or `autograder check`). These checks are a
first test of your code, not the grade: the grader checks many more cases.
"""

import math

import numpy as np
from cs231n.classifiers.fc_net import TwoLayerNet
from cs231n.gradient_check import eval_numerical_gradient, rel_error
from helpers import close, show

# The hand-worked net: D = 2 inputs, H = 2 hidden units, C = 2 classes.
#
#   W1 = [[1, -1],   b1 = [0, 0.5]     W2 = [[ 1, 2],   b2 = [0.5, 0]
#         [0,  1]]                           [-1, 1]]
#
# X[0] = [1, 2]:     hidden = relu([1, -1 + 2] + b1) = relu([1, 1.5]) = [1, 1.5]
#                    scores = [1 - 1.5, 2 + 1.5] + b2 = [0, 3.5]
# X[1] = [-1, 0.5]:  hidden = relu([-1, 1 + 0.5] + b1) = relu([-1, 2]) = [0, 2]
#                    scores = [-2, 2] + b2 = [-1.5, 2]
# With y = [1, 0] the softmax loss of each sample is log(1 + e^(other - correct)):
#   sample 0: log(1 + e^(0 - 3.5)),  sample 1: log(1 + e^(2 + 1.5)); the loss is their mean.
# Regularization 0.5 * reg * (sum(W1**2) + sum(W2**2)): sum(W1**2) = 3, sum(W2**2) = 7, so
# reg = 2 adds 0.5 * 2 * 10 = 10 to the loss, and reg * W (2 W) to the gradient of each W.
PARAMS = {
    "W1": np.array([[1.0, -1.0], [0.0, 1.0]]),
    "b1": np.array([0.0, 0.5]),
    "W2": np.array([[1.0, 2.0], [-1.0, 1.0]]),
    "b2": np.array([0.5, 0.0]),
}
X = np.array([[1.0, 2.0], [-1.0, 0.5]])
Y = np.array([1, 0])
SCORES = np.array([[0.0, 3.5], [-1.5, 2.0]])
LOSS = (math.log(1 + math.exp(-3.5)) + math.log(1 + math.exp(3.5))) / 2


def hand_net(reg=0.0):
    model = TwoLayerNet(input_dim=2, hidden_dim=2, num_classes=2, weight_scale=1e-3, reg=reg)
    model.params = {name: value.copy() for name, value in PARAMS.items()}
    return model


def test_initialisation_follows_weight_scale_with_zero_biases():
    np.random.seed(0)
    model = TwoLayerNet(input_dim=200, hidden_dim=100, num_classes=10, weight_scale=1e-2)
    for name, shape in (("W1", (200, 100)), ("W2", (100, 10))):
        W = model.params.get(name)
        assert W is not None and np.shape(W) == shape, f"params[{name!r}] should have shape {shape}"
        assert abs(W.std() - 1e-2) < 1e-3 and abs(W.mean()) < 1e-3, (
            f"params[{name!r}] should be Gaussian with mean 0 and standard deviation weight_scale = 0.01; "
            f"it has mean {W.mean():.4g} and standard deviation {W.std():.4g}"
        )
    for name, size in (("b1", 100), ("b2", 10)):
        b = model.params.get(name)
        assert b is not None and np.size(b) == size and not np.any(b), f"params[{name!r}] should be {size} zeros"


def test_loss_without_y_returns_the_scores():
    scores = hand_net().loss(X)
    assert close(scores, SCORES), f"loss(X) without y: the scores of affine - relu - affine; expected\n{show(SCORES)}\ngot\n{show(scores)}"


def test_loss_with_y_is_the_mean_softmax_loss():
    loss, grads = hand_net().loss(X, Y)
    assert math.isclose(float(loss), LOSS), f"expected the softmax loss {LOSS:.6f}, got {loss}"
    assert set(grads) >= set(PARAMS), f"grads should have an entry for each of {sorted(PARAMS)}; has {sorted(grads)}"


def test_regularization_adds_half_reg_times_the_sum_of_squares():
    loss0, grads0 = hand_net(reg=0.0).loss(X, Y)
    loss2, grads2 = hand_net(reg=2.0).loss(X, Y)
    assert math.isclose(float(loss2 - loss0), 10.0), (
        f"with reg = 2 the loss should grow by 0.5 * 2 * (3 + 7) = 10; it grew by {loss2 - loss0}"
    )
    for name in ("W1", "W2"):
        assert close(grads2[name] - grads0[name], 2.0 * PARAMS[name]), (
            f"with reg = 2 grads[{name!r}] should grow by reg * {name} = 2 * {name}"
        )
    for name in ("b1", "b2"):
        assert close(grads2[name], grads0[name]), f"the biases are not regularized: grads[{name!r}] should not change"


def test_gradients_match_numerical_gradients():
    model = hand_net(reg=0.7)
    _, grads = model.loss(X, Y)
    for name in sorted(PARAMS):
        numeric = eval_numerical_gradient(lambda _: model.loss(X, Y)[0], model.params[name], verbose=False)
        error = rel_error(numeric, np.reshape(grads[name], np.shape(numeric)))
        assert error < 1e-6, f"grads[{name!r}] differs from a numerical gradient (relative error {error:.2e})"
