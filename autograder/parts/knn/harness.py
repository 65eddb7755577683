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

The CS231n-size images (130 MB of float64) are kept in a file of the grader's cache folder
(`keep_cs231n_problem`, called by the grader when it grades this part). The zygote maps that
file before it forks (`prepare`), copy on write: every child then reads the same pages of
the page cache instead of drawing and writing 130 MB of fresh memory of its own, and a
student's code that writes to the images changes its own copy only. Without the file (the
first grading of this part on a machine) each child makes them, as `op_prepare` says.
"""

import functools
import hashlib
import os
import tempfile

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


SCALE_PROBLEM = "cifar_sized"
"""A call's `problem`: CIFAR-sized images that the child makes itself (`scale_images`), not
sent with the request: the three distance versions are each called on them, and none of
them writes, reads and copies the images through the pipe."""
_SCALE_IMAGES: list = []
SCALE_TEST, SCALE_TRAIN = 10, 50
"""Test and training images of the CIFAR-sized problem (`scale_images`)."""


def scale_images() -> tuple:
    """(X, X_train): 10 test and 50 training images of 3072 whole pixel values 0..255 (the
    first three test images copy training images 5, 0 and 49). What matters here is the
    size of one image, CIFAR's: sums of squares reach 2e8, where the unclipped formula must
    still give exact zeros between copies. Few images keep the two-loop version at a few
    milliseconds (the 20 x 200 once used cost every submission about 55 ms of Python loops).
    Made once per process; the grader's reference reads the same ones."""
    if not _SCALE_IMAGES:
        rng = np.random.RandomState(231)
        X_train = rng.randint(0, 256, size=(SCALE_TRAIN, CS231N_SIZE["dim"])).astype(np.float64)
        X = rng.randint(0, 256, size=(SCALE_TEST, CS231N_SIZE["dim"])).astype(np.float64)
        X[:3] = X_train[[5, 0, SCALE_TRAIN - 1]]
        X.flags.writeable = X_train.flags.writeable = False
        _SCALE_IMAGES.append((X, X_train))
    return _SCALE_IMAGES[0]


def _images(call: dict) -> tuple:
    """(X_train, X) of a distance call, as arrays of this call's own."""
    if call.get("problem") == SCALE_PROBLEM:
        X, X_train = scale_images()
    else:
        X, X_train = call["X"], call["X_train"]
    return np.array(X_train, dtype=np.float64), np.array(X, dtype=np.float64)


def _distances(box, req: dict, call: dict) -> dict:
    X_train, X = _images(call)
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
"""The CS231n-size images, once made or mapped: (X_train, X)."""


def _make_cs231n_problem() -> tuple:
    rng = np.random.RandomState(231)
    return (pixels(rng, CS231N_SIZE["num_train"], CS231N_SIZE["dim"]),
            pixels(rng, CS231N_SIZE["num_test"], CS231N_SIZE["dim"]))


def _cs231n_problem() -> tuple:
    """The CS231n-size images: those the zygote mapped, else made once per child (about 130 MB)."""
    if not _CS231N_PROBLEM:
        _CS231N_PROBLEM.append(_make_cs231n_problem())
    return _CS231N_PROBLEM[0]


@functools.cache
def _maker_digest() -> str:
    with open(__file__, "rb") as source:
        return hashlib.sha256(source.read() + np.__version__.encode()).hexdigest()[:16]


def kept_problem_file(folder: str) -> str:
    """The file of `folder` that keeps the CS231n-size images; its name holds a digest of this
    module and numpy's version (what makes them), so a changed maker never reads old images."""
    return os.path.join(folder, f"knn-cs231n-images-{_maker_digest()}.npy")


def _rows() -> int:
    return CS231N_SIZE["num_train"] + CS231N_SIZE["num_test"]


def _mapped_problem(path: str) -> tuple | None:
    """The kept images mapped copy on write ((X_train, X), plain arrays), or None when the file
    is missing or holds something else."""
    try:
        flat = np.load(path, mmap_mode="c", allow_pickle=False)
    except (OSError, ValueError):
        return None
    if flat.shape != (_rows(), CS231N_SIZE["dim"]) or flat.dtype != np.float64:
        return None
    images = flat.view(np.ndarray)
    return images[: CS231N_SIZE["num_train"]], images[CS231N_SIZE["num_train"] :]


def keep_cs231n_problem(folder: str) -> None:
    """Write the CS231n-size images to `folder` once (atomically), for the zygotes to map; a
    folder that cannot be written only means that every child makes them."""
    path = kept_problem_file(folder)
    if os.path.exists(path):
        return
    X_train, X = _make_cs231n_problem()
    try:
        os.makedirs(folder, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=folder, suffix=".npy.tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                np.save(out, np.concatenate([X_train, X]))
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError:
        pass


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


def prepare(folder, box) -> None:
    """In the zygote: make the CIFAR-sized images, and map the kept CS231n-size ones when the
    grader has kept them."""
    scale_images()
    if folder and not _CS231N_PROBLEM:
        mapped = _mapped_problem(kept_problem_file(folder))
        if mapped is not None:
            _CS231N_PROBLEM.append(mapped)


OPS = {"call": op_call, "steps": op_steps, "run_stored": op_run_stored, "prepare": op_prepare}
