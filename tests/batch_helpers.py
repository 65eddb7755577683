"""A small class of submissions, graded once per test session, for the batch tests.

`graded_class` builds the class (correct, buggy, stub, flat, empty submissions) and
grades it with an uninterrupted `autograder grade CLASS --out OUT` run. Every batch
test file imports it; a file lock in the folder shared by the xdist workers makes the
class graded once per session, whichever worker asks first.
"""

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.catalogue.mutants import catalogue_path, load_mutants, materialise
from autograder.paths import assignment_dir
from autograder.report.results import deterministic_view

TESTS = Path(__file__).resolve().parent
AUTOGRADER = [sys.executable, "-m", "autograder.cli"]
MUTANTS = {"carol": "svm_naive_gradient_not_averaged", "dave": "softmax_vec_gradient_p_not_p_minus_y",
           "erin": "predict_argmin"}
VARIANT = {"frank": "softmax_vec_one_hot_eye"}


@dataclass(frozen=True)
class GradedClass:
    folder: Path
    """The class folder: one subfolder per submission."""
    out: Path
    """The uninterrupted batch's output folder."""
    names: tuple[str, ...]
    snapshot: dict
    """Every file and folder of the class before grading (see `snapshot`)."""


def snapshot(folder: Path) -> dict:
    """Paths, kinds, contents and modification times: equal before and after means untouched."""
    state = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        state[str(path.relative_to(folder))] = (digest, info.st_mtime_ns, info.st_mode)
    return state


def build_class(folder: Path) -> Path:
    folder.mkdir(parents=True)
    materialise(None, folder / "alice")
    shutil.copytree(assignment_dir() / "cs231n", folder / "bob" / "cs231n",
                    ignore=shutil.ignore_patterns("__pycache__"))
    mutants = {m.id: m for m in load_mutants(catalogue_path())}
    for name, mutant_id in MUTANTS.items():
        materialise(mutants[mutant_id], folder / name)
    variants = {m.id: m for m in load_mutants(TESTS / "corpus" / "correct_variants.toml")}
    for name, variant_id in VARIANT.items():
        materialise(variants[variant_id], folder / name)
    flat = folder / "grace"  # files uploaded loose, as on Gradescope
    reference = materialise(None, folder.parent / "grace-tmp")
    flat.mkdir()
    for path in (reference / "cs231n" / "classifiers").glob("*.py"):
        if path.name != "__init__.py":
            shutil.copyfile(path, flat / path.name)
    shutil.rmtree(reference)
    (folder / "heidi").mkdir()  # submitted nothing
    (folder / "heidi" / "notes.txt").write_text("I ran out of time.\n")
    (folder / "__MACOSX").mkdir()  # archive litter: never a submission
    (folder / ".hidden").mkdir()
    return folder


def run_cli(*arguments: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*AUTOGRADER, *arguments], capture_output=True, text=True, timeout=timeout, check=False)


def shared_root(tmp_path_factory, worker_id: str) -> Path:
    root = tmp_path_factory.getbasetemp()
    return root.parent if worker_id != "master" else root


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory, worker_id) -> GradedClass:
    root = shared_root(tmp_path_factory, worker_id) / "batch-class"
    root.mkdir(exist_ok=True)
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder, out, state = root / "class", root / "out", root / "snapshot.json"
        if not state.exists():
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            build_class(folder)
            before = snapshot(folder)
            completed = run_cli("grade", str(folder), "--out", str(out), "--workers", "2")
            assert completed.returncode == 0, completed.stdout + completed.stderr
            state.write_text(json.dumps(before))
    before = {k: tuple(v) for k, v in json.loads(state.read_text()).items()}
    names = tuple(sorted(p.name for p in folder.iterdir() if not p.name.startswith((".", "__"))))
    return GradedClass(folder, out, names, before)


def deterministic_results(out: Path, names) -> dict[str, dict]:
    return {name: deterministic_view(json.loads((out / name / "results.json").read_text())) for name in names}


def assert_same_outcome(out: Path, expected: GradedClass) -> None:
    """Same results (timings aside), same grades.csv, same report as the uninterrupted run."""
    assert deterministic_results(out, expected.names) == deterministic_results(expected.out, expected.names)
    for name in ("grades.csv", "report.html", "histogram.png"):
        assert (out / name).read_bytes() == (expected.out / name).read_bytes(), name
    leftovers = [p for p in out.rglob(".*.tmp")]
    assert not leftovers, leftovers


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env
