"""The kNN part's calls inside the sandboxed child (numpy and the standard library only).

Every graded method is called on a fresh `KNearestNeighbor` of the student's module (the
request names the file, the class and the method: `file`, `cls`, `fn`):
the distance functions after `train(X_train, y_train)`, `predict_labels` on distances
the grader gives, with `y_train` set (so a broken distance function never costs the vote
any points: DESIGN principle 3). Answers are plain data; every student call is guarded.

Ops (registered as "knn.<name>"):
- call: the graded method on each call's arrays, `{"results": [...]}` in order.
- steps: Python line events of a distance method at two test-set sizes (work, not time).
- run_stored: one run at CS231n's size (5000 x 3072 training images, 500 test images),
  or (`matrix_product`) the product every loop-free version needs; the grader times it.
- prepare: makes those images ahead, so their making is never timed.
"""


import numpy as np

LABELS = "predict_labels"
MAX_ANSWER = 5_000_000
"""The largest array an answer may hold (entries): a (500, 5000) distance matrix and then some."""

CS231N_SIZE = {"num_train": 5000, "num_test": 500, "dim": 3072}
"""The problem the no-loop version is timed on (the speed check's wall-clock guard): CS231n's."""
STEP_TRAIN = 40
"""Training images of the line-count problem (the test images vary)."""


def pixels(rng, rows: int, dim: int) -> np.ndarray:
    """Images as the assignment loads them: whole numbers 0..255 in a float64 array."""
    return rng.randint(0, 256, size=(rows, dim), dtype=np.uint8).astype(np.float64)


def _classifier(box, req, X_train, y_train):
    """A KNearestNeighbor of the student's module, trained (memorising) on the given data."""
    model = box.attribute(req["file"], None, cls=req["cls"])()
    model.train(X_train, y_train)
    # train is provided, not graded: a model whose train forgot to memorise still gets the data
    for name, value in (("X_train", X_train), ("y_train", y_train)):
        if not hasattr(model, name):
            setattr(model, name, value)
    return model


def _distances(box, req: dict, call: dict) -> dict:
    X_train, X = np.array(call["X_train"], dtype=np.float64), np.array(call["X"], dtype=np.float64)
    y_train = np.zeros(X_train.shape[0], dtype=np.int64)
    kept_train, kept_test = X_train.copy(), X.copy()
    try:
        model = _classifier(box, req, X_train, y_train)
        dists = getattr(model, req["fn"])(X)
        answer = box.plain_array(dists, f"the value {req['fn']} returned", MAX_ANSWER)
    except box.StudentError as exc:
        return {"ok": False, "error": str(exc)}
    except BaseException as exc:  # noqa: BLE001 - anything student code does costs only this call
        return box.error(exc)
    unchanged = bool(np.array_equal(X, kept_test) and np.array_equal(X_train, kept_train))
    return {"ok": True, "dists": answer, "unchanged": unchanged}


def _labels(box, req: dict, call: dict) -> dict:
    dists = np.array(call["dists"], dtype=np.float64)
    y_train = np.array(call["y_train"], dtype=np.int64)
    kept_dists = dists.copy()
    try:
        model = _classifier(box, req, np.zeros((dists.shape[1], 1)), y_train)
        predicted = getattr(model, req["fn"])(dists, k=int(call["k"]))
        answer = box.plain_array(predicted, "the value predict_labels returned", MAX_ANSWER)
    except box.StudentError as exc:
        return {"ok": False, "error": str(exc)}
    except BaseException as exc:  # noqa: BLE001
        return box.error(exc)
    return {"ok": True, "y": answer, "unchanged": bool(np.array_equal(dists, kept_dists))}


def op_call(req: dict, box) -> dict:
    """The graded method on each call: a distance method on {X_train, X}, the vote on {dists, y_train, k}."""
    answer = _labels if req["fn"] == LABELS else _distances
    return {"results": [answer(box, req, call) for call in req["calls"]]}


def op_steps(req: dict, box) -> dict:
    """Count the Python line events of a distance method at several test-set sizes.

    Loop-free code runs the same lines whatever the number of test images; a loop over
    them (in the method, a helper, another module) makes the count grow.
    """
    rng = np.random.RandomState(11)
    X_train = pixels(rng, STEP_TRAIN, 12)
    counts = []
    for size in req["sizes"]:
        X = pixels(np.random.RandomState(size), int(size), 12)
        try:
            model = _classifier(box, req, X_train.copy(), np.zeros(STEP_TRAIN, dtype=np.int64))
            method = getattr(model, req["fn"])
        except box.StudentError as exc:
            return {"ok": False, "error": str(exc)}
        except BaseException as exc:  # noqa: BLE001
            return box.error(exc)
        try:
            counts.append(box.python_lines("the method", method, X))
        except BaseException as exc:  # noqa: BLE001 - the student's error (or the trace function replaced)
            return box.error(exc)
    return {"ok": True, "counts": counts}


_CS231N_PROBLEM: list = []
"""The CS231n-size images, once made: (X_train, X)."""


def _cs231n_problem() -> tuple:
    """The CS231n-size images, made once per child (about 130 MB)."""
    if not _CS231N_PROBLEM:
        rng = np.random.RandomState(231)
        _CS231N_PROBLEM.append((pixels(rng, CS231N_SIZE["num_train"], CS231N_SIZE["dim"]),
                                pixels(rng, CS231N_SIZE["num_test"], CS231N_SIZE["dim"])))
    return _CS231N_PROBLEM[0]


def op_run_stored(req: dict, box) -> dict:
    """One run at CS231n's size; the grader times the round trip (the first call also makes the data)."""
    X_train, X = _cs231n_problem()
    if req.get("matrix_product"):
        X.dot(X_train.T)
        return {"ok": True}
    try:
        model = _classifier(box, req, X_train, np.zeros(X_train.shape[0], dtype=np.int64))
        dists = getattr(model, req["fn"])(X)
        shape = tuple(np.shape(dists))
    except box.StudentError as exc:
        return {"ok": False, "error": str(exc)}
    except BaseException as exc:  # noqa: BLE001
        return box.error(exc)
    return {"ok": True, "shape": list(shape)}


def op_prepare(req: dict, box) -> dict:
    """Make the CS231n-size images ahead of timing (so their making is never timed)."""
    _cs231n_problem()
    return {"ok": True}


OPS = {"call": op_call, "steps": op_steps, "run_stored": op_run_stored, "prepare": op_prepare}
