"""What the syntax tree of a student's file says about a function: its Python loops.

Generic checks that parts use for "vectorized means vectorized": `find_loop` reads the
submitted file in the grader (parsing runs no code), follows calls into helper functions of
the same module, so a loop moved into a helper is still found, and flags calls that loop in
disguise (map, np.vectorize, ...), calls to a `*_naive` version and dynamic code (exec, eval)
that could hide either; `tampers_with_tracing` finds what could fool a count of Python work.
"""

import ast
import functools

LOOP_NODES = {
    ast.For: "a for loop",
    ast.AsyncFor: "a for loop",
    ast.While: "a while loop",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
}
BUILTIN_LOOPS = {
    "map": "map(), which loops in Python",
    "filter": "filter(), which loops in Python",
    "reduce": "functools.reduce, which loops in Python",
}
"""Looping callables matched only by their bare or `functools.` name: a ufunc's own
`.reduce` (np.logaddexp.reduce) is vectorized and must not be flagged."""
LOOPING_CALLS = {
    "vectorize": "np.vectorize, which is a Python loop in disguise",
    "frompyfunc": "np.frompyfunc, which is a Python loop in disguise",
    "apply_along_axis": "np.apply_along_axis, which is a Python loop in disguise",
    "apply_over_axes": "np.apply_over_axes, which is a Python loop in disguise",
    "fromiter": "np.fromiter, which consumes a Python iterator",
    "starmap": "itertools.starmap, which loops in Python",
}
DYNAMIC_CALLS = {"exec", "eval", "compile", "__import__", "getattr", "globals", "locals", "import_module"}
def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _naive_aliases(tree: ast.Module) -> dict[str, str]:
    """Names bound to a naive function at module level: `from ... import x_naive as fast`, `fast = x_naive`."""
    aliases = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name.endswith("_naive") and alias.asname:
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.Assign) and isinstance(node.value, (ast.Name, ast.Attribute)):
            value = node.value.id if isinstance(node.value, ast.Name) else node.value.attr
            if value.endswith("_naive"):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        aliases[target.id] = value
    return aliases


@functools.lru_cache(maxsize=64)
def parsed(source: str) -> ast.Module:
    """The syntax tree of `source`, parsed once (several checks of one submission walk the
    same file; SyntaxError as `ast.parse` raises it). Callers walk it and never change it."""
    return ast.parse(source)


def find_loop(source: str, function: str) -> str | None:
    """Why `function` in `source` is not loop-free, or None when it is."""
    try:
        tree = parsed(source)
    except SyntaxError as exc:
        return f"the file could not be parsed (line {exc.lineno}: {exc.msg})"
    defs = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    naive_aliases = _naive_aliases(tree)
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
                if called.endswith("_naive") or called in naive_aliases:
                    return f"it calls {naive_aliases.get(called, called)} at line {node.lineno}{where}"
                bare = isinstance(node.func, ast.Name) or (
                    isinstance(node.func.value, ast.Name) and node.func.value.id in ("functools", "builtins"))
                if called in BUILTIN_LOOPS and bare:
                    return f"it uses {BUILTIN_LOOPS[called]} at line {node.lineno}{where}"
                if called in LOOPING_CALLS:
                    return f"it uses {LOOPING_CALLS[called]} at line {node.lineno}{where}"
                if called in DYNAMIC_CALLS:
                    return f"it calls {called}() at line {node.lineno}{where}, which can hide a loop"
                if called == name and isinstance(node.func, ast.Name):
                    return f"it calls itself recursively at line {node.lineno}{where}"
                if isinstance(node.func, ast.Name) and called in defs:
                    todo.append(called)
    return None


TRACE_HOOKS = ("settrace", "setprofile", "gettrace", "getprofile", "_getframe", "monitoring")
"""Anything that could switch off or fool the count of Python work below."""


def tampers_with_tracing(source: str) -> str | None:
    """Why the file could hide Python work from the line count, or None.

    The count is taken inside the student's own process; a file that touches the
    tracing hooks anywhere (a name, an attribute or a string) is not counted.
    """
    try:
        tree = parsed(source)
    except SyntaxError:
        return None  # reported by 'no Python loops'
    for node in ast.walk(tree):
        text = (node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute)
                else node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else "")
        for hook in TRACE_HOOKS:
            if hook in text:
                return f"the file refers to {hook} at line {node.lineno}"
    return None
