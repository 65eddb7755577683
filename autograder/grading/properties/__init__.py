"""The hidden properties: the machinery here (`base`, `syntax`), each part's own in its folder
(`autograder/parts/<part>/properties`); `for_function` finds a function's."""

from autograder import parts
from autograder.grading.properties.base import Property


def for_function(function: str) -> dict[str, Property]:
    """The properties that apply to `function` (those of the part that declares it), by id."""
    return {p.id: p for p in parts.part_of(function).properties() if p.applies_to(function)}
