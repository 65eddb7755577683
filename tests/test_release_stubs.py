"""The stub generator (`autograder build`): solutions/cs231n -> assignment/cs231n."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.paths import assignment_dir, solutions_dir
from autograder.release.stubs import (
    MarkerError,
    build,
    compare,
    default_source,
    default_target,
    find_regions,
    solution_lines,
    strip_solutions,
)

# Solution lines that may legitimately appear in assignment/. Keywords cannot
# give a solution away, and they occur all over the provided code and the public
# checks. `num_train = X.shape[0]` and `num_classes = W.shape[1]` are part of the
# provided preamble of svm_loss_naive (as in the original CS231n stub), but the
# Softmax solution computes them inside its regions.
ALLOWED_LEAKS = frozenset(
    {
        "pass",
        "continue",
        "break",
        "else:",
        "return loss, dW",
        "num_train = X.shape[0]",
        "num_classes = W.shape[1]",
    }
)

CACHE_PARTS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints", ".hypothesis"}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def material(tmp_path: Path, files: dict[str, str]) -> Path:
    """A material root with solutions/cs231n/<files> and an assignment/ beside it."""
    for name, text in files.items():
        write(tmp_path / "solutions" / "cs231n" / name, text)
    (tmp_path / "assignment").mkdir(exist_ok=True)
    return tmp_path


SOLVED = """\
    import numpy as np


    def loss(W, X):
        value = 0.0
        # TODO: compute the value
        ### BEGIN SOLUTION
        value = float(np.sum(X.dot(W)))
        for row in X:
            value += 0
        ### END SOLUTION
        return value
    """


# --- the committed release ---------------------------------------------------------------


def test_committed_assignment_is_what_the_generator_produces():
    result = compare(default_source(), default_target())
    assert result.up_to_date, (
        "assignment/cs231n is out of date with solutions/cs231n:\n"
        f"{result.describe(default_target())}\nrun autograder build (and commit assignment/cs231n)"
    )


def _solution_lines_of_the_reference() -> dict[str, str]:
    """Stripped non-blank, non-comment solution lines -> where they come from."""
    found: dict[str, str] = {}
    for path in sorted(solutions_dir().rglob("*.py")):
        for lineno, line in solution_lines(path.read_text(), path):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            found.setdefault(stripped, f"{path}:{lineno}")
            code = stripped.split("  #")[0].strip()  # the same line with another comment
            found.setdefault(code, f"{path}:{lineno}")
    return found


def test_no_solution_line_leaks_into_the_release():
    lines = _solution_lines_of_the_reference()
    assert len(lines) > 20, "the reference should have solution regions to check"
    released = [
        path
        for path in assignment_dir().rglob("*")
        if path.is_file() and not CACHE_PARTS.intersection(path.parts)
    ]
    assert released, "assignment/ is empty: run autograder build"
    leaks = []
    for path in released:
        # Substrings, not whole lines: a notebook stores code lines inside JSON strings.
        text = path.read_bytes().decode("utf-8", errors="replace")
        leaks += [
            f"{path}: {line!r} (from {origin})"
            for line, origin in lines.items()
            if line not in ALLOWED_LEAKS and line in text
        ]
    assert not leaks, "solution lines found in the student release:\n" + "\n".join(leaks)


def test_the_graded_files_have_solution_regions_and_their_stubs_none():
    from autograder.parts import graded_files

    GRADED_FILES = graded_files()

    for name in GRADED_FILES:
        solved = (solutions_dir() / name).read_text()
        stub = (assignment_dir() / name).read_text()
        assert find_regions(solved, name), f"{name} has no solution region in solutions/"
        assert not find_regions(stub, name), f"{name} still has a solution region in assignment/"
        assert "# YOUR CODE HERE" in stub, f"{name}: the stub has no '# YOUR CODE HERE' block"


STUB_PROBE = """
import json
import numpy as np
from cs231n.classifiers.linear_svm import svm_loss_naive, svm_loss_vectorized
from cs231n.classifiers.softmax import softmax_loss_naive, softmax_loss_vectorized
from cs231n.classifiers.linear_classifier import LinearSVM, Softmax

rng = np.random.RandomState(0)
W, X, y = rng.randn(5, 3), rng.randn(4, 5), np.array([0, 1, 2, 1])
out = {}
for f in (svm_loss_naive, svm_loss_vectorized, softmax_loss_naive, softmax_loss_vectorized):
    loss, dW = f(W, X, y, 0.1)
    out[f.__name__] = [float(loss), list(np.shape(dW)), float(np.abs(dW).max())]
for cls in (LinearSVM, Softmax):
    clf = cls()
    clf.train(X, y, num_iters=1, batch_size=2)
    W0 = clf.W.copy()
    history = clf.train(X, y, num_iters=3, batch_size=2)
    out[cls.__name__] = {
        "history": [float(v) for v in history],
        "W_unchanged": bool(np.array_equal(W0, clf.W)),
        "predict": np.asarray(clf.predict(X)).tolist(),
    }
print(json.dumps(out))
"""


def test_stubs_import_and_return_their_initial_values():
    # A child process: the stubs' package is also called cs231n.
    completed = subprocess.run(
        [sys.executable, "-c", STUB_PROBE],
        cwd=assignment_dir(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, f"the stubs do not run:\n{completed.stderr}"
    out = json.loads(completed.stdout)
    for name in ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive"):
        assert out[name] == [0.0, [5, 3], 0.0], f"{name} stub should return (0.0, zeros like W)"
    assert out["softmax_loss_vectorized"] == [0.0, [5, 3], 0.0]
    for name in ("LinearSVM", "Softmax"):
        assert out[name]["history"] == [0.0, 0.0, 0.0], f"{name}.train stub: one 0.0 per iteration"
        assert out[name]["W_unchanged"], f"{name}.train stub should leave W as initialised"
        assert out[name]["predict"] == [0, 0, 0, 0], f"{name}.predict stub returns zeros"


# --- stripping ----------------------------------------------------------------------------


def test_regions_become_a_stub_block_at_their_indentation():
    stub = strip_solutions(textwrap.dedent(SOLVED), "loss.py")
    assert stub == textwrap.dedent(
        """\
        import numpy as np


        def loss(W, X):
            value = 0.0
            # TODO: compute the value
            # YOUR CODE HERE
            pass
            return value
        """
    )


def test_several_regions_nested_blocks_and_crlf():
    text = (
        "def f(x):\r\n"
        "    if x:\r\n"
        "        ### BEGIN SOLUTION\r\n"
        "        return 1\r\n"
        "        ### END SOLUTION\r\n"
        "    ### BEGIN SOLUTION\r\n"
        "    return 2\r\n"
        "    ### END SOLUTION\r\n"
    )
    assert strip_solutions(text, "f.py") == (
        "def f(x):\r\n"
        "    if x:\r\n"
        "        # YOUR CODE HERE\r\n"
        "        pass\r\n"
        "    # YOUR CODE HERE\r\n"
        "    pass\r\n"
    )


def test_a_file_without_regions_is_unchanged():
    text = '"""Provided, complete."""\n\nX = 1  # not a marker: BEGIN\n'
    assert strip_solutions(text, "x.py") == text


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("x = 1\n### BEGIN SOLUTION\nx = 2\n", 2, "never closed"),
        ("x = 1\n### END SOLUTION\n", 2, "without a matching"),
        (
            "### BEGIN SOLUTION\nx = 1\n    ### BEGIN SOLUTION\nx = 2\n### END SOLUTION\n",
            3,
            "cannot be nested",
        ),
        ("x = 1\n\n## BEGIN SOLUTION\nx = 2\n## END SOLUTION\n", 3, "malformed"),
        ("def f():\n### BEGIN SOLUTION\n    return 1\n### END SOLUTION\n", 2, "not valid Python"),
    ],
    ids=["unclosed", "end-without-begin", "nested", "malformed", "bad-indentation"],
)
def test_marker_errors_name_the_file_and_line(text, line, words):
    with pytest.raises(MarkerError) as caught:
        strip_solutions(text, "cs231n/broken.py")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"cs231n/broken.py:{line}: ")
    assert words in str(caught.value)


# --- building a release folder ---------------------------------------------------------------


def test_build_strips_copies_and_removes_stale_files_only_in_the_package(tmp_path):
    root = material(
        tmp_path,
        {"classifiers/loss.py": SOLVED, "helper.py": "X = 1\n", "data/readme.txt": "data\n"},
    )
    target = root / "assignment" / "cs231n"
    write(target / "old_module.py", "stale\n")
    write(target / "gone" / "deep.py", "stale\n")
    write(target / "gone" / "__pycache__" / "deep.cpython-311.pyc", "cache\n")
    write(target / "classifiers" / "__pycache__" / "loss.cpython-311.pyc", "cache\n")
    sibling = write(root / "assignment" / "tests" / "test_x.py", "kept\n")

    result = build(root / "solutions" / "cs231n", target)

    assert sorted(result.missing) == ["classifiers/loss.py", "data/readme.txt", "helper.py"]
    assert sorted(result.stale) == ["gone/deep.py", "old_module.py"]
    assert "# YOUR CODE HERE" in (target / "classifiers" / "loss.py").read_text()
    assert "np.sum" not in (target / "classifiers" / "loss.py").read_text()
    assert (target / "helper.py").read_text() == "X = 1\n"
    assert (target / "data" / "readme.txt").read_text() == "data\n"
    assert not (target / "old_module.py").exists()
    assert not (target / "gone").exists()
    assert (target / "classifiers" / "__pycache__").exists()  # caches are not release files
    assert sibling.read_text() == "kept\n"
    assert compare(root / "solutions" / "cs231n", target).up_to_date


def test_a_marker_error_writes_nothing(tmp_path):
    root = material(tmp_path, {"a.py": "x = 1\n", "b.py": "### BEGIN SOLUTION\nx = 1\n"})
    target = root / "assignment" / "cs231n"
    with pytest.raises(MarkerError, match=r"b\.py:1: "):
        build(root / "solutions" / "cs231n", target)
    assert not target.exists()


def test_markers_in_a_non_python_file_are_an_error(tmp_path):
    root = material(
        tmp_path, {"notes.txt": "intro\n### BEGIN SOLUTION\nanswer\n### END SOLUTION\n"}
    )
    with pytest.raises(MarkerError, match=r"notes\.txt:2: .*only stripped from \.py files"):
        build(root / "solutions" / "cs231n", root / "assignment" / "cs231n")


# --- the command ----------------------------------------------------------------------------


def test_build_check_names_stale_files_then_build_fixes_them(tmp_path):
    root = material(tmp_path, {"classifiers/loss.py": SOLVED})
    write(root / "assignment" / "cs231n" / "stale.py", "old\n")
    env = {"AUTOGRADER_MATERIAL": str(root)}
    runner = CliRunner()

    checked = runner.invoke(main, ["build", "--check"], env=env)
    assert checked.exit_code == 1, checked.output
    assert "stale.py" in checked.output and "classifiers/loss.py" in checked.output
    assert "run autograder build" in checked.output
    assert (root / "assignment" / "cs231n" / "stale.py").exists(), "--check writes nothing"

    built = runner.invoke(main, ["build"], env=env)
    assert built.exit_code == 0, built.output
    assert not (root / "assignment" / "cs231n" / "stale.py").exists()

    again = runner.invoke(main, ["build", "--check"], env=env)
    assert again.exit_code == 0, again.output
    assert "up to date" in again.output


def test_build_reports_marker_errors_without_a_traceback(tmp_path):
    root = material(tmp_path, {"loss.py": "x = 1\n### END SOLUTION\n"})
    result = CliRunner().invoke(main, ["build"], env={"AUTOGRADER_MATERIAL": str(root)})
    assert result.exit_code != 0
    assert "loss.py:2: " in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, MarkerError), "a clean click error, not a crash"
