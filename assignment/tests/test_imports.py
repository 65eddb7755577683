"""Your graded files may import only what the grader has: numpy and Python's standard library.

The grader runs `cs231n/classifiers/linear_svm.py`, `softmax.py` and
`linear_classifier.py` in a Python that has numpy and nothing else: a file that
imports anything more (tqdm, scipy, `past.builtins` from older starter code, ...)
cannot be imported there, and every function in it scores 0. Remove such an
import (`range` and `xrange` need no import in Python 3). Imports of `cs231n`
itself are fine.

`autograder check` runs the same scan (this file is its single source) and warns
before the other checks run.
"""

from __future__ import annotations

import ast
import pkgutil
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

RELEASE_FOLDER = Path(__file__).resolve().parent.parent
GRADED_FILES = (
    "cs231n/classifiers/linear_svm.py",
    "cs231n/classifiers/softmax.py",
    "cs231n/classifiers/linear_classifier.py",
)
PROVIDED = frozenset({"numpy", "cs231n"})
"""What the grader provides besides the standard library."""


@dataclass(frozen=True)
class ForeignImport:
    """An import of a module the grader does not have, where it is."""

    file: str
    line: int
    module: str
    statement: str

    def describe(self) -> str:
        return (
            f"{self.file}, line {self.line}: `{self.statement}` imports {self.module}, which the grader "
            "does not have (only numpy and Python's standard library): remove it, or the grader cannot "
            "import this file and every function in it scores 0"
        )


def standard_library() -> frozenset[str]:
    """Top-level names of the standard library of this Python."""
    names = getattr(sys, "stdlib_module_names", None)
    if names is None:  # Python before 3.10: the modules in the standard library's folders
        stdlib = Path(sysconfig.get_paths()["stdlib"])
        names = {module.name for module in pkgutil.iter_modules([str(stdlib), str(stdlib / "lib-dynload")])}
    return frozenset(names) | frozenset(sys.builtin_module_names) | {"__future__"}


def imported_modules(node: ast.AST) -> list[str]:
    """The top-level modules an import statement brings in (none for a relative import)."""
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module.split(".")[0]]
    return []


def foreign_imports(text: str, file: str) -> list[ForeignImport]:
    """Imports in `text` (the source of `file`) of modules the grader does not provide."""
    try:
        tree = ast.parse(text, filename=file)
    except SyntaxError:
        return []  # the other checks report a file that does not parse
    allowed = standard_library() | PROVIDED
    lines = text.splitlines()
    found = []
    for node in ast.walk(tree):
        for module in imported_modules(node):
            if module not in allowed:
                statement = " ".join(lines[node.lineno - 1].split()) if node.lineno <= len(lines) else module
                found.append(ForeignImport(file, node.lineno, module, statement))
    return sorted(found, key=lambda f: (f.file, f.line, f.module))


def scan_release(folder: Path) -> list[ForeignImport]:
    """Every foreign import of the graded files in a release folder (missing files are skipped)."""
    found = []
    for relative in GRADED_FILES:
        path = Path(folder) / relative
        if path.is_file():
            found += foreign_imports(path.read_text(encoding="utf-8", errors="replace"), relative)
    return found


@pytest.mark.parametrize("relative", GRADED_FILES, ids=lambda r: Path(r).name)
def test_graded_file_imports_only_what_the_grader_has(relative):
    path = RELEASE_FOLDER / relative
    found = foreign_imports(path.read_text(encoding="utf-8", errors="replace"), relative)
    assert not found, "\n".join(f.describe() for f in found)
