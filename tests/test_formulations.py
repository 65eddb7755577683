"""course.toml: every formulation of the matrix is graded, built and audited in its own terms.

The matrix holds each SVM loss, each regularization kind, both scales and deltas other
than 1. For each formulation: the rendered solutions compute the formulation's math,
the catalogue entries it admits apply and are caught, the correct variants score 100,
and a fresh copy of the material built for it is consistent (reference 100, stubs 0,
another formulation's correct code loses exactly the functions the difference touches,
with a hint naming it; public checks pass on its own code only; no leak).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from autograder.catalogue.audit import audit
from autograder.catalogue.mutants import apply_mutant, catalogue_path, load_mutants, materialise
from autograder.cli import main
from autograder.course import Course, use
from autograder.parts.linear_classifiers.formulation import Formulation
from autograder.paths import assignment_dir, material_root, solutions_dir
from autograder.release import public_check_files
from autograder.release.course_solutions import render_text, rendered_source, solution_slots

MATRIX = (
    Formulation(),
    Formulation("squared_hinge"),
    Formulation("hinge", 2.0),
    Formulation("hinge", 1.0, "l1"),
    Formulation("hinge", 1.0, "l2", 0.5),
    Formulation("squared_hinge", 0.5, "l1", 0.5),
)
OTHERS = MATRIX[1:]  # the default course is audited by test_corpora.py
BUGS = load_mutants(catalogue_path())
VARIANTS = load_mutants(Path(__file__).with_name("corpus") / "correct_variants.toml")
CHECKOUT_SOLUTIONS, CHECKOUT_RELEASE = solutions_dir(), assignment_dir()
"""This checkout's material (the default formulation), whatever AUTOGRADER_MATERIAL says later."""
LOSSES = ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized")


def _ids(formulation: Formulation) -> str:
    return formulation.key


def test_the_matrix_covers_each_loss_kind_scale_and_a_delta_other_than_1():
    assert {f.svm_loss for f in MATRIX} == {"hinge", "squared_hinge"}
    assert {f.reg_kind for f in MATRIX} == {"l1", "l2"}
    assert {f.reg_scale for f in MATRIX} >= {1.0, 0.5}
    assert any(f.delta != 1.0 for f in MATRIX)


# --------------------------------------------------------------------------- course.toml itself

def test_the_default_course_file_states_the_defaults_and_renders_todays_files():
    from autograder.course import load

    assert (material_root() / "course.toml").is_file()
    assert load() == Course()
    for relative in solution_slots():
        text = (solutions_dir() / relative).read_text(encoding="utf-8")
        assert render_text(text, relative, Course()) == text
    for relative, data in public_check_files.render_all(Course()).items():
        assert (assignment_dir() / relative).read_bytes() == data, relative


MISTAKES = {
    "unknown key": ('[svm]\nmargin = 1.0\n', "svm.margin"),
    "unknown table": ('[softmax]\nreg = 1.0\n', "softmax"),
    "wrong type": ('[svm]\ndelta = "1"\n', "svm.delta"),
    "non-positive delta": ('[svm]\ndelta = 0.0\n', "svm.delta"),
    "non-positive scale": ('[regularization]\nscale = -0.5\n', "regularization.scale"),
    "unknown loss": ('[svm]\nloss = "hinges"\n', "svm.loss"),
    "unknown kind": ('[regularization]\nkind = "l3"\n', "regularization.kind"),
    "bad TOML": ('[svm\nloss = "hinge"\n', "not valid TOML"),
}


def _material(tmp_path: Path, course: str | None) -> Path:
    root = tmp_path / "material"
    shutil.copytree(CHECKOUT_SOLUTIONS, root / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(CHECKOUT_RELEASE, root / "assignment", ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    if course is not None:
        (root / "course.toml").write_text(course, encoding="utf-8")
    return root


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_an_invalid_course_file_is_refused_naming_the_key(mistake, tmp_path):
    text, words = MISTAKES[mistake]
    root = _material(tmp_path, text)
    result = CliRunner().invoke(main, ["build", "--check"], env={"AUTOGRADER_MATERIAL": str(root)})
    assert result.exit_code == 1, result.output
    assert "course.toml" in result.output and words in result.output, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [
    ["grade", "SUB"], ["grade", "SUB", "--out", "OUT"], ["build"], ["check", "SUB"], ["audit"],
    ["gradescope", "build", "--out", "OUT/a.zip"], ["nbgrader", "scan", "SUB"],
])
def test_every_command_refuses_an_invalid_course_file_before_it_runs(command, tmp_path):
    root = _material(tmp_path, '[svm]\ndelta = -1.0\n')
    (tmp_path / "sub").mkdir()
    args = [a.replace("SUB", str(tmp_path / "sub")).replace("OUT", str(tmp_path / "out")) for a in command]
    result = CliRunner().invoke(main, args, env={"AUTOGRADER_MATERIAL": str(root)})
    assert result.exit_code == 1, result.output
    assert "svm.delta = -1.0 is not allowed" in result.output
    assert not (tmp_path / "out").exists()


def test_a_solution_whose_generated_line_is_gone_is_refused_by_every_command(tmp_path):
    root = _material(tmp_path, None)
    svm = root / "solutions" / "cs231n" / "classifiers" / "linear_svm.py"
    svm.write_text(svm.read_text().replace("dW[:, y[i]] -= X[i]", "dW[:, y[i]] = dW[:, y[i]] - X[i]"))
    (tmp_path / "sub").mkdir()
    for args in (["build", "--check"], ["grade", str(tmp_path / "sub")]):
        result = CliRunner().invoke(main, args, env={"AUTOGRADER_MATERIAL": str(root)})
        assert result.exit_code == 1, result.output
        assert "linear_svm.py: the generated line for svm_loss_naive gradient of column y[i] is missing" in result.output


# --------------------------------------------------------------------------- the rendered solutions

def _module(relative: str, formulation: Formulation) -> dict:
    namespace: dict = {}
    exec(compile(rendered_source(relative, formulation.course()), relative, "exec"), namespace)  # noqa: S102
    return namespace


@pytest.mark.parametrize("formulation", MATRIX, ids=_ids)
def test_the_rendered_solutions_compute_the_formulations_math(formulation):
    rng = np.random.RandomState(0)
    W, X, y = rng.randn(5, 4), rng.randn(7, 5), rng.randint(0, 4, size=7)
    W[0, 0] = 0.0  # sign(0) = 0 with L1
    svm = _module("cs231n/classifiers/linear_svm.py", formulation)
    softmax = _module("cs231n/classifiers/softmax.py", formulation)
    for reg in (0.0, 0.7):
        want = formulation.svm_loss_and_gradient(W, X, y, reg)
        for name in ("svm_loss_naive", "svm_loss_vectorized"):
            loss, dW = svm[name](W, X, y, reg)
            assert np.isclose(loss, want[0]) and np.allclose(dW, want[1]), name
        want = formulation.softmax_loss_and_gradient(W, X, y, reg)
        for name in ("softmax_loss_naive", "softmax_loss_vectorized"):
            loss, dW = softmax[name](W, X, y, reg)
            assert np.isclose(loss, want[0]) and np.allclose(dW, want[1]), name


def test_hand_edits_outside_the_generated_lines_survive_and_a_missing_line_is_named():
    from autograder.release.course_solutions import SolutionLineError

    relative = "cs231n/classifiers/linear_svm.py"
    text = (solutions_dir() / relative).read_text(encoding="utf-8")
    edited = text.replace("    loss /= num_train\n", "    loss /= num_train  # the instructor's comment\n")
    rendered = render_text(edited, relative, Formulation("squared_hinge", 2.0).course())
    assert "# the instructor's comment" in rendered and "correct_class_score + 2  # note delta = 2" in rendered
    assert render_text(rendered, relative, Course()) == edited
    with pytest.raises(SolutionLineError, match="svm_loss_naive margin"):
        render_text(text.replace("margin = scores[j] - correct_class_score + 1", "margin = 0"), relative,
                    Course())


# --------------------------------------------------------------------------- the corpora per formulation

@pytest.mark.parametrize("formulation", MATRIX, ids=_ids)
def test_every_entry_applies_to_every_formulation_its_table_admits(formulation):
    with use(formulation.course()):
        admitted = [m for m in BUGS + VARIANTS if m.admits(formulation.course())]
        for mutant in admitted:
            apply_mutant(rendered_source(mutant.file), mutant)  # raises CatalogueError if not
    assert len([m for m in admitted if m.is_buggy]) >= 25


def _differs(formulation: Formulation, function: str) -> bool:
    """Whether `function` is graded differently in `formulation` than in the default course.

    The SVM functions follow every key; the Softmax ones the regularization (the Softmax
    loss has no variants) and delta (the large-margin inputs of every loss scale with
    it); train and predict none (they are graded with a stand-in loss). Where nothing
    differs, the default course's audit (test_corpora.py) already grades the entry
    exactly the same way, so the matrix does not grade it again.
    """
    if function.startswith("svm"):
        return True
    if function.startswith("softmax"):
        return (formulation.reg_kind, formulation.reg_scale, formulation.delta) != ("l2", 1.0, 1.0)
    return False


def _matrix(entries):
    return [pytest.param(f, m, id=f"{f.key}-{m.id}") for f in OTHERS for m in entries
            if m.admits(f.course()) and _differs(f, m.function)]


@pytest.mark.parametrize(("formulation", "mutant"), _matrix(BUGS))
def test_every_bug_is_caught_and_diagnosed_in_every_formulation_it_applies_to(formulation, mutant):
    with use(formulation.course()):
        (row,) = audit([mutant], catalogue=BUGS)
    assert row.applicable, row.not_applicable
    assert not row.survived, f"{mutant.id} passes {sorted(row.survived)} in {formulation.key}"
    assert row.score < row.max_score
    assert row.misdiagnosed is None, f"{mutant.id} in {formulation.key}: {row.misdiagnosed}"
    assert not row.repeated, f"{mutant.id} in {formulation.key}: {row.repeated}"


@pytest.mark.parametrize(("formulation", "variant"), _matrix(VARIANTS))
def test_every_correct_variant_scores_100_in_every_formulation_it_applies_to(formulation, variant, tmp_path):
    from autograder.grading import grade_submission

    with use(formulation.course()):
        report = grade_submission(materialise(variant, tmp_path / variant.id), functions=(variant.function,))
    failed = {t.name: t.output for t in report.tests if t.status == "failed"}
    assert report.score == report.max_score, failed


def test_an_entry_written_for_another_formulation_is_reported_not_applicable():
    squared_only = next(m for m in BUGS if m.id == "svm_vec_squared_hinge_gradient_of_plain_hinge")
    (row,) = audit([squared_only])
    assert not row.applicable and "other formulations" in row.not_applicable
    assert not row.survived


# --------------------------------------------------------------------------- a fresh copy per formulation

def _grade(root: Path, submission: Path, monkeypatch):
    from autograder.grading import grade_submission

    monkeypatch.setenv("AUTOGRADER_MATERIAL", str(root))
    return grade_submission(submission)


def _public_checks(root: Path, classifiers: Path, tmp_path: Path, name: str) -> subprocess.CompletedProcess:
    release = tmp_path / name
    shutil.copytree(root / "assignment", release, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__"))
    for graded in ("linear_svm.py", "softmax.py", "linear_classifier.py"):
        shutil.copyfile(classifiers / graded, release / "cs231n" / "classifiers" / graded)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                          cwd=release, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("formulation", OTHERS, ids=_ids)
def test_a_course_built_for_a_formulation_grades_in_its_terms(formulation, tmp_path, monkeypatch):
    root = _material(tmp_path, formulation.to_toml())
    env = {"AUTOGRADER_MATERIAL": str(root)}
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--check"], env=env).exit_code == 1  # solutions disagree
    built = runner.invoke(main, ["build"], env=env)
    assert built.exit_code == 0, built.output
    checked = runner.invoke(main, ["build", "--check"], env=env)
    assert checked.exit_code == 0, checked.output

    ours = root / "solutions" / "cs231n" / "classifiers"
    reference = _grade(root, root / "solutions", monkeypatch)
    assert reference.score == reference.max_score, [t.name for t in reference.tests if t.status == "failed"]
    stubs = _grade(root, root / "assignment", monkeypatch)
    assert stubs.score == 0

    # a correct submission written for the default formulation
    default = _grade(root, CHECKOUT_SOLUTIONS, monkeypatch)
    touched = set(LOSSES) if (formulation.reg_kind, formulation.reg_scale) != ("l2", 1.0) else set(LOSSES[:2])
    lost = {f for f, score in default.by_function().items() if score < _full(default, f)}
    assert lost == touched
    for function in touched:
        hints = [t.output for t in default.tests if t.function == function and t.status == "failed"
                 and ("formulation" in t.output or "convention" in t.output)]
        assert hints, f"{function}: no hint names the formulation"

    passed = _public_checks(root, ours, tmp_path, "own")
    assert passed.returncode == 0, passed.stdout[-3000:]
    failed = _public_checks(root, CHECKOUT_SOLUTIONS / "cs231n" / "classifiers", tmp_path, "default")
    assert failed.returncode != 0, "the public checks must tell the default formulation's code apart"

    scan = runner.invoke(main, ["nbgrader", "scan", str(_student_release(root, tmp_path))], env=env)
    assert scan.exit_code == 0, scan.output


def _student_release(root: Path, tmp_path: Path) -> Path:
    """What students get, built without nbgrader: stubs, public checks, notebooks without answers."""
    import nbformat

    from autograder.nbgrader_course.gradecells import add_grade_cells

    folder = tmp_path / "release"
    shutil.copytree(root / "assignment", folder, ignore=shutil.ignore_patterns("__pycache__", ".*", "*.pyc", "*.ipynb"))
    for name in ("svm", "softmax"):
        nb = nbformat.read(root / "assignment" / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = "# YOUR CODE HERE" if cell.cell_type == "code" else "YOUR ANSWER HERE"
        nbformat.write(add_grade_cells(nb, name), folder / f"{name}.ipynb")
    return folder


def _full(report, function: str) -> float:
    return sum(t.max_score for t in report.tests if t.function == function)


# --------------------------------------------------------------------------- examples and hints

def test_the_example_cache_and_the_examples_are_kept_per_formulation():
    from autograder.grading import example_cache
    from autograder.parts.linear_classifiers.properties.losses import LargeMargins, Regularization

    keys = set()
    for formulation in MATRIX:
        with use(formulation.course()):
            keys.add(example_cache.cache_key())
    assert len(keys) == len(MATRIX)

    with use(Formulation("hinge", 2.0).course()):
        for case in LargeMargins().generated_cases("svm_loss_naive"):
            scores = case["X"] @ case["W"]
            margins = scores - scores[np.arange(len(case["y"])), case["y"]][:, None] + 2.0
            margins[np.arange(len(case["y"])), case["y"]] = -1.0
            assert np.all(margins < 0)
    with use(Formulation("hinge", 1.0, "l1").course()):
        cases = Regularization().generated_cases("softmax_loss_naive")
        assert all(np.all(np.abs(case["W"]) > 1e-3) for case in cases)


@pytest.mark.parametrize(("course", "student", "words"), [
    (Formulation("squared_hinge"), Formulation(), "plain hinge"),
    (Formulation(), Formulation("squared_hinge"), "squared hinge"),
    (Formulation("hinge", 2.0), Formulation(), "margin delta = 1 instead of the course's delta = 2"),
    (Formulation("hinge", 1.0, "l2", 0.5), Formulation(), "1 * reg in front of it instead of the course's 0.5 * reg"),
    (Formulation(), Formulation("hinge", 1.0, "l2", 0.5), "0.5 * reg in front of it instead of the course's 1 * reg"),
    (Formulation("hinge", 1.0, "l1"), Formulation(), "sum(W**2) (L2) instead of the course's sum(|W|) (L1)"),
])
def test_a_hint_names_the_formulation_a_student_followed(course, student, words):
    from autograder.parts.linear_classifiers import conventions

    rng = np.random.RandomState(3)
    W, X, y, reg = rng.randn(4, 3), rng.randn(6, 4), rng.randint(0, 3, size=6), 0.8
    for kind in ("svm", "softmax"):
        compute = "svm_loss_and_gradient" if kind == "svm" else "softmax_loss_and_gradient"
        loss, dW = getattr(student, compute)(W, X, y, reg)
        ref_loss, ref_dW = getattr(course, compute)(W, X, y, reg)
        with use(course.course()):
            hint = conventions.other_formulation(kind, W, X, y, reg, loss, dW, ref_loss, ref_dW)
        if kind == "softmax" and (course.reg_kind, course.reg_scale) == (student.reg_kind, student.reg_scale):
            assert hint is None  # the same Softmax loss: nothing to recognise
        else:
            assert hint is not None and words in hint, (kind, hint)


def test_audit_course_option_grades_the_entries_of_that_formulation(tmp_path):
    course = tmp_path / "course.toml"
    course.write_text(Formulation("squared_hinge").to_toml(), encoding="utf-8")
    only = ["--only", "svm_vec_squared_hinge_gradient_of_plain_hinge", "--only", "svm_vec_no_delta"]
    default = CliRunner().invoke(main, ["audit", *only])
    assert default.exit_code == 0, default.output
    assert "not applicable svm_vec_squared_hinge_gradient_of_plain_hinge" in default.output
    assert "1 of 2 entries apply, 1 not applicable" in default.output
    squared = CliRunner().invoke(main, ["audit", "--course", str(course), *only])
    assert squared.exit_code == 0, squared.output
    assert "caught svm_vec_squared_hinge_gradient_of_plain_hinge" in squared.output
    assert "2 of 2 entries apply, 0 not applicable (course: svm.loss=squared_hinge)" in squared.output


def test_the_gradescope_zip_carries_the_course_file():
    from autograder.gradescope.build import zip_members

    assert zip_members()["course.toml"] == (material_root() / "course.toml").read_bytes()
