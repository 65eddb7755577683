"""The kNN part's inputs: hand-picked cases and hypothesis strategies.

Images are drawn as the assignment's data is: whole numbers 0..255 (pixels) in float64
arrays. On such data every formulation of the L2 distance is exact, the common
unclipped `sqrt(|x|**2 + |y|**2 - 2 x.y)` included (all its sums are integers far below
2**53), so a test row identical to a training row has a distance of exactly 0 whatever
the student wrote (SPEC: it is not docked). Shapes cover one test or training image,
one dimension, and as many test as training images (a transposed result or a
broadcast along the wrong axis shows only then).

The distances given to `predict_labels` are distinct in each row, so the k nearest
neighbours are one well-defined set; ties are in the vote only.
"""

import numpy as np

from autograder.grading.lazy_hypothesis import arrays, st
from autograder.parts.knn.harness import scale_images

SMALL = {"max_test": 2, "max_train": 3, "max_dim": 2, "max_pixel": 9}
"""Bounds of the `small=True` strategies: the ladder of simplest inputs shown first."""


def images(rows) -> np.ndarray:
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), -1)


def distance_case(X, X_train) -> dict:
    return {"X": images(X), "X_train": images(X_train)}


def basic_distance_cases() -> list[dict]:
    """The gate's inputs: most distances are not 0, so the untouched stub (zeros) fails on each."""
    return [
        # 2 test images, 3 training images, D = 2: distances [5, 5, 4] and [0, 6, 3]
        distance_case([[3, 0], [0, 4]], [[0, 4], [6, 4], [3, 4]]),
        # as many test as training images: a result transposed or broadcast the wrong way shows
        distance_case([[1, 2, 3], [4, 6, 8]], [[2, 2, 2], [0, 0, 0]]),
        # one dimension, one test image
        distance_case([[7]], [[2], [10], [0], [255]]),
    ]


def edge_distance_cases() -> list[dict]:
    rng = np.random.RandomState(17)
    train = rng.randint(0, 256, size=(5, 6))
    return [
        distance_case([[255, 0, 255]], [[0, 255, 0]]),  # one by one
        distance_case(train[[3, 0]], train),  # test images identical to training images
        distance_case(rng.randint(0, 256, size=(4, 6)), train),
        distance_case(rng.randint(0, 256, size=(3, 1)), rng.randint(0, 256, size=(3, 1))),
    ]


def self_cases() -> list[dict]:
    """Images measured against themselves: a symmetric matrix with a zero diagonal."""
    rng = np.random.RandomState(23)
    out = [distance_case([[1, 2], [4, 6], [1, 2]], [[1, 2], [4, 6], [1, 2]])]
    for rows, dim in ((4, 5), (6, 3), (1, 7)):
        X = images(rng.randint(0, 256, size=(rows, dim)))
        out.append({"X": X, "X_train": X.copy()})
    return out


@st.composite
def distance_cases(draw, small=False, same_images=False, shifted=False):
    """Test and training images of whole pixel values; some test images copy training ones."""
    bound = SMALL if small else {"max_test": 5, "max_train": 6, "max_dim": 6, "max_pixel": 255}
    dim = draw(st.integers(1, bound["max_dim"]), label="D")
    num_train = draw(st.integers(1, bound["max_train"]), label="num_train")
    pixel = st.integers(0, bound["max_pixel"])
    X_train = draw(arrays(np.int64, (num_train, dim), elements=pixel), label="X_train")
    if same_images:
        X = X_train.copy()
    else:
        num_test = draw(st.integers(1, bound["max_test"]), label="num_test")
        X = draw(arrays(np.int64, (num_test, dim), elements=pixel), label="X")
        copies = draw(st.lists(st.tuples(st.integers(0, num_test - 1), st.integers(0, num_train - 1)),
                               max_size=num_test), label="copies")
        for i, j in copies:
            X[i] = X_train[j]
    case = {"X": images(X), "X_train": images(X_train)}
    if shifted:
        shift = draw(arrays(np.int64, (dim,), elements=st.integers(-1000, 1000)), label="shift")
        case["shift"] = shift.astype(np.float64)
    return case


def shifted_cases() -> list[dict]:
    """Both sets translated by the same vector (whole numbers: the arithmetic stays exact)."""
    out = []
    for case, shift in zip(basic_distance_cases(), ([-1000, 500], [300, -255, 1000], [-7]), strict=True):
        out.append(case | {"shift": np.asarray(shift, dtype=np.float64)})
    return out


def scale_problem() -> dict:
    """CIFAR-sized images (3072 pixels each), few enough that the two-loop version is quick: the
    ones the child makes itself for a call naming `harness.SCALE_PROBLEM` (read-only)."""
    X, X_train = scale_images()
    return {"X": X, "X_train": X_train}


# ---- predict_labels ----

def label_case(dists, y_train, k) -> dict:
    return {"dists": np.asarray(dists, dtype=np.float64), "y_train": np.asarray(y_train, dtype=np.int64), "k": int(k)}


def basic_label_cases() -> list[dict]:
    """The gate's inputs: every expected label is above 0, so the stub (zeros) fails on each."""
    return [
        label_case([[3.0, 1.0, 2.0], [1.0, 5.0, 4.0]], [1, 2, 1], 1),  # -> [2, 1]
        label_case([[0.5, 4.0, 1.0, 3.0, 2.0]], [3, 0, 3, 1, 1], 3),  # nearest 0, 2, 4 -> labels 3, 3, 1 -> 3
        label_case([[9.0, 1.0, 2.0, 7.0], [2.0, 8.0, 9.0, 1.0]], [1, 2, 2, 1], 2),  # -> [2, 1]
    ]


def tie_cases() -> list[dict]:
    """Votes that tie: the nearer neighbour, or the first seen, has the larger label."""
    return [
        label_case([[1.0, 2.0]], [4, 1], 2),  # one vote each: the smaller label, 1
        label_case([[1.0, 2.0, 3.0, 4.0, 9.0]], [3, 2, 3, 2, 0], 4),  # two votes each: 2
        label_case([[4.0, 1.0, 3.0, 2.0], [1.0, 2.0, 3.0, 4.0]], [0, 5, 1, 2], 3),  # one vote each: 1, 0
        # CIFAR-10's labels 8 and 9 come first out of a small Python set (their hashes wrap around),
        # so a vote counted over set(closest_y) can pick them in a tie: here 2 and 2,
        label_case([[1.5, 2.5], [2.25, 1.75]], [9, 2], 2),
        # and 1 (labels 4, 8, 1 of the three nearest, one vote each)
        label_case([[0.5, 0.75, 0.25, 3.0]], [8, 1, 4, 8], 3),
        # labels 2, 3, 3, 2: two votes each, 2 (3 reaches two votes first)
        label_case([[1.0, 2.0, 3.0, 4.0]], [2, 3, 3, 2], 4),
    ]


def k_cases() -> list[dict]:
    """The nearest image alone says one label, the nearest three another."""
    return [
        label_case([[1.0, 2.0, 3.0, 4.0, 5.0]], [2, 1, 1, 2, 2], 3),  # k = 3: 1 (k = 1: 2)
        label_case([[1.0, 2.0, 3.0, 4.0, 5.0]], [2, 1, 1, 2, 2], 5),  # k = 5: 2
        label_case([[5.0, 4.0, 3.0, 2.0, 1.0, 6.0, 7.0]], [3, 3, 3, 1, 2, 1, 3], 5),  # k = 5: 3
    ]


def nearest_cases() -> list[dict]:
    """The nearest k and the farthest k vote differently."""
    return [
        label_case([[1.0, 2.0, 8.0, 9.0]], [1, 1, 2, 2], 2),  # nearest: 1; farthest: 2
        label_case([[9.0, 1.0, 8.0, 2.0, 5.0]], [2, 1, 2, 1, 0], 1),  # nearest: 1
        label_case([[2.0, 9.0, 1.0], [9.0, 1.0, 2.0]], [3, 1, 3], 2),  # nearest: 3 and 1
    ]


@st.composite
def label_cases(draw, small=False):
    """Distances distinct in each row, labels 0..9 (CIFAR-10's), k from 1 to num_train.

    The distances are quarters (0.25, 0.5, ...): several share a whole part, so a vote that
    rounds or truncates the distances before sorting them picks other neighbours."""
    num_test = draw(st.integers(1, 2 if small else 4), label="num_test")
    num_train = draw(st.integers(1, 4 if small else 8), label="num_train")
    rows = [[q / 4 for q in draw(st.permutations(range(1, num_train + 1)), label="order")] for _ in range(num_test)]
    y_train = draw(arrays(np.int64, (num_train,), elements=st.integers(0, 3 if small else 9)), label="y_train")
    k = draw(st.integers(1, num_train), label="k")
    return label_case(rows, y_train, k)
