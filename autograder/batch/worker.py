"""Grade one submission into its results.json document, in a worker process.

The same function serves the local process pool and Dask workers: it takes a path,
grades it with the engine (student code runs in the engine's own child processes)
and returns the plain results dictionary; the batch's parent process writes it.
"""

import os
import socket
from pathlib import Path

for _variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    # One BLAS thread per worker: the batch already keeps every core busy.
    os.environ.setdefault(_variable, "1")

from autograder.grading.engine import grade_submission, warm_up  # noqa: E402
from autograder.report.results import to_results  # noqa: E402
from autograder.sandbox.process import Limits, release_standby, start_zygote_in_background  # noqa: E402

_finaliser_registered = False


def _register_finaliser() -> None:
    """End this worker's standby child when the worker ends.

    Worker processes of `multiprocessing` (the local pool, Dask's nanny) leave through
    `os._exit`, which skips `atexit`; `multiprocessing.util.Finalize` still runs.
    """
    global _finaliser_registered
    if not _finaliser_registered:
        from multiprocessing.util import Finalize

        Finalize(None, release_standby, exitpriority=100)
        _finaliser_registered = True


def init_worker() -> None:
    """Draw (or load) the properties' examples once, before the first submission, while this
    worker's zygote and first child start (they would otherwise start at its first grading)."""
    _register_finaliser()
    start_zygote_in_background(standby=Limits())
    warm_up()


def grade_one(path: str) -> dict:
    """The Gradescope-format results of the submission folder at `path`."""
    _register_finaliser()
    submission = Path(path)
    if not submission.is_dir():
        raise FileNotFoundError(
            f"{path}: not a folder on {socket.gethostname()} (workers on other machines need the "
            "submissions on a shared file system, at the same path)")
    return to_results(grade_submission(submission))
