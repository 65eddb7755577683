"""Inputs of the two-layer net's properties: hand-worked cases and hypothesis strategies.

Values are hundredths (integers / 100) so that a failing input reads like a worked example.
ReLU inputs keep clear of 0 except where a property says otherwise (at exactly 0 any
subgradient is right); SVM scores keep clear of the hinge kink; score gaps stay far below
the ~700 where exp underflows (so the textbook log(exp / sum) is never docked).
"""

import numpy as np

from autograder.grading.lazy_hypothesis import arrays, assume, st

KINK_CLEARANCE = 1e-2
SMALL = {"max_n": 2, "max_d": 2, "max_m": 2}


def hundredths(shape, low: int, high: int):
    return arrays(np.int64, shape, elements=st.integers(low, high)).map(lambda a: a / 100.0)


def rows(seed: int, *shape, scale=1.0):
    """A fixed array of hundredths (a hand-picked case that reads well)."""
    return np.round(np.random.RandomState(seed).randn(*shape) * scale * 100) / 100


def clear_of_zero(a) -> bool:
    return bool(np.all(np.abs(a) >= KINK_CLEARANCE))


def svm_clear_of_kink(x, y) -> bool:
    margins = x - x[np.arange(len(y)), y][:, None] + 1
    margins[np.arange(len(y)), y] = np.inf
    return bool(np.all(np.abs(margins) > KINK_CLEARANCE))


def _bounds(small, **bounds):
    return [min(v, SMALL[k]) if small and k in SMALL else v for k, v in bounds.items()]


@st.composite
def affine_cases(draw, extra_dims=(0, 2), small=False, with_dout=False):
    """x of shape (N, d1, ..., dk) with k - 1 in `extra_dims`, w (D, M), b (M,) (and dout (N, M))."""
    max_n, max_d, max_m = _bounds(small, max_n=4, max_d=3, max_m=4)
    n = draw(st.integers(1, max_n), label="N")
    k = draw(st.integers(*extra_dims), label="extra dims")
    dims = tuple(draw(st.integers(1, max_d), label=f"d{i}") for i in range(k + 1))
    if k and small:
        dims = tuple(min(d, 2) for d in dims)
    m = draw(st.integers(1, max_m), label="M")
    D = int(np.prod(dims))
    case = {"x": draw(hundredths((n, *dims), -300, 300), label="x"),
            "w": draw(hundredths((D, m), -200, 200), label="w"),
            "b": draw(hundredths((m,), -200, 200), label="b")}
    if with_dout:
        case["dout"] = draw(hundredths((n, m), -200, 200), label="dout")
    return case


@st.composite
def relu_cases(draw, small=False, with_dout=False, zeros=False):
    """x of any shape (1 to 3 axes); clear of 0 unless `zeros` (then some entries are exactly 0)."""
    ndim = draw(st.integers(1, 3), label="ndim")
    shape = tuple(draw(st.integers(1, 2 if small else 4), label=f"n{i}") for i in range(ndim))
    x = draw(hundredths(shape, -300, 300), label="x")
    if not zeros:
        assume(clear_of_zero(x))
    case = {"x": x}
    if with_dout:
        case["dout"] = draw(hundredths(shape, -200, 200), label="dout")
    return case


@st.composite
def loss_cases(draw, kind: str, small=False, max_n=5, max_c=5):
    n = draw(st.integers(1, 2 if small else max_n), label="N")
    c = draw(st.integers(2, 3 if small else max_c), label="C")
    x = draw(hundredths((n, c), -500, 500), label="x")
    y = draw(arrays(np.int64, (n,), elements=st.integers(0, c - 1)), label="y")
    if kind == "svm_loss":
        assume(svm_clear_of_kink(x, y))
    return {"x": x, "y": y}


@st.composite
def shift_cases(draw, kind: str, small=False):
    """A loss input and a shift per row of thousands (gaps inside a row stay those of x)."""
    case = draw(loss_cases(kind, small=small))
    n = case["x"].shape[0]
    case["shift"] = draw(arrays(np.int64, (n,), elements=st.integers(-9, 9)), label="shift").astype(float) * 1000.0
    assume(np.all(case["shift"] != 0))
    return case


@st.composite
def net_cases(draw, small=False, regs=(0.0, 0.5, 2.5)):
    """A two-layer net problem: X (N, D), y, params of order 1, reg; hidden units clear of 0."""
    n = draw(st.integers(1, 2 if small else 4), label="N")
    d = draw(st.integers(1, 2 if small else 4), label="D")
    h = draw(st.integers(1, 2 if small else 4), label="H")
    c = draw(st.integers(2, 3 if small else 4), label="C")
    X = draw(hundredths((n, d), -200, 200), label="X")
    params = {"W1": draw(hundredths((d, h), -150, 150), label="W1"),
              "b1": draw(hundredths((h,), -100, 100), label="b1"),
              "W2": draw(hundredths((h, c), -150, 150), label="W2"),
              "b2": draw(hundredths((c,), -100, 100), label="b2")}
    assume(clear_of_zero(X @ params["W1"] + params["b1"]))
    y = draw(arrays(np.int64, (n,), elements=st.integers(0, c - 1)), label="y")
    reg = draw(st.sampled_from(regs), label="reg")
    return {"X": X, "y": y, "reg": float(reg), **params}


def fixed_affine(seed, x_shape, m, with_dout=False):
    x = rows(seed, *x_shape, scale=2)
    D = int(np.prod(x_shape[1:]))
    case = {"x": x, "w": rows(seed + 1, D, m), "b": rows(seed + 2, m)}
    if with_dout:
        case["dout"] = rows(seed + 3, x_shape[0], m)
    return case


def fixed_relu(seed, shape, with_dout=False):
    x = rows(seed, *shape, scale=2)
    x[np.abs(x) < KINK_CLEARANCE] = 0.5
    case = {"x": x}
    if with_dout:
        case["dout"] = rows(seed + 1, *shape)
    return case


def fixed_loss(seed, n, c, kind, scale=3.0):
    rng = np.random.RandomState(seed)
    while True:
        x = np.round(rng.randn(n, c) * scale * 100) / 100
        y = rng.randint(c, size=n).astype(np.int64)
        if kind != "svm_loss" or svm_clear_of_kink(x, y):
            return {"x": x, "y": y}


def fixed_net(seed, n, d, h, c, reg=0.0):
    rng = np.random.RandomState(seed)
    while True:
        X = np.round(rng.randn(n, d) * 100) / 100
        params = {"W1": np.round(rng.randn(d, h) * 100) / 100, "b1": np.round(rng.randn(h) * 50) / 100,
                  "W2": np.round(rng.randn(h, c) * 100) / 100, "b2": np.round(rng.randn(c) * 50) / 100}
        if clear_of_zero(X @ params["W1"] + params["b1"]):
            y = rng.randint(c, size=n).astype(np.int64)
            return {"X": X, "y": y, "reg": float(reg), **params}
