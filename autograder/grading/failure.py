"""A failed check, and how inputs and values are shown to students.

Feedback is deterministic text: arrays are rounded and summarised the same way on
every machine, so the same submission always gets the same words (DESIGN principle 4).
"""

import numpy as np

MAX_ARRAY_ELEMENTS = 48


def show(value) -> str:
    """A short, rounded, deterministic rendering of a number or an array."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return show(value.item())
        body = np.array2string(
            np.asarray(value),
            precision=4,
            suppress_small=True,
            threshold=MAX_ARRAY_ELEMENTS,
            edgeitems=3,
            max_line_width=88,
            floatmode="maxprec",
        )
        return f"array of shape {value.shape}:\n{indent(body)}" if value.ndim > 1 else body
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if v != v or v in (float("inf"), float("-inf")):
            return str(v)
        return f"{v:.6g}"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def show_inputs(inputs: dict) -> str:
    """Render named inputs one per line, e.g. the minimal failing W, X, y, reg."""
    lines = []
    for name, value in inputs.items():
        rendered = show(value)
        if "\n" in rendered:
            lines.append(f"{name} = {rendered.splitlines()[0]}")
            lines.extend(rendered.splitlines()[1:])
        else:
            lines.append(f"{name} = {rendered}")
    return "\n".join(lines)


class Failure(Exception):
    """One property failed on one input: what is wrong, on what, expected versus actual."""

    def __init__(self, sentence: str, expected=None, actual=None, hint=None,
                 inputs: dict | None = None, error: str | None = None):
        super().__init__(sentence)
        self.sentence = sentence
        self.expected = expected
        self.actual = actual
        self.hint = hint
        self.inputs = inputs
        self.error = error

    def render(self) -> str:
        parts = [self.sentence]
        if self.inputs:
            parts.append("Smallest failing input found:\n" + indent(show_inputs(self.inputs)))
        if self.expected is not None:
            parts.append("Expected: " + _block(self.expected))
        if self.actual is not None:
            parts.append("Got:      " + _block(self.actual))
        if self.error:
            parts.append("Your code raised an error:\n" + indent(self.error))
        if self.hint:
            parts.append("Hint: " + str(self.hint))
        return "\n".join(parts)


def _block(value) -> str:
    text = value if isinstance(value, str) else show(value)
    if "\n" in text:
        return "\n" + indent(text)
    return text
