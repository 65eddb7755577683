"""The benchmark scripts still run (at tiny sizes; timings are never asserted here)."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_bench_reference_runs_quick():
    completed = subprocess.run(
        [sys.executable, str(BENCH / "bench_reference.py"), "--quick"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    for expected in ("GEMM floor", "svm_loss_vectorized", "softmax_loss_vectorized", "speedup"):
        assert expected in completed.stdout, completed.stdout
    assert completed.stdout.count("GEMM-floor ratio") == 2, completed.stdout


def test_grading_benchmark_runs_quick():
    """bench_grading.py measures grading against the numpy-import floor; --quick gives no verdict."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).parents[1] / "bench" / "bench_grading.py"
    done = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "x floor" in done.stdout and "per submission" in done.stdout


def test_bench_similarity_runs_quick():
    """bench_similarity.py compares a disguised class against reading its files; --quick gives no verdict."""
    completed = subprocess.run([sys.executable, str(BENCH / "bench_similarity.py"), "--quick"],
                               capture_output=True, text=True, check=False, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    for expected in ("class: 20 submissions", "reading the files", "autograder similarity", "190 pairs",
                     "ratio similarity / reading the files", "target: 1000 submissions in under 60 s"):
        assert expected in completed.stdout, completed.stdout
