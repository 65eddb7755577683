"""What a part's harness is given besides the student's modules, shared by both of its boxes.

The child (`child.Box`, on the student's modules) and the grader (the diagnosis replays a
harness on the catalogue's mutants, `grading.replay`) use the same code, so both say the
same thing of the same missing name. Standard library only: the child imports it by path.
"""

import os
import sys


def attribute(module, relative: str, name: str | None, cls: str | None, missing: type[Exception]):
    """The function `name` of `module` (the file `relative`), the method `name` of its class
    `cls`, or the class itself when `name` is None; `missing` raised naming what is missing."""
    file = os.path.basename(relative)
    owner = module
    if cls is not None:
        owner = getattr(module, cls, None)
        if owner is None:
            raise missing(f"{file} defines no class {cls}")
        if name is None:
            return owner
    found = getattr(owner, name, None)
    if not callable(found):
        where = f"class {cls} in {file}" if cls else file
        raise missing(f"{where} defines no function {name}")
    return found


def python_lines(tampered: type[Exception], what: str, run, *args) -> int:
    """The Python events of `run(*args)` (what it raises goes through): a measure of Python work
    that does not depend on the machine's speed (only `run`'s own frames and theirs are traced,
    so the count is the code's alone). `tampered` is raised, naming `what`, when the code
    replaced the trace function."""
    events = [0]

    def tracer(frame, event, arg):
        events[0] += 1
        return tracer

    sys.settrace(tracer)
    try:
        run(*args)
    finally:
        still_ours = sys.gettrace() is tracer
        sys.settrace(None)
    if not still_ours:
        raise tampered(f"{what} changed the Python trace function (sys.settrace)")
    return events[0]
