"""Hints that know what they are about, so that a diagnosis saying the same is not doubled.

A failed check may end with a hint ("Hint: this is 0.5 * reg * sum(W**2); ...") and,
when the mistake is recognised, a diagnosis ("Likely mistake: You use the 0.5 * reg
..."). When both give the same advice the student should read it once: a hint carries
the topics it is about, a diagnosis the topics it covers (`covers` in the bug catalogue,
or a relation's), and the engine leaves out a hint whose topic the shown diagnosis covers,
or shows only the part of it that is not about that topic (`Hint.otherwise`).
"""

from __future__ import annotations

import functools
import re

COMMON_TOPICS = {
    "regularization": "how the regularization enters the loss or its gradient (missing, scaled, divided by N)",
    "averaging": "dividing the loss or its gradient by the number of samples",
    "max_shift": "subtracting each row's maximum score before np.exp",
    "log_of_clipped": "clipping, or adding an epsilon to, the probabilities before the log",
    "correct_class": "skipping the correct class in the SVM loss",
    "loops": "Python loops in a function that must be loop-free",
    "in_place": "modifying an input array",
}
"""The hint topics that several parts share; a part adds its own (`[hint_topics]` in part.toml)."""


@functools.cache
def _topics(declared: tuple) -> dict[str, str]:
    return dict(COMMON_TOPICS) | dict(declared)


def known_topics() -> dict[str, str]:
    """Every hint topic, and what a hint on it is about (catalogue entries name them in `covers`)."""
    from autograder import parts

    return _topics(tuple(item for name in parts.available() for item in parts.get(name).hint_topics))


class Hint(str):
    """A hint's text (it is that string), its topics, and what remains of it once a
    diagnosis covers them (`otherwise`: the hint to show instead; None: no hint at all)."""

    topics: frozenset[str]
    otherwise: str | None

    def __new__(cls, text: str, topics=frozenset(), otherwise: str | None = None):
        unknown = set(topics) - set(known_topics())
        if unknown:
            raise ValueError(f"unknown hint topics {sorted(unknown)}")
        hint = super().__new__(cls, text)
        hint.topics, hint.otherwise = frozenset(topics), otherwise
        return hint

    @property
    def text(self) -> str:
        return str.__str__(self)


def about(text: str | None, *topics: str, otherwise: str | None = None) -> Hint | None:
    """A `Hint` about `topics`, or None when there is no text."""
    return None if not text else Hint(text, frozenset(topics), otherwise)


_TERM = r"[\w\[\]|]+(?:\.\w+)*(?:\([^()\s]*\))?(?:\*\*\d)?"
_FORMULA = re.compile(rf"{_TERM}(?: (?:[-+*/]|[-+]=) {_TERM})+|np\.\w+")
"""A formula in feedback text: terms joined by spaced operators (`2 * reg * W`,
`W -= learning_rate * grad`), or a numpy function (`np.exp`)."""


def formulas(text: str) -> set[str]:
    """The formulas a piece of feedback quotes (see `_FORMULA`), each with its sub-formulas
    of two terms or more (`2 * reg * W` quotes `reg * W` too)."""
    found = set()
    for formula in _FORMULA.findall(text):
        terms = formula.split(" ")
        found.add(formula)
        for start in range(0, len(terms) - 2, 2):
            for end in range(start + 3, len(terms) + 1, 2):
                found.add(" ".join(terms[start:end]))
    return found


def shared_formulas(hint_text: str, diagnosis_text: str) -> set[str]:
    """The formulas that a hint and a diagnosis both quote: a sign that they give the same
    advice (the audit reports it, `autograder.catalogue.audit`)."""
    return formulas(hint_text) & formulas(diagnosis_text)
