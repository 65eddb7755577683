"""A student's first hour, on a fresh Python: only the release's requirements.txt, then the autograder.

One fresh virtual environment (`python -m venv`), packages from the package
registry (pip's cache makes it fast), nothing else from the network:

1. `pip install -r requirements.txt` of the release, then plain `pytest` in a
   copy of the release holding the reference solutions: every public check
   passes, none is skipped; the notebooks' imports work.
2. `pip install -e` this checkout, then `autograder check` works (pytest is a
   dependency of the package) and warns about a graded file importing tqdm,
   naming the file and the line.

One test function, so that the environment is built once (and in one xdist worker).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from autograder.paths import assignment_dir, material_root, solutions_dir

CACHES = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".ipynb_checkpoints", "*.pyc")
PIP_TIMEOUT = 1200  # seconds: a cold pip cache on a slow line
SVM = "cs231n/classifiers/linear_svm.py"


def clean_env() -> dict:
    """This process's environment without what ties a child to the test's own Python."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER",
            "PYTEST_XDIST_WORKER_COUNT", "PYTEST_CURRENT_TEST", "TOX_ENV_DIR", "TOX_ENV_NAME")
    return {k: v for k, v in os.environ.items() if k not in drop}


def run(args: list, cwd: Path, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def pip_install(python: Path, cwd: Path, env: dict, *args: str) -> float:
    started = time.perf_counter()
    done = run([python, "-m", "pip", "install", "--quiet", "--no-compile", "--disable-pip-version-check", *args],
               cwd, env, timeout=PIP_TIMEOUT)
    assert done.returncode == 0, f"pip install {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return time.perf_counter() - started


def release_with_reference(target: Path) -> Path:
    shutil.copytree(assignment_dir(), target, ignore=CACHES)
    shutil.rmtree(target / "cs231n")
    shutil.copytree(solutions_dir() / "cs231n", target / "cs231n", ignore=CACHES)
    return target


def test_a_fresh_python_with_the_release_requirements_then_the_autograder(tmp_path, capsys):
    env = clean_env()
    venv = tmp_path / "venv"
    made = run([sys.executable, "-m", "venv", venv], tmp_path, env)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    timings = {}

    # -- 1. only the release's requirements.txt: the public checks run and pass, nothing skipped
    release = release_with_reference(tmp_path / "release")
    timings["pip install -r requirements.txt"] = pip_install(python, release, env, "-r", "requirements.txt")
    assert run([python, "-c", "import autograder"], release, env).returncode != 0  # nothing of the grader
    checks = run([python, "-m", "pytest", "-rs"], release, env)
    assert checks.returncode == 0, checks.stdout[-4000:] + checks.stderr[-2000:]
    assert " passed" in checks.stdout and "skipped" not in checks.stdout, checks.stdout[-2000:]
    # What the notebooks import beyond the release's own package.
    imports = run([python, "-c", "import matplotlib.pyplot, numpy, sklearn.linear_model, ipykernel"], release,
                  dict(env, MPLBACKEND="Agg"))
    assert imports.returncode == 0, imports.stderr

    # -- 2. the autograder itself: `autograder check` works and warns about tqdm
    timings["pip install -e ."] = pip_install(python, tmp_path, env, "-e", str(material_root()))
    clean = run(["autograder", "check", release], tmp_path, env)
    assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-3000:]
    assert "warning" not in clean.stderr
    (release / SVM).write_text("import numpy as np\nfrom tqdm import tqdm\n" + (release / SVM).read_text())
    warned = run(["autograder", "check", release], tmp_path, env)
    assert f"warning: {SVM}, line 2: `from tqdm import tqdm` imports tqdm, which the grader does not have" \
        in warned.stderr, warned.stderr
    assert warned.returncode != 0  # and the public checks fail: tqdm cannot be imported here either

    with capsys.disabled():
        print("\nfresh venv: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
