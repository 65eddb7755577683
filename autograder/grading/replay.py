"""What the child would have answered to a request, computed in the grader on trusted modules.

The diagnosis (`grading.diagnosis`) asks whether a catalogue mutant (the reference with a
known mistake) answers every request exactly like the student's code did. It runs the
request's op from the function's part harness, the very code the child ran, here in the
grader with a box (`GraderBox`) whose modules are the mutant's file and the reference's
other files: whatever a part asks of its child, its diagnosis replays the same way. Only
trusted code (the reference and the catalogue's edits of it) ever runs here.
"""

from __future__ import annotations

import contextlib
import copy
import io
import random
import traceback

import numpy as np

from autograder import parts
from autograder.sandbox import harness_services


class ReplayError(Exception):
    """What `box.StudentError` is in the grader: an answer the grader cannot use."""


def exception_line(exc: BaseException) -> str:
    """The last line of the exception as Python prints it (`ValueError: ...`)."""
    lines = [line for line in "".join(traceback.format_exception_only(type(exc), exc)).splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


class GraderBox:
    """The harness's `box` (see `autograder/sandbox/child.py`, `Box`) over trusted modules."""

    StudentError = ReplayError

    def __init__(self, resolve):
        self.resolve = resolve
        """file (relative to the release folder) -> the module to run for it."""

    def module(self, relative: str):
        return self.resolve(relative)

    def attribute(self, relative: str, name: str | None, cls: str | None = None):
        return harness_services.attribute(self.module(relative), relative, name, cls, ReplayError)

    @staticmethod
    def python_lines(what: str, run, *args) -> int:
        return harness_services.python_lines(ReplayError, what, run, *args)

    @staticmethod
    def plain_array(value, what: str, max_size: int) -> np.ndarray:
        arr = np.asarray(value)
        if arr.dtype.kind not in "biuf":
            raise ReplayError(f"{what} is a {type(value).__name__} holding {arr.dtype} data, not numbers")
        return np.array(arr, copy=True)

    @staticmethod
    def error(exc: BaseException) -> dict:
        return {"ok": False, "error": str(exc) if isinstance(exc, ReplayError) else exception_line(exc)}

    traceback = staticmethod(exception_line)

    @staticmethod
    def seed(number: int) -> None:
        np.random.seed(int(number))
        random.seed(int(number))


def message_of(function: str, request: dict) -> dict:
    """The whole message of an observed request: a call's arguments become the part's `call`."""
    if "op" in request:
        return request
    graded = parts.function(function)
    return {"op": f"{graded.part}.call", "file": graded.file, "fn": graded.name, "cls": graded.cls,
            "calls": [request]}


def answer(box: GraderBox, function: str, request: dict) -> dict:
    """The answer the child gives to `request` (an observed request of `function`) with `box`'s
    modules: one call's answer for a call's arguments, the op's whole answer otherwise. The
    grader's generators are seeded as the child's are, and left as they were; what the code
    prints is dropped."""
    message = copy.deepcopy(message_of(function, request))  # the child's arrays are its own to change
    part, _, op = message["op"].partition(".")
    handler = parts.get(part).module("harness").OPS[op]
    np_state, py_state = np.random.get_state(), random.getstate()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            found = handler(message, box)
    except Exception as exc:  # noqa: BLE001 - an exception is an answer too
        return box.error(exc)
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)
    if "op" not in request:
        results = found.get("results")
        return results[0] if isinstance(results, list) and results else {"ok": False, "error": "no answer"}
    return found
