"""Hints that name the mistake: the wrong answers real kNN code gives, recognised.

Each recogniser recomputes, in the grader, what a known mistake would return on the
same input and compares it with the student's answer; the first that matches names
the mistake in the student's terms. No match, no hint (a guess would mislead).
"""

import numpy as np

from autograder.grading.properties.base import close, worst_entry


def _squared(X, X_train):
    return ((X[:, None, :] - X_train[None, :, :]) ** 2).sum(axis=2)


DISTANCE_MISTAKES = (
    (lambda X, T: _squared(X, T),
     "your distances are the squared distances: take the square root of the sum of squared differences."),
    (lambda X, T: np.abs(X[:, None, :] - T[None, :, :]).sum(axis=2),
     "you computed the L1 distance (the sum of absolute differences); the L2 distance is the square root "
     "of the sum of squared differences."),
    (lambda X, T: np.abs((X[:, None, :] - T[None, :, :]).sum(axis=2)),
     "you square the sum of the differences; square each difference first, then sum them, then take "
     "the square root."),
    (lambda X, T: (X[:, None, :] - T[None, :, :]).sum(axis=2) ** 2,
     "you square the sum of the differences (and take no square root); square each difference, sum, "
     "then take the square root."),
    (lambda X, T: np.sqrt(np.abs((X**2).sum(1)[None, :] + (T**2).sum(1)[:, None] - 2 * X.dot(T.T)))
     if X.shape[0] == T.shape[0] else None,
     "the squared lengths are added along the wrong axes: the test images' |x|**2 must vary down the rows "
     "(shape (num_test, 1)) and the training images' along the columns (shape (1, num_train))."),
    (lambda X, T: np.sqrt(np.maximum((X**2).sum(1)[:, None] + (T**2).sum(1)[None, :] - X.dot(T.T), 0)),
     "the cross term is x.y instead of 2 x.y: |x - y|**2 = |x|**2 + |y|**2 - 2 x.y."),
    (lambda X, T: np.sqrt(np.maximum((X**2).sum(1)[:, None] + (T**2).sum(1)[None, :] + 2 * X.dot(T.T), 0)),
     "the cross term has the wrong sign: |x - y|**2 = |x|**2 + |y|**2 - 2 x.y (minus)."),
)


def distance_hint(X, X_train, actual: np.ndarray, expected: np.ndarray) -> str | None:
    """What is wrong with `actual`, the student's distances of X to X_train, when recognisable."""
    num_test, num_train = expected.shape
    if actual.shape == (num_train, num_test) and num_test != num_train:
        return ("the result has shape (num_train, num_test); dists[i, j] is the distance of test image i "
                "to training image j, so its shape is (num_test, num_train).")
    if actual.shape != expected.shape:
        return f"dists must have shape (num_test, num_train) = {expected.shape}."
    if not np.all(np.isfinite(actual)):
        return ("some distances are nan or inf: a square root of a negative number? Check the signs of "
                "|x|**2 + |y|**2 - 2 x.y.")
    if not np.any(actual) and np.any(expected):
        return "every distance is 0: is the TODO block still empty?"
    with np.errstate(all="ignore"):
        found = [hint for mistake, hint in DISTANCE_MISTAKES
                 if (wrong := mistake(X, X_train)) is not None and close(actual, wrong) and not close(wrong, expected)]
    if found:
        return one_of(found)
    rows_constant = bool(np.all(actual == actual[:, :1]))
    if rows_constant and num_train > 1 and not np.all(expected == expected[:, :1]):
        return ("every training image gets the same distance to a test image: the sum (or np.linalg.norm) runs "
                "over the whole difference matrix; sum over axis 1 only, one sum per training image.")
    if num_test == num_train and close(actual, expected.T):
        return "the result is transposed: dists[i, j] is the distance of test image i to training image j."
    return worst_entry(actual, expected) + "."


def one_of(hints: list[str]) -> str:
    """One hint, or the few that fit this input equally well (another input would tell them apart)."""
    if len(hints) == 1:
        return hints[0]
    return "this answer fits more than one mistake: " + "; or ".join(hint.rstrip(".") for hint in hints) + "."


def _votes(dists, y_train, k, nearest=True, ties="smallest", truncated=False):
    """The vote of a known (possibly wrong) kind: which neighbours, and how ties go."""
    out = []
    for row in dists:
        order = np.argsort(row.astype(np.int64) if truncated else row, kind="stable")
        chosen = order[:k] if nearest else order[::-1][:k]
        labels = [int(y_train[j]) for j in chosen]
        counts = {label: labels.count(label) for label in labels}  # in order of first appearance
        best = max(counts.values())
        winners = [label for label, count in counts.items() if count == best]
        out.append({"smallest": min(winners), "largest": max(winners), "first": winners[0]}[ties])
    return np.array(out, dtype=float)


def label_hint(case: dict, actual: np.ndarray, expected: np.ndarray) -> str | None:
    """What is wrong with the student's labels, when recognisable."""
    dists, y_train, k = case["dists"], case["y_train"], case["k"]
    if actual.shape != expected.shape:
        return f"predict_labels must return one label per test image: shape {expected.shape}."
    candidates = [
        (_votes(dists, y_train, k, nearest=False),
         "the k farthest training images vote: np.argsort sorts from the smallest distance up, so the "
         "nearest are the first k indices."),
        (_votes(dists, y_train, 1),
         "only the nearest training image votes: use the labels of the k nearest."),
        (_votes(dists, y_train, k, truncated=True),
         "the distances are made whole numbers before sorting, so close neighbours tie: sort them as they are."),
        (_votes(dists, y_train, k, ties="first"),
         "a tied vote goes to the label of the nearer (first seen) neighbour, as Counter.most_common "
         "does; break ties by choosing the smaller label."),
        (_votes(dists, y_train, k, ties="largest"),
         "a tied vote goes to the larger label; break ties by choosing the smaller label."),
        (np.array([float(np.argsort(row, kind="stable")[0]) for row in dists]),
         "you return the index of the nearest training image, not its label: look the label up in "
         "self.y_train."),
    ]
    if not np.any(actual) and np.any(expected):
        return "every label is 0: is the TODO block still empty?"
    found = [hint for wrong, hint in candidates if np.array_equal(actual, wrong) and not np.array_equal(wrong, expected)]
    if found:
        return one_of(found)
    tied = _votes(dists, y_train, k, ties="smallest") != _votes(dists, y_train, k, ties="largest")
    if np.array_equal(actual[~tied], expected[~tied]):
        return ("your vote is right except where labels tie: then choose the smallest of the tied labels "
                "(np.argmax of np.bincount does; the order of a set or a Counter does not).")
    return None
