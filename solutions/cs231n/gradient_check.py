"""Numerical gradients, to check the analytic gradients you derive (provided, complete)."""

from random import randrange

import numpy as np


def rel_error(x, y):
    """Relative error between two arrays: max |x - y| / max(1e-8, |x| + |y|)."""
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))


def eval_numerical_gradient(f, x, verbose=True, h=0.00001):
    """A naive implementation of the numerical gradient of f at x.

    - f should be a function that takes a single argument
    - x is the point (numpy array) to evaluate the gradient at

    Uses the centered difference (f(x + h) - f(x - h)) / (2h) in every
    coordinate; x is restored after each step.
    """
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval
        grad[ix] = (fxph - fxmh) / (2 * h)
        if verbose:
            print(ix, grad[ix])
        it.iternext()
    return grad


def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, seed=None):
    """Sample a few random coordinates and compare numerical and analytic gradients.

    Prints one line per coordinate with both values and their relative error;
    relative errors around 1e-7 or smaller mean the gradient is right. For the
    SVM an occasional larger error can come from a margin that sits right at
    the hinge kink, where the loss is not differentiable.

    Returns the list of relative errors.
    """
    rng = None if seed is None else np.random.RandomState(seed)
    errors = []
    for _ in range(num_checks):
        if rng is None:
            ix = tuple(randrange(m) for m in x.shape)
        else:
            ix = tuple(int(rng.randint(m)) for m in x.shape)
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval
        grad_numerical = (fxph - fxmh) / (2 * h)
        grad_analytic = analytic_grad[ix]
        rel = abs(grad_numerical - grad_analytic) / max(
            1e-12, abs(grad_numerical) + abs(grad_analytic)
        )
        errors.append(rel)
        print(f"numerical: {grad_numerical:f} analytic: {grad_analytic:f}, relative error: {rel:e}")
    return errors
