#!/usr/bin/env python
"""Benchmark: `autograder similarity CLASS --out DIR` on a synthetic class, against the time it
takes just to read the same files, measured side by side in one run.

- the class: N submission folders (default 1,000), generated deterministically: each
  starts from the reference, a correct variant of tests/corpus/correct_variants.toml or
  a mutant of the bug catalogue (cycling), and gets one disguise of
  tests/similarity_disguises.py (renamed variables, reformatting, changed comments,
  dead statements, reordered lines, all of them at once; every seventh is left as is),
  seeded by its number. Every submission then shares most of its code with hundreds
  of others: the worst case for an index (the most pairs share each fingerprint);
- the floor: reading the graded files of every submission (3 per submission), best of
  3 passes after the command ran (the files are in the page cache, as for the command);
- the command: the whole `autograder similarity` as an instructor types it (start-up,
  discovery, tokenizing, fingerprints, index, every pair scored, similarity.csv with
  one row per pair, similarity.html).

Prints both times and their ratio; the target is the whole command in under 60 s for
1,000 submissions on 2 cores. Exits 1 when it is missed (never with --quick, a smoke
test at tiny size).

    python bench/bench_similarity.py                # 1,000 submissions
    python bench/bench_similarity.py --quick        # 20 submissions, no verdict
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
TARGET_SECONDS = 60.0
TARGET_SUBMISSIONS = 1000


def make_class(folder: Path, count: int) -> None:
    """`count` disguised submissions in `folder` (see the module docstring)."""
    import similarity_disguises as disguises

    from autograder.catalogue.mutants import apply_mutant, catalogue_path, load_mutants
    from autograder.course import current
    from autograder.parts import graded_files
    from autograder.paths import solutions_dir

    GRADED_FILES = graded_files()

    reference = {relative: (solutions_dir() / relative).read_text(encoding="utf-8") for relative in GRADED_FILES}
    entries = [*load_mutants(ROOT / "tests" / "corpus" / "correct_variants.toml"), *load_mutants(catalogue_path())]
    origins = [None, *(m for m in entries if m.admits(current()))]  # those written for the course
    hows = [*disguises.DISGUISES.values(), disguises.combined, None]
    for index in range(count):
        mutant = origins[index % len(origins)]
        texts = dict(reference)
        if mutant is not None:
            texts[mutant.file] = apply_mutant(texts[mutant.file], mutant)
        how = hows[index % len(hows)]
        if how is not None:
            rng = random.Random(index)
            texts = {relative: how(text, rng) for relative, text in texts.items()}
        for relative, text in texts.items():
            target = folder / f"student{index:04d}" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


def read_everything(folder: Path) -> float:
    """Seconds to read every graded file of every submission once."""
    from autograder.parts import graded_files

    GRADED_FILES = graded_files()

    start = time.perf_counter()
    total = 0
    for submission in sorted(folder.iterdir()):
        for relative in GRADED_FILES:
            total += len((submission / relative).read_bytes())
    assert total > 0
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 submissions, no verdict (smoke test)")
    parser.add_argument("--submissions", type=int, default=None, help=f"class size (default {TARGET_SUBMISSIONS})")
    args = parser.parse_args()
    count = args.submissions or (20 if args.quick else TARGET_SUBMISSIONS)
    cores = len(os.sched_getaffinity(0))

    with tempfile.TemporaryDirectory(prefix="bench-similarity-") as tmp:
        tmp = Path(tmp)
        make_class(tmp / "class", count)
        command = [sys.executable, "-m", "autograder.cli", "similarity", str(tmp / "class"), "--out", str(tmp / "out")]
        start = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if completed.returncode != 0:
            print(completed.stdout + completed.stderr)
            return 2
        floor = min(read_everything(tmp / "class") for _ in range(3))
        with open(tmp / "out" / "similarity.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        pairs = [row for row in rows if row["b"]]
        flagged = sum(row["flagged"] == "true" for row in pairs)
        html_bytes = (tmp / "out" / "similarity.html").stat().st_size

    expected_pairs = count * (count - 1) // 2
    if len(pairs) != expected_pairs:
        print(f"similarity.csv holds {len(pairs)} pairs, expected {expected_pairs}")
        return 2
    ratio = seconds / floor
    print(f"class: {count} submissions ({3 * count} graded files); {cores} cores")
    print(f"reading the files: {floor:.3f} s (best of 3)")
    print(f"autograder similarity: {seconds:.1f} s wall for {len(pairs)} pairs "
          f"({flagged} flagged, report {html_bytes // 1024} KiB)")
    print(f"ratio similarity / reading the files: {ratio:.0f}x")
    target = TARGET_SECONDS * count / TARGET_SUBMISSIONS if count != TARGET_SUBMISSIONS else TARGET_SECONDS
    met = seconds <= target
    print(f"target: {TARGET_SUBMISSIONS} submissions in under {TARGET_SECONDS:g} s"
          + (f" (scaled: {target:.1f} s for {count})" if count != TARGET_SUBMISSIONS else "")
          + f": {'met' if met else 'NOT met'}")
    if args.quick:
        return 0
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
