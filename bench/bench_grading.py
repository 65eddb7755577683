"""Benchmark: grading one correct submission with the full hidden suite, against the numpy-import floor.

Everything is measured side by side in one run on this machine:
- floor: `python -c "import numpy"` (best of several runs);
- latency: one submission graded by a warm grader (examples drawn and cached, a
  standby child started), the median of several;
- throughput: a batch graded by one worker process per core, wall time per submission;
- cold: the whole `autograder grade` command, start-up included, for reference.

The issue's target is at most 3x the floor per submission. Prints the ratios and
exits 1 when the throughput ratio misses the target (not in --quick mode).
"""

import argparse
import os
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


def numpy_import_floor(repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy"], check=True)
        times.append(time.perf_counter() - start)
    return min(times)


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

        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(reference), "--quiet",
                        "--results", str(Path(tmp) / "results.json")], check=True, capture_output=True)
        cold = time.perf_counter() - start

    print(f"python -c 'import numpy' (floor):           {floor * 1000:7.1f} ms")
    print(f"one submission, warm grader (latency):       {latency * 1000:7.1f} ms  = {latency / floor:4.2f} x floor")
    print(f"batch of {len(folders)}, {workers} workers, per submission: {per_submission * 1000:7.1f} ms  "
          f"= {per_submission / floor:4.2f} x floor   (target <= {TARGET:g} x)")
    print(f"'autograder grade' from a cold start:        {cold * 1000:7.1f} ms  = {cold / floor:4.2f} x floor")
    if not args.quick and per_submission / floor > TARGET:
        print("MISSED: per-submission grading is above the target")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
