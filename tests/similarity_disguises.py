"""Disguises a copier applies to a source file: each one text -> text, deterministic given a seed.

Used by the similarity tests and `bench/bench_similarity.py`. Every disguise leaves
valid Python that does what the original did (dead statements do nothing, swapped
lines do not depend on each other).
"""

from __future__ import annotations

import ast
import io
import random
import tokenize

from autograder.catalogue.mutants import Mutant, apply_mutant, function_source

WORDS = ("tmp", "val", "acc", "arr", "res", "mat", "buf", "out", "cur", "aux", "part", "item")


def _replace_tokens(text: str, replacements: dict[tuple[int, int], tuple[int, str]]) -> str:
    """Replace the tokens starting at (line, col), of the given length, by new text."""
    lines = text.splitlines(keepends=True)
    for (row, col), (length, new) in sorted(replacements.items(), reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new + line[col + length:]
    return "".join(lines)


def rename_variables(text: str, rng: random.Random) -> str:
    """Every local variable of every function gets a new name (parameters are kept: callers use them)."""
    tree = ast.parse(text)
    renames: dict[tuple[int, int], tuple[int, str]] = {}
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        params = {a.arg for a in function.args.args + function.args.kwonlyargs}
        stored = sorted({n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
                        - params)
        mapping = {}
        for name in stored:
            new = f"{rng.choice(WORDS)}_{rng.randrange(100)}"
            while new in used:
                new = f"{rng.choice(WORDS)}_{rng.randrange(1000)}"
            used.add(new)
            mapping[name] = new
        for node in ast.walk(function):
            if isinstance(node, ast.Name) and node.id in mapping:
                renames[(node.lineno, node.col_offset)] = (len(node.id), mapping[node.id])
    return _replace_tokens(text, renames)


def reformat(text: str, rng: random.Random) -> str:
    """Other spacing everywhere (the tokenizer's compatibility layout), comments kept."""
    tokens = [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(text).readline)]
    return tokenize.untokenize(tokens)


def change_comments(text: str, rng: random.Random) -> str:
    """Comments removed, or rewritten in other words (every other one)."""
    replacements = {}
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            new = "" if rng.random() < 0.5 else "# " + " ".join(rng.choice(WORDS) for _ in range(4))
            replacements[token.start] = (len(token.string), new)
    return _replace_tokens(text, replacements)


def _statements(tree: ast.AST):
    for node in ast.walk(tree):
        for field in ("body", "orelse"):
            block = getattr(node, field, None)
            if isinstance(block, list) and isinstance(node, (ast.FunctionDef, ast.For, ast.If, ast.While)):
                yield block


def add_dead_statements(text: str, rng: random.Random, share: float = 0.3) -> str:
    """Statements that do nothing inserted before about `share` of the statements of every function."""
    tree = ast.parse(text)
    inside = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    lines = text.splitlines(keepends=True)
    inserts = []
    for function in inside:
        for block in _statements(function):
            for statement in block:
                if rng.random() < share:
                    dead = rng.choice([f"unused_{rng.randrange(100)} = {rng.randrange(10)}",
                                       "assert True", f"_ = {rng.randrange(10)} * 0"])
                    inserts.append((statement.lineno, " " * statement.col_offset + dead + "\n"))
    for row, line in sorted(set(inserts), reverse=True):
        lines.insert(row - 1, line)
    return "".join(lines)


def _names(statement: ast.stmt) -> tuple[set[str], set[str]]:
    stored, loaded = set(), set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Name):
            (stored if isinstance(node.ctx, ast.Store) else loaded).add(node.id)
        elif isinstance(node, ast.Attribute):
            (stored if isinstance(node.ctx, ast.Store) else loaded).add(ast.dump(node))
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            stored.add(ast.dump(node.value))
    if isinstance(statement, ast.AugAssign):
        loaded |= stored
    return stored, loaded


def _independent(first: ast.stmt, second: ast.stmt) -> bool:
    simple = (ast.Assign, ast.AugAssign, ast.AnnAssign)
    if not (isinstance(first, simple) and isinstance(second, simple)):
        return False
    if first.lineno != first.end_lineno or second.lineno != second.end_lineno:
        return False
    if "random" in ast.dump(first) + ast.dump(second):
        return False
    s1, l1 = _names(first)
    s2, l2 = _names(second)
    return not (s1 & (s2 | l2)) and not (s2 & l1)


def reorder_lines(text: str, rng: random.Random) -> str:
    """Swap neighbouring statements that do not depend on each other (every such pair, once)."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    for block in _statements(tree):
        k = 0
        while k + 1 < len(block):
            first, second = block[k], block[k + 1]
            if _independent(first, second):
                a, b = first.lineno - 1, second.lineno - 1
                lines[a], lines[b] = lines[b], lines[a]
                k += 2
            else:
                k += 1
    return "".join(lines)


DISGUISES = {
    "rename": rename_variables,
    "reformat": reformat,
    "comments": change_comments,
    "dead": add_dead_statements,
    "reorder": reorder_lines,
}


def combined(text: str, rng: random.Random) -> str:
    """Every disguise, one after the other."""
    for name in ("reorder", "rename", "comments", "dead", "reformat"):
        text = DISGUISES[name](text, rng)
    return text


def disguise_files(texts: dict[str, str], how, seed: int) -> dict[str, str]:
    """Apply the disguise `how` to every file of a submission (relative path -> text)."""
    rng = random.Random(seed)
    return {relative: how(text, rng) for relative, text in sorted(texts.items())}


def copy_one_function(source: dict[str, str], base: dict[str, str], function: str, relative: str) -> dict[str, str]:
    """`base` with `function` (in the file `relative`) taken from `source`."""
    copied = function_source(source[relative], function)
    edit = Mutant(id="copied", function=function, description="copied", replace_function=copied)
    return {**base, relative: apply_mutant(base[relative], edit)}
