#!/usr/bin/env python
"""Benchmark the reference vectorized losses against the matrix products they cannot avoid.

At the CS231n dev size (N = 500 samples, D = 3073 features, C = 10 classes,
float64), a vectorized loss + gradient needs at least two matrix products:
the scores X @ W and the gradient X.T @ G with G of shape (N, C). This script
times, in the same run, each reference vectorized loss (svm_loss_vectorized,
softmax_loss_vectorized) and those two products, and prints

- the GEMM-floor ratio: loss time / (time of X @ W + time of X.T @ G), which
  must be at most 2 (everything besides the two products is cheap (N, C) work);
- the speedup of the vectorized loss over the naive (looping) one.

It exits with status 1 if a ratio is above 2. Times are the best of several
repeats (timeit). BLAS runs on one thread unless OPENBLAS_NUM_THREADS (or
MKL_NUM_THREADS, OMP_NUM_THREADS) says otherwise, so that the ratio compares
like with like.

    python bench/bench_reference.py            # the real measurement
    python bench/bench_reference.py --quick    # tiny sizes, one repeat, no bound enforced
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # before numpy is imported

import argparse  # noqa: E402
import sys  # noqa: E402
import timeit  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"
sys.path.insert(0, str(SOLUTIONS))

from cs231n.classifiers.linear_svm import svm_loss_naive, svm_loss_vectorized  # noqa: E402
from cs231n.classifiers.softmax import softmax_loss_naive, softmax_loss_vectorized  # noqa: E402

MAX_RATIO = 2.0
LOSSES = (
    ("svm", svm_loss_naive, svm_loss_vectorized),
    ("softmax", softmax_loss_naive, softmax_loss_vectorized),
)


def best_times(functions: dict, repeat: int, quick: bool) -> dict:
    """Best seconds per call of each function over `repeat` rounds.

    The rounds are interleaved (each round times every function once), so that a
    machine that slows down or speeds up during the run affects all alike. Each
    timing runs the function often enough to last about 0.2 s (timeit.autorange).
    """
    timers = {name: timeit.Timer(function) for name, function in functions.items()}
    numbers = {name: 1 if quick else timer.autorange()[0] for name, timer in timers.items()}
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(repeat):
        for name, timer in timers.items():
            best[name] = min(best[name], timer.timeit(numbers[name]) / numbers[name])
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat, no bound")
    parser.add_argument("--repeat", type=int, default=7, help="timeit repeats (default 7)")
    args = parser.parse_args(argv)

    num_train, dim, num_classes = (50, 101, 10) if args.quick else (500, 3073, 10)
    repeat = 1 if args.quick else max(1, args.repeat)
    naive_repeat = 1 if args.quick else max(1, repeat // 2)

    rng = np.random.RandomState(0)
    X = rng.randn(num_train, dim)
    y = rng.randint(num_classes, size=num_train)
    W = 0.0001 * rng.randn(dim, num_classes)
    G = rng.randn(num_train, num_classes)
    reg = 5e-6

    print(
        f"N = {num_train}, D = {dim}, C = {num_classes}, float64, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, "
        f"best of {repeat} repeats{' (quick: no bound enforced)' if args.quick else ''}"
    )
    for name, naive, vectorized in LOSSES:
        loss_naive, dW_naive = naive(W, X, y, reg)
        loss_vectorized, dW_vectorized = vectorized(W, X, y, reg)
        if not (np.isclose(loss_naive, loss_vectorized) and np.allclose(dW_naive, dW_vectorized)):
            print(f"{name}: the naive and vectorized references disagree", file=sys.stderr)
            return 2

    functions = {"X @ W": lambda: X @ W, "X.T @ G": lambda: X.T @ G}
    for _name, _naive, vectorized in LOSSES:
        functions[vectorized.__name__] = lambda f=vectorized: f(W, X, y, reg)
    best = best_times(functions, repeat, args.quick)
    naive_functions = {naive.__name__: lambda f=naive: f(W, X, y, reg) for _, naive, _ in LOSSES}
    best.update(best_times(naive_functions, naive_repeat, args.quick))

    floor = best["X @ W"] + best["X.T @ G"]
    print(
        f"GEMM floor: X @ W {best['X @ W'] * 1e3:.3f} ms + X.T @ G {best['X.T @ G'] * 1e3:.3f} ms "
        f"= {floor * 1e3:.3f} ms"
    )
    too_slow = []
    for name, naive, vectorized in LOSSES:
        vectorized_time = best[vectorized.__name__]
        naive_time = best[naive.__name__]
        ratio = vectorized_time / floor
        print(
            f"{vectorized.__name__:<24} {vectorized_time * 1e3:8.3f} ms   "
            f"GEMM-floor ratio {ratio:5.2f} (max {MAX_RATIO:g})   "
            f"{naive.__name__:<18} {naive_time * 1e3:7.1f} ms, speedup x{naive_time / vectorized_time:.0f}"
        )
        if ratio > MAX_RATIO:
            too_slow.append(name)

    if too_slow and not args.quick:
        print(f"FAIL: {', '.join(too_slow)} above {MAX_RATIO:g} x the GEMM floor", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
