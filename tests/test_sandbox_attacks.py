"""The attack suite: hostile submissions that must fail, while the rest of each is graded normally.

Each test writes a submission folder: the reference's three graded files with one
function replaced by an attack (or with attack code at the top of a module, or with
extra files beside them), grades it with `grade_submission`, builds results.json with
`to_results`, and checks that

- the attacked function scores 0, or full marks where the attack is only a side
  effect of an otherwise correct function;
- every other function gets full marks (the reference's);
- the grader's results are its own: the score is the sum of the tests, results.json
  is under 1 MB, and nothing written by the submission replaces it;
- no hidden source, reference code or grader environment value appears in any output.

Snooping attacks turn success into a failure the test would see: when they manage to
read what they must not, they raise with what they read, which would cost them
points and put the secret in the feedback. Attacks that need a layer to be harmless
(fork bomb, kill(-1)) are skipped where that layer is missing.
"""

import ast
import base64
import hashlib
import json
import os
import socket
import textwrap
import time
from pathlib import Path

import pytest

from autograder.grading import grade_submission
from autograder.grading.rubric import load_rubric
from autograder.paths import assignment_dir, solutions_dir
from autograder.report.results import dumps, to_results, write_results
from autograder.sandbox import process
from autograder.sandbox.process import Limits

LIMITS = Limits(call_seconds=6.0)
"""Short deadlines so that hanging attacks cost seconds, not minutes."""
MAX_SCORES = {r.function: float(sum(r.points.values())) for r in load_rubric()}
FUNCTIONS = tuple(MAX_SCORES)
SECRET_NAME = "AUTOGRADER_ATTACK_SUITE_SECRET"
SECRET = "s3cr3t-" + hashlib.sha256(str(os.getpid()).encode()).hexdigest()[:24]
HIDDEN_SNIPPET = "Every property but the gate is awarded only"
"""From the hidden rubric; never in a submission or its feedback."""
REFERENCE_SNIPPET = "### BEGIN SOLUTION"
"""In every reference file; stripped from the submissions built here."""
MODULE_OF = {"svm_loss_naive": "linear_svm", "svm_loss_vectorized": "linear_svm",
             "softmax_loss_naive": "softmax", "softmax_loss_vectorized": "softmax",
             "train": "linear_classifier", "predict": "linear_classifier"}


def _reference(module: str) -> str:
    text = (solutions_dir() / "cs231n" / "classifiers" / f"{module}.py").read_text()
    return "".join(line for line in text.splitlines(keepends=True) if "### BEGIN SOLUTION" not in line
                   and "### END SOLUTION" not in line)


def build(root: Path, name: str = "student", attacks: dict[str, str] | None = None,
          header: dict[str, str] | None = None, files: dict[str, str] | None = None) -> Path:
    """A submission folder: the reference, with attacks.

    - attacks: function name -> source of a replacement `def` of that name; the
      original stays available as `_reference_<name>` (a method: a function taking self).
    - header: module -> code put at the top of that module.
    - files: relative path -> text of any other file placed in the folder.
    """
    folder = root / name
    classifiers = folder / "cs231n" / "classifiers"
    classifiers.mkdir(parents=True)
    texts = {m: _reference(m) for m in ("linear_svm", "softmax", "linear_classifier")}
    for function, source in (attacks or {}).items():
        module = MODULE_OF[function]
        tree = ast.parse(texts[module])
        lines = texts[module].splitlines(keepends=True)
        if module == "linear_classifier":
            cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "LinearClassifier")
            node = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == function)
        else:
            node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function)
        first = node.lineno - 1 if not node.decorator_list else node.decorator_list[0].lineno - 1
        lines[first] = lines[first].replace(f"def {function}(", f"def _reference_{function}(", 1)
        text = "".join(lines) + "\n\n" + textwrap.dedent(source).strip("\n") + "\n"
        if module == "linear_classifier":
            text += (f"\n_reference_{function} = LinearClassifier._reference_{function}\n"
                     f"LinearClassifier.{function} = {function}\n")
        texts[module] = text
    for module, code in (header or {}).items():
        texts[module] = textwrap.dedent(code).strip("\n") + "\n\n" + texts[module]
    for module, text in texts.items():
        (classifiers / f"{module}.py").write_text(text)
    for relative, text in (files or {}).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return folder


def fill(source: str, **values) -> str:
    """Put Python literals of values into attack source at @NAME@ (no brace escaping)."""
    for key, value in values.items():
        source = source.replace(f"@{key}@", repr(value))
    return source


@pytest.fixture(scope="module", autouse=True)
def grader_secret():
    """A secret in the grader's own environment, set before any child is started."""
    os.environ[SECRET_NAME] = SECRET
    process.release_standby()
    yield
    os.environ.pop(SECRET_NAME, None)


def grade(folder: Path, **kwargs):
    """Grade and check the invariants every attack must leave intact; (scores, results, text)."""
    report = grade_submission(folder, limits=LIMITS, **kwargs)
    results = to_results(report)
    text = dumps(results)
    assert len(text.encode()) < 1_000_000, "results.json must stay under 1 MB"
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))
    everything = text + report.output
    for secret in (SECRET, HIDDEN_SNIPPET, REFERENCE_SNIPPET):
        assert secret not in everything, f"{secret!r} leaked into the output"
    return report.by_function(), results, text


def assert_scores(scores: dict, zero=(), full=None):
    full = [f for f in FUNCTIONS if f not in zero] if full is None else full
    for function in zero:
        assert scores[function] == 0, f"{function} should score 0, got {scores[function]}"
    for function in full:
        assert scores[function] == MAX_SCORES[function], (
            f"{function} should be graded normally ({MAX_SCORES[function]}), got {scores[function]}")


def layer_in_use(name: str) -> bool:
    return process.sandbox_status().get(name, "").startswith(("in use", "available"))


@pytest.fixture
def slot_uids(monkeypatch) -> set[int]:
    """The sandbox uids of the children started during one test."""
    uids: set[int] = set()
    original = process._Slot.__init__

    def record(self):
        original(self)
        uids.add(self.uid)

    monkeypatch.setattr(process._Slot, "__init__", record)
    return uids


def live_processes_of(uids: set[int]) -> list[int]:
    """Live processes running as one of `uids`, the standby children aside."""
    standby = {c.proc.pid for c in process._standby.values() if c.proc is not None}
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) in standby:
            continue
        try:
            status = Path(f"/proc/{entry.name}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("Uid", "0").split()[0]) in uids and not fields.get("State", "").strip().startswith(("Z", "X")):
            found.append(int(entry.name))
    return found


def processes_named(comm: str) -> list[int]:
    """Live processes (zombies waiting for init to reap them aside) called `comm`."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                status = Path(f"/proc/{entry.name}/status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("Name", "").strip() == comm and not fields.get("State", "").strip().startswith(("Z", "X")):
                found.append(int(entry.name))
    return found


# ------------------------------------------------------------------ resource exhaustion

def test_infinite_loop(tmp_path):
    folder = build(tmp_path, attacks={"svm_loss_naive": """
        def svm_loss_naive(W, X, y, reg):
            while True:
                pass
    """})
    scores, results, _ = grade(folder)
    assert_scores(scores, zero=["svm_loss_naive"])
    assert "did not finish" in json.dumps(results)


def test_loop_that_ignores_sigterm_and_sigint(tmp_path):
    folder = build(tmp_path, attacks={"softmax_loss_naive": """
        def softmax_loss_naive(W, X, y, reg):
            import signal
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU):
                signal.signal(sig, signal.SIG_IGN)
            while True:
                pass
    """})
    scores, _, _ = grade(folder)
    assert_scores(scores, zero=["softmax_loss_naive"])


def test_memory_bomb(tmp_path):
    folder = build(tmp_path, attacks={"svm_loss_vectorized": """
        def svm_loss_vectorized(W, X, y, reg):
            hog = [bytearray(64 * 1024 * 1024)]
            hog.append(bytearray(1 << 40))
            return _reference_svm_loss_vectorized(W, X, y, reg)
    """})
    scores, results, _ = grade(folder)
    assert_scores(scores, zero=["svm_loss_vectorized"])
    assert "MemoryError" in json.dumps(results)


def test_fork_bomb(tmp_path, slot_uids):
    if not (layer_in_use("seccomp") or layer_in_use("cgroup") or layer_in_use("uid")):
        pytest.skip("no layer limits processes here: a fork bomb would not be contained")
    folder = build(tmp_path, attacks={"train": """
        def train(self, X, y, **kwargs):
            import os
            while True:
                os.fork()
    """})
    scores, _, _ = grade(folder)
    assert_scores(scores, zero=["train"])
    assert live_processes_of(slot_uids) == []


def test_output_flood_is_truncated(tmp_path):
    folder = build(tmp_path, attacks={"softmax_loss_naive": """
        def softmax_loss_naive(W, X, y, reg):
            import os
            import sys
            for _ in range(20):
                print("flood " * 200_000)
                sys.stderr.write("FLOOD" * 100_000)
            try:
                os.write(1, b"raw" * 3_000_000)
            except OSError:
                pass
            return _reference_softmax_loss_naive(W, X, y, reg)
    """})
    scores, results, text = grade(folder)
    assert_scores(scores)  # only a side effect: graded normally
    assert "flood" in results["output"]
    assert len(text) < 200_000


def test_deep_recursion(tmp_path):
    folder = build(tmp_path, attacks={"predict": """
        def predict(self, X):
            import sys
            sys.setrecursionlimit(10**8)

            def down(n):
                return down(n + 1) + 1

            return down(0)
    """})
    scores, _, _ = grade(folder)
    assert_scores(scores, zero=["predict"])


def test_filling_the_disk(tmp_path):
    if not layer_in_use("mount"):
        pytest.skip("without the mount layer the scratch folder is on the real disk")
    folder = build(tmp_path, attacks={"train": """
        def train(self, X, y, **kwargs):
            import os
            chunk = b"0" * (1 << 20)
            try:
                for i in range(10_000):
                    with open("fill-%d" % i, "wb") as fh:
                        for _ in range(8):
                            fh.write(chunk)
            except OSError:
                pass
            return _reference_train(self, X, y, **kwargs)
    """})
    scores, _, _ = grade(folder)
    assert_scores(scores)  # the writes stop at the scratch folder's size; train itself is fine


# ------------------------------------------------------------------ escapes

def test_sys_exit_at_import(tmp_path):
    folder = build(tmp_path, header={"softmax": """
        import sys
        sys.exit(0)
    """})
    scores, results, _ = grade(folder)
    assert_scores(scores, zero=["softmax_loss_naive", "softmax_loss_vectorized"],
                  full=["svm_loss_naive", "svm_loss_vectorized", "predict"])
    assert "sys.exit" in json.dumps(results)


def test_os_exit_in_a_call(tmp_path):
    folder = build(tmp_path, attacks={"svm_loss_vectorized": """
        def svm_loss_vectorized(W, X, y, reg):
            import os
            os._exit(0)
    """})
    scores, _, _ = grade(folder)
    assert_scores(scores, zero=["svm_loss_vectorized"])


def test_segfault_through_ctypes(tmp_path):
    folder = build(tmp_path, attacks={"softmax_loss_vectorized": """
        def softmax_loss_vectorized(W, X, y, reg):
            import ctypes
            ctypes.string_at(0)
    """})
    scores, results, _ = grade(folder)
    assert_scores(scores, zero=["softmax_loss_vectorized"])
    assert "SIGSEGV" in json.dumps(results)


def test_killing_the_grader(tmp_path):
    folder = build(tmp_path, attacks={"svm_loss_naive": fill("""
        def svm_loss_naive(W, X, y, reg):
            import os
            import signal
            for action in (lambda: os.kill(os.getppid(), signal.SIGKILL),
                           lambda: os.killpg(os.getpgid(os.getppid()), signal.SIGKILL),
                           lambda: os.kill(@PID@, signal.SIGKILL),
                           lambda: os.killpg(@PGID@, signal.SIGKILL)):
                try:
                    action()
                except Exception:
                    pass
            return _reference_svm_loss_naive(W, X, y, reg)
    """, PID=os.getpid(), PGID=os.getpgid(0))})
    scores, _, _ = grade(folder)
    assert_scores(scores)  # we are still here, and the function itself is correct


def test_killing_every_process_it_can(tmp_path):
    if not (layer_in_use("uid") or layer_in_use("landlock")):
        pytest.skip("without its own uid or Landlock, kill(-1) would reach this machine's processes")
    folder = build(tmp_path, attacks={"predict": """
        def predict(self, X):
            import os
            import signal
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
            return _reference_predict(self, X)
    """})
    scores, _, _ = grade(folder)
    assert_scores(scores)
    assert all(c.alive for c in process._standby.values())


def test_background_daemon_rewriting_results_later(tmp_path, slot_uids):
    results_path = tmp_path / "out" / "results.json"
    folder = build(tmp_path, header={"linear_svm": fill("""
        import os as _os
        import threading as _threading
        import time as _time

        def _rewrite():
            for _ in range(100):
                _time.sleep(0.05)
                try:
                    _os.makedirs(_os.path.dirname(@RESULTS@), exist_ok=True)
                    with open(@RESULTS@, "w") as fh:
                        fh.write('{"score": 1000}')
                except OSError:
                    pass

        try:
            if _os.fork() == 0:
                _os.setsid()
                if _os.fork() == 0:
                    _rewrite()
                _os._exit(0)
        except OSError:
            pass
        try:
            import subprocess as _subprocess
            _subprocess.Popen(["/bin/sh", "-c", "sleep 1; echo '{}' > " + @RESULTS@], start_new_session=True)
        except OSError:
            pass
        _threading.Thread(target=_rewrite, daemon=True).start()
    """, RESULTS=str(results_path))})
    scores, results, _ = grade(folder)
    assert_scores(scores)
    write_results(results_path, results)
    written = results_path.read_text()
    time.sleep(1.5)
    assert results_path.read_text() == written
    assert json.loads(written)["score"] == 100
    assert live_processes_of(slot_uids) == []


def test_clean_up_kills_double_forked_daemons_even_when_fork_is_allowed(tmp_path, monkeypatch, slot_uids):
    """With the no-fork layer switched off, the cgroup or uid clean-up must still end a daemon."""
    if not (layer_in_use("cgroup") or layer_in_use("uid")):
        pytest.skip("no clean-up layer beyond the process group here")
    monkeypatch.setenv(process.DISABLE_VARIABLE, "seccomp")
    name = f"agd{os.getpid() % 100000}"
    results_path = tmp_path / "out" / "results.json"
    folder = build(tmp_path, header={"softmax": fill("""
        import ctypes as _ctypes
        import os as _os
        import time as _time

        try:
            if _os.fork() == 0:
                _os.setsid()
                if _os.fork() == 0:
                    _ctypes.CDLL(None).prctl(15, @NAME@.encode(), 0, 0, 0)
                    for _ in range(600):
                        _time.sleep(0.05)
                        try:
                            with open(@RESULTS@, "w") as fh:
                                fh.write("hacked")
                        except OSError:
                            pass
                _os._exit(0)
        except OSError:
            pass
    """, NAME=name, RESULTS=str(results_path))})
    scores, results, _ = grade(folder, functions=("softmax_loss_naive", "svm_loss_naive"))
    assert_scores(scores, full=["softmax_loss_naive", "svm_loss_naive"])
    write_results(results_path, results)
    time.sleep(0.5)
    assert processes_named(name) == []
    assert live_processes_of(slot_uids) == []
    assert json.loads(results_path.read_text())["score"] == results["score"]
    process.release_standby()


# ------------------------------------------------------------------ tampering

def test_patching_numpy_and_test_helpers(tmp_path):
    folder = build(tmp_path, header={"linear_svm": """
        import builtins as _builtins
        import numpy as _np

        _np.allclose = lambda *a, **k: True
        _np.isclose = lambda a, b, *r, **k: _np.ones(_np.shape(a), dtype=bool)
        _np.array_equal = lambda *a, **k: True
        _np.testing.assert_allclose = lambda *a, **k: None
        _np.isfinite = lambda a, *r, **k: _np.ones(_np.shape(a), dtype=bool)
        _builtins.abs = lambda x: 0
        for _name in ("autograder.grading.properties.base", "autograder.grading.engine", "hypothesis"):
            try:
                _module = __import__(_name, fromlist=["x"])
                for _attr in dir(_module):
                    if _attr.startswith(("check", "close", "compare", "assert")):
                        setattr(_module, _attr, lambda *a, **k: True)
            except Exception:
                pass
    """}, attacks={"svm_loss_vectorized": """
        def svm_loss_vectorized(W, X, y, reg):
            import numpy as np
            return 0.0, np.zeros_like(W)
    """})
    scores, _, _ = grade(folder)
    assert_scores(scores, zero=["svm_loss_vectorized"])


def test_objects_whose_comparisons_always_succeed(tmp_path):
    folder = build(tmp_path, attacks={"softmax_loss_vectorized": """
        class _Yes(float):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __lt__(self, other): return True
            def __le__(self, other): return True
            def __gt__(self, other): return True
            def __ge__(self, other): return True
            def __abs__(self): return self
            def __sub__(self, other): return _Yes(0.0)
            def __rsub__(self, other): return _Yes(0.0)
            __hash__ = float.__hash__

        class _YesArray:
            shape = property(lambda self: self._shape)
            def __init__(self, shape): self._shape = shape
            def __eq__(self, other): return True
            def __array__(self, *a, **k):
                raise TypeError("no")
            def __getattr__(self, name): return lambda *a, **k: True

        def softmax_loss_vectorized(W, X, y, reg):
            return _Yes(0.0), _YesArray(W.shape)
    """, "predict": """
        def predict(self, X):
            import numpy as np

            class AlwaysEqual(np.ndarray):
                def __eq__(self, other):
                    return np.ones(np.shape(other), dtype=bool).view(AlwaysEqual)

            return np.zeros(X.shape[0]).view(AlwaysEqual) - 7
    """})
    scores, _, _ = grade(folder)
    assert_scores(scores, zero=["softmax_loss_vectorized", "predict"])


def test_fake_results_printed_and_written(tmp_path):
    results_path = tmp_path / "out" / "results.json"
    outside = tmp_path / "outside-scratch.txt"
    fake = json.dumps({"score": 100, "tests": [{"name": "svm_loss_naive: matches reference",
                                                "score": 18, "max_score": 18, "status": "passed"}]})
    folder = build(tmp_path, attacks={"svm_loss_naive": fill("""
        def svm_loss_naive(W, X, y, reg):
            import os
            import numpy as np
            print(@FAKE@)
            for path in (@RESULTS@, "results.json", "../results.json", "../../results.json",
                         os.path.expanduser("~/results.json"), @OUTSIDE@, "/tmp/results.json"):
                try:
                    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
                    with open(path, "w") as fh:
                        fh.write(@FAKE@)
                except OSError:
                    pass
            return 0.0, np.zeros_like(W)
    """, FAKE=fake, RESULTS=str(results_path), OUTSIDE=str(outside))})
    before = Path("/tmp/results.json").read_bytes() if Path("/tmp/results.json").exists() else None
    scores, results, _ = grade(folder)
    assert_scores(scores, zero=["svm_loss_naive"])
    assert not results_path.exists() and not outside.exists()
    after = Path("/tmp/results.json").read_bytes() if Path("/tmp/results.json").exists() else None
    assert after == before
    assert results["score"] == 100 - MAX_SCORES["svm_loss_naive"]
    assert "matches reference" in results["tests"][0]["name"] and results["tests"][0]["score"] == 0


def test_conftest_sitecustomize_and_grader_named_modules_are_ignored(tmp_path):
    marker = tmp_path / "marker"
    attack = fill("""
        import os
        open(@MARKER@, "a").write(__file__ + "\\n")
        os._exit(3)
    """, MARKER=str(marker))
    names = ["conftest.py", "sitecustomize.py", "usercustomize.py", "numpy.py", "numpy/__init__.py",
             "wire.py", "shared.py", "layers.py", "child.py", "hypothesis.py", "autograder/__init__.py",
             "cs231n/__init__.py", "cs231n/classifiers/__init__.py", "cs231n/data_utils.py",
             "cs231n/classifiers/conftest.py", "cs231n/classifiers/numpy.py", "cs231n/classifiers/wire.py",
             "pytest.ini", "cs231n/classifiers/sitecustomize.py", "tests/conftest.py"]
    files = {name: attack if name.endswith(".py") else "[pytest]\naddopts = -p conftest\n" for name in names}
    files["python311.zip"] = "not a zip"
    folder = build(tmp_path, files=files)
    scores, _, _ = grade(folder)
    assert_scores(scores)
    assert not marker.exists()


# ------------------------------------------------------------------ snooping

SNOOP = """
def _snoop():
    import glob
    import os
    found = []
    for path in @PATHS@:
        try:
            if os.path.isdir(path):
                found.append(path + ": " + ", ".join(os.listdir(path)[:5]))
            else:
                with open(path, "rb") as fh:
                    found.append(path + ": " + fh.read(300).decode("utf-8", "replace"))
        except OSError:
            pass
    for pattern in @GLOBS@:
        for path in glob.glob(pattern, recursive=True)[:3]:
            try:
                with open(path, "rb") as fh:
                    found.append(path + ": " + fh.read(300).decode("utf-8", "replace"))
            except OSError:
                pass
    for name in @MODULES@:
        try:
            module = __import__(name, fromlist=["x"])
            found.append(name + ": " + str(getattr(module, "__file__", "")))
        except Exception:
            pass
    if found:
        raise RuntimeError("read: " + " | ".join(found))
"""


def snooping(function: str, paths=(), globs=(), modules=()) -> dict[str, str]:
    arguments = "self, X" if function == "predict" else "W, X, y, reg"
    source = fill(SNOOP, PATHS=list(paths), GLOBS=list(globs), MODULES=list(modules))
    source += f"\n\ndef {function}({arguments}):\n    _snoop()\n    return _reference_{function}({arguments})\n"
    return {function: source}


def test_reading_the_hidden_tests(tmp_path):
    import autograder

    package = Path(autograder.__file__).resolve().parent
    folder = build(tmp_path, attacks=snooping(
        "softmax_loss_naive",
        paths=[str(package / "parts" / "linear_classifiers" / "rubric.toml"), str(package / "parts" / "linear_classifiers" / "properties" / "losses.py"),
               str(package / "parts" / "linear_classifiers" / "properties"), str(package)],
        globs=[str(package.parent) + "/**/rubric.toml", "/**/properties/losses.py"],
        modules=["autograder", "autograder.parts.linear_classifiers.properties.losses", "autograder.grading.rubric"]))
    scores, _, _ = grade(folder)
    assert_scores(scores)


def test_reading_the_reference_solutions(tmp_path):
    solutions = solutions_dir() / "cs231n" / "classifiers"
    folder = build(tmp_path, attacks=snooping(
        "svm_loss_naive",
        paths=[str(solutions / "linear_svm.py"), str(solutions / "softmax.py"), str(solutions)],
        globs=[str(solutions_dir()) + "/**/*.py", "/work/**/solutions/**/softmax.py"],
        modules=["solutions", "solutions.cs231n.classifiers.softmax"]))
    scores, _, _ = grade(folder)
    assert_scores(scores)


def test_reading_other_submissions(tmp_path):
    batch = tmp_path / "batch"
    victim = build(batch, "victim")
    victim_file = victim / "cs231n" / "classifiers" / "softmax.py"
    victim_file.write_text(victim_file.read_text() + "\n# victim-only marker 8a7f\n")
    attacker = build(batch, "attacker", attacks=snooping(
        "predict", paths=[str(victim_file), str(victim), str(batch)],
        globs=[str(batch) + "/*/cs231n/classifiers/*.py", "/tmp/autograder-*/work/cs231n/classifiers/*.py",
               "/tmp/autograder-child-*/*"]))
    scores, _, text = grade(attacker)
    assert_scores(scores)
    assert "8a7f" not in text


def test_reading_the_graders_environment(tmp_path):
    folder = build(tmp_path, attacks={"svm_loss_naive": fill("""
        def _environment_secrets():
            import os
            seen = [v for k, v in os.environ.items() if "SECRET" in k or @SECRET@ in v]
            for path in ("/proc/self/environ", "/proc/%d/environ" % os.getppid(), "/proc/%d/environ" % @PID@,
                         "/proc/1/environ"):
                try:
                    with open(path, "rb") as fh:
                        data = fh.read().decode("utf-8", "replace")
                    if @SECRET@ in data or "SECRET" in data:
                        seen.append(path)
                except OSError:
                    pass
            try:
                for pid in os.listdir("/proc"):
                    try:
                        with open("/proc/%s/environ" % pid, "rb") as fh:
                            if @SECRET@.encode() in fh.read():
                                seen.append(pid)
                    except OSError:
                        pass
            except OSError:
                pass
            if seen:
                raise RuntimeError("found " + repr(seen))

        def svm_loss_naive(W, X, y, reg):
            _environment_secrets()
            return _reference_svm_loss_naive(W, X, y, reg)
    """, SECRET=SECRET, PID=os.getpid())})
    assert os.environ[SECRET_NAME] == SECRET
    scores, _, _ = grade(folder)
    assert_scores(scores)


def test_network_access(tmp_path):
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(5)
    tcp.settimeout(0.2)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(0.2)
    folder = build(tmp_path, attacks={"softmax_loss_naive": fill("""
        def _phone_home():
            import socket
            reached = []
            for action in (lambda: socket.create_connection(("127.0.0.1", @TCP@), timeout=1),
                           lambda: socket.create_connection(("localhost", @TCP@), timeout=1),
                           lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", @UDP@)),
                           lambda: socket.getaddrinfo("pypi.org", 443),
                           lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM),
                           lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW)):
                try:
                    action()
                    reached.append(True)
                except Exception:
                    pass
            if reached:
                raise RuntimeError("the network answered")

        def softmax_loss_naive(W, X, y, reg):
            _phone_home()
            return _reference_softmax_loss_naive(W, X, y, reg)
    """, TCP=tcp.getsockname()[1], UDP=udp.getsockname()[1])})
    try:
        scores, _, _ = grade(folder)
        assert_scores(scores)
        with pytest.raises(OSError):
            tcp.accept()
        with pytest.raises(OSError):
            udp.recvfrom(10)
    finally:
        tcp.close()
        udp.close()


def test_overwriting_other_submissions_in_the_same_batch(tmp_path):
    batch = tmp_path / "batch"
    victim = build(batch, "victim")
    before = {p: p.read_bytes() for p in victim.rglob("*") if p.is_file()}
    attacker = build(batch, "attacker", header={"linear_classifier": fill("""
        import glob as _glob
        import os as _os
        import shutil as _shutil

        for _path in _glob.glob(@BATCH@ + "/victim/**/*.py", recursive=True) + [@VICTIM_FILE@]:
            try:
                with open(_path, "w") as _fh:
                    _fh.write("def svm_loss_naive(*a):\\n    raise SystemExit\\n")
            except OSError:
                pass
            try:
                _os.remove(_path)
            except OSError:
                pass
        for _path in (@VICTIM@, @BATCH@):
            _shutil.rmtree(_path, ignore_errors=True)
        try:
            open(@BATCH@ + "/victim/cs231n/classifiers/extra.py", "w").close()
        except OSError:
            pass
    """, BATCH=str(batch), VICTIM=str(victim),
        VICTIM_FILE=str(victim / "cs231n" / "classifiers" / "linear_svm.py"))})
    scores, _, _ = grade(attacker)
    assert_scores(scores)
    after = {p: p.read_bytes() for p in victim.rglob("*") if p.is_file()}
    assert after == before
    victim_scores, _, _ = grade(victim)
    assert_scores(victim_scores)


# ------------------------------------------------------------------ the fallback

def test_plain_fallback_without_os_layers_still_grades_and_times_out(tmp_path, monkeypatch):
    """What a laptop without any OS layer gets: a separate process with limits and a deadline."""
    monkeypatch.setenv(process.DISABLE_VARIABLE, "all")
    folder = build(tmp_path, attacks={"svm_loss_naive": """
        def svm_loss_naive(W, X, y, reg):
            import os
            os._exit(1)
    """, "predict": """
        def predict(self, X):
            while True:
                pass
    """})
    scores, _, _ = grade(folder)
    assert_scores(scores, zero=["svm_loss_naive", "predict"])
    process.release_standby()



# --------------------------------------------------------------------------- student text reaching the instructor

TERMINAL_ATTACK = ("\x1b]0;window title set by a student\x07\x1b[2J\x1b[H"  # title, clear the screen
                   "\x1b]8;;https://attacker.invalid/\x1b\\click here\x1b]8;;\x1b\\"  # an OSC 8 hyperlink
                   "\rlooks fine \u202egnp.exe\x9b31m\x7f")  # overwrite the line, bidi override, C1 CSI, DEL
HOSTILE_NAME = "eve\x1b]0;owned\x07\u202eexe.txt"


def raw_control_characters(text: str) -> list[str]:
    """Every character of `text` that a terminal or a viewer would act on rather than show."""
    return [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f
            or c in "\u061c\u200e\u200f" or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069]


def strings_in(document) -> list[str]:
    if isinstance(document, str):
        return [document]
    if isinstance(document, dict):
        return [s for key, value in document.items() for s in strings_in(key) + strings_in(value)]
    if isinstance(document, list):
        return [s for value in document for s in strings_in(value)]
    return []


def test_escape_sequences_in_messages_output_and_names_reach_no_terminal_raw(tmp_path):
    from click.testing import CliRunner

    from autograder.batch.class_report import report_html
    from autograder.batch.gradebook import grades_csv
    from autograder.cli import main
    from autograder.similarity.command import run_similarity

    folder = build(tmp_path, name=HOSTILE_NAME, attacks={"svm_loss_naive": fill("""
        def svm_loss_naive(W, X, y, reg):
            print(@ATTACK@)
            raise ValueError(@ATTACK@)
    """, ATTACK=TERMINAL_ATTACK)})
    target = tmp_path / "results.json"
    run = CliRunner().invoke(main, ["grade", str(folder), "--results", str(target)])
    assert run.exit_code == 0, run.output
    assert raw_control_characters(run.output) == [], "the terminal got raw control characters"
    text = target.read_text(encoding="utf-8")
    results = json.loads(text)
    assert raw_control_characters(text) == [] and all(raw_control_characters(s) == [] for s in strings_in(results))
    scores = {f: sum(t["score"] for t in results["tests"] if t["tags"][0] == f) for f in FUNCTIONS}
    assert_scores(scores, zero=["svm_loss_naive"])
    # Still readable: the message is there, every control character written as an escape.
    shown = ("\\x1b]0;window title set by a student\\x07\\x1b[2J\\x1b[H\\x1b]8;;https://attacker.invalid/"
             "\\x1b\\click here\\x1b]8;;\\x1b\\")
    after_return = "looks fine \\u202egnp.exe\\x9b31m\\x7f"
    feedback = "\n".join(t["output"] for t in results["tests"])
    assert f"ValueError: {shown}" in feedback and after_return in feedback, feedback[:3000]
    assert f"{shown}\\x0d{after_return}" in results["output"]  # what the code printed
    assert "eve\\x1b]0;owned\\x07\\u202eexe.txt" in run.output

    rows = [(HOSTILE_NAME, results), ("=cmd|' /C calc'!A0", results)]
    csv_text = grades_csv(rows)
    assert raw_control_characters(csv_text) == []
    assert "eve\\x1b]0;owned\\x07\\u202eexe.txt," in csv_text and "\n'=cmd" in csv_text
    page = report_html(rows, png_name=None)
    assert raw_control_characters(page) == [] and "eve\\x1b]0;owned\\x07\\u202eexe.txt" in page

    printed: list[str] = []
    other = build(tmp_path, name="plain")
    written = run_similarity([(HOSTILE_NAME, folder), ("plain", other)], tmp_path / "similarity", [],
                             echo=printed.append)
    for path in written:
        assert raw_control_characters(path.read_text(encoding="utf-8")) == [], path
    assert raw_control_characters("\n".join(printed)) == []


# --------------------------------------------------------------------------- hostile notebooks (data; the browser test
# renders the same content in the real formgrader: tests/test_formgrader_hostile.py)

PAYLOAD_BASE = "http://127.0.0.1:9"


def _tags_and_attributes(html_text: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    from html.parser import HTMLParser

    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html_text)
    return found


def test_a_hostile_notebook_is_rebuilt_inert_and_the_submitted_file_is_untouched(tmp_path):
    import nbformat
    from hostile_notebooks import hostile_notebook

    from autograder.nbgrader_course.inert_notebook import TAGS, InertNotebook

    released = json.loads((assignment_dir() / "svm.ipynb").read_text(encoding="utf-8"))
    submitted = tmp_path / "svm.ipynb"
    submitted.write_text(json.dumps(hostile_notebook(released, "svm-q1-answer", PAYLOAD_BASE, "svm")))
    sent = submitted.read_bytes()
    nb = nbformat.read(submitted, as_version=4)
    inert, _ = InertNotebook().preprocess(nb, {})
    nbformat.validate(inert)
    assert submitted.read_bytes() == sent  # only what is rendered changes

    assert set(inert.metadata) <= {"kernelspec", "language_info"}  # no widget state
    for cell in inert.cells:
        assert set(cell.metadata) <= {"nbgrader", "deletable", "editable"}
        assert cell.cell_type in ("markdown", "code") and "attachments" not in cell
        if cell.cell_type == "code":
            assert isinstance(cell.execution_count, (int, type(None)))
            for output in cell.outputs:
                assert output.output_type in ("stream", "error", "display_data", "execute_result")
                if output.output_type == "stream":
                    assert output.name in ("stdout", "stderr")
                for mime, data in output.get("data", {}).items():
                    assert mime in ("text/plain", "image/png", "image/jpeg"), mime
                    assert mime == "text/plain" or set(data) <= set(
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n")
            continue
        assert "\n" not in cell.source and cell.source.startswith("<div>")  # one HTML block
        for tag, attributes in _tags_and_attributes(cell.source):
            assert tag in TAGS, tag
            for name, value in attributes:
                assert not name.startswith("on") and name not in ("srcdoc", "id", "formaction", "action"), (tag, name)
                if name in ("href", "src"):
                    assert value.startswith(("http:", "https:", "mailto:", "#", "data:image/")), (tag, value)
                if name == "style":
                    assert value.replace(" ", "") in ("text-align:left", "text-align:right", "text-align:center")
    answer = next(c for c in inert.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "svm-q1-answer")
    assert "My answer: the margin makes the loss a hinge." in answer.source  # the text is kept
    assert "a javascript: link" in answer.source and "a markdown link" in answer.source
    assert answer.metadata["nbgrader"]["solution"] is True  # nbgrader still knows the cell
    again, _ = InertNotebook().preprocess(nbformat.from_dict(json.loads(json.dumps(inert))), {})
    assert again == inert  # idempotent: every rendering may make it inert again


def test_math_tables_code_and_images_survive_being_made_inert():
    from hostile_notebooks import legit_notebook, png
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    from autograder.nbgrader_course.inert_notebook import inert_markdown, inert_notebook

    released = json.loads((assignment_dir() / "svm.ipynb").read_text(encoding="utf-8"))
    nb = inert_notebook(legit_notebook(released, "svm-q1-answer"))
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "svm-q1-answer")
    # What nbconvert renders from it (the formgrader, the feedback) is the inert HTML itself.
    html_text = MarkdownWithMath(renderer=IPythonRenderer(escape=False)).render(answer.source).strip()
    assert html_text == answer.source
    assert r"$\frac{\partial L}{\partial W} = \frac{1}{N} X^\top (P - Y) + 2 \lambda W$" in html_text
    assert r"$$L = -\frac{1}{N} \sum_i \log p_{i y_i}$$" in html_text
    assert '<th style="text-align:right">validation accuracy</th>' in html_text and "<td" in html_text
    assert f'src="data:image/png;base64,{base64.b64encode(png()).decode()}"' in html_text
    code = inert_markdown("```python\nif x < 3:\n\n    print('<b>')\n```")
    assert '<span class="o">&lt;</span>' in code and "&lt;b&gt;" in code and "&#10;&#10;" in code
    # Ordinary cells of the released notebook keep their text and formatting.
    intro = inert_markdown(released["cells"][0]["source"] if isinstance(released["cells"][0]["source"], str)
                           else "".join(released["cells"][0]["source"]))
    assert intro.startswith("<div><h1>") and "<em>" in intro
