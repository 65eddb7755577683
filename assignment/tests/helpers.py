"""Small helpers shared by the public checks (nothing to edit here)."""

import ast
import inspect
import textwrap

import numpy as np


def close(actual, expected, rtol=1e-7, atol=1e-10):
    """True when `actual` has the shape of `expected` and the same values (float round-off aside)."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    return actual.shape == expected.shape and np.allclose(actual, expected, rtol=rtol, atol=atol)


def show(array):
    """A compact, readable rendering of an array for failure messages."""
    return np.array2string(np.asarray(array), precision=6, suppress_small=True)


def python_loops(function):
    """The loops (for, while, comprehensions) in the source of `function`, as 'line N: kind'."""
    source = textwrap.dedent(inspect.getsource(function))
    first_line = function.__code__.co_firstlineno
    loop_types = (ast.For, ast.AsyncFor, ast.While, ast.comprehension)
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, loop_types):
            lineno = getattr(node, "lineno", None) or node.target.lineno
            found.append(f"line {first_line + lineno - 1}: {type(node).__name__}")
    return found
