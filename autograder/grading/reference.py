"""The reference solutions, loaded into the grader (never into a child) for any part.

A solution file is the course's rendered copy of `solutions/<relative>` (its generated
lines written for course.toml, whether or not `autograder build` has run since), compiled
under a private module name: nothing called `cs231n` is ever imported into the grading
process. Its own imports of the assignment's package (`from cs231n.layers import *`,
`from ..layers import *`) resolve to the other reference files, loaded the same way.
"""

import builtins
import functools
import importlib.util
import os
import types
from pathlib import Path

from autograder.course import Course, current
from autograder.paths import solutions_dir

PACKAGE = "cs231n"
"""The assignment's package: what a solution file imports its siblings from."""


def solution_module(relative: str) -> types.ModuleType:
    """The course's reference module of `relative` (e.g. `cs231n/layers.py`)."""
    return _module(relative, _solutions_root(os.environ.get("AUTOGRADER_MATERIAL")), current())


def solution_source(relative: str) -> str:
    """The text of the course's reference file `relative` (what `solution_module` runs)."""
    return _source(relative, _solutions_root(os.environ.get("AUTOGRADER_MATERIAL")), current())


@functools.cache
def _solutions_root(material: str | None) -> str:
    """`solutions_dir()` for this value of AUTOGRADER_MATERIAL: the reference is asked for
    thousands of times per submission, and finding the folder builds and checks its path."""
    return str(solutions_dir())


@functools.cache
def _source(relative: str, root: str, course: Course) -> str:
    from autograder.release.course_solutions import rendered_source

    return rendered_source(relative, course, Path(root))


@functools.cache
def _module(relative: str, root: str, course: Course) -> types.ModuleType:
    dotted = relative.removesuffix(".py").replace("/", ".")
    module = types.ModuleType(f"_autograder_reference.{dotted}")
    module.__file__ = f"{root}/{relative}"
    module.__package__ = dotted.rpartition(".")[0]
    module.__builtins__ = dict(vars(builtins), __import__=_importer(root, course))
    exec(compile(_source(relative, root, course), module.__file__, "exec"), module.__dict__)  # noqa: S102
    return module


def reference_importer():
    """The `__import__` of the course's reference modules (for code run beside them, such as the
    catalogue's mutants of a reference file)."""
    return _importer(str(solutions_dir()), current())


@functools.cache
def _importer(root: str, course: Course):
    """`__import__` for reference modules: the assignment's package comes from the solutions."""

    def load(name, globals=None, locals=None, fromlist=(), level=0):
        if level:
            name = importlib.util.resolve_name("." * level + name, (globals or {}).get("__package__") or "")
        if name != PACKAGE and not name.startswith(PACKAGE + "."):
            return builtins.__import__(name, globals, locals, fromlist, level)
        relative = name.replace(".", "/") + ".py"
        if not fromlist:
            raise ImportError(f"{name}: reference modules import names from their siblings, not packages")
        if (Path(root) / relative).is_file():
            return _module(relative, root, course)
        package = types.ModuleType(name)  # `from cs231n.classifiers import x`: the modules asked for
        for item in fromlist:
            setattr(package, item, _module(f"{name.replace('.', '/')}/{item}.py", root, course))
        return package

    return load
