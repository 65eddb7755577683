"""One submission being graded: its staged copy and the child process that runs it.

Staging follows DESIGN principle 2: the scratch copy holds the instructor's release
(`assignment/cs231n`) with only the three graded modules taken from the submission,
which is read and never written. The session restarts the child after a crash and
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

from autograder.paths import GRADED_FILES, assignment_dir
from autograder.sandbox.process import ChildFailure, ChildProcess, Limits, acquire

MODULE_OF_FUNCTION = {
    "svm_loss_naive": "linear_svm",
    "svm_loss_vectorized": "linear_svm",
    "softmax_loss_naive": "softmax",
    "softmax_loss_vectorized": "softmax",
    "train": "linear_classifier",
    "predict": "linear_classifier",
}
GRADED_MODULES = tuple(Path(relative).stem for relative in GRADED_FILES)
"""linear_svm, softmax, linear_classifier: imported in this order (the last imports the others)."""
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


def _train_key(cls: str, X, y, calls: list[dict], seed: int, record: bool) -> tuple:
    """What identifies a training run: its trainings are remembered by it."""
    return (cls, X.tobytes(), X.shape, y.tobytes(), repr(calls), seed, record)


def _predict_key(cls: str, W, X) -> tuple:
    """What identifies a prediction: predictions are remembered by it."""
    return (cls, W.tobytes(), W.shape, X.tobytes(), X.shape)


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
        self._trained: dict[tuple, tuple[dict, dict]] = {}
        self._predicted: dict[tuple, tuple[dict, dict]] = {}
        self.current_check: str | None = None
        """The check (property id) whose requests are being sent; set by the engine."""
        self._observations: dict[str, list] = {}
        self._outputs: list[str] = []
        self.child: ChildProcess | None = None
        self._stored: ChildProcess | None = None
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
        for package in ("cs231n", "cs231n/classifiers"):
            init = self.work / package / "__init__.py"
            init.parent.mkdir(parents=True, exist_ok=True)
            init.touch()
        for relative in GRADED_FILES:
            module = Path(relative).stem
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

    def _start_child(self) -> None:
        """Start a child and import the graded modules, one request each, isolating crashes."""
        for module in GRADED_MODULES:
            if self.child is None or not self.child.alive:
                self._new_child()
            skip = module in self.module_errors
            try:
                answer = self.child.request({"op": "load", "module": module, "skip": skip},
                                            seconds=min(self.limits.call_seconds, self._remaining()))
            except ChildFailure as exc:
                self.module_errors[module] = f"importing {module}.py stopped the process running it: {exc}"
                continue
            if not answer.get("ok") and not skip:
                self.module_errors[module] = f"{module}.py could not be imported:\n{answer.get('error', '')}"
        if self.child is None or not self.child.alive:
            self._new_child()
            for module in GRADED_MODULES:
                self.child.request({"op": "load", "module": module, "skip": module in self.module_errors})

    def _remaining(self) -> float:
        return self.deadline - time.monotonic()

    # ---- what the properties ask ----
    def problem_with(self, function: str) -> str | None:
        """Why `function` cannot be graded at all (missing file, import error), or None."""
        return self.module_errors.get(MODULE_OF_FUNCTION[function])

    def function_failed(self, function: str) -> bool:
        return function in self.failed

    def excuse(self, function: str) -> None:
        """Forget a crash or hang of `function` met while looking for a smaller failing input.

        That search only chooses what feedback shows, so it must not cost the function's
        other checks: they run as usual, in a new child if this one is gone.
        """
        self.failed.pop(function, None)

    def source(self, function: str) -> str:
        return self.sources.get(MODULE_OF_FUNCTION[function], "")

    def request(self, function: str, message: dict) -> dict:
        if function in self.failed:
            raise ChildFailure(self.failed[function])
        remaining = self._remaining()
        if remaining <= 0:
            raise ChildFailure(f"the time limit for the whole submission ({self.budget_seconds:g} s) was reached")
        if self.child is None or not self.child.alive:
            self._start_child()
        try:
            return self.child.request(message, seconds=min(self.limits.call_seconds, remaining))
        except ChildFailure as exc:
            self.failed[function] = str(exc)
            raise

    def call(self, function: str, calls: list[dict]) -> list[dict]:
        results = self.request(function, {"op": "call", "fn": function, "calls": calls})["results"]
        for args, answer in zip(calls, results, strict=False):
            self._observe(function, args, answer)
        return results

    def _observe(self, function: str, request: dict, answer: dict) -> None:
        """Keep a request and the child's answer: a failing function is diagnosed from them."""
        self._observations.setdefault(function, []).append(Observation(self.current_check, request, answer))

    def observations_of(self, function: str) -> list:
        """Every request made for `function` with its answer, in the order they were made."""
        return list(self._observations.get(function, ()))

    def train(self, cls: str, X, y, calls: list[dict], seed: int, record: bool) -> list[dict]:
        """Train in the child; remembered, because several properties judge the same run."""
        key = _train_key(cls, X, y, calls, seed, record)
        if key not in self._trained:
            request = {"op": "train", "cls": cls, "X": X, "y": y, "calls": calls, "seed": seed, "record": record}
            answer = self.request("train", request)
            self._trained[key] = (request, answer)
        request, answer = self._trained[key]
        self._observe("train", request, answer)  # under every check that judges this run
        return answer["results"]

    def train_ahead(self, jobs: list[dict]) -> None:
        """Run trainings that `train` will be asked for (its keyword arguments) in one round trip.

        Only a matter of speed: each job runs in the child exactly as its own request would,
        and `train` then finds it remembered.
        """
        keys = [_train_key(**job) for job in jobs]
        self._ahead("train", self._trained, keys, jobs)

    def predict(self, cls: str, W, X) -> dict:
        """Predict in the child; remembered, because two properties judge the same inputs."""
        key = _predict_key(cls, W, X)
        if key not in self._predicted:
            request = {"op": "predict", "cls": cls, "W": W, "X": X}
            self._predicted[key] = (request, self.request("predict", request))
        request, answer = self._predicted[key]
        self._observe("predict", request, answer)  # under every check that judges these predictions
        return answer

    def predict_ahead(self, jobs: list[dict]) -> None:
        """Predictions that `predict` will be asked for (its keyword arguments), in one round trip."""
        keys = [_predict_key(**job) for job in jobs]
        self._ahead("predict", self._predicted, keys, jobs)

    def _ahead(self, op: str, remembered: dict, keys: list[tuple], jobs: list[dict]) -> None:
        """Send the jobs not yet `remembered` in one `<op>_each` request and remember each
        (request, answer); when the child cannot answer them all, each asks on its own later."""
        pending = {key: job for key, job in zip(keys, jobs, strict=True) if key not in remembered}
        if not pending:
            return
        answer = self.request(op, {"op": f"{op}_each", "jobs": [{"op": op} | job for job in pending.values()]})
        answers = answer.get("answers")
        if isinstance(answers, list) and len(answers) == len(pending):
            for (key, job), one in zip(pending.items(), answers, strict=True):
                remembered[key] = ({"op": op} | job, one)

    def _store(self, function: str, case: dict) -> None:
        """Send the large CS231n-size arrays to the child once per child."""
        if self._stored is not self.child or not self.child.alive:
            self.request(function, {"op": "store", "seed": case["seed"]})
            self._stored = self.child

    def call_stored(self, function: str, case: dict) -> dict:
        """Call a loss function on the stored CS231n-size arrays (see `cases.cs231n_dev_case`)."""
        self._store(function, case)
        return self.request(function, {"op": "call_stored", "fn": function, "reg": case["reg"]})

    def python_steps(self, function: str, sizes: tuple[int, ...]) -> dict:
        """Python line events of `function` at each sample count in `sizes` (see child.op_python_steps)."""
        return self.request(function, {"op": "python_steps", "fn": function, "sizes": list(sizes)})

    def _timed(self, function: str, fn: str, reg: float) -> tuple[float, dict]:
        start = time.perf_counter()
        answer = self.request(function, {"op": "run_stored", "fn": fn, "reg": reg})
        return time.perf_counter() - start, answer

    def time_at_scale(self, function: str, case: dict, repeats: int = 2) -> dict:
        """Best-of-`repeats` wall times of `function` and of the unavoidable matrix products."""
        self._store(function, case)
        floor = min(self._timed(function, "__matrix_products__", 0.0)[0] for _ in range(repeats + 1))
        times = []
        for _ in range(repeats):
            elapsed, answer = self._timed(function, function, case["reg"])
            if not answer.get("ok"):
                return {"error": answer.get("error", "unknown error")}
            times.append(elapsed)
        self.timings[function] = {"function": min(times), "matrix_products": floor}
        return self.timings[function]
