"""Benchmark: grading one correct submission with the full hidden suite, against the numpy-import floor.

Everything is measured side by side in one run on this machine:
- floor: `python -c "import numpy"` (best of several runs);
- latency: one submission graded by a warm grader (examples drawn and cached, a
  standby child started), the median of several;
- throughput: a batch graded by one worker process per core, wall time per submission;
- cold: the whole `autograder grade` command (`python -m autograder grade`, what the
  installed command runs) in a fresh process, start-up included, with the examples
  already cached: the median over several runs of its ratio to an `import numpy` timed
  just before each (so that both see the same machine load). The package's bytecode is
  compiled first, as `pip install` leaves an installed package and as any second run
  finds it: numpy's is, and an environment with PYTHONDONTWRITEBYTECODE set would
  otherwise time Python's compiler on every run.

Targets: at most 3x the floor per submission in a batch, at most 5x for one cold
`autograder grade`. Prints the ratios with their verdicts and exits 1 when one misses
its target (not in --quick mode, which gives no verdict).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
TARGET = 3.0
COLD_TARGET = 5.0


def numpy_import_floor(repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy"], check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def _wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def cold_grade(folder: Path, results: Path, repeats: int) -> tuple[float, float]:
    """`autograder grade --quiet` in a new process: its median wall time, and the median
    ratio to `import numpy` timed right before each run (pairs see the same machine load)."""
    grade = [sys.executable, "-m", "autograder", "grade", str(folder), "--quiet", "--results", str(results)]
    compile_package()
    subprocess.run(grade, check=True, capture_output=True)  # the example cache is filled by then
    times, ratios = [], []
    for _ in range(repeats):
        floor = _wall([sys.executable, "-c", "import numpy"])
        times.append(_wall(grade))
        ratios.append(times[-1] / floor)
    return statistics.median(times), statistics.median(ratios)


def compile_package() -> None:
    """Write the bytecode of the autograder package (see the module's docstring)."""
    import compileall

    import autograder

    # The parts' notebook sources are Jinja templates, never imported: Python cannot compile them.
    compileall.compile_dir(Path(autograder.__file__).parent, quiet=1, force=False, rx=re.compile(r"/notebooks/"))


def verdict(ratio: float, target: float, quick: bool) -> str:
    if quick:
        return ""
    return "  MET" if ratio <= target else "  MISSED"


def _worker_init():
    from autograder.grading.engine import warm_up

    warm_up()


def _grade(folder: str) -> float:
    from autograder.grading import grade_submission

    report = grade_submission(Path(folder))
    assert report.score == 100, (folder, report.score)
    return report.score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repetitions; no verdict (smoke test)")
    args = parser.parse_args()
    repeats, batch = (2, 4) if args.quick else (7, 24)
    workers = os.cpu_count() or 2

    from autograder.catalogue.mutants import materialise
    from autograder.grading import grade_submission
    from autograder.grading.engine import warm_up

    with tempfile.TemporaryDirectory() as tmp:
        reference = materialise(None, Path(tmp) / "reference")
        folders = [str(materialise(None, Path(tmp) / f"student{i:03d}")) for i in range(batch)]

        floor = numpy_import_floor(repeats)

        warm_up()
        grade_submission(reference)
        latencies = []
        for _ in range(repeats):
            start = time.perf_counter()
            assert grade_submission(reference).score == 100
            latencies.append(time.perf_counter() - start)
        latency = statistics.median(latencies)

        with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_worker_init) as pool:
            list(pool.map(_grade, folders[:workers]))  # workers warm
            start = time.perf_counter()
            list(pool.map(_grade, folders))
            per_submission = (time.perf_counter() - start) / len(folders)

        cold, cold_ratio = cold_grade(reference, Path(tmp) / "results.json", repeats)

    batch_ratio = per_submission / floor
    print(f"python -c 'import numpy' (floor):           {floor * 1000:7.1f} ms")
    print(f"one submission, warm grader (latency):       {latency * 1000:7.1f} ms  = {latency / floor:4.2f} x floor")
    print(f"batch of {len(folders)}, {workers} workers, per submission: {per_submission * 1000:7.1f} ms  "
          f"= {batch_ratio:4.2f} x floor   (target <= {TARGET:g} x){verdict(batch_ratio, TARGET, args.quick)}")
    print(f"'autograder grade' from a cold start:        {cold * 1000:7.1f} ms  = {cold_ratio:4.2f} x floor   "
          f"(target <= {COLD_TARGET:g} x){verdict(cold_ratio, COLD_TARGET, args.quick)}")
    print(f"  (cold: medians of {repeats} runs, each against an 'import numpy' timed just before it)")
    if not args.quick and (batch_ratio > TARGET or cold_ratio > COLD_TARGET):
        print("MISSED: a ratio is above its target")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
