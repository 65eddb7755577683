"""Numpy-only code that both the grader and the child run, so both compute the same thing.

- `least_squares`: the stand-in loss used to grade `train` on its own (DESIGN
  principle 3). `train` runs with it instead of the student's SVM or Softmax, so a
  broken loss function never costs training points; the child answers `self.loss(...)`
  with it and the grader recomputes it to check every SGD step.
- `stand_in_loss`: the `self.loss` that `train` runs with (answering with
  `least_squares`), in the child for the student's class and in the grader for the
  catalogue's mutants (`grading.diagnosis`), so that both train the same way.
- `dev_arrays`: CS231n's dev-set-size problem, made from a seed on both sides instead
  of sending 12 MB through the pipe. Nothing secret: it is random data.
"""

import functools

import numpy as np


def least_squares(W, X, y, reg):
    """0.5 * mean over samples of ||x_i W - onehot(y_i)||^2 + reg * sum(W**2), and its gradient."""
    num = X.shape[0]
    Y = np.zeros((num, W.shape[1]))
    Y[np.arange(num), y] = 1.0
    residual = X @ W - Y
    loss = 0.5 * np.sum(residual**2) / num + reg * np.sum(W * W)
    grad = X.T @ residual / num + 2 * reg * W
    return float(loss), grad


def stand_in_loss(clf, trajectory: list, record: bool, missing_minibatch: type[Exception] = ValueError):
    """A `self.loss(X_batch, y_batch, reg)` for `clf` (positional or keyword arguments, X/y
    accepted for X_batch/y_batch) that answers with `least_squares` at `clf.W`, and appends
    each step's (W, X, y, reg) to `trajectory` when `record`."""

    def loss(*args, **kwargs):
        values = dict(zip(("X_batch", "y_batch", "reg"), args, strict=False))
        for key, value in kwargs.items():
            values[{"X": "X_batch", "y": "y_batch"}.get(key, key)] = value
        X_batch, y_batch = values.get("X_batch"), values.get("y_batch")
        if X_batch is None or y_batch is None:
            raise missing_minibatch("self.loss was called without a minibatch (X_batch or y_batch is None)")
        W = np.array(clf.W, dtype=float)
        Xb = np.array(X_batch, dtype=float)
        yb = np.array(y_batch).astype(int)
        reg = float(values.get("reg", 0.0))
        if record:
            trajectory.append({"W": W, "X": Xb, "y": yb, "reg": reg})
        return least_squares(W, Xb, yb, reg)

    return loss


def dev_arrays(seed: int):
    """N = 500, D = 3073 (bias trick), C = 10 at CIFAR-10's scale after mean subtraction."""
    rng = np.random.Generator(np.random.PCG64(seed))
    X = np.ones((500, 3073))
    X[:, :3072] = rng.standard_normal((500, 3072)) * 60.0
    W = 1e-4 * rng.standard_normal((3073, 10))
    y = rng.integers(0, 10, size=500)
    return W, X, y


DEV_SIZES = (500 * 3073, 3073 * 10, 500)
"""Entries of X, W and y in the kept file (one flat float64 array, in this order)."""


@functools.cache
def dev_maker() -> str:
    """A digest of what makes the dev problem (`dev_arrays`): this module and numpy's version.
    What is kept of the problem, or computed from it, is named by it."""
    import hashlib

    with open(__file__, "rb") as source:
        return hashlib.sha256(source.read() + np.__version__.encode()).hexdigest()


def kept_dev_file(seed: int, folder: str) -> str:
    """The file `kept_dev_arrays` keeps the problem in."""
    import os

    return os.path.join(folder, f"dev-problem-{seed}-{dev_maker()[:16]}.npy")


def private_dev_X(descriptor: int, offset: int) -> np.ndarray:
    """A private, writable X over the kept file open at `descriptor`, its data at `offset`
    (copy on write): what a copy of X gives the code it is handed, without copying 12 MB
    first; pages are copied only if that code writes to them."""
    import mmap

    mapped = mmap.mmap(descriptor, 0, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    return np.ndarray((500, 3073), np.float64, buffer=mapped, offset=offset)


def _mapped(path: str) -> np.memmap | None:
    """The kept file mapped read-only, or None when it is missing or not the dev problem."""
    try:
        flat = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError):
        return None
    if not isinstance(flat, np.memmap) or flat.shape != (sum(DEV_SIZES),) or flat.dtype != np.float64:
        return None
    return flat


def kept_dev_arrays(seed: int, folder: str | None):
    """`dev_arrays(seed)`, read-only, mapped from a file in `folder` that the first call writes.

    Making them costs about 50 ms (1.5 million normal draws and 12 MB of fresh memory),
    and the zygote makes them before it is ready, so every `autograder grade` waited for
    it. Mapped, they cost nothing until used, and every process that maps them shares one
    copy in memory. The file's name holds a digest of this module and numpy's version (what
    makes the arrays); a file that cannot be read or written only means making them again.
    """
    if not folder:
        return dev_arrays(seed)
    import os
    import tempfile

    path = kept_dev_file(seed, folder)
    flat = _mapped(path)
    if flat is None:
        W, X, y = dev_arrays(seed)
        try:
            os.makedirs(folder, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=folder, suffix=".npy.tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    np.save(out, np.concatenate([X.ravel(), W.ravel(), y.astype(np.float64)]))
                os.replace(temporary, path)
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
        except OSError:
            return W, X, y
        flat = _mapped(path)
        if flat is None:
            return W, X, y
    sizes = DEV_SIZES
    X = np.memmap(path, np.float64, "r", offset=flat.offset, shape=(500, 3073))  # knows its file and offset
    W = flat[sizes[0] : sizes[0] + sizes[1]].reshape(3073, 10)
    return W, X, np.array(flat[sizes[0] + sizes[1] :], dtype=np.int64)
