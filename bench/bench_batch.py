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
- nbgrader: the autograde of the first 20 of the same submissions through the
  nbgrader course of `autograder.nbgrader_course` (our engine per student, then
  `nbgrader autograde`), when nbgrader and that module are there (else a note says so);
- every part: a second class (default 100 submissions) of a course grading all three parts
  of the assignment (kNN, the linear classifiers, the two-layer net; its material built on
  the spot), each submission doing every part, cycling through the references and each
  part's catalogue of bugs (target: at most 5x the floor per submission).

Prints the per-submission times, the grader time spent diagnosing failing functions
(per failing function and per buggy submission; correct submissions spend none), their ratio (target: at most 3x the numpy-import
floor on 2 cores), the throughput and the speed-up over nbgrader (target: at least 5x).
Exits 1 when a target is missed (never with
--quick, a smoke test at tiny size). The example cache is warmed first (untimed): a
machine grades its first submission once, and every later batch starts warm.

    python bench/bench_batch.py                # 200 submissions
    python bench/bench_batch.py --quick        # 4 submissions, no verdict
"""

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 3.0
ALL_PARTS_TARGET = 5.0
NBGRADER_TARGET = 5.0
MAX_FLOOR_RUNS = 60
NBGRADER_STUDENTS = 20
NBGRADER_QUICK = 1
"""nbgrader grades one student after the other: its per-submission time comes from fewer."""


def environment() -> dict[str, str]:
    env = dict(os.environ)
    for variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        env.setdefault(variable, "1")
    return env


def make_class(folder: Path, count: int) -> dict[str, str]:
    """`count` submissions in `folder`; returns what each one is (reference, variant or bug id)."""
    from autograder.catalogue.mutants import catalogue_path, load_mutants, materialise
    from autograder.course import current

    course = current()  # entries written for other formulations do not apply to this reference
    correct = [None, *(m for m in load_mutants(ROOT / "tests" / "corpus" / "correct_variants.toml") if m.admits(course))]
    buggy = [m for m in load_mutants(catalogue_path()) if m.admits(course)]
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


def make_all_parts_class(folder: Path, count: int) -> dict[str, str]:
    """`count` submissions of a course grading every part (this process's material is switched
    to one built on the spot, `demo.all_parts_material`): each does every part, the reference
    in every one but one, which has a bug from its catalogue (one in three: none)."""
    from autograder.catalogue.mutants import load_catalogue, materialise
    from autograder.course import current
    from autograder.demo import all_parts_material

    os.environ["AUTOGRADER_MATERIAL"] = str(all_parts_material(folder.parent / "material"))
    course = current()
    buggy = [m for m in load_catalogue() if m.admits(course)]
    kinds = {}
    for index in range(count):
        mutant = None if index % 3 == 0 else buggy[(index - index // 3 - 1) % len(buggy)]
        name = f"student{index:04d}"
        materialise(mutant, folder / name)
        kinds[name] = "bug: " + mutant.id if mutant else "correct: reference"
    return kinds


def all_parts_batch(work: Path, count: int, workers: int) -> tuple[float, dict[str, str]]:
    """Wall seconds of `autograder grade CLASS --out DIR` on a class of every part (warm cache)."""
    kinds = make_all_parts_class(work / "class", count)
    env = dict(environment(), AUTOGRADER_MATERIAL=os.environ["AUTOGRADER_MATERIAL"])
    first = sorted(kinds)[0]
    subprocess.run(grade_command(work / "class" / first, work / "warm", 1), check=True, env=env,
                   stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    completed = subprocess.run(grade_command(work / "class", work / "out", workers), env=env,
                               capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    graded = len(list((work / "out").glob("*/results.json")))
    if completed.returncode != 0 or graded != count:
        raise RuntimeError(f"the class of every part: {graded} of {count} graded\n{completed.stdout}{completed.stderr}")
    return seconds, kinds


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


def nbgrader_seconds(work: Path, folder: Path, names: list[str]) -> tuple[float | None, str]:
    """Wall seconds of the nbgrader course's autograde of `names`, or (None, why not).

    The course of `autograder.nbgrader_course`: `init_course`, the release generated by
    nbgrader (untimed), every student's submission laid out as `nbgrader collect` does
    (the release folder with the student's three modules), then `autograde` (our engine
    per student, then `nbgrader autograde` filling the grade cells), timed.
    """
    if importlib.util.find_spec("nbgrader") is None:
        return None, "nbgrader is not installed"
    try:
        from autograder.nbgrader_course.course import ASSIGNMENT, init_course
        from autograder.nbgrader_course.workflow import autograde, release
    except ImportError as exc:
        return None, f"the nbgrader course module is not usable here ({exc})"
    from autograder.parts import graded_files

    GRADED_FILES = graded_files()

    course = work / "course"
    init_course(course)
    release(course, ASSIGNMENT, zip_path=work / "release.zip")
    released = course / "release" / ASSIGNMENT
    for name in names:
        target = course / "submitted" / name / ASSIGNMENT
        shutil.copytree(released, target)
        for relative in GRADED_FILES:
            shutil.copyfile(folder / name / relative, target / relative)
    start = time.perf_counter()
    autograde(course, ASSIGNMENT, echo=lambda line: None)
    return time.perf_counter() - start, ""


def print_diagnosis_cost(diagnosis: dict[str, dict], kinds: dict[str, str]) -> None:
    """The grader time spent naming mistakes (grading.diagnosis), from each results.json."""
    functions = sum(d["functions"] for d in diagnosis.values())
    seconds = sum(d["seconds"] for d in diagnosis.values())
    correct = [d for name, d in diagnosis.items() if kinds[name].startswith("correct")]
    buggy = [d["seconds"] for name, d in diagnosis.items() if kinds[name].startswith("bug")]
    per_function = [d["seconds"] / d["functions"] for d in diagnosis.values() if d["functions"]]
    print(f"diagnosis (matching the bug catalogue): {functions} failing functions diagnosed, "
          f"{1e3 * seconds / max(functions, 1):.1f} ms per failing function on average "
          f"(median {1e3 * statistics.median(per_function or [0]):.1f} ms, max {1e3 * max(per_function or [0]):.1f} ms); "
          f"{1e3 * statistics.fmean(buggy or [0]):.1f} ms per buggy submission; correct submissions: "
          f"{sum(d['functions'] for d in correct)} functions diagnosed, {1e3 * sum(d['seconds'] for d in correct):.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 submissions, no verdict (smoke test)")
    parser.add_argument("--submissions", type=int, default=None, help="class size (default 200)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--nbgrader", action="store_true", help="with --quick: run the nbgrader part too (1 student)")
    parser.add_argument("--all-parts", type=int, default=None, metavar="N",
                        help="size of the class of every part (default 100; 3 with --quick)")
    args = parser.parse_args()
    count = args.submissions or (4 if args.quick else 200)
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
        documents = {path.parent.name: json.loads(path.read_text()) for path in (tmp / "out").glob("*/results.json")}
        inside = {name: document["execution_time"] for name, document in documents.items()}
        diagnosis = {name: document["extra_data"].get("timings", {}).get("diagnosis", {"seconds": 0.0, "functions": 0})
                     for name, document in documents.items()}
        graded = len(inside)
        if graded != count:
            print(f"only {graded} of {count} submissions were graded")
            return 2
        nb_names = names[:NBGRADER_STUDENTS]
        if args.quick and not args.nbgrader:
            nbgrader, why_not = None, "not in --quick mode unless --nbgrader: its release alone takes seconds"
        else:
            nb_names = names[:NBGRADER_QUICK] if args.quick else nb_names
            nbgrader, why_not = nbgrader_seconds(tmp / "nbgrader", tmp / "class", nb_names)
        all_count = args.all_parts or (3 if args.quick else 100)
        all_seconds, all_kinds = all_parts_batch(tmp / "all-parts", all_count, workers)
        floor += numpy_import(2)

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
    print_diagnosis_cost(diagnosis, kinds)
    if nbgrader is None:
        print(f"nbgrader autograde: skipped ({why_not})")
    else:
        per_nb = nbgrader / len(nb_names)
        speedup = per_nb / per_submission
        nbgrader_met = speedup >= NBGRADER_TARGET
        print(f"nbgrader autograde (course of autograder.nbgrader_course, the first {len(nb_names)} "
              f"submissions): {nbgrader:.1f} s wall, {per_nb:.3f} s per submission; "
              f"autograder is {speedup:.1f}x faster per submission "
              f"(target >= {NBGRADER_TARGET:g}x: {'met' if nbgrader_met else 'NOT met'})")
    all_ratio = all_seconds / all_count / median_floor
    all_met = all_ratio <= ALL_PARTS_TARGET
    n_all_correct = sum(kind.startswith("correct") for kind in all_kinds.values())
    print(f"every part (kNN, linear classifiers, two-layer net): {all_count} submissions "
          f"({n_all_correct} correct, {all_count - n_all_correct} with one bug), {all_seconds:.1f} s wall, "
          f"{all_seconds / all_count:.3f} s per submission; ratio per submission / numpy import: "
          f"{all_ratio:.2f}x (target <= {ALL_PARTS_TARGET:g}x: {'met' if all_met else 'NOT met'})")
    if args.quick:
        return 0
    return 0 if ratio <= TARGET and all_met and (nbgrader is None or nbgrader_met) else 1


if __name__ == "__main__":
    sys.exit(main())
