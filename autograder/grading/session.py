"""One submission being graded: its staged copy and the child process that runs it.

Staging follows DESIGN principle 2: the scratch copy holds the instructor's release
(`assignment/cs231n`) with only the graded files of the selected parts taken from the
submission, which is read and never written. The session restarts the child after a crash and
remembers which function caused it, so a crash costs that function's points only
(principle 3) and the same message is repeated for its remaining checks.
"""

import io
import re
import shutil
import tempfile
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

from autograder import parts
from autograder.paths import assignment_dir, solutions_dir
from autograder.sandbox.channel import NotRun, Ticket
from autograder.sandbox.process import ChildFailure, ChildProcess, Limits, acquire

MAX_SOURCE_BYTES = 1024 * 1024
SUBMISSION_SECONDS = 240.0
"""Wall-clock budget for one whole submission."""


class SubmissionError(Exception):
    """The submission folder itself cannot be graded (it does not exist, is not a folder)."""


def _candidates(submission: Path, name: str) -> list[Path]:
    return sorted(
        p for p in submission.rglob(name)
        if not any(part.startswith(".") or part in ("__pycache__", "__MACOSX") for part in p.relative_to(submission).parts)
    )


def locate_graded_file(submission: Path, relative: str) -> tuple[Path | None, str | None]:
    """Find one graded file in a student's folder.

    The release layout (`cs231n/classifiers/<name>` at the top) wins; otherwise the
    copies whose path ends in `cs231n/classifiers/<name>` are preferred, then the
    shallowest. Two equally good copies are ambiguous: the student is told which.
    """
    name = Path(relative).name
    exact = submission / relative
    if exact.exists() or exact.is_symlink():
        path = exact
    else:
        ranked = sorted(
            ((not p.as_posix().endswith(relative), len(p.relative_to(submission).parts)), p)
            for p in _candidates(submission, name)
        )
        if not ranked:
            return None, f"{relative} was not found in the submission"
        if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
            shown = ", ".join(str(p.relative_to(submission)) for rank, p in ranked if rank == ranked[0][0])
            return None, f"{name} was found more than once ({shown}); submit the release folder layout ({relative})"
        path = ranked[0][1]
    if path.is_symlink():
        return None, f"{path.relative_to(submission)} is a symbolic link; submit the file itself"
    if not path.is_file():
        return None, f"{path.relative_to(submission)} is not a regular file"
    if path.stat().st_size > MAX_SOURCE_BYTES:
        return None, f"{path.relative_to(submission)} is larger than {MAX_SOURCE_BYTES // 1024} KiB"
    return path, None


_SCRATCH_PATH = re.compile(r"""(?:/[^\s:"'<>]+)?/(cs231n/)""")
_TEMP_NAME = re.compile(r"""/[^\s:"'<>]*autograder-[A-Za-z0-9_-]+""")
_LIBRARY_PATH = re.compile(r"""/[^\s:"'<>]*/(?:site|dist)-packages/""")


def stable_output(text: str) -> str:
    """Printed text without machine-specific paths: numpy warnings name the file they come
    from, the student's (in a random scratch folder) or numpy's own (wherever it is installed)."""
    text = _LIBRARY_PATH.sub("", text)
    return _TEMP_NAME.sub("<scratch>", _SCRATCH_PATH.sub(r"\1", text))


def decode_source(data: bytes) -> str:
    """Source text the way Python reads it: a BOM or a coding declaration decides the encoding."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding).removeprefix("\ufeff")


@dataclass
class Observation:
    """One request the grader made for a function and the child's answer to it (kept so that
    a failing function can be diagnosed without asking the child again: `grading.diagnosis`)."""

    check: str | None
    request: dict
    answer: dict


class _Batch:
    """An `<op>_each` request sent ahead (`Session._ahead`): its answers once read, or None."""

    def __init__(self, ticket: Ticket, size: int):
        self.ticket, self.size = ticket, size
        self._answers: list | None = None
        self._read = False

    def answers(self, session: "Session") -> list | None:
        if not self._read:
            self._read = True
            answer = session._answer_without_failing(self.ticket)
            found = answer.get("answers") if answer is not None else None
            if isinstance(found, list) and len(found) == self.size:
                self._answers = found
        return self._answers


@dataclass
class _OnItsWay:
    """A job of a `_Batch`: the answer to `request` will be its `index`-th answer."""

    batch: _Batch
    index: int
    request: dict


class Session:
    """Stage a submission, run its child, answer the properties' requests."""

    def __init__(self, submission: Path, limits: Limits | None = None, budget_seconds: float = SUBMISSION_SECONDS):
        self.submission = Path(submission)
        if not self.submission.is_dir():
            raise SubmissionError(f"{self.submission}: not a folder (expected the student's copy of the release folder)")
        self.limits = limits or Limits()
        self.deadline = time.monotonic() + budget_seconds
        self.budget_seconds = budget_seconds
        self.sources: dict[str, str] = {}
        self.module_errors: dict[str, str] = {}
        self.failed: dict[str, str] = {}
        self.timings: dict[str, dict] = {}
        self.parts = parts.selected()
        self.graded_files = parts.graded_files(self.parts)
        self._states: dict[str, object] = {}
        self.current_check: str | None = None
        """The check (property id) whose requests are being sent; set by the engine."""
        self._observations: dict[str, list] = {}
        self._outputs: list[str] = []
        self.child: ChildProcess | None = None
        self.scratch_root: Path | None = None

    # ---- lifecycle ----
    def __enter__(self):
        self.scratch_root = Path(tempfile.mkdtemp(prefix="autograder-"))
        self.work = self.scratch_root / "work"
        self._stage()
        try:
            self._start_child()  # imports the modules now, so problem_with() knows of import errors
        except ChildFailure:
            pass  # reported per function when its requests fail
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def output(self) -> str:
        """What the student's code printed, from every child this session used, with stable paths."""
        texts = list(self._outputs)
        if self.child is not None:
            texts.append(self.child.output())
        return stable_output("\n".join(t for t in texts if t))

    def _retire_child(self) -> None:
        if self.child is not None:
            self._outputs.append(self.child.output())
            self.child.discard()
            self.child = None

    def close(self) -> None:
        self._retire_child()
        if self.scratch_root is not None:
            shutil.rmtree(self.scratch_root, ignore_errors=True)
            self.scratch_root = None

    def _stage(self) -> None:
        release = assignment_dir() / "cs231n"
        if release.is_dir():
            shutil.copytree(release, self.work / "cs231n", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for relative in (f for part in self.parts for f in part.provided_files):
            if not (self.work / relative).is_file() and (solutions_dir() / relative).is_file():
                # a release built for another selection of parts lacks them; shipped complete,
                # the solutions' copy is the release's
                (self.work / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(solutions_dir() / relative, self.work / relative)
        for relative in self.graded_files:  # every package on the way to a graded file
            for package in Path(relative).parents:
                if package != Path("."):
                    (self.work / package).mkdir(parents=True, exist_ok=True)
                    (self.work / package / "__init__.py").touch()
        for relative in self.graded_files:
            module = relative
            target = self.work / relative
            target.unlink(missing_ok=True)
            path, problem = locate_graded_file(self.submission, relative)
            if problem:
                self.module_errors[module] = problem
                continue
            data = path.read_bytes()
            try:
                self.sources[module] = decode_source(data)
            except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
                self.module_errors[module] = (
                    f"{relative} cannot be read as Python source: {exc} "
                    "(save it as UTF-8, or declare its encoding in a '# -*- coding: ... -*-' line)")
                continue
            target.write_bytes(data)

    def _new_child(self) -> None:
        self._retire_child()
        self.child = acquire(self.limits)
        self.child.setup(self.work)

    def _load_message(self, relative: str) -> dict:
        placeholders = [name for part in self.parts for name in part.placeholders.get(relative, ())]
        return {"op": "load", "file": relative, "skip": relative in self.module_errors, "placeholders": placeholders}

    def _start_child(self) -> None:
        """Start a child and import the graded files (in the parts' order: a later one may import
        an earlier one), one request each, isolating crashes."""
        for relative in self.graded_files:
            if self.child is None or not self.child.alive:
                self._new_child()
            message = self._load_message(relative)
            name = Path(relative).name
            try:
                answer = self.child.request(message, seconds=min(self.limits.call_seconds, self._remaining()))
            except ChildFailure as exc:
                self.module_errors[relative] = f"importing {name} stopped the process running it: {exc}"
                continue
            if not answer.get("ok") and not message["skip"]:
                self.module_errors[relative] = f"{name} could not be imported:\n{answer.get('error', '')}"
        if self.child is None or not self.child.alive:
            self._new_child()
            for relative in self.graded_files:
                self.child.request(self._load_message(relative))

    def _remaining(self) -> float:
        return self.deadline - time.monotonic()

    # ---- what the properties ask ----
    def problem_with(self, function: str) -> str | None:
        """Why `function` cannot be graded at all (missing file, import error), or None."""
        return self.module_errors.get(parts.function(function).file)

    def function_failed(self, function: str) -> bool:
        return function in self.failed

    def excuse(self, function: str) -> None:
        """Forget a crash or hang of `function` met while looking for a smaller failing input.

        That search only chooses what feedback shows, so it must not cost the function's
        other checks: they run as usual, in a new child if this one is gone.
        """
        self.failed.pop(function, None)

    def source(self, function: str) -> str:
        return self.sources.get(parts.function(function).file, "")

    def state(self, key: str, factory):
        """A part's own object for this submission (made by `factory(session)` when first asked):
        what the part remembers between its checks, such as the trainings it sent ahead."""
        if key not in self._states:
            self._states[key] = factory(self)
        return self._states[key]

    def request(self, function: str, message: dict, ticket: Ticket | None = None) -> dict:
        """The child's answer to `message` for `function`, or ChildFailure (which `function` then
        keeps: its later requests fail the same way, see `excuse`).

        With `ticket` (from `send`), the answer to the message sent then. A request sent
        ahead that the child never reached (it ended on an earlier one) is sent again here,
        so it meets a new child exactly as it would have without being sent ahead.
        """
        if function in self.failed:
            raise ChildFailure(self.failed[function])
        for _attempt in range(2):
            remaining = self._remaining()
            if remaining <= 0:
                raise ChildFailure(f"the time limit for the whole submission ({self.budget_seconds:g} s) was reached")
            seconds = min(self.limits.call_seconds, remaining)
            try:
                if ticket is not None:  # only the running child's tickets can still be pending
                    waited, ticket = ticket, None
                    return self.child.wait(waited, seconds) if waited.pending else waited.result()
                if self.child is None or not self.child.alive:
                    self._start_child()
                return self.child.request(message, seconds=seconds)
            except NotRun:
                continue  # the child ended on an earlier request: this one goes to a new child
            except ChildFailure as exc:
                self.failed[function] = str(exc)
                raise
        raise ChildFailure(self.failed.setdefault(function, "the process running your code could not be started"))

    def send(self, function: str, message: dict) -> Ticket | None:
        """Send a request whose answer `request(function, message, ticket)` will fetch later, so
        that the child works on it meanwhile. None when it cannot be sent now (`function`
        failed before, no child is running): `request` then sends it itself."""
        if function in self.failed or self.child is None or not self.child.alive:
            return None
        try:
            return self.child.send(message)
        except ChildFailure:
            return None

    def settle(self) -> None:
        """Wait until the child has answered every request sent ahead (before timing one): the
        answers, or the failures, stay with their tickets."""
        last = self.child.outstanding() if self.child is not None else None
        if last is not None:
            self._answer_without_failing(last)

    def call(self, function: str, calls: list[dict], ticket: Ticket | None = None) -> list[dict]:
        """Call a loss function on each of `calls` (one request; or the one `send_call` sent)."""
        results = self.request(function, self._call_message(function, calls), ticket)["results"]
        for args, answer in zip(calls, results, strict=False):
            self._observe(function, args, answer)
        return results

    def send_call(self, function: str, calls: list[dict]) -> Ticket | None:
        """Send the request of `call(function, calls)` ahead (see `send`)."""
        return self.send(function, self._call_message(function, calls))

    @staticmethod
    def _call_message(function: str, calls: list[dict]) -> dict:
        """The part's `call` op (its harness calls `function` on each of `calls`)."""
        graded = parts.function(function)
        return {"op": f"{graded.part}.call", "file": graded.file, "fn": graded.name, "cls": graded.cls,
                "calls": calls}

    def _observe(self, function: str, request: dict, answer: dict) -> None:
        """Keep a request and the child's answer: a failing function is diagnosed from them."""
        self._observations.setdefault(function, []).append(Observation(self.current_check, request, answer))

    def observations_of(self, function: str) -> list:
        """Every request made for `function` with its answer, in the order they were made."""
        return list(self._observations.get(function, ()))

    def remembered(self, function: str, memo: dict, key: tuple, request: dict) -> dict:
        """The answer to `request`, asked once per `key` in `memo` (several checks judge the same
        run), or read from the batch that `ahead` sent; observed under every check that asks."""
        if self._arrived(memo, key) is None:
            memo[key] = (request, self.request(function, request))
        request, answer = memo[key]
        self._observe(function, request, answer)
        return answer

    def ahead(self, function: str, memo: dict, keys: list[tuple], requests: list[dict]) -> None:
        """Send the requests not yet in `memo` (nor sent) in one `each` request; each is kept in
        `memo` as on its way until `remembered` reads its answer.

        Only a matter of speed: each request runs in the child exactly as its own request
        would, and `remembered` then finds its answer, or sends it again on its own when the
        child could not answer the batch.
        """
        pending = {key: request for key, request in zip(keys, requests, strict=True) if key not in memo}
        if not pending:
            return
        batch_requests = list(pending.values())
        ticket = self.send(function, {"op": "each", "jobs": batch_requests})
        if ticket is None:
            return
        batch = _Batch(ticket, len(batch_requests))
        for index, (key, request) in enumerate(pending.items()):
            memo[key] = _OnItsWay(batch, index, request)

    def _arrived(self, remembered: dict, key: tuple) -> tuple | None:
        """(request, answer) remembered for `key`, reading it first if it is on its way; None
        when there is none (never sent, or its batch was lost with the child)."""
        entry = remembered.get(key)
        if isinstance(entry, _OnItsWay):
            answers = entry.batch.answers(self)
            if answers is None:
                del remembered[key]
                return None
            remembered[key] = entry = (entry.request, answers[entry.index])
        return entry

    def _answer_without_failing(self, ticket: Ticket) -> dict | None:
        """The answer to a request sent ahead, or None if the child could not give it; unlike
        `request`, no function is held responsible (whoever needs it asks again)."""
        try:
            if ticket.pending:
                return self.child.wait(ticket, min(self.limits.call_seconds, max(self._remaining(), 0.001)))
            return ticket.result()
        except ChildFailure:
            return None
