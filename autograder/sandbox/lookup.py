"""Finding what a part's harness asks for in a module: the function, the method or the class.

Shared by the child (`child.Box`, on the student's modules) and the grader (the diagnosis
replays a harness on the catalogue's mutants, `grading.replay`), so that both say the same
thing of the same missing name. Standard library only: the child imports it by path.
"""

import os


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
