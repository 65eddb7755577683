"""The release's requirements.txt: what the notebooks and the public checks import, nothing of the grader.

(A fresh virtual environment installing it runs in tests/test_fresh_venv.py.)
"""

from __future__ import annotations

import ast
import re
import shutil
import sys

import nbformat

from autograder.paths import assignment_dir
from autograder.release import stubs

REQUIREMENTS = assignment_dir() / "requirements.txt"
DISTRIBUTION_OF = {"sklearn": "scikit-learn"}
"""Import names whose distribution on the package registry is named otherwise."""
FRONT_ENDS = {"ipykernel", "jupyterlab"}
"""Needed to run the notebooks, though nothing imports them."""
GRADER_ONLY = {"cs231n-autograder", "hypothesis", "nbgrader", "nbformat", "nbclient", "click", "rich",
               "jsonschema", "pyseccomp", "selenium", "pytest-xdist", "distributed"}


def requirement_names() -> set[str]:
    names = set()
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(re.split(r"[\s<>=!~\[;]", line, maxsplit=1)[0].lower())
    return names


def third_party_imports(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    local = {"cs231n", "helpers", "conftest"}
    return {name for name in found if name not in sys.stdlib_module_names and name not in local}


def release_imports() -> set[str]:
    found = set()
    for path in assignment_dir().rglob("*.py"):
        if "__pycache__" not in path.parts:
            found |= third_party_imports(path.read_text())
    for notebook in assignment_dir().glob("*.ipynb"):
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type == "code":
                code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
                found |= third_party_imports(code)
    return found


def test_requirements_cover_every_import_of_the_release():
    needed = {DISTRIBUTION_OF.get(name, name) for name in release_imports()}
    assert needed, "no third-party import found in the release"
    assert needed - requirement_names() == set(), f"{REQUIREMENTS} misses {sorted(needed - requirement_names())}"


def test_requirements_hold_nothing_more():
    needed = {DISTRIBUTION_OF.get(name, name) for name in release_imports()} | FRONT_ENDS
    assert requirement_names() - needed == set()
    assert not requirement_names() & GRADER_ONLY


def test_autograder_build_keeps_the_files_beside_the_package(tmp_path):
    release = tmp_path / "assignment"
    shutil.copytree(assignment_dir(), release, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.rmtree(release / "cs231n" / "classifiers")  # something to rebuild
    stubs.build(stubs.default_source(), release / "cs231n")
    assert (release / "requirements.txt").read_bytes() == REQUIREMENTS.read_bytes()
    assert stubs.compare(stubs.default_source(), release / "cs231n").up_to_date
