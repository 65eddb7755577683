"""The kNN part: KNearestNeighbor's four graded methods, graded on their own.

Fast tests run the part's harness and properties in this process (tests/knn_in_process.py):
the reference scores full marks, the stub 0, every catalogue entry loses the points it
names with a hint that names its mistake, every correct variant keeps full marks, the loop
counter and the harness behave. The end-to-end tests grade through the engine and the
sandboxed child for a course that selects the part (`use`), and through `autograder grade`,
`autograder build --check` and the public checks for a material folder of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from autograder.catalogue.audit import audit
from autograder.catalogue.mutants import materialise
from autograder.course import parse, use
from autograder.parts.knn import cases as K
from autograder.parts.knn import reference
from autograder.parts.knn.syntax import SyntaxProblem, loops_of
from autograder.release.stubs import strip_solutions
from tests.knn_in_process import (
    grade,
    in_process_box,
    mutant_source,
    part_mutants,
    reference_source,
    rubric,
    score,
)

BUGS = part_mutants("catalogue.toml")
VARIANTS = part_mutants("variants.toml")
FULL = {function: sum(v for k, v in table.items() if k != "file") for function, table in rubric().items()}
ROOT = Path(__file__).resolve().parent.parent
KNN_COURSE = '[assignment]\nparts = ["knn"]\n'


# ---------------------------------------------------------------- in process

def test_the_rubric_gives_the_part_30_points_and_every_method_its_gate():
    assert sum(FULL.values()) == 30
    assert all(table["matches_reference"] for table in rubric().values())


def test_the_reference_scores_full_marks():
    results = grade(reference_source())
    failures = {(f, p): fl.render() for f, o in results.items() for p, (_, fl) in o.items() if fl}
    assert score(results) == 30, failures


def test_the_stub_scores_zero_and_says_the_todo_is_empty():
    results = grade(strip_solutions(reference_source()))
    assert score(results) == 0
    gate = results["compute_distances_two_loops"]["matches_reference"][1]
    assert "is the TODO block still empty?" in gate.hint
    assert "is the TODO block still empty?" in results["predict_labels"]["matches_reference"][1].hint


@pytest.mark.parametrize("mutant", BUGS, ids=lambda m: m.id)
def test_every_catalogue_entry_loses_the_points_it_names(mutant):
    outcome = grade(mutant_source(mutant), functions=[mutant.function])[mutant.function]
    lost = {prop for prop, (points, _) in outcome.items() if points == 0}
    assert set(mutant.caught_by) <= lost, f"{mutant.id} keeps {set(mutant.caught_by) - lost}"
    gate_failure = outcome["matches_reference"][1]
    if gate_failure is None:  # graded on: the named properties fail on their own
        assert all(outcome[prop][1] is not None for prop in mutant.caught_by)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda m: m.id)
def test_every_correct_variant_keeps_full_marks(variant):
    outcome = grade(mutant_source(variant), functions=[variant.function])[variant.function]
    failed = {prop: failure.render() for prop, (_, failure) in outcome.items() if failure}
    assert sum(points for points, _ in outcome.values()) == FULL[variant.function], failed


HINTS = {
    "knn_two_loops_no_sqrt": "squared distances",
    "knn_two_loops_square_of_sum": "you square the sum of the differences",
    "knn_two_loops_l1": "L1 distance",
    "knn_one_loop_sum_over_everything": "the same distance",
    "knn_no_loops_cross_term_once": "x.y instead of 2 x.y",
    "knn_one_loop_has_two_loops": "loop over the test images only",
    "knn_no_loops_calls_one_loop": "(in self.compute_distances_one_loop, which compute_distances_no_loops calls)",
    "knn_no_loops_three_dimensional_broadcast": "(num_test, num_train, D) temporary",
    "knn_labels_farthest_vote": "the k farthest training images vote",
    "knn_labels_ties_to_first_seen": "Counter.most_common",
    "knn_labels_ties_in_set_order": "the order of a set",
}


@pytest.mark.parametrize("mutant_id", sorted(HINTS))
def test_the_feedback_names_the_mistake(mutant_id):
    mutant = next(m for m in BUGS if m.id == mutant_id)
    outcome = grade(mutant_source(mutant), functions=[mutant.function])[mutant.function]
    texts = " ".join(failure.render() for _, failure in outcome.values() if failure)
    assert HINTS[mutant_id] in texts, texts


def test_the_unclipped_formula_is_exact_on_whole_pixel_values():
    # sqrt(|x|**2 + |y|**2 - 2 x.y) with no clipping: exact on the assignment's data, even
    # for identical images (distance exactly 0) and for both sets moved by the same vector.
    for case in K.basic_distance_cases() + K.edge_distance_cases() + K.self_cases() + K.shifted_cases():
        X, X_train = case["X"] + case.get("shift", 0), case["X_train"] + case.get("shift", 0)
        unclipped = np.sqrt((X**2).sum(1)[:, None] + (X_train**2).sum(1)[None, :] - 2 * X.dot(X_train.T))
        assert np.array_equal(unclipped, reference.distances(case["X"], case["X_train"]))


def test_the_distances_given_to_predict_labels_have_one_set_of_k_nearest():
    for case in K.basic_label_cases() + K.tie_cases() + K.k_cases() + K.nearest_cases():
        for row in case["dists"]:
            assert len(set(row.tolist())) == len(row), case


# ---------------------------------------------------------------- the loop counter

CLASS_TEMPLATE = """
import numpy as np

def helper(rows):
    return [r for r in rows]

class KNearestNeighbor:
    def other(self, X):
        for i in range(3):
            pass

    def method(self, X):
{body}
"""


@pytest.mark.parametrize(("body", "count", "says"), [
    ("        return X", 0, ""),
    ("        for i in range(3):\n            X[i] = 0", 1, "a for loop at line"),
    ("        return [x for x in X]", 1, "a list comprehension"),
    ("        return np.array(list(x for x in X))", 1, "a generator expression"),
    ("        while False:\n            pass", 1, "a while loop"),
    ("        return np.vectorize(abs)(X)", 1, "np.vectorize"),
    ("        return self.other(X)", 1, "(in self.other, which method calls)"),
    ("        return helper(X)", 1, "(in helper, which method calls)"),
    ("        for i in X:\n            s = [v for v in i]", 2, "a list comprehension"),
    ("        return eval('X')", 1, "eval(), which can hide a loop"),
])
def test_every_loop_counts_comprehensions_and_helpers_included(body, count, says):
    loops = loops_of(CLASS_TEMPLATE.format(body=body), "KNearestNeighbor", "method")
    assert len(loops) == count
    assert says in "; ".join(loop.describe("method") for loop in loops)


def test_a_missing_class_or_method_is_named():
    with pytest.raises(SyntaxProblem, match="no `class KNearestNeighbor`"):
        loops_of("x = 1\n", "KNearestNeighbor", "method")
    with pytest.raises(SyntaxProblem, match="no method `def missing"):
        loops_of(CLASS_TEMPLATE.format(body="        pass"), "KNearestNeighbor", "missing")
    with pytest.raises(SyntaxProblem, match="could not be parsed"):
        loops_of("def (:\n", "KNearestNeighbor", "method")


# ---------------------------------------------------------------- the harness

def _call(source: str, fn: str, calls: list[dict]) -> list[dict]:
    from autograder.parts.knn import harness

    request = {"file": "cs231n/classifiers/k_nearest_neighbor.py", "cls": "KNearestNeighbor", "fn": fn,
               "calls": calls}
    return harness.op_call(request, in_process_box(source))["results"]


def test_the_harness_answers_errors_as_plain_data():
    one = [{"X": np.ones((1, 2)), "X_train": np.ones((2, 2))}]
    (missing,) = _call("import numpy as np\n", "compute_distances_no_loops", one)
    assert not missing["ok"] and "KNearestNeighbor" in missing["error"]
    raising = reference_source().replace("dists = np.sqrt(np.maximum(squares, 0.0))", "raise KeyError('oops')")
    (raised,) = _call(raising, "compute_distances_no_loops", one)
    assert not raised["ok"] and "oops" in raised["error"]
    text = reference_source().replace("dists = np.sqrt(np.maximum(squares, 0.0))", "dists = 'far'")
    (unusable,) = _call(text, "compute_distances_no_loops", one)
    assert not unusable["ok"] and "compute_distances_no_loops returned" in unusable["error"]


def test_the_harness_reports_changed_inputs_and_grades_the_vote_without_the_distances():
    changing = reference_source().replace("differences = self.X_train - X[i]",
                                          "X[i] += 0\n            X[i] *= 2\n            differences = self.X_train - X[i]")
    (changed,) = _call(changing, "compute_distances_one_loop", [{"X": np.ones((1, 2)), "X_train": np.ones((2, 2))}])
    assert changed["ok"] and not changed["unchanged"]
    # the distance methods broken: the vote is graded on the distances it is given
    broken = reference_source().replace("dists = np.sqrt(np.maximum(squares, 0.0))", "raise ValueError")
    (vote,) = _call(broken, "predict_labels", [K.label_case([[2.0, 1.0]], [3, 5], 1)])
    assert vote["ok"] and vote["y"].tolist() == [5.0] and vote["unchanged"]


def test_the_cifar_sized_images_are_made_by_the_child_as_the_grader_makes_them():
    """A call naming the problem gets the same images (and answer) as one carrying them, and
    the student's changes to them stay in that call."""
    from autograder.parts.knn import harness

    case = K.scale_problem()
    named = {"problem": harness.SCALE_PROBLEM}
    changing = reference_source().replace("differences = self.X_train - X[i]",
                                          "X[i] *= 2\n            differences = self.X_train - X[i]")
    (sent,) = _call(reference_source(), "compute_distances_one_loop", [{"X": case["X"], "X_train": case["X_train"]}])
    (made,) = _call(reference_source(), "compute_distances_one_loop", [named])
    np.testing.assert_array_equal(made["dists"], sent["dists"])
    np.testing.assert_array_equal(made["dists"], reference.distances(case["X"], case["X_train"]))
    (changed,) = _call(changing, "compute_distances_one_loop", [named])
    assert not changed["unchanged"]
    (again,) = _call(reference_source(), "compute_distances_one_loop", [named])
    np.testing.assert_array_equal(again["dists"], sent["dists"])


def test_the_kept_cs231n_size_images_are_the_ones_a_child_makes(tmp_path):
    from autograder.parts.knn import harness

    harness.keep_cs231n_problem(str(tmp_path))
    (kept,) = tmp_path.glob("knn-cs231n-images-*.npy")
    assert kept == Path(harness.kept_problem_file(str(tmp_path)))
    X_train, X = harness._mapped_problem(str(kept))
    made_train, made = harness._make_cs231n_problem()
    np.testing.assert_array_equal(X_train, made_train)
    np.testing.assert_array_equal(X, made)
    assert type(X_train) is np.ndarray and X_train.flags.writeable  # copy on write: a student's change stays theirs
    X_train[0, 0] = -1.0
    assert harness._mapped_problem(str(kept))[0][0, 0] == made_train[0, 0]
    kept.write_bytes(b"not an array")
    assert harness._mapped_problem(str(kept)) is None  # a broken file: every child makes them again


# ---------------------------------------------------------------- the record of real files

def test_the_record_of_real_files_adds_up():
    with open(ROOT / "tests" / "corpus" / "knn" / "real_files.toml", "rb") as handle:
        files = tomllib.load(handle)["file"]
    assert len(files) >= 25
    assert len({entry["repository"] for entry in files}) == len(files)
    methods = [(h, g) for entry in files for h, g in zip(entry["hand"], entry["grader"], strict=True)]
    agree = sum(h == g for h, g in methods)
    summary = (ROOT / "tests" / "corpus" / "knn" / "real_files.toml").read_text(encoding="utf-8")
    assert f"agree on {agree} of {len(methods)} methods" in summary


# ---------------------------------------------------------------- through the engine and the child

@pytest.fixture(scope="module")
def knn_course():
    with use(parse(KNN_COURSE)):
        yield


def test_the_engine_grades_the_reference_30_and_the_stub_0(knn_course, tmp_path):
    from autograder.grading import grade_submission

    reference_report = grade_submission(materialise(None, tmp_path / "reference"))
    assert (reference_report.score, reference_report.max_score) == (30, 30), [
        t.output for t in reference_report.tests if t.status == "failed"]
    assert all(t.name.startswith("KNearestNeighbor.") for t in reference_report.tests)
    stub = tmp_path / "stub"
    materialise(None, stub)
    graded = stub / "cs231n" / "classifiers" / "k_nearest_neighbor.py"
    graded.write_text(strip_solutions(graded.read_text(encoding="utf-8")), encoding="utf-8")
    stub_report = grade_submission(stub)
    assert stub_report.score == 0 and stub_report.max_score == 30


SAME_ANSWERS = {"knn_one_loop_has_two_loops", "knn_no_loops_calls_one_loop", "knn_no_loops_three_dimensional_broadcast"}
"""Entries whose every answer is the reference's (a loop too many, a 61 GB temporary): the loop and
speed checks catch them, and the diagnosis tells them apart by their structure (the part's
structure.py: their loops, a difference broadcast over both sets of images)."""


def test_every_catalogue_entry_is_caught_and_diagnosed_through_the_child(knn_course):
    rows = audit(BUGS, catalogue=BUGS)
    survivors = {row.mutant.id: sorted(row.survived) for row in rows if row.survived or not row.applicable}
    assert not survivors
    assert all(row.score < row.max_score for row in rows)
    misdiagnosed = {row.mutant.id: row.misdiagnosed for row in rows if row.misdiagnosed}
    assert not misdiagnosed, misdiagnosed
    assert SAME_ANSWERS <= {row.mutant.id for row in rows if row.diagnoses == (row.mutant.id,)}
    assert not [row.mutant.id for row in rows if row.repeated]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda m: m.id)
def test_every_correct_variant_scores_full_marks_through_the_child(knn_course, variant, tmp_path):
    from autograder.grading import grade_submission

    report = grade_submission(materialise(variant, tmp_path / variant.id), functions=(variant.function,))
    assert report.score == report.max_score, {t.name: t.output for t in report.tests if t.status == "failed"}


# ---------------------------------------------------------------- a material folder of its own

def _material(root: Path, course: str) -> Path:
    shutil.copytree(ROOT / "solutions", root / "solutions")
    (root / "assignment" / "tests").mkdir(parents=True)
    for name in ("conftest.py", "helpers.py"):  # the instructor's files the public checks use
        shutil.copy(ROOT / "assignment" / "tests" / name, root / "assignment" / "tests" / name)
    (root / "course.toml").write_text(course)
    return root


def _run(material: Path, cache: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, AUTOGRADER_MATERIAL=str(material), AUTOGRADER_CACHE_DIR=str(cache), COLUMNS="160")
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True, env=env,
                          timeout=600)


@pytest.fixture(scope="module")
def knn_material(tmp_path_factory):
    root = _material(tmp_path_factory.mktemp("knn-material"), KNN_COURSE)
    built = _run(root, root / "cache", "build")
    assert built.returncode == 0, built.stdout + built.stderr
    return root


def test_the_build_releases_the_knn_files_and_checks_clean(knn_material):
    release = knn_material / "assignment"
    assert (release / "knn.ipynb").is_file()
    assert (release / "tests" / "test_k_nearest_neighbor.py").is_file()
    stub = (release / "cs231n" / "classifiers" / "k_nearest_neighbor.py").read_text(encoding="utf-8")
    assert "### BEGIN SOLUTION" not in stub and "Break ties by choosing the smaller" in stub
    assert not (release / "cs231n" / "classifiers" / "linear_svm.py").exists()
    checked = _run(knn_material, knn_material / "cache", "build", "--check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_autograder_grade_scores_the_reference_30_and_the_release_0(knn_material, tmp_path):
    reference_folder = tmp_path / "reference"
    shutil.copytree(knn_material / "solutions" / "cs231n", reference_folder / "cs231n")
    for folder, expected in ((reference_folder, 30), (knn_material / "assignment", 0)):
        results = tmp_path / f"{folder.name}.json"
        done = _run(knn_material, knn_material / "cache", "grade", str(folder), "--results", str(results))
        assert done.returncode == 0, done.stdout + done.stderr
        assert json.loads(results.read_text())["score"] == expected
        assert "KNearestNeighbor.predict_labels" in done.stdout


def test_the_public_checks_pass_on_the_reference_and_fail_on_the_stubs(knn_material, tmp_path):
    release = knn_material / "assignment"
    on_stubs = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                              cwd=release, capture_output=True, text=True, timeout=300)
    assert on_stubs.returncode != 0 and "test_distances_of_the_hand_worked_example" in on_stubs.stdout
    solved = tmp_path / "solved"
    shutil.copytree(release / "tests", solved / "tests")
    shutil.copytree(knn_material / "solutions" / "cs231n", solved / "cs231n")
    on_reference = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                                  cwd=solved, capture_output=True, text=True, timeout=300)
    assert on_reference.returncode == 0, on_reference.stdout


def test_the_knn_notebook_runs_on_the_digits_in_well_under_a_minute(knn_material, tmp_path, monkeypatch):
    import time

    import nbclient
    import nbformat

    monkeypatch.delenv("CS231N_CIFAR10_DIR", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    shutil.copytree(knn_material / "solutions" / "cs231n", tmp_path / "cs231n")
    notebook = nbformat.read(knn_material / "assignment" / "knn.ipynb", as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    started = time.monotonic()
    client.execute()
    assert time.monotonic() - started < 60
    printed = "".join(o.get("text", "") for cell in notebook.cells for o in cell.get("outputs", []))
    assert "Data source: digits" in printed
    assert printed.count("Good! The distance matrices are the same") == 2
    assert "best k = " in printed


def test_with_every_built_in_part_each_keeps_its_own_points(tmp_path_factory, tmp_path):
    from autograder import parts

    names = sorted(name for name, folder in parts.available().items() if folder.parent == parts.BUILT_IN)
    assert {"knn", "linear_classifiers"} <= set(names)
    totals = {}
    for name in names:
        with open(parts.get(name).rubric_path, "rb") as handle:
            totals[name] = sum(v for table in tomllib.load(handle).values() for k, v in table.items() if k != "file")
    material = _material(tmp_path_factory.mktemp("every-part-material"), f"[assignment]\nparts = {json.dumps(names)}\n")
    built = _run(material, material / "cache", "build")
    assert built.returncode == 0, built.stdout + built.stderr
    submission = tmp_path / "every_part"
    shutil.copytree(material / "solutions" / "cs231n", submission / "cs231n")
    results = tmp_path / "every_part.json"
    graded = _run(material, material / "cache", "grade", str(submission), "--results", str(results))
    assert graded.returncode == 0, graded.stdout + graded.stderr
    document = json.loads(results.read_text())
    assert document["score"] == sum(totals.values()), [t["name"] for t in document["tests"] if t["status"] == "failed"]
    # a kNN file that cannot be imported costs the kNN methods only, and says so
    (submission / "cs231n" / "classifiers" / "k_nearest_neighbor.py").write_text("def (:\n")
    graded = _run(material, material / "cache", "grade", str(submission), "--results", str(results))
    document = json.loads(results.read_text())
    assert document["score"] == sum(totals.values()) - totals["knn"]
    knn_tests = [t for t in document["tests"] if t["name"].startswith("KNearestNeighbor.")]
    assert len(knn_tests) == 23 and all("k_nearest_neighbor.py could not be imported" in t["output"] for t in knn_tests)
