"""Public checks for cs231n/classifiers/linear_classifier.py: train and predict.

Run `pytest` in the assignment folder (or `autograder check`). These checks are a
first test of your code, not the grade: the grader checks many more cases.

The first checks use a classifier whose loss is a fake that records what `train`
passes to it, so that they test `train` alone, whatever the state of your losses.
"""

import numpy as np
import pytest
from cs231n.classifiers.linear_classifier import LinearClassifier, LinearSVM, Softmax
from helpers import show

SUBCLASSES = pytest.mark.parametrize(
    "classifier_class", [LinearSVM, Softmax], ids=lambda c: c.__name__
)


class RecordingClassifier(LinearClassifier):
    """Its loss records each minibatch and returns 10, 11, 12, ... with a gradient of ones."""

    def __init__(self):
        super().__init__()
        self.batches = []

    def loss(self, X_batch, y_batch, reg):
        self.batches.append((X_batch, y_batch, reg))
        return 10.0 + len(self.batches) - 1, np.ones_like(self.W)


def labelled_rows(num_train=8, dim=4, num_classes=3):
    """X whose row i starts with i, so that a sampled row tells which row it came from."""
    X = np.random.RandomState(0).randn(num_train, dim)
    X[:, 0] = np.arange(num_train)
    y = np.arange(num_train) % num_classes
    return X, y


def test_train_returns_one_loss_per_iteration():
    X, y = labelled_rows()
    np.random.seed(0)
    history = RecordingClassifier().train(X, y, num_iters=3, batch_size=5)
    assert [float(loss) for loss in history] == [10.0, 11.0, 12.0], (
        "train should return the list of the losses that self.loss returned, one per "
        f"iteration, in order: expected [10.0, 11.0, 12.0] from the fake loss, got {history}"
    )


def test_train_creates_small_weights_of_shape_D_by_C():
    X, y = labelled_rows(num_train=8, dim=4, num_classes=3)
    classifier = RecordingClassifier()
    np.random.seed(0)
    classifier.train(X, y, num_iters=1, batch_size=5)
    W = classifier.W
    assert W is not None and np.shape(W) == (4, 3), (
        f"train should create W of shape (D, C) = (4, 3) with C = max(y) + 1; got "
        f"{None if W is None else np.shape(W)}"
    )
    assert np.abs(W).max() < 0.01, (
        "train should start from small random weights, 0.001 * np.random.randn(D, C); the "
        f"largest initial weight is {np.abs(W).max()}"
    )


def test_train_passes_minibatches_of_sampled_rows_to_the_loss():
    X, y = labelled_rows(num_train=8, dim=4, num_classes=3)
    classifier = RecordingClassifier()
    np.random.seed(0)
    classifier.train(X, y, reg=0.25, num_iters=3, batch_size=5)
    assert len(classifier.batches) == 3, (
        f"train should call self.loss once per iteration (3), called it {len(classifier.batches)}"
        " times"
    )
    for X_batch, y_batch, reg in classifier.batches:
        assert X_batch is not None and y_batch is not None, (
            "train passed X_batch = None to self.loss: sample batch_size rows of X and the same "
            "entries of y (hint: np.random.choice for the indices)"
        )
        assert np.shape(X_batch) == (5, 4) and np.shape(y_batch) == (5,), (
            "X_batch should have shape (batch_size, D) = (5, 4) and y_batch (batch_size,) = (5,); "
            f"got {np.shape(X_batch)} and {np.shape(y_batch)}"
        )
        rows = X_batch[:, 0].astype(int)  # column 0 of X holds the row number
        assert np.array_equal(X_batch, X[rows]), (
            "every row of X_batch should be a row of X (sample rows, not columns or values)"
        )
        assert np.array_equal(y_batch, y[rows]), (
            "y_batch should hold the labels of the rows in X_batch: use the same indices for "
            "X and y"
        )
        assert reg == 0.25, f"train should pass its reg (0.25) to self.loss, passed {reg}"


def test_train_steps_against_the_gradient():
    X, y = labelled_rows(num_train=8, dim=4, num_classes=3)
    classifier = RecordingClassifier()
    W_start = np.random.RandomState(1).randn(4, 3)
    classifier.W = W_start.copy()  # train continues from the weights it has
    np.random.seed(0)
    classifier.train(X, y, learning_rate=0.1, num_iters=3, batch_size=5)
    expected = W_start - 3 * 0.1
    assert np.allclose(classifier.W, expected), (
        "with a gradient of ones, learning_rate = 0.1 and 3 iterations, each step "
        "W -= learning_rate * grad should lower every weight by 0.1, 0.3 in all; the weights "
        f"moved by\n{show(classifier.W - W_start)}"
    )


@SUBCLASSES
def test_train_changes_W_and_lowers_the_loss(classifier_class):
    # Two well separated groups of points (with a bias feature of 1): class 0 near
    # (-2, -2), class 1 near (2, 2). Full-size minibatches, so the loss goes down.
    rng = np.random.RandomState(0)
    centres = np.array([[-2.0, -2.0], [2.0, 2.0]])
    y = np.array([0, 1] * 10)
    X = np.hstack([centres[y] + 0.3 * rng.randn(20, 2), np.ones((20, 1))])
    classifier = classifier_class()
    W_start = 0.001 * np.random.RandomState(1).randn(3, 2)
    classifier.W = W_start.copy()  # train continues from the weights it has
    np.random.seed(0)
    history = classifier.train(X, y, learning_rate=0.1, reg=0.0, num_iters=20, batch_size=20)
    assert len(history) == 20, (
        f"train should return one loss per iteration (20), got {len(history)}"
    )
    assert not np.array_equal(classifier.W, W_start), (
        f"{classifier_class.__name__}.train did not change W: check the update step in train "
        "and that the loss (the vectorized one) returns a non-zero gradient"
    )
    assert float(history[-1]) < float(history[0]), (
        f"{classifier_class.__name__}.train should lower the loss on separable data: it went "
        f"from {float(history[0]):.4f} to {float(history[-1]):.4f}"
    )


@SUBCLASSES
def test_predict_is_the_argmax_of_the_scores(classifier_class):
    # Scores X W, one row per sample; the prediction is the index of the highest score:
    #   [1, 0]  -> [1, 2, 0] -> class 1
    #   [0, 1]  -> [0, 1, 3] -> class 2
    #   [2, -1] -> [2, 3, -3] -> class 1
    #   [-1, 0] -> [-1, -2, 0] -> class 2
    #   [-1, -1] -> [-1, -3, -3] -> class 0
    W = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0]])
    X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, -1.0], [-1.0, 0.0], [-1.0, -1.0]])
    expected = np.array([1, 2, 1, 2, 0])
    classifier = classifier_class()
    classifier.W = W
    predicted = classifier.predict(X)
    assert np.shape(predicted) == (5,), (
        f"predict should return one label per row of X, shape (N,) = (5,); got {np.shape(predicted)}"
    )
    assert np.array_equal(np.asarray(predicted), expected), (
        f"predict should return the index of the highest score X.dot(W) in each row: expected "
        f"{expected.tolist()}, got {np.asarray(predicted).tolist()}"
    )
