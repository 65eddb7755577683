"""A new part is a new folder: a toy part (tests/toy_parts/doubling: one function, two
properties) is selected in course.toml and graded by `autograder grade`, with no engine code
touched (DESIGN principle 11)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import CourseFileError, parse

TOY_PARTS = Path(__file__).resolve().parent / "toy_parts"


def _material(root: Path, parts: str, settings: str = "") -> Path:
    (root / "solutions" / "cs231n").mkdir(parents=True)
    (root / "solutions" / "cs231n" / "__init__.py").write_text("")
    (root / "solutions" / "cs231n" / "doubling.py").write_text(
        "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n")
    (root / "assignment").mkdir()
    (root / "course.toml").write_text(f"[assignment]\nparts = {parts}\n{settings}")
    return root


def _submission(root: Path, body: str) -> Path:
    (root / "cs231n").mkdir(parents=True)
    (root / "cs231n" / "doubling.py").write_text(f"def double(x):\n{body}\n")
    return root


def _grade(material: Path, submission: Path, tmp_path: Path) -> tuple[dict, str]:
    results = tmp_path / f"{submission.name}.json"
    env = dict(os.environ, AUTOGRADER_MATERIAL=str(material), AUTOGRADER_PARTS_PATH=str(TOY_PARTS),
               AUTOGRADER_CACHE_DIR=str(tmp_path / "cache"), COLUMNS="120")
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--results", str(results)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(results.read_text()), done.stdout


@pytest.fixture(scope="module")
def material(tmp_path_factory):
    return _material(tmp_path_factory.mktemp("toy-material"), '["doubling"]')


def test_a_correct_toy_submission_scores_the_toy_rubric(material, tmp_path):
    results, printed = _grade(material, _submission(tmp_path / "right", "    return 2 * x"), tmp_path)
    assert results["score"] == 5
    assert [t["name"] for t in results["tests"]] == ["double: matches 2 * x", "double: leaves x unchanged"]
    assert "double: matches 2 * x" in printed


def test_a_wrong_toy_submission_fails_with_feedback_and_gates_the_other_property(material, tmp_path):
    results, _ = _grade(material, _submission(tmp_path / "wrong", "    return x + x + 1"), tmp_path)
    assert results["score"] == 0
    gate, other = results["tests"]
    assert gate["status"] == "failed" and "must return 2 * x" in gate["output"]
    assert other["output"].startswith("Not graded yet")


def test_a_toy_submission_changing_its_input_loses_only_that_property(material, tmp_path):
    results, _ = _grade(material, _submission(tmp_path / "in_place", "    x *= 2\n    return x.copy()"), tmp_path)
    # x doubled in place: the answer is right, but x is not left as it was.
    assert [t["score"] for t in results["tests"]] == [3, 0]
    assert "must not change x in place" in results["tests"][1]["output"]


def test_an_unknown_part_is_refused_naming_the_parts(tmp_path):
    with pytest.raises(CourseFileError) as error:
        parse('[assignment]\nparts = ["linear_classifiers", "kmeans"]\n', where="course.toml")
    assert "unknown part 'kmeans'" in str(error.value) and "'linear_classifiers'" in str(error.value)
    material = _material(tmp_path / "material", '["kmeans"]')
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path)], capture_output=True, text=True,
                          env=dict(os.environ, AUTOGRADER_MATERIAL=str(material)), timeout=120)
    assert done.returncode != 0 and "unknown part 'kmeans'" in done.stderr and "Traceback" not in done.stderr


def test_a_course_key_of_the_part_is_read_checked_and_followed(tmp_path):
    """`[doubling] factor`, declared by the toy part alone: course.toml sets it, the engine
    checks it against the declaration and the part's properties follow it."""
    material = _material(tmp_path / "material", '["doubling"]', "[doubling]\nfactor = 3\n")
    results, printed = _grade(material, _submission(tmp_path / "triple", "    return 3 * x"), tmp_path)
    assert results["score"] == 5 and "double: matches 3 * x" in printed
    results, _ = _grade(material, _submission(tmp_path / "double", "    return 2 * x"), tmp_path)
    assert results["score"] == 0 and "must return 3 * x" in results["tests"][0]["output"]
    wrong = _material(tmp_path / "wrong", '["doubling"]', "[doubling]\nfactor = -1\n")
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "triple")],
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, AUTOGRADER_MATERIAL=str(wrong), AUTOGRADER_PARTS_PATH=str(TOY_PARTS)))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "doubling.factor = -1 is not allowed; it must be a positive number" in done.stderr
