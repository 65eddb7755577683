"""Children forked from the zygote: same results as exec'd ones, nothing inherited, and
the grader carries on when the zygote is gone."""

import json
import os
import signal
import subprocess
import sys

import pytest
from conftest import REFERENCE_FILES, submission_with

from autograder.catalogue.mutants import catalogue_path, load_mutants, materialise
from autograder.grading import grade_submission
from autograder.report.results import deterministic_view, dumps
from autograder.sandbox import process

needs_zygote = pytest.mark.skipif(
    process.start_mode().startswith("exec"), reason=f"children are not forked here: {process.start_mode()}")


@needs_zygote
def test_children_are_forked_from_the_zygote(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    child = process.ChildProcess()
    try:
        child.start()
        assert isinstance(child.proc, process._ForkedChild)
        assert os.waitpid(child.proc.pid, os.WNOHANG) == (0, 0)  # our own child: the zygote is not its parent
        child.setup(work)
        assert child.request({"op": "ping"}) == {"ok": True}
    finally:
        child.discard()
    assert child.proc.returncode is not None  # reaped by us


@needs_zygote
def test_forked_and_execd_children_grade_alike(tmp_path):
    """The same submission (failing, printing, warning) in a zygote grader and an exec grader."""
    mutants = {m.id: m for m in load_mutants(catalogue_path())}
    folder = materialise(mutants["softmax_vec_no_max_shift"], tmp_path / "noisy")
    path = folder / "cs231n/classifiers/linear_svm.py"
    path.write_text(path.read_text() + "\nprint('imported linear_svm')\n")
    views = []
    for mode in ("1", "0"):
        out = tmp_path / f"results-{mode}.json"
        done = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(folder), "--results", str(out),
                               "--quiet"], capture_output=True, text=True, timeout=300,
                              env={**os.environ, process.ZYGOTE_VARIABLE: mode})
        assert done.returncode == 0, done.stderr
        views.append(dumps(deterministic_view(json.loads(out.read_text()))))
    assert views[0] == views[1]
    assert "imported linear_svm" in json.loads(views[0])["output"]


@needs_zygote
def test_a_forked_child_holds_only_its_own_descriptors(tmp_path):
    """Not the zygote's socket (which could ask for unsandboxed children), nor another child's
    pipes: its standard streams, its two pipes and, read-only, the kept CS231n-size problem."""
    probe = REFERENCE_FILES["linear_svm.py"] + (
        "\nimport os as _os\nimport stat as _stat\n_open = []\nfor _fd in range(64):\n    try:\n"
        "        _mode = _os.fstat(_fd).st_mode\n    except OSError:\n        continue\n"
        "    _kind = 'fifo' if _stat.S_ISFIFO(_mode) else 'file' if _stat.S_ISREG(_mode) else 'other'\n"
        "    _access = _os.O_ACCMODE & __import__('fcntl').fcntl(_fd, __import__('fcntl').F_GETFL)\n"
        "    _open.append(f'{_fd}:{_kind}:{\"r\" if _access == _os.O_RDONLY else \"w\"}')\n"
        "print('open descriptors:', ' '.join(_open[3:]))\n")
    folder = submission_with(tmp_path, "fds", linear_svm=probe)
    keep = process.acquire()  # another child alive at the same time (the standby is one more)
    try:
        report = grade_submission(folder, functions=("svm_loss_naive",))
    finally:
        keep.discard()
    line = next(text for text in report.output.splitlines() if text.startswith("open descriptors:"))
    kinds = sorted(entry.split(":", 1)[1] for entry in line.split(":", 1)[1].split())
    assert kinds == ["fifo:r", "fifo:w", "file:r"], report.output  # two pipes, the kept problem


@needs_zygote
def test_grading_goes_on_when_the_zygote_dies(reference_submission):
    process.release_standby()  # no standby child forked by an earlier zygote
    zygote = process.zygote_for(process.sandbox_plan())
    os.kill(zygote.proc.pid, signal.SIGKILL)
    zygote.proc.wait(timeout=10)
    report = grade_submission(reference_submission, functions=("svm_loss_naive",))
    assert report.score == report.max_score
    assert process.zygote_for(process.sandbox_plan()) is not zygote
