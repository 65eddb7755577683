"""The reference KNearestNeighbor in the grader (never in a child): the course's solution file.

Answers are remembered by input: the examples are the same for every submission.
"""

import numpy as np

from autograder.grading.reference import solution_module

FILE = "cs231n/classifiers/k_nearest_neighbor.py"
_REMEMBERED: dict[tuple, np.ndarray] = {}
_MAX_REMEMBERED = 5000


def _classifier(X_train, y_train):
    model = solution_module(FILE).KNearestNeighbor()
    model.train(X_train, y_train)
    return model


def _remember(key: tuple, make) -> np.ndarray:
    answer = _REMEMBERED.get(key)
    if answer is None:
        answer = np.asarray(make(), dtype=float)
        answer.flags.writeable = False
        if len(_REMEMBERED) < _MAX_REMEMBERED:
            _REMEMBERED[key] = answer
    return answer


def distances(X, X_train) -> np.ndarray:
    """The (num_test, num_train) L2 distances, from the reference's one-loop version (each
    distance summed from its own differences: no cancellation)."""
    key = ("dists", X.shape, X_train.shape, X.tobytes(), X_train.tobytes())
    train = np.zeros(X_train.shape[0], dtype=np.int64)
    return _remember(key, lambda: _classifier(X_train.copy(), train).compute_distances_one_loop(X.copy()))


def labels(dists, y_train, k: int) -> np.ndarray:
    """The reference's vote: the k nearest training labels, ties to the smallest label."""
    key = ("labels", dists.shape, dists.tobytes(), y_train.tobytes(), int(k))
    return _remember(key, lambda: _classifier(np.zeros((len(y_train), 1)), y_train.copy())
                     .predict_labels(dists.copy(), k=int(k)))
