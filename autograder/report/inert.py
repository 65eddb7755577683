"""Student text is inert text: control and bidirectional characters shown as visible escapes.

Whatever comes from a student (exception messages, what their code printed, folder
and file names) reaches an instructor's terminal, results.json, grades.csv, the
notebooks' feedback cells and HTML pages. Raw, an escape sequence in it would steer
the terminal (set the window title, clear the screen, plant an OSC 8 hyperlink, use a
carriage return to overwrite a line), and a bidirectional override would show a name
or a message in another order than it is stored. `inert` writes each such character
as a visible escape (`\\x1b`, `\\x0d`, `\\u202e`) and leaves everything else, newlines
and tabs included, exactly as it was: the feedback of a normal submission does not
change by one byte.

It is applied where student text enters a report: `grading.engine.grade_submission`
(messages, tracebacks, printed output, the submission's name) and the places that
print or write names found on disk (batch, class report, similarity, nbgrader).
"""

from __future__ import annotations

import re

_NOT_INERT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and newline, DEL, C1
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # bidirectional marks, embeddings, overrides, isolates
)


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str) -> str:
    """`text` with every control or bidirectional-override character written as a visible escape."""
    return _NOT_INERT.sub(_visible, text)

