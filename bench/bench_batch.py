#!/usr/bin/env python
"""Benchmark: a class of mixed submissions graded by `autograder grade CLASS --out DIR`,
against `python -c "import numpy"` per submission, measured side by side in one run.

- the class: N submission folders (default 200) cycling through the reference, the
  correct variants of tests/corpus/correct_variants.toml and the 56 buggy ones of the
  bug catalogue (about a third correct, two thirds buggy);
- the floor: `python -c "import numpy"`, run once per submission up to 60 times, half
  before and half after the batch (median reported, and the minimum);
- the batch: the whole command as an instructor types it (start-up, workers, progress,
  results.json, grades.csv, the class report), one worker per core unless --workers;
- nbgrader: `nbgrader autograde` of the same submissions through the course of
  `autograder.nbgrader_course`, when that module provides `autograde_benchmark`
  (otherwise a note says it was skipped).

Prints the per-submission times, their ratio (target: at most 3x the numpy-import
floor on 2 cores) and the throughput. Exits 1 when the target is missed (never with
--quick, a smoke test at tiny size). The example cache is warmed first (untimed): a
machine grades its first submission once, and every later batch starts warm.

    python bench/bench_batch.py                # 200 submissions
    python bench/bench_batch.py --quick        # 6 submissions, no verdict
"""

import argparse
import importlib
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 3.0
MAX_FLOOR_RUNS = 60


def environment() -> dict[str, str]:
    env = dict(os.environ)
    for variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        env.setdefault(variable, "1")
    return env


def make_class(folder: Path, count: int) -> dict[str, str]:
    """`count` submissions in `folder`; returns what each one is (reference, variant or bug id)."""
    from autograder.catalogue.mutants import catalogue_path, load_mutants, materialise

    correct = [None, *load_mutants(ROOT / "tests" / "corpus" / "correct_variants.toml")]
    buggy = load_mutants(catalogue_path())
    kinds = {}
    for index in range(count):
        if index % 3 == 0:
            mutant = correct[(index // 3) % len(correct)]
        else:
            mutant = buggy[(index - index // 3 - 1) % len(buggy)]
        name = f"student{index:04d}"
        materialise(mutant, folder / name)
        kinds[name] = "correct: " + (mutant.id if mutant else "reference") if index % 3 == 0 else "bug: " + mutant.id
    return kinds


def numpy_import(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy"], check=True, env=environment())
        times.append(time.perf_counter() - start)
    return times


def grade_command(folder: Path, out: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "autograder.cli", "grade", str(folder), "--out", str(out),
            "--workers", str(workers), "--quiet"]


def nbgrader_seconds(folder: Path, names: list[str]) -> tuple[float | None, str]:
    """Wall seconds of nbgrader's own autograde of the same submissions, or (None, why not)."""
    if importlib.util.find_spec("nbgrader") is None:
        return None, "nbgrader is not installed"
    if importlib.util.find_spec("autograder.nbgrader_course") is None:
        return None, "the nbgrader course module (autograder.nbgrader_course) has not landed"
    course = importlib.import_module("autograder.nbgrader_course")
    hook = getattr(course, "autograde_benchmark", None)
    if hook is None:
        return None, "autograder.nbgrader_course has no autograde_benchmark(folder, names) hook yet"
    start = time.perf_counter()
    hook(folder, names)
    return time.perf_counter() - start, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 submissions, no verdict (smoke test)")
    parser.add_argument("--submissions", type=int, default=None, help="class size (default 200)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    args = parser.parse_args()
    count = args.submissions or (6 if args.quick else 200)
    cores = len(os.sched_getaffinity(0))
    workers = args.workers or cores
    floor_runs = 4 if args.quick else min(count, MAX_FLOOR_RUNS)

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        kinds = make_class(tmp / "class", count)
        n_correct = sum(kind.startswith("correct") for kind in kinds.values())
        n_buggy = count - n_correct
        names = sorted(kinds)

        # Untimed warm-up: the example cache on disk, as on any machine after its first grading.
        subprocess.run(grade_command(tmp / "class" / names[0], tmp / "warm", 1), check=True,
                       env=environment(), stdout=subprocess.DEVNULL)

        floor = numpy_import(floor_runs // 2)
        start = time.perf_counter()
        completed = subprocess.run(grade_command(tmp / "class", tmp / "out", workers), env=environment(),
                                   capture_output=True, text=True, check=False)
        batch = time.perf_counter() - start
        floor += numpy_import(floor_runs - floor_runs // 2)
        if completed.returncode != 0:
            print(completed.stdout + completed.stderr)
            return 2
        inside = {path.parent.name: json.loads(path.read_text())["execution_time"]
                  for path in (tmp / "out").glob("*/results.json")}
        graded = len(inside)
        if graded != count:
            print(f"only {graded} of {count} submissions were graded")
            return 2
        nbgrader, why_not = nbgrader_seconds(tmp / "class", names)

    median_floor = statistics.median(floor)
    per_submission = batch / count
    ratio = per_submission / median_floor
    print(f"class: {count} submissions ({n_correct} correct, {n_buggy} buggy); {workers} workers on {cores} cores")
    print(f"numpy import floor: median {median_floor:.3f} s, min {min(floor):.3f} s over {len(floor)} runs")
    print(f"batch (autograder grade CLASS --out DIR): {batch:.1f} s wall, {per_submission:.3f} s per submission, "
          f"throughput {count / batch:.2f} submissions/s ({60 * count / batch:.0f} per minute)")
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"ratio per submission / numpy import: {ratio:.2f}x (target <= {TARGET:g}x: {verdict})")
    times = sorted(inside.values())
    slowest = max(inside, key=inside.get)
    print(f"grading time of one submission inside a worker: median {statistics.median(times):.2f} s, "
          f"90th percentile {times[int(0.9 * (len(times) - 1))]:.2f} s, "
          f"max {times[-1]:.2f} s ({kinds[slowest]}); sum {sum(times):.1f} s")
    for group in ("correct", "bug"):
        group_times = [t for name, t in inside.items() if kinds[name].startswith(group)]
        if group_times:
            print(f"  {'correct' if group == 'correct' else 'buggy'} submissions: median "
                  f"{statistics.median(group_times):.2f} s, sum {sum(group_times):.1f} s")
    if nbgrader is None:
        print(f"nbgrader autograde: skipped ({why_not})")
    else:
        per_nb = nbgrader / count
        print(f"nbgrader autograde: {nbgrader:.1f} s wall, {per_nb:.3f} s per submission; "
              f"autograder is {per_nb / per_submission:.1f}x faster per submission (target >= 5x)")
    if args.quick:
        return 0
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
