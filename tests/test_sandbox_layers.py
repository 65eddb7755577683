"""The sandbox's layers: detected, used where offered, skipped ones reported; `autograder doctor`.

The attack suite (test_sandbox_attacks.py) shows what the layers stop; these tests
check the bookkeeping: every layer this machine offers is in use in a real child,
switching layers off is reported, and a child's own view of the world (probed from
inside) is as small as the layers promise.
"""

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.sandbox import layers, process
from autograder.sandbox.doctor import doctor_command


@pytest.fixture
def child(tmp_path):
    work = tmp_path / "scratch" / "work"
    work.mkdir(parents=True)
    proc = process.ChildProcess()
    proc.start()
    proc.setup(work)
    yield proc, work
    proc.discard()


def test_every_layer_this_machine_offers_is_in_use(child):
    proc, _ = child
    offered = layers.detect()
    for name in layers.OPTIONAL:
        if offered[name] is None:
            assert proc.layers.get(name, "").startswith("in use"), f"{name}: {proc.layers.get(name)}"
    status = process.sandbox_status()
    for name in layers.ALWAYS:
        assert status[name] == "in use"
    for name in layers.OPTIONAL:
        assert status[name].startswith("in use" if offered[name] is None else "skipped"), (name, status[name])


def test_inside_the_child_only_its_scratch_folder_is_reachable(child, tmp_path):
    proc, work = child
    import autograder

    package = Path(autograder.__file__).resolve().parent
    outside = tmp_path / "outside.txt"
    outside.write_text("grader's")
    answer = proc.request({"op": "probe", "grader_pid": os.getpid(),
                           "read": [str(package / "parts" / "linear_classifiers" / "rubric.toml"), str(outside)],
                           "write": [str(outside), str(work / "mine.txt")]})
    blocked = answer["blocked"]
    assert not blocked[f"write {work / 'mine.txt'}"], "the child must be able to write in its scratch folder"
    status = proc.layers
    # With the mount layer the child writes in its own in-memory copy of the scratch folder.
    assert (work / "mine.txt").exists() != status.get("mount", "").startswith("in use")
    assert outside.read_text() == "grader's"
    if any(status.get(n, "").startswith("in use") for n in ("mount", "landlock")):
        assert blocked[f"read {package / 'parts' / 'linear_classifiers' / 'rubric.toml'}"]
        assert blocked[f"read {outside}"] and blocked[f"write {outside}"]
    if any(status.get(n, "").startswith("in use") for n in ("uid", "landlock")):
        assert blocked["signal the grader"]
    if status.get("seccomp", "").startswith("in use"):
        assert blocked["fork"]
    if any(status.get(n, "").startswith("in use") for n in ("network", "seccomp")):
        assert blocked["tcp"] and blocked["udp"]
    if status.get("uid", "").startswith("in use"):
        assert answer["uid"] >= layers.UID_BASE


def test_the_child_cannot_import_the_grader(child):
    proc, work = child
    classifiers = work / "cs231n" / "classifiers"
    classifiers.mkdir(parents=True)
    (work / "cs231n" / "__init__.py").touch()
    (classifiers / "__init__.py").touch()
    (classifiers / "linear_svm.py").write_text(
        "import sys\nimport autograder.grading.rubric\n")
    answer = proc.request({"op": "load", "file": "cs231n/classifiers/linear_svm.py"})
    assert not answer["ok"]
    assert "ModuleNotFoundError" in answer["error"] or "PermissionError" in answer["error"]


def test_switched_off_layers_are_reported_as_skipped(monkeypatch, tmp_path):
    monkeypatch.setenv(process.DISABLE_VARIABLE, "landlock,seccomp")
    status = process.sandbox_status()
    assert status["landlock"].startswith("skipped") and "switched off" in status["landlock"]
    assert status["seccomp"].startswith("skipped")
    work = tmp_path / "work"
    work.mkdir()
    proc = process.ChildProcess()
    try:
        proc.start()
        proc.setup(work)
        assert "landlock" not in proc.layers and "seccomp" not in proc.layers
        assert proc.request({"op": "ping"}) == {"ok": True}
    finally:
        proc.discard()


def test_every_layer_off_is_the_laptop_fallback(monkeypatch, tmp_path):
    monkeypatch.setenv(process.DISABLE_VARIABLE, "all")
    plan = process.sandbox_plan()
    assert not any(plan[name] for name in layers.OPTIONAL)
    work = tmp_path / "work"
    work.mkdir()
    proc = process.ChildProcess()
    try:
        proc.start()
        proc.setup(work)
        assert proc.layers == {}
        assert proc.slot is None and proc.group is None
    finally:
        proc.discard()


def test_doctor_lists_layers_and_checks_a_live_child():
    result = CliRunner().invoke(doctor_command, ["--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["status"]) == set(layers.ALWAYS) | set(layers.OPTIONAL)
    assert set(data["offered"]) == set(layers.OPTIONAL)
    live = data["live"]
    assert live["blocked"]["write inside its own scratch folder (must work)"]
    offered = data["offered"]
    if offered["landlock"] is None or offered["mount"] is None:
        assert all(v for k, v in live["blocked"].items() if k.startswith(("read", "write")))
    if offered["seccomp"] is None:
        assert live["blocked"]["fork"]
    if process.start_mode().startswith("forked"):
        assert live["blocked"]["signal the zygote it was forked from"]
    text = CliRunner().invoke(doctor_command, ["--no-live"]).output
    for name in (*layers.ALWAYS, *layers.OPTIONAL):
        assert name in text


def test_read_only_paths_hold_the_interpreter_but_not_the_grader():
    import autograder

    paths = layers.read_only_paths()
    assert any(layers._inside(os.path.realpath(os.__file__), p) for p in paths)
    package = str(Path(autograder.__file__).resolve().parent)
    project = str(Path(package).parent)
    if not any(layers._inside(project, root) for root in layers.interpreter_roots()):
        assert not any(layers._inside(package, p) for p in paths)


def test_the_grader_reads_the_childs_cpu_time_itself(child):
    proc, _ = child
    before = proc.cpu_seconds()
    proc.request({"op": "linear_classifiers.store", "seed": 5})
    after = proc.cpu_seconds()
    assert before is not None and after is not None and after >= before


def test_bench_sandbox_quick():
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "bench" / "bench_sandbox.py"
    out = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "cpu ratio layers/off" in out.stdout
