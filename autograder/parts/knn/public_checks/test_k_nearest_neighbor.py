"""Public checks for cs231n/classifiers/k_nearest_neighbor.py, on small cases worked by hand.

Run `pytest` in the assignment folder (or `autograder check`). These checks are a
first test of your code, not the grade: the grader checks many more cases.
"""

import numpy as np
import pytest
from cs231n.classifiers.k_nearest_neighbor import KNearestNeighbor
from helpers import close, python_loops, show

DISTANCES = pytest.mark.parametrize(
    "method",
    ["compute_distances_two_loops", "compute_distances_one_loop", "compute_distances_no_loops"],
)

# The hand-worked example: 3 training images and 2 test images of D = 2 pixels.
#
#   X_train = [[0, 4],      X = [[3, 0],
#              [6, 4],           [0, 4]]
#              [3, 4]]
#
# dists[i, j] = sqrt(sum over pixels of (X[i] - X_train[j])**2):
#   test 0 = [3, 0]: to [0, 4]: sqrt(3**2 + (-4)**2) = sqrt(25) = 5
#                    to [6, 4]: sqrt((-3)**2 + (-4)**2) = 5
#                    to [3, 4]: sqrt(0**2 + (-4)**2) = 4
#   test 1 = [0, 4]: to [0, 4]: 0 (the same image), to [6, 4]: 6, to [3, 4]: 3
# so dists has shape (num_test, num_train) = (2, 3):
#   [[5, 5, 4],
#    [0, 6, 3]]
X_TRAIN_HAND = np.array([[0.0, 4.0], [6.0, 4.0], [3.0, 4.0]])
X_HAND = np.array([[3.0, 0.0], [0.0, 4.0]])
DISTS_HAND = np.array([[5.0, 5.0, 4.0], [0.0, 6.0, 3.0]])


def trained(X_train, y_train=None):
    classifier = KNearestNeighbor()
    classifier.train(X_train, np.zeros(len(X_train), dtype=int) if y_train is None else y_train)
    return classifier


@DISTANCES
def test_distances_of_the_hand_worked_example(method):
    dists = getattr(trained(X_TRAIN_HAND), method)(X_HAND)
    assert np.shape(dists) == (2, 3), (
        f"{method} should return a (num_test, num_train) = (2, 3) matrix, got shape "
        f"{np.shape(dists)}"
    )
    assert close(dists, DISTS_HAND), (
        f"{method} should give\n{show(DISTS_HAND)}\ngot\n{show(dists)}\n(the L2 distance is the "
        "square root of the sum of the squared pixel differences)"
    )


@DISTANCES
def test_an_image_is_at_distance_zero_from_itself(method):
    # Whole pixel values, as in the assignment's data: every formula is exact, even
    # sqrt(|x|**2 + |y|**2 - 2 x.y), so the diagonal is exactly 0 and dists is symmetric.
    images = np.array([[10.0, 200.0, 35.0], [255.0, 0.0, 7.0], [10.0, 200.0, 36.0]])
    dists = getattr(trained(images), method)(images)
    assert close(np.diag(dists), np.zeros(3)), (
        f"{method}: each image should be at distance 0 from itself, the diagonal is "
        f"{show(np.diag(dists))}"
    )
    assert close(dists, dists.T), f"{method}: dists of X against itself should be symmetric:\n{show(dists)}"
    # images 0 and 2 differ by 1 in one pixel only
    assert close(dists[0, 2], 1.0), f"{method}: images 0 and 2 are 1 apart, got {dists[0, 2]}"


def test_the_one_loop_version_loops_at_most_once():
    loops = python_loops(KNearestNeighbor.compute_distances_one_loop)
    assert len(loops) <= 1, (
        "compute_distances_one_loop should loop over the test images only; found: "
        + ", ".join(loops)
    )


def test_the_no_loop_version_has_no_loops():
    loops = python_loops(KNearestNeighbor.compute_distances_no_loops)
    assert not loops, (
        "compute_distances_no_loops should not contain Python loops (for, while or "
        "comprehensions); found: " + ", ".join(loops)
    )


# The vote, on given distances (one test image, 4 training images):
#
#   dists   = [[3, 1, 2, 4]]      y_train = [1, 2, 1, 1]
#
# np.argsort(dists[0]) = [1, 2, 0, 3]: the nearest is training image 1, then 2, 0, 3.
#   k = 1: labels [2]          -> 2
#   k = 2: labels [2, 1]       -> one vote each, a tie: the smaller label, 1
#   k = 3: labels [2, 1, 1]    -> 1 (two votes)
DISTS_VOTE = np.array([[3.0, 1.0, 2.0, 4.0]])
Y_TRAIN_VOTE = np.array([1, 2, 1, 1])


@pytest.mark.parametrize("k, expected", [(1, 2), (2, 1), (3, 1)])
def test_predict_labels_of_the_hand_worked_vote(k, expected):
    classifier = trained(np.zeros((4, 1)), Y_TRAIN_VOTE)
    y_pred = classifier.predict_labels(DISTS_VOTE, k=k)
    assert np.shape(y_pred) == (1,), f"predict_labels should return one label per test image, got shape {np.shape(y_pred)}"
    assert y_pred[0] == expected, (
        f"with k = {k} the nearest labels are {Y_TRAIN_VOTE[[1, 2, 0][:k]].tolist()}, so the "
        f"prediction is {expected}; got {y_pred[0]}"
        + (" (a tie goes to the smaller label)" if k == 2 else "")
    )


def test_predict_labels_leaves_dists_unchanged():
    dists = np.array([[3.0, 1.0, 2.0, 4.0], [1.0, 4.0, 3.0, 2.0]])
    kept = dists.copy()
    trained(np.zeros((4, 1)), Y_TRAIN_VOTE).predict_labels(dists, k=3)
    assert np.array_equal(dists, kept), "predict_labels should not change dists (np.argsort leaves it as it is)"
