"""The loops of a method, found on the syntax tree (parsing runs no student code).

`compute_distances_one_loop` may loop once and `compute_distances_no_loops` not at all.
Every loop counts: for and while statements, comprehensions and generator expressions,
and calls that loop in disguise (map, np.vectorize, ...; the tables of the linear
classifiers' vectorization check). Calls are followed into the methods of the same
class (`self.helper(...)`) and the module's own functions, so a loop moved into a helper,
or a call to the two-loop version, is still found; exec and eval could hide anything.
"""

import ast
from dataclasses import dataclass

from autograder.grading.properties.syntax import (
    BUILTIN_LOOPS,
    DYNAMIC_CALLS,
    LOOP_NODES,
    LOOPING_CALLS,
    parsed,
)


@dataclass(frozen=True)
class Loop:
    """One loop: what it is, where, and in which function (the method itself or a helper)."""

    kind: str
    line: int
    where: str

    def describe(self, method: str) -> str:
        place = "" if self.where == method else f" (in {self.where}, which {method} calls)"
        return f"{self.kind} at line {self.line}{place}"


class SyntaxProblem(ValueError):
    """The file cannot be read, or the method is not where it must be."""


def _definitions(tree: ast.Module, cls: str) -> tuple[dict, dict]:
    """(the class's methods, the module's functions) by name."""
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls]
    if not classes:
        raise SyntaxProblem(f"there is no `class {cls}` at the top level of the file")
    methods = {n.name: n for n in classes[-1].body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return methods, functions


def _disguised_loop(node: ast.Call) -> str | None:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    if name is None:
        return None
    bare = isinstance(func, ast.Name) or (isinstance(func.value, ast.Name) and func.value.id in ("functools", "builtins"))
    if name in BUILTIN_LOOPS and bare:
        return BUILTIN_LOOPS[name]
    if name in LOOPING_CALLS:
        return LOOPING_CALLS[name]
    if name in DYNAMIC_CALLS:
        return f"{name}(), which can hide a loop"
    return None


def _callee(node: ast.Call, methods: dict, functions: dict) -> tuple[str, ast.AST] | None:
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
        return (f"self.{func.attr}", methods[func.attr]) if func.attr in methods else None
    if isinstance(func, ast.Name) and func.id in functions:
        return func.id, functions[func.id]
    return None


def loops_of(source: str, cls: str, method: str) -> list[Loop]:
    """Every loop that running `cls.method` reaches in `source`, in the order found."""
    try:
        tree = parsed(source)
    except SyntaxError as exc:
        raise SyntaxProblem(f"the file could not be parsed (line {exc.lineno}: {exc.msg})") from exc
    methods, functions = _definitions(tree, cls)
    if method not in methods:
        raise SyntaxProblem(f"class {cls} has no method `def {method}(self, ...)`")
    found: list[Loop] = []
    todo, seen = [(method, methods[method])], set()
    while todo:
        name, definition = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(definition):
            kind = LOOP_NODES.get(type(node))
            if kind:
                found.append(Loop(kind, node.lineno, name))
            elif isinstance(node, ast.Call):
                disguised = _disguised_loop(node)
                if disguised:
                    found.append(Loop(disguised, node.lineno, name))
                callee = _callee(node, methods, functions)
                if callee is not None:
                    todo.append(callee)
    return found
