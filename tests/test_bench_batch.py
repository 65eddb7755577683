"""bench/bench_batch.py still runs (at a tiny size; timings are never asserted here)."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench_batch.py"


def test_bench_batch_runs_quick():
    completed = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True, text=True,
                               check=False, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    for expected in ("class: 4 submissions", "numpy import floor", "per submission", "throughput",
                     "ratio per submission / numpy import", "nbgrader autograde", "every part (kNN"):
        assert expected in completed.stdout, completed.stdout
