"""The inputs of the hidden properties: hypothesis strategies and hand-picked cases.

Values are multiples of 0.01 (integers / 100) so that the minimal failing inputs
hypothesis finds read like a worked example. Shapes cover N == C, N = 1 and C = 2,
regularization strengths are of order 0.1 to 10 with W of order 1 (SPEC fairness
notes), and score gaps stay far below the ~745 where exp underflows.
"""

import functools

import numpy as np

from autograder.grading.lazy_hypothesis import arrays, assume, st
from autograder.parts.linear_classifiers.formulation import Formulation, current
from autograder.parts.linear_classifiers.shared import kept_dev_arrays
from autograder.paths import cache_dir

REGS = (0.1, 0.5, 1.0, 2.5, 10.0)
SMALL = {"max_n": 2, "max_d": 2, "max_c": 3}
"""Size bounds of the `small=True` variants of the strategies: the ladder of simplest
inputs tried first when a property fails (`properties.base.Property.ladder`)."""


def _bounded(small: bool, **bounds) -> list[int]:
    """The given size bounds, or each capped by SMALL's (same name) when `small`."""
    return [min(value, SMALL[name]) if small and name in SMALL else value for name, value in bounds.items()]
KINK_CLEARANCE = 1e-3
"""SVM inputs keep every margin at least this far from the hinge kink, where a
subgradient choice (> or >=) is free (SPEC: tests must not penalise either). The
squared hinge has no kink, but its inputs are kept the same way (they stay fine).
With L1 regularization every entry of W stays this far from 0, where sign(W) jumps."""


def hundredths(shape, low: int, high: int):
    return arrays(np.int64, shape, elements=st.integers(low, high)).map(lambda a: a / 100.0)


def svm_margins(W, X, y, delta: float | None = None) -> np.ndarray:
    """Margins s_j - s_{y_i} + delta of every wrong class (the correct class masked as +inf)."""
    delta = current().delta if delta is None else delta
    scores = X @ W
    margins = scores - scores[np.arange(len(y)), y][:, None] + delta
    margins[np.arange(len(y)), y] = np.inf
    return margins


def clear_of_kink(W, X, y, delta: float | None = None) -> bool:
    return bool(np.all(np.abs(svm_margins(W, X, y, delta)) > KINK_CLEARANCE))


def clear_of_zero(W, formulation: Formulation | None = None) -> bool:
    """True unless the course uses L1 and an entry of W is near 0 (the kink of |w|)."""
    formulation = formulation or current()
    return formulation.reg_kind != "l1" or bool(np.all(np.abs(W) > KINK_CLEARANCE))


def case(W, X, y, reg=0.0, **extra) -> dict:
    out = {"W": np.asarray(W, float), "X": np.asarray(X, float), "y": np.asarray(y, np.int64), "reg": float(reg)}
    out.update(extra)
    return out


@st.composite
def loss_cases(draw, kind: str, regs=(0.0,) + REGS, max_n=6, max_d=5, max_c=5, w_range=200, x_range=300,
               small=False):
    """A small (W, X, y, reg) problem; kink-free for the SVM."""
    max_n, max_d, max_c = _bounded(small, max_n=max_n, max_d=max_d, max_c=max_c)
    n = draw(st.integers(1, max_n), label="N")
    d = draw(st.integers(1, max_d), label="D")
    c = draw(st.integers(2, max_c), label="C")
    W = draw(hundredths((d, c), -w_range, w_range), label="W")
    X = draw(hundredths((n, d), -x_range, x_range), label="X")
    y = draw(arrays(np.int64, (n,), elements=st.integers(0, c - 1)), label="y")
    reg = draw(st.sampled_from(regs), label="reg")
    if kind == "svm":
        assume(clear_of_kink(W, X, y))
    if reg:
        assume(clear_of_zero(W))
    return case(W, X, y, reg)


def fixed_case(seed: int, n: int, d: int, c: int, reg: float = 0.0, kind: str = "softmax") -> dict:
    """A reproducible random problem (kink-free when kind is 'svm'); a new dict of shared read-only arrays."""
    return case(*_fixed_arrays(seed, n, d, c, kind, current()), reg)


@functools.cache
def _fixed_arrays(seed: int, n: int, d: int, c: int, kind: str, formulation: Formulation) -> tuple[np.ndarray, ...]:
    """Made once per process and formulation: every submission is checked on the same fixed problems."""
    rng = np.random.RandomState(seed)
    while True:
        W = np.round(rng.uniform(-2, 2, size=(d, c)), 2)
        X = np.round(rng.uniform(-3, 3, size=(n, d)), 2)
        y = rng.randint(0, c, size=n).astype(np.int64)
        if (kind != "svm" or clear_of_kink(W, X, y, formulation.delta)) and clear_of_zero(W, formulation):
            for arr in (W, X, y):
                arr.flags.writeable = False
            return W, X, y


def basic_cases(kind: str) -> list[dict]:
    """The gate: plain inputs (N != C, reg = 0) that any correct function handles."""
    return [fixed_case(1, 5, 4, 3, kind=kind), fixed_case(2, 7, 3, 4, kind=kind), fixed_case(3, 3, 6, 2, kind=kind)]


def edge_cases(kind: str) -> list[dict]:
    """Shapes where typical broadcasting bugs show: N == C, N = 1, C = 2, and reg > 0."""
    return [
        fixed_case(4, 3, 4, 3, reg=0.0, kind=kind),
        fixed_case(5, 4, 2, 4, reg=1.0, kind=kind),
        fixed_case(6, 1, 3, 4, reg=0.5, kind=kind),
        fixed_case(7, 6, 3, 2, reg=2.5, kind=kind),
        fixed_case(8, 5, 5, 5, reg=10.0, kind=kind),
    ]


@st.composite
def shift_cases(draw, kind: str, small=False):
    """A problem plus a vector v added to every column of W: offsets in the thousands."""
    base = draw(loss_cases(kind, regs=(0.0,), small=small))
    d = base["W"].shape[0]
    v = draw(arrays(np.int64, (d,), elements=st.integers(-1000, 1000)), label="v").astype(float)
    assume(np.any(np.abs(base["X"] @ v) >= 1000))
    if kind == "svm":
        assume(clear_of_kink(base["W"] + v[:, None], base["X"], base["y"]))
    base["v"] = v
    return base


def large_gap_cases(kind: str) -> list[dict]:
    """Scores in the thousands with the correct class up to ~100 below the best one."""
    out = []
    for seed, gap in ((11, 60.0), (12, 100.0)):
        rng = np.random.RandomState(seed)
        n, c = 4, 3
        X = np.hstack([np.eye(n)[:, :n], np.ones((n, 1))])
        y = rng.randint(0, c, size=n)
        W = np.zeros((n + 1, c))
        for i in range(n):
            W[i] = np.round(rng.uniform(0, 5, size=c), 2)
            W[i, y[i]] -= gap
        W[n] = 0.0
        v = np.zeros(n + 1)
        v[n] = 2000.0
        v[:n] = np.arange(n) * 1500.0
        out.append(case(W, X, y, 0.0, v=v))
    return out


@st.composite
def large_margin_cases(draw, small=False):
    """Data where each correct score beats every other score by more than delta (margin >= 4 * max(1, delta))."""
    max_n, max_c, max_extra = _bounded(small, max_n=6, max_c=5, max_d=2)
    n = draw(st.integers(1, max_n), label="N")
    c = draw(st.integers(2, max_c), label="C")
    extra = draw(st.integers(0, max_extra), label="extra features")
    margin = float(draw(st.integers(4, 40), label="margin")) * max(1.0, current().delta)
    y = draw(arrays(np.int64, (n,), elements=st.integers(0, c - 1)), label="y")
    noise = draw(hundredths((n, c), -30, 30), label="noise")
    X = np.hstack([margin * np.eye(c)[y] + noise, draw(hundredths((n, extra), -300, 300))])
    W = np.vstack([np.eye(c), np.zeros((extra, c))])
    return case(W, X, y, 0.0)


@st.composite
def initial_loss_cases(draw, small=False):
    """CS231n's sanity check: W = 1e-4 * randn on zero-mean data."""
    max_c, max_n, max_d = _bounded(small, max_c=10, max_n=40, max_d=30)
    c = draw(st.integers(2, max_c), label="C")
    n = draw(st.integers(1, max_n), label="N")
    d = draw(st.integers(1, max_d), label="D")
    seed = draw(st.integers(0, 2**16), label="seed")
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    W = 1e-4 * rng.randn(d, c)
    y = rng.randint(0, c, size=n)
    return case(W, X, y, 0.0)


@st.composite
def permutation_cases(draw, kind: str, small=False):
    """A problem plus a permutation of the samples and one of the classes."""
    base = draw(loss_cases(kind, small=small))
    n, c = base["X"].shape[0], base["W"].shape[1]
    base["sample_order"] = np.array(draw(st.permutations(range(n)), label="sample order"), np.int64)
    base["class_order"] = np.array(draw(st.permutations(range(c)), label="class order"), np.int64)
    return base


DEV_SHAPE = {"N": 500, "D": 3073, "C": 10}
"""CS231n's dev-set size (`shared.dev_arrays`): N samples, D features with the bias, C classes."""


@functools.cache
def dev_problem(seed: int):
    """W, X, y of the dev-size problem made from `seed` (read-only; once per process, and mapped
    from the cache folder when an earlier process kept it there)."""
    arrays = kept_dev_arrays(seed, str(cache_dir()))
    for arr in arrays:
        arr.flags.writeable = False
    return arrays


def cs231n_dev_case(reg: float = 5e-6, seed: int = 231) -> dict:
    """CS231n's dev-set size: N = 500, D = 3073 (bias trick), C = 10, CIFAR-like scale.

    Named by its seed: the child makes the arrays itself (stored once per child), the
    reference's answers come from `dev_reference`, and the grader makes the 12 MB
    problem (`dev_problem`) only to explain a failure.
    """
    return {"reg": float(reg), "seed": seed}


# ---- train() and predict() ----

@st.composite
def training_cases(draw, small=False):
    """A small data set with distinct rows and every class present, and SGD settings."""
    max_c, max_n, max_d = _bounded(small, max_c=4, max_n=12, max_d=4)
    c = draw(st.integers(2, max_c), label="C")
    n = draw(st.integers(c, max(c, max_n)), label="N")
    d = draw(st.integers(1, max_d), label="D")
    X = draw(hundredths((n, d), -300, 300), label="X")
    X = X + np.arange(n)[:, None] * 7.0  # distinct rows, so a sampled row names its index
    y = np.array(draw(st.permutations([i % c for i in range(n)]), label="y"), np.int64)
    batch_size = draw(st.integers(1, n), label="batch_size")
    num_iters = draw(st.integers(1, 6), label="num_iters")
    learning_rate = draw(st.sampled_from((1e-3, 1e-2, 0.1)), label="learning_rate")
    reg = draw(st.sampled_from((0.0, 0.1, 1.0)), label="reg")
    cls = draw(st.sampled_from(("LinearSVM", "Softmax")), label="class")
    seed = draw(st.integers(0, 1000), label="seed")
    return {"X": X / 10.0, "y": y, "batch_size": batch_size, "num_iters": num_iters,
            "learning_rate": learning_rate, "reg": reg, "cls": cls, "seed": seed}


def basic_training_cases() -> list[dict]:
    out = []
    for seed, (n, d, c, batch, iters, cls) in enumerate(
        ((8, 3, 2, 4, 5, "LinearSVM"), (10, 2, 3, 5, 4, "Softmax"), (6, 4, 3, 6, 3, "LinearSVM"))
    ):
        rng = np.random.RandomState(100 + seed)
        # noise below half the row spacing: rows stay distinct, so a sampled row names its index
        X = np.round(rng.uniform(-0.3, 0.3, size=(n, d)), 2) + np.arange(n)[:, None] * 0.7
        y = rng.permutation([i % c for i in range(n)]).astype(np.int64)
        out.append({"X": X, "y": y, "batch_size": batch, "num_iters": iters,
                    "learning_rate": 0.05, "reg": 0.1, "cls": cls, "seed": seed})
    return out


def separable_data(seed: int, c: int, n_per_class: int = 40):
    """Well separated clusters with the bias trick; a linear classifier can get them all."""
    rng = np.random.RandomState(seed)
    centers = rng.uniform(-1, 1, size=(c, 2))
    centers = 4.0 * centers / np.linalg.norm(centers, axis=1, keepdims=True).clip(0.3)
    y = np.repeat(np.arange(c), n_per_class)
    angles = 2 * np.pi * np.arange(c) / c
    centers = 3.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    X = centers[y] + 0.3 * rng.randn(len(y), 2)
    X = np.hstack([X, np.ones((len(y), 1))])
    order = rng.permutation(len(y))
    return X[order], y[order].astype(np.int64)


@st.composite
def prediction_cases(draw, small=False):
    max_n, max_d, max_c = _bounded(small, max_n=8, max_d=5, max_c=6)
    n = draw(st.integers(1, max_n), label="N")
    d = draw(st.integers(1, max_d), label="D")
    c = draw(st.integers(2, max_c), label="C")
    W = draw(hundredths((d, c), -200, 200), label="W")
    X = draw(hundredths((n, d), -300, 300), label="X")
    scores = np.sort(X @ W, axis=1)
    assume(np.all(scores[:, -1] - scores[:, -2] > 1e-6))
    cls = draw(st.sampled_from(("LinearSVM", "Softmax")), label="class")
    return {"W": W, "X": X, "cls": cls}


def basic_prediction_cases() -> list[dict]:
    out = []
    for seed, (n, d, c, cls) in enumerate(((5, 3, 4, "LinearSVM"), (7, 2, 3, "Softmax"), (3, 4, 5, "Softmax"))):
        rng = np.random.RandomState(200 + seed)
        out.append({"W": np.round(rng.uniform(-2, 2, (d, c)), 2),
                    "X": np.round(rng.uniform(-3, 3, (n, d)), 2), "cls": cls})
    return out
