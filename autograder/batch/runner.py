"""A batch: grade what is left, in parallel, writing each result as soon as it is known.

Layout of the output folder `OUT`::

    OUT/<submission name>/results.json   Gradescope format, one per submission
    OUT/grades.csv                       one row per submission, one column per test
    OUT/report.html, OUT/histogram.png   the class report

Resuming: a submission whose `results.json` exists (and reads as a results document)
is not graded again unless `regrade` is set. Every file is written atomically (a
temporary file renamed into place), so a batch killed at any moment, even by SIGKILL,
leaves complete results or none for each submission, and running it again finishes
the rest with exactly the results an uninterrupted run gives (grading is
deterministic). The summary files are rebuilt from all the results at the end of
every run. A lock file keeps two batches from writing the same folder at once.

Workers: a local process pool (one worker per core by default; each worker grades
one submission at a time in one child process,
since the other workers keep the other cores busy), or a Dask cluster
(`autograder.batch.cluster`). Workers return results; only this process writes.
Callers of `run_batch` in a script need the usual `if __name__ == "__main__":` guard
(the workers come from a multiprocessing fork server).
"""

import fcntl
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from autograder.batch.class_report import write_class_report
from autograder.batch.discover import BatchInputError
from autograder.batch.gradebook import write_grades_csv
from autograder.report.results import write_results

RESULTS_NAME = "results.json"
LOCK_NAME = ".batch.lock"

Outcome = tuple[Path, dict | None, str | None]
"""(submission, its results document or None, the grader's error or None)."""


@dataclass
class BatchSummary:
    out: Path
    submissions: list[str]
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    results: dict[str, dict] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.errors and len(self.results) == len(self.submissions)


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def read_results(path: Path) -> dict | None:
    """A results document written earlier, or None when there is none (or it is unusable)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if isinstance(document, dict) and isinstance(document.get("tests"), list) and "score" in document:
        return document
    return None


@contextmanager
def _locked(out: Path):
    """Hold `OUT/.batch.lock` (released by the kernel even after SIGKILL)."""
    handle = open(out / LOCK_NAME, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BatchInputError(f"{out}: another batch is writing to this folder (wait for it, or use another --out)") from None
        yield
    finally:
        handle.close()


def _remove_stale_temporaries(folder: Path) -> None:
    """Temporary files of atomic writes that a killed batch left behind."""
    if folder.is_dir():
        for stale in folder.glob(".*.tmp"):
            stale.unlink(missing_ok=True)


def grade_locally(paths: list[Path], workers: int) -> Iterator[Outcome]:
    """Grade in a pool of worker processes, yielding outcomes as they complete.

    The workers come from a fork server (a clean process that imported the engine
    once), never from a fork of this process, which may hold threads.
    """
    from autograder.batch import worker

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["autograder.batch.worker"])
    pool = ProcessPoolExecutor(max_workers=min(workers, len(paths)) or 1, mp_context=context,
                               initializer=worker.init_worker)
    try:
        futures = {pool.submit(worker.grade_one, str(path)): path for path in paths}
        for future in as_completed(futures):
            path = futures[future]
            try:
                yield path, future.result(), None
            except BrokenProcessPool:
                yield path, None, "a worker process died while grading (run the same command again to finish)"
            except Exception as exc:  # a grader bug: report it, keep grading the others
                yield path, None, f"{type(exc).__name__}: {exc}"
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_batch(submissions: list[Path], out: Path, workers: int | None = None, regrade: bool = False,
              scheduler: str | None = None,
              on_start: Callable[[int, int], None] | None = None,
              on_result: Callable[[str, dict | None, str | None], None] | None = None) -> BatchSummary:
    """Grade `submissions` into `out`; see the module's documentation.

    `on_start(to_grade, skipped)` and `on_result(name, results or None, error or None)`
    report progress (the command draws its progress bar with them).
    """
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchInputError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    if not out.is_dir():
        raise BatchInputError(f"{out}: not a folder")
    summary = BatchSummary(out=out, submissions=[s.name for s in submissions])
    with _locked(out):
        pending = []
        for submission in submissions:
            folder = out / submission.name
            _remove_stale_temporaries(folder)
            existing = None if regrade else read_results(folder / RESULTS_NAME)
            if existing is None:
                pending.append(submission)
            else:
                summary.results[submission.name] = existing
                summary.skipped.append(submission.name)
        if on_start:
            on_start(len(pending), len(summary.skipped))
        if pending:
            if scheduler:
                from autograder.batch.cluster import grade_on_cluster

                outcomes = grade_on_cluster(pending, scheduler)
            else:
                outcomes = grade_locally(pending, workers or default_workers())
            for path, document, error in outcomes:
                if document is not None:
                    write_results(out / path.name / RESULTS_NAME, document)
                    summary.results[path.name] = document
                    summary.graded.append(path.name)
                else:
                    summary.errors[path.name] = error or "unknown error"
                if on_result:
                    on_result(path.name, document, error)
        rows = [(name, summary.results[name]) for name in summary.submissions if name in summary.results]
        _remove_stale_temporaries(out)
        write_grades_csv(out / "grades.csv", rows)
        summary.written = [out / "grades.csv", *write_class_report(out, rows)]
    return summary
