"""Vectorized means vectorized (SPEC property 9): no Python loop on the syntax tree, and speed.

The syntax check reads the submitted file in the grader (parsing runs no code). It
follows calls into helper functions of the same module, so a loop moved into a helper
is still found, and it flags calls that loop in disguise (map, np.vectorize, ...),
calls to the naive version and dynamic code (exec, eval) that could hide either.

The speed check times, in the child, the student's function and the two matrix
products any vectorized version needs (X @ W and X.T @ G) at CS231n's dev-set size;
the grader measures the round trips itself. Its feedback names the threshold, never
the measured times (they vary from run to run; the report keeps them apart).
"""

import ast

from autograder.grading.cases import cs231n_dev_case
from autograder.grading.failure import Failure
from autograder.grading.properties.base import Property
from autograder.grading.properties.losses import VECTORIZED

LOOP_NODES = {
    ast.For: "a for loop",
    ast.AsyncFor: "a for loop",
    ast.While: "a while loop",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
}
LOOPING_CALLS = {
    "map": "map(), which loops in Python",
    "filter": "filter(), which loops in Python",
    "vectorize": "np.vectorize, which is a Python loop in disguise",
    "frompyfunc": "np.frompyfunc, which is a Python loop in disguise",
    "apply_along_axis": "np.apply_along_axis, which is a Python loop in disguise",
    "apply_over_axes": "np.apply_over_axes, which is a Python loop in disguise",
    "fromiter": "np.fromiter, which consumes a Python iterator",
    "starmap": "itertools.starmap, which loops in Python",
    "reduce": "functools.reduce, which loops in Python",
}
DYNAMIC_CALLS = {"exec", "eval", "compile", "__import__", "getattr", "globals", "locals", "import_module"}
SPEED_FACTOR = 8.0
"""A vectorized loss may take at most this many times the two unavoidable matrix products."""
NAIVE_FACTOR = 4.0
"""...or must be at least this many times faster than the student's own naive version."""


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def find_loop(source: str, function: str) -> str | None:
    """Why `function` in `source` is not loop-free, or None when it is."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return f"the file could not be parsed (line {exc.lineno}: {exc.msg})"
    defs = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if function not in defs:
        return f"there is no `def {function}(...)` at the top level of the file"
    todo, seen = [function], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        where = "" if name == function else f" (in {name}, which {function} calls)"
        for node in ast.walk(defs[name]):
            kind = LOOP_NODES.get(type(node))
            if kind:
                return f"it contains {kind} at line {node.lineno}{where}"
            if isinstance(node, ast.Call):
                called = _call_name(node)
                if called is None:
                    continue
                if called.endswith("_naive"):
                    return f"it calls {called} at line {node.lineno}{where}"
                if called in LOOPING_CALLS:
                    return f"it uses {LOOPING_CALLS[called]} at line {node.lineno}{where}"
                if called in DYNAMIC_CALLS:
                    return f"it calls {called}() at line {node.lineno}{where}, which can hide a loop"
                if called == name and isinstance(node.func, ast.Name):
                    return f"it calls itself recursively at line {node.lineno}{where}"
                if isinstance(node.func, ast.Name) and called in defs:
                    todo.append(called)
    return None


class NoLoops(Property):
    id = "no_loops"
    title = "no Python loops"
    functions = VECTORIZED
    shrinkable = False

    def run(self, ctx, function):
        reason = find_loop(ctx.source(function), function)
        if reason is None:
            return None
        return Failure(f"{function} must not loop in Python, but {reason}.",
                       hint="compute all the scores at once with X.dot(W) and use integer array "
                       "indexing, masks and sums over an axis instead of loops.")


class Speed(Property):
    id = "speed"
    title = "markedly faster than a loop"
    functions = VECTORIZED
    shrinkable = False

    def run(self, ctx, function):
        case = cs231n_dev_case()
        timing = ctx.time_at_scale(function, case, naive_above=SPEED_FACTOR)
        if timing.get("error"):
            return Failure(f"{function} raised an error at CS231n's dev-set size (N = 500, D = 3073, C = 10).",
                           error=timing["error"])
        if timing["function"] <= SPEED_FACTOR * timing["matrix_products"]:
            return None
        naive = timing.get("naive")
        if naive is not None and timing["function"] * NAIVE_FACTOR <= naive:
            return None
        return Failure(
            f"At CS231n's dev-set size (N = 500, D = 3073, C = 10) {function} took more than "
            f"{SPEED_FACTOR:g} times as long as the two matrix products every vectorized version "
            f"needs (X @ W and X.T @ G), and was not {NAIVE_FACTOR:g} times faster than your naive version.",
            hint="avoid Python loops and huge temporary arrays (e.g. of shape N x D x C); "
            "one X.dot(W) and one X.T.dot(...) should do almost all the work.",
        )


VECTORIZATION_PROPERTIES = (NoLoops(), Speed())
