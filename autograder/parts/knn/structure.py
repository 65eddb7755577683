"""The structure of the kNN distance methods, as the diagnosis compares it: a mutant explains a
student's answers only if it is built as their method is. Their loops (a second loop in the
one-loop version gives the reference's distances, and is still a mistake of its own), and in
the loop-free version a difference broadcast between the test and the training images (the
reference's distances again, through a (num_test, num_train, D) temporary)."""

import ast

from autograder.grading.properties.syntax import parsed
from autograder.parts.knn.syntax import SyntaxProblem, loops_of

FUNCTIONS = frozenset({"compute_distances_one_loop", "compute_distances_no_loops"})
BROADCAST = "a difference broadcast over every test and training image"


def kind(source: str, function: str) -> str | None:
    """The loops running the method reaches, without line numbers, and a broadcast difference of
    the two sets of images (None: neither)."""
    try:
        loops = loops_of(source, "KNearestNeighbor", function)
    except SyntaxProblem as problem:
        return str(problem)
    found = [f"{loop.kind} in {loop.where}" for loop in loops]
    if _broadcast_difference(source, function):
        found.append(BROADCAST)
    return "; ".join(found) or None


def _new_axis(node: ast.AST) -> bool:
    """An index that adds an axis: None or np.newaxis."""
    return (isinstance(node, ast.Constant) and node.value is None) or (
        isinstance(node, ast.Attribute) and node.attr == "newaxis")


def _expanded(node: ast.AST) -> bool:
    """`array[..., None, ...]`: an array given a new axis by indexing."""
    if not isinstance(node, ast.Subscript):
        return False
    index = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    return any(_new_axis(item) for item in index)


def _broadcast_difference(source: str, function: str) -> bool:
    """Whether the method subtracts two arrays each given a new axis (both sets of images)."""
    for node in ast.walk(parsed(source)):
        if isinstance(node, ast.ClassDef) and node.name == "KNearestNeighbor":
            for method in node.body:
                if isinstance(method, ast.FunctionDef) and method.name == function:
                    return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub)
                               and _expanded(n.left) and _expanded(n.right) for n in ast.walk(method))
    return False
