"""The syntax-tree check behind 'no Python loops' (it reads code, it never runs it)."""

import pytest

from autograder.grading.properties.syntax import find_loop

HEADER = "import numpy as np\nfrom functools import reduce\n"


@pytest.mark.parametrize("body, expected", [
    ("    for i in range(3):\n        pass\n", "for loop"),
    ("    while False:\n        pass\n", "while loop"),
    ("    a = [x for x in X]\n", "list comprehension"),
    ("    a = sum(x for x in X)\n", "generator expression"),
    ("    a = {x: 1 for x in X}\n", "dict comprehension"),
    ("    a = list(map(abs, X))\n", "map()"),
    ("    a = reduce(np.add, X)\n", "functools.reduce"),
    ("    f = np.vectorize(abs)\n", "np.vectorize"),
    ("    a = np.apply_along_axis(np.sum, 1, X)\n", "np.apply_along_axis"),
    ("    return svm_loss_naive(W, X, y, reg)\n", "calls svm_loss_naive"),
    ("    return helper(X)\n", "in helper"),
    ("    return eval('1')\n", "eval()"),
    ("    return svm_loss_vectorized(W, X, y, reg)\n", "recursively"),
])
def test_loops_and_disguised_loops_are_found(body, expected):
    source = HEADER + "def helper(X):\n    return [x for x in X]\n\ndef svm_loss_vectorized(W, X, y, reg):\n" + body
    reason = find_loop(source, "svm_loss_vectorized")
    assert reason is not None and expected in reason, reason


def test_vectorized_numpy_is_fine_including_ufunc_reduce():
    source = HEADER + (
        "def svm_loss_vectorized(W, X, y, reg):\n"
        "    s = X.dot(W)\n    lse = np.logaddexp.reduce(s, axis=1)\n    return float(lse.sum()), X.T @ s\n")
    assert find_loop(source, "svm_loss_vectorized") is None


def test_naive_under_another_name_is_found():
    source = ("from cs231n.classifiers.linear_svm import svm_loss_naive as fast\n"
              "def svm_loss_vectorized(W, X, y, reg):\n    return fast(W, X, y, reg)\n")
    assert "svm_loss_naive" in find_loop(source, "svm_loss_vectorized")


def test_missing_definition_and_syntax_errors_are_explained():
    assert "no `def svm_loss_vectorized" in find_loop("svm_loss_vectorized = print\n", "svm_loss_vectorized")
    assert "could not be parsed" in find_loop("def svm_loss_vectorized(:\n", "svm_loss_vectorized")
