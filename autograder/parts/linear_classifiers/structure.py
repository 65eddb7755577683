"""The loops of the linear classifiers' vectorized functions, as the diagnosis compares them: a
mutant explains a student's answers only if it loops where their function loops."""

import re

from autograder.grading.properties.syntax import find_loop
from autograder.parts.linear_classifiers.properties.losses import VECTORIZED

FUNCTIONS = frozenset(VECTORIZED)


def kind(source: str, function: str) -> str | None:
    """What the no-loops check finds in `function`, without its line number (None: no loop)."""
    reason = find_loop(source, function)
    return None if reason is None else re.sub(r" at line \d+", "", reason)
