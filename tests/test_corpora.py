"""The three corpora: every bug is caught by its property, every valid variant scores 100,
the stubs score 0 (SPEC "What the hidden tests check", DESIGN principles 5 and 6)."""

from pathlib import Path

import pytest

from autograder.catalogue.audit import audit
from autograder.catalogue.mutants import catalogue_path, load_mutants, materialise
from autograder.course import Course
from autograder.grading import grade_submission

# The entries written for the default formulation, which this checkout follows (the
# others are graded per formulation in test_formulations.py).
BUGS = [m for m in load_mutants(catalogue_path()) if m.admits(Course())]
VARIANTS = [v for v in load_mutants(Path(__file__).with_name("corpus") / "correct_variants.toml")
            if v.admits(Course())]


def test_the_corpora_are_large_and_cover_every_function():
    assert len(BUGS) >= 25 and len(VARIANTS) >= 10
    functions = {"svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized",
                 "train", "predict"}
    assert {m.function for m in BUGS} == functions
    assert all(m.caught_by for m in BUGS)


@pytest.fixture(scope="module", params=[
    pytest.param(m, id=m.id, marks=pytest.mark.xdist_group(f"bug:{m.id}")) for m in BUGS])
def graded(request):
    """Each bug graded once (its own function only) and shared by the checks below; the
    xdist group keeps a bug's checks in one worker (pyproject: --dist loadgroup)."""
    (row,) = audit([request.param], catalogue=BUGS)  # the one grading of each bug in the suite
    return row


def test_every_bug_is_caught_by_the_property_that_names_it_and_diagnosed_as_itself(graded):
    mutant = graded.mutant
    assert not graded.survived, f"{mutant.id} ({mutant.description}) passes {sorted(graded.survived)}"
    assert graded.score < graded.max_score
    assert graded.misdiagnosed is None, f"{mutant.id}: {graded.misdiagnosed}"


def test_no_check_gives_the_same_advice_twice(graded):
    """One voice per mistake: a hint that says what the diagnosis says is left out (the
    hint's topic is in the entry's `covers`), so no check's hint and diagnosis quote the
    same formula, and no hint about a covered topic is shown next to the diagnosis."""
    assert not graded.repeated, f"{graded.mutant.id}: {graded.repeated}"
    covered = graded.mutant.covers
    for test in graded.tests:
        if test.diagnoses:
            assert test.hint is None or not test.hint.topics & covered, (test.property, test.hint)


def test_no_feedback_refers_to_a_check_the_submission_passed(graded):
    """A hint must never contradict another check's result: no failed check's text names,
    in quotes, a check that passed (e.g. "see 'matches reference'" when that passed)."""
    passed = [t.name for t in graded.tests if t.status == "passed"]
    contradictions = [
        (failed.name, name)
        for failed in graded.tests if failed.status == "failed"
        for name in passed
        if f"'{name}'" in failed.output or f"'{name.split(': ', 1)[1]}'" in failed.output
    ]
    assert not contradictions, (graded.mutant.id, contradictions)


@pytest.mark.parametrize("variant", VARIANTS, ids=[m.id for m in VARIANTS])
def test_every_correct_formulation_gets_full_marks(variant, tmp_path):
    report = grade_submission(materialise(variant, tmp_path / variant.id), functions=(variant.function,))
    failed = {t.name: t.output for t in report.tests if t.status == "failed"}
    assert report.score == report.max_score, failed
    assert not any("Likely mistake:" in t.output or t.diagnoses for t in report.tests)


def test_stubs_score_zero_for_every_function(stub_submission):
    report = grade_submission(stub_submission)
    assert report.by_function() == {f: 0.0 for f in report.by_function()}
