#!/usr/bin/env python
"""Benchmark: what the sandbox's OS layers cost when grading one correct submission.

Grades the reference solutions with a warm grader (examples cached, a standby child
started) with every layer this machine offers, and with every optional layer switched
off (`AUTOGRADER_SANDBOX_DISABLE=all`: the plain child process a laptop gets, which is
also what the grader did before the layers existed), children started with exec in
both (the zygote needs the seccomp layer, so it would be measured too). The two modes run in separate
processes, alternated, so that a busy machine hurts both alike. Prints per mode the
median wall time per submission and the CPU time per submission (grader and children),
then the ratios. The target: layers cost at most 10-20 %.

    python bench/bench_sandbox.py              # 3 alternations of 8 submissions per mode
    python bench/bench_sandbox.py --quick      # 1 alternation of 2 submissions
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(submissions: int) -> dict:
    """In this process: grade the reference `submissions` times after one warm-up."""
    from autograder.grading import grade_submission
    from autograder.paths import solutions_dir
    from autograder.sandbox import process

    folder = solutions_dir()
    grade_submission(folder)
    start_cpu, times = _cpu(), []
    for _ in range(submissions):
        start = time.perf_counter()
        report = grade_submission(folder)
        times.append(time.perf_counter() - start)
        if report.score != report.max_score:
            raise SystemExit(f"the reference scored {report.score}: the sandbox broke grading")
    process.release_standby()
    layers = {k: v for k, v in process.sandbox_status().items() if v.startswith("in use")}
    return {"wall": statistics.median(times), "cpu": (_cpu() - start_cpu) / submissions, "layers": sorted(layers)}


def run_mode(mode: str, submissions: int) -> dict:
    # Both modes start their children with exec: without the seccomp layer there is no
    # zygote, so with one mode forking and the other not, the zygote would be measured.
    env = dict(os.environ, AUTOGRADER_SANDBOX_DISABLE="all" if mode == "off" else "", AUTOGRADER_ZYGOTE="0")
    out = subprocess.run([sys.executable, __file__, "--child", str(submissions)], env=env, cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one short alternation (a smoke test)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--submissions", type=int, default=8)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    rounds, submissions = (1, 2) if args.quick else (args.rounds, args.submissions)
    results: dict[str, list[dict]] = {"layers": [], "off": []}
    for _ in range(rounds):
        for mode in ("off", "layers"):
            results[mode].append(run_mode(mode, submissions))
    summary = {}
    for mode, runs in results.items():
        summary[mode] = {"wall": statistics.median(r["wall"] for r in runs),
                         "cpu": statistics.median(r["cpu"] for r in runs)}
        print(f"{mode:>6}: {summary[mode]['wall']:.3f} s wall, {summary[mode]['cpu']:.3f} s CPU per submission"
              f"  (layers in use: {', '.join(runs[-1]['layers'])})")
    for key in ("wall", "cpu"):
        print(f"{key} ratio layers/off: {summary['layers'][key] / summary['off'][key]:.3f}")


if __name__ == "__main__":
    main()
