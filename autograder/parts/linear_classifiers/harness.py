"""The linear classifiers' calls inside the sandboxed child (registered as
`linear_classifiers.<op>`; see `autograder/sandbox/child.py`, `Box`).

Numpy and the standard library only, like the child itself. A loss function is called on
arrays of its own; `train` runs with a stand-in loss (`shared.stand_in_loss`) in place of
the student's SVM or Softmax, so that a broken loss never costs training points; the
CS231n-size problem (`shared.kept_dev_arrays`) is made or mapped once and kept, for the
speed checks.
"""

import os

import numpy as np

from .shared import dev_arrays, kept_dev_arrays, private_dev_X, stand_in_loss

stored: dict = {}
"""The CS231n-size problem: W, X, y and its seed (and X's kept file when it is mapped)."""


def call_loss(func, W, X, y, reg, return_inputs: bool, box):
    """Call a loss function on arrays of its own (they may be changed in place, and are
    returned as they are after the call when `return_inputs`)."""
    out = func(W, X, y, float(reg))
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise box.StudentError(
            f"the function returned a {type(out).__name__}, not a tuple (loss, dW)"
        )
    loss, dW = out
    result = {
        "ok": True,
        "loss_type": type(loss).__name__,
        "loss": box.plain_array(loss, "the loss", 16),
        "dW_type": type(dW).__name__,
        "dW": box.plain_array(dW, "dW", 4 * W.size + 16),
    }
    if return_inputs:
        result["inputs"] = {"W": W, "X": X, "y": y}
    return result


def op_call(req, box):
    """Call one loss function on a batch of inputs."""
    try:
        func = box.attribute(req["file"], req["fn"])
    except box.StudentError as exc:
        return {"results": [{"ok": False, "error": str(exc)}] * len(req["calls"])}
    results = []
    for args in req["calls"]:
        try:
            # The arrays of a request are its own: nothing else holds them.
            results.append(call_loss(func, args["W"], args["X"], args["y"], args["reg"],
                                     bool(args.get("return_inputs")), box))
        except BaseException as exc:  # noqa: BLE001
            results.append(box.error(exc))
    return {"results": results}


def op_store(req, box):
    """Make the CS231n-size arrays from a seed (see shared.dev_arrays) and keep them."""
    if stored.get("seed") != int(req["seed"]):
        stored["W"], stored["X"], stored["y"] = dev_arrays(int(req["seed"]))
        stored["seed"] = int(req["seed"])
        stored.pop("X_file", None)
    return {"ok": True}


def stored_inputs():
    """W, X, y of the stored problem, private to one call as copies would be (X mapped copy
    on write from the kept file when there is one: see `shared.private_dev_X`)."""
    if "X_file" in stored:
        X = private_dev_X(*stored["X_file"])
    else:
        X = stored["X"].copy()
    return stored["W"].copy(), X, stored["y"].copy()


def op_call_stored(req, box):
    """Call one loss function on the stored (large) arrays, made first if the seed is new."""
    op_store(req, box)
    try:
        func = box.attribute(req["file"], req["fn"])
        return call_loss(func, *stored_inputs(), req["reg"], False, box)
    except BaseException as exc:  # noqa: BLE001
        return box.error(exc)


def op_python_steps(req, box):
    """Count the Python lines a loss function executes at several sample counts N.

    Loop-free code runs the same number of Python lines whatever N is; a loop over
    the samples anywhere (in the function, a helper, another module) makes the count
    grow with N. The grader compares the counts: a deterministic speed measure.
    """
    try:
        func = box.attribute(req["file"], req["fn"])
    except box.StudentError as exc:
        return {"ok": False, "error": str(exc)}
    counts = []
    for n in req["sizes"]:
        rng = np.random.RandomState(7)
        W, X, y = rng.randn(20, 5) * 0.1, rng.randn(n, 20), rng.randint(0, 5, size=n)
        try:
            counts.append(box.python_lines("the function", func, W, X, y, 0.1))
        except BaseException as exc:  # noqa: BLE001 - the student's error (or the trace function replaced)
            return box.error(exc)
    return {"ok": True, "counts": counts}


def op_run_stored(req, box):
    """Run a function once on stored arrays; the grader times the round trip."""
    if req["fn"] == "__matrix_products__":
        W, X = stored["W"], stored["X"]
        scores = X @ W
        X.T @ scores
        return {"ok": True}
    try:
        func = box.attribute(req["file"], req["fn"])
        func(*stored_inputs(), float(req.get("reg", 0.0)))
        return {"ok": True}
    except BaseException as exc:  # noqa: BLE001
        return box.error(exc)


def _classifier_class(req, box):
    """The class `req["cls"]` of the student's file (LinearSVM, Softmax), else LinearClassifier."""
    module = box.module(req["file"])
    cls = getattr(module, req["cls"], None) or getattr(module, "LinearClassifier", None)
    if cls is None:
        raise box.StudentError(f"{os.path.basename(req['file'])} defines no class {req['cls']}")
    return cls


def op_train(req, box):
    """Train a LinearSVM/Softmax from the student's module with a stand-in loss."""
    try:
        cls = _classifier_class(req, box)
    except box.StudentError as exc:
        return {"results": [{"ok": False, "error": str(exc)}]}
    record = bool(req.get("record"))
    trajectory: list = []
    try:
        clf = cls()
    except BaseException as exc:  # noqa: BLE001
        return {"results": [box.error(exc)]}

    clf.loss = stand_in_loss(clf, trajectory, record, box.StudentError)
    if req.get("W") is not None:
        clf.W = req["W"].copy()
    box.seed(int(req["seed"]))
    X, y = req["X"], req["y"]
    results = []
    for call in req["calls"]:
        trajectory.clear()
        try:
            history = clf.train(
                X.copy(),
                y.copy(),
                learning_rate=call["learning_rate"],
                reg=call["reg"],
                num_iters=int(call["num_iters"]),
                batch_size=int(call["batch_size"]),
            )
            entry = {
                "ok": True,
                "history_type": type(history).__name__,
                "history": box.plain_array(
                    [] if history is None else history, "the loss history", 10 * int(call["num_iters"]) + 16
                ).astype(float).ravel(),
                "W": box.plain_array(clf.W, "self.W", 10**7),
            }
            if record:
                entry["trajectory"] = list(trajectory)
        except BaseException as exc:  # noqa: BLE001
            entry = box.error(exc)
        results.append(entry)
    return {"results": results}


def op_predict(req, box):
    try:
        module = box.module(req["file"])
    except box.StudentError as exc:
        return {"ok": False, "error": str(exc)}
    try:
        cls = getattr(module, req["cls"])
        clf = cls()
        clf.W = req["W"].copy()
        X = req["X"].copy()
        y_pred = clf.predict(X)
        return {
            "ok": True,
            "y_type": type(y_pred).__name__,
            "y": box.plain_array(y_pred, "the predictions", 4 * X.shape[0] + 16),
            "inputs": {"W": np.asarray(clf.W, dtype=float), "X": X},
        }
    except BaseException as exc:  # noqa: BLE001
        return box.error(exc)


OPS = {
    "call": op_call,
    "store": op_store,
    "run_stored": op_run_stored,
    "call_stored": op_call_stored,
    "python_steps": op_python_steps,
    "train": op_train,
    "predict": op_predict,
}


def prepare(folder, box) -> None:
    """Map the CS231n-size problem from the file kept in `folder` (made there once) and keep
    that file open, read-only, for the children (see `stored_inputs`)."""
    stored["W"], stored["X"], stored["y"] = kept_dev_arrays(231, folder)
    stored["seed"] = 231
    X = stored["X"]
    if isinstance(X, np.memmap) and X.filename:
        try:
            stored["X_file"] = (os.open(X.filename, os.O_RDONLY | os.O_CLOEXEC), int(X.offset))
        except OSError:
            pass


def inherited_descriptors() -> set[int]:
    """The kept problem's file, read-only (random data, nothing secret)."""
    return {stored["X_file"][0]} if "X_file" in stored else set()
