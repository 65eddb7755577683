"""What a one-off `autograder grade` does not pay for any more, and that it still gets right.

The command launches the zygote before it reads its arguments, a single grade starts no
standby child, the ladders and the CS231n-size references are read from the cache only
when needed, the CS231n-size problem is mapped from a kept file, and the process skips
the interpreter's clean-up once its exit handlers ran. Each is checked here for what a
user could notice: the same numbers, the same exit codes, nothing left behind.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.catalogue.mutants import materialise
from autograder.grading import example_cache
from autograder.parts.linear_classifiers import dev_reference
from autograder.parts.linear_classifiers.cases import DEV_SHAPE, cs231n_dev_case
from autograder.parts.linear_classifiers.reference import loss_function
from autograder.parts.linear_classifiers.requests import of
from autograder.parts.linear_classifiers.shared import dev_arrays, kept_dev_arrays
from autograder.sandbox import process

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], cache: Path, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, AUTOGRADER_CACHE_DIR=str(cache))
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True,
                          env=env, timeout=600, **kwargs)


def _private_cache(tmp_path: Path) -> Path:
    """A cache folder of this test's own (a copy of the shared one, so nothing is drawn again):
    the zygotes launched for it name it on their command line."""
    cache = tmp_path / "cache"
    shutil.copytree(os.environ["AUTOGRADER_CACHE_DIR"], cache, dirs_exist_ok=True)
    return cache


def _zygotes_of(cache: Path) -> list[int]:
    """The running zygotes launched for `cache` (other tests' zygotes name other folders)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                command = Path(f"/proc/{entry.name}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(part.endswith(b"zygote.py") for part in command) and str(cache).encode() in command:
                found.append(int(entry.name))
    return found


# --------------------------------------------------------------------------- the command

def test_grade_from_the_entry_point_writes_results_and_exits_with_its_code(tmp_path):
    cache = _private_cache(tmp_path)
    folder = materialise(None, tmp_path / "reference")
    done = _run(["grade", str(folder), "--quiet", "--results", str(tmp_path / "results.json")], cache)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "reference: 100 / 100\n"
    assert '"score": 100.0' in (tmp_path / "results.json").read_text()
    missing = _run(["grade", str(tmp_path / "nowhere"), "--quiet"], cache)
    assert missing.returncode == 1 and "no such folder" in missing.stderr
    usage = _run(["grade", "--no-such-option"], cache)
    assert usage.returncode == 2 and "No such option" in usage.stderr
    assert not _zygotes_of(cache), "a zygote launched by the command outlived it"


def test_a_batch_given_to_grade_ends_the_zygote_launched_early(tmp_path):
    cache = _private_cache(tmp_path)
    classroom = tmp_path / "class"
    materialise(None, classroom / "alice")
    done = _run(["grade", str(classroom), "--out", str(tmp_path / "out"), "--workers", "1"], cache)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "alice" / "results.json").is_file()
    assert not _zygotes_of(cache)


def test_only_a_second_child_gets_a_standby(monkeypatch):
    monkeypatch.setattr(process, "_acquired", set())
    process.release_standby()
    limits = process.Limits(call_seconds=7.0)
    first = process.acquire(limits)
    try:
        assert not process._standby, "a single grade started a standby it never uses"
        second = process.acquire(limits)
        second.discard()
        assert process._standby, "a process that grades again keeps a standby ready"
    finally:
        first.discard()
        process.release_standby()


# --------------------------------------------------------------------------- the caches

def test_the_ladders_are_read_only_when_a_property_fails(tmp_path):
    """A new process with a full cache reads the examples only; a failing property then reads
    its ladder, which is the one a process without a cache draws."""
    cache = tmp_path / "cache"
    probe = (
        "from autograder.grading import engine\n"
        "from autograder.grading.properties import for_function\n"
        "from autograder.grading.properties.base import EXAMPLES, case_key\n"
        "engine.warm_up()\n"
        "print(sum(key[1].startswith('ladder/') for key in EXAMPLES))\n"
        "ladder = for_function('svm_loss_naive')['matches_reference'].ladder('svm_loss_naive')\n"
        "print(len(ladder), sum(map(len, map(case_key, ladder))))\n")

    def run() -> list[str]:
        env = dict(os.environ, AUTOGRADER_CACHE_DIR=str(cache))
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout.split("\n")

    drawn = run()
    assert sorted(p.name.split("-")[0] for p in cache.glob("*.bin")) == ["examples", "ladders"]
    cached = run()
    assert int(drawn[0]) > 0 and cached[0] == "0"
    assert drawn[1] == cached[1]


def test_an_unreadable_cache_file_is_dropped_and_drawn_again(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CACHE_DIR", str(tmp_path))
    path = example_cache.cache_path("ladders")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00\x00\x00\x05nope!")
    assert example_cache.load("ladders") == {}
    assert not path.exists()
    assert example_cache.load("examples") == {}  # missing: nothing to drop


def test_the_dev_size_references_are_kept_and_are_the_reference_s_answers(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(dev_reference, "_ANSWERS", {})
    monkeypatch.setattr(dev_reference, "_READ", set())
    case = cs231n_dev_case(reg=1e3)
    W, X, y = dev_arrays(case["seed"])
    expected_loss, expected_dW = loss_function("svm")(W, X, y, case["reg"])
    loss, dW = dev_reference.answer("svm", case["seed"], case["reg"])
    assert loss == pytest.approx(expected_loss, rel=1e-12) and np.allclose(dW, expected_dW, rtol=1e-12)
    assert dW.shape == (DEV_SHAPE["D"], DEV_SHAPE["C"]) and not dW.flags.writeable
    kept = dev_reference.cache_path(dev_reference.cache_key())
    assert kept.is_file()

    monkeypatch.setattr(dev_reference, "_ANSWERS", {})  # a new process: read from the file
    monkeypatch.setattr(dev_reference, "_READ", set())
    again = dev_reference.answer("svm", case["seed"], case["reg"])
    assert again[0] == loss and np.array_equal(again[1], dW)

    kept.write_bytes(b"garbage")
    monkeypatch.setattr(dev_reference, "_ANSWERS", {})
    monkeypatch.setattr(dev_reference, "_READ", set())
    recomputed = dev_reference.answer("svm", case["seed"], case["reg"])
    assert recomputed[0] == loss and np.array_equal(recomputed[1], dW)


def test_the_kept_dev_problem_is_the_made_one_and_read_only(tmp_path):
    made = dev_arrays(5)
    first = kept_dev_arrays(5, str(tmp_path))  # made, and kept
    files = list(tmp_path.glob("dev-problem-5-*.npy"))
    assert len(files) == 1 and not list(tmp_path.glob("*.tmp"))
    mapped = kept_dev_arrays(5, str(tmp_path))  # mapped from the file
    for arrays in (first, mapped):
        for got, want in zip(arrays, made, strict=True):
            assert got.dtype == want.dtype and got.shape == want.shape and np.array_equal(got, want)
    assert isinstance(mapped[1], np.memmap) or isinstance(mapped[1].base, np.memmap)
    with pytest.raises(ValueError):
        mapped[1][0, 0] = 1.0

    files[0].write_bytes(files[0].read_bytes()[:1000])  # truncated: made again and replaced
    again = kept_dev_arrays(5, str(tmp_path))
    assert np.array_equal(again[1], made[1])
    assert np.array_equal(kept_dev_arrays(5, str(tmp_path))[1], made[1])


def test_the_dev_problem_is_made_when_its_folder_cannot_be_written(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    W, X, y = kept_dev_arrays(3, str(blocked))
    assert np.array_equal(X, dev_arrays(3)[1])


def test_code_that_changes_the_cs231n_size_X_in_place_gets_a_fresh_one_each_call(tmp_path):
    """The child hands the kept problem's X over copy on write: a change in place stays in
    that call, as it did when X was copied."""
    from conftest import REFERENCE_FILES, submission_with

    from autograder.grading.session import Session

    svm = REFERENCE_FILES["linear_svm.py"] + (
        "\n\n_vectorized = svm_loss_vectorized\n\n\n"
        "def svm_loss_vectorized(W, X, y, reg):\n"
        "    X *= 2.0\n"
        "    W[0, 0] += 1.0\n"
        "    return _vectorized(W, X, y, reg)\n")
    case = cs231n_dev_case(reg=5e-6)
    W, X, y = dev_arrays(case["seed"])
    W = W.copy()
    W[0, 0] += 1.0
    expected_loss = loss_function("svm")(W, 2.0 * X, y, case["reg"])[0]
    with Session(submission_with(tmp_path, "in_place", linear_svm=svm), process.Limits()) as session:
        answers = [of(session).call_stored("svm_loss_vectorized", case) for _ in range(3)]
        of(session).time_at_scale("svm_loss_vectorized", case, repeats=1)
        answers.append(of(session).call_stored("svm_loss_vectorized", case))
    losses = [float(answer["loss"]) for answer in answers]
    assert all(answer["ok"] for answer in answers)
    assert losses == [losses[0]] * 4 and losses[0] == pytest.approx(expected_loss, rel=1e-12)


def test_fill_cache_makes_everything_a_grading_reads_from_the_cache(tmp_path):
    """What Gradescope's setup.sh runs once in the image: afterwards a grading makes nothing."""
    env = dict(os.environ, AUTOGRADER_CACHE_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", "from autograder.grading.engine import fill_cache; fill_cache()"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    kinds = sorted(path.name.split("-")[0] + ("-" + path.name.split("-")[1] if path.name.startswith("dev") else "")
                   for path in tmp_path.iterdir())
    assert kinds == ["dev-problem", "dev-references", "examples", "ladders"], kinds
    before = {path.name: path.stat().st_mtime_ns for path in tmp_path.iterdir()}
    folder = materialise(None, tmp_path / "reference")
    graded = _run(["grade", str(folder), "--quiet", "--results", str(tmp_path / "results.json")], tmp_path)
    assert graded.returncode == 0 and graded.stdout.endswith("100 / 100\n"), graded.stderr
    after = {path.name: path.stat().st_mtime_ns for path in tmp_path.iterdir() if path.suffix in (".bin", ".npy")}
    assert after == before
