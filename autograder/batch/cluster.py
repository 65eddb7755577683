"""Beyond one machine: the batch's submissions graded on a Dask distributed cluster.

`autograder grade CLASS --out DIR --scheduler tcp://HOST:8786` sends one task per
submission to the scheduler; each task runs `autograder.batch.worker.grade_one` on
some worker, which grades as a local batch worker does (student code in the engine's
resource-limited child processes on that worker's machine) and returns the results
document. This process writes every file, exactly as in a local batch, so a resumed
or a local run gives the same results.

Requirements: the optional extra `distributed` (`pip install 'cs231n-autograder[distributed]'`)
here and on the workers, the autograder installed on the workers, and the submissions
visible to the workers at the same paths (a shared file system). Give each worker
process one thread (`dask worker --nthreads 1`, one worker process per core): a task
runs a child process of its own.
"""

from collections.abc import Iterator
from pathlib import Path

from autograder.batch.discover import BatchInputError

CONNECT_TIMEOUT = "20s"


def grade_on_cluster(paths: list[Path], address: str) -> Iterator[tuple[Path, dict | None, str | None]]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise BatchInputError(
            "--scheduler needs the Dask 'distributed' package: pip install 'cs231n-autograder[distributed]'"
        ) from None
    from autograder.batch.worker import grade_one

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BatchInputError(f"{address}: cannot reach the Dask scheduler ({exc})") from None
    try:
        futures = client.map(grade_one, [str(path) for path in paths], pure=False)
        by_key = {future.key: path for future, path in zip(futures, paths, strict=True)}
        for future in as_completed(futures, loop=client.loop):
            path = by_key[future.key]
            try:
                yield path, future.result(), None
            except Exception as exc:  # a grader bug or a lost worker: report it, keep the others
                yield path, None, f"{type(exc).__name__}: {exc}"
    finally:
        client.close()
