"""The three corpora: every bug is caught by its property, every valid variant scores 100,
the stubs score 0 (SPEC "What the hidden tests check", DESIGN principles 5 and 6)."""

from pathlib import Path

import pytest

from autograder.catalogue.audit import audit
from autograder.catalogue.mutants import catalogue_path, load_mutants, materialise
from autograder.grading import grade_submission

BUGS = load_mutants(catalogue_path())
VARIANTS = load_mutants(Path(__file__).with_name("corpus") / "correct_variants.toml")


def test_the_corpora_are_large_and_cover_every_function():
    assert len(BUGS) >= 25 and len(VARIANTS) >= 10
    functions = {"svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized",
                 "train", "predict"}
    assert {m.function for m in BUGS} == functions
    assert all(m.caught_by for m in BUGS)


@pytest.mark.parametrize("mutant", BUGS, ids=[m.id for m in BUGS])
def test_every_bug_is_caught_by_the_property_that_names_it_and_diagnosed_as_itself(mutant):
    (row,) = audit([mutant], catalogue=BUGS)  # the one grading of each bug in the suite
    assert not row.survived, f"{mutant.id} ({mutant.description}) passes {sorted(row.survived)}"
    assert row.score < row.max_score
    assert row.misdiagnosed is None, f"{mutant.id}: {row.misdiagnosed}"


@pytest.mark.parametrize("variant", VARIANTS, ids=[m.id for m in VARIANTS])
def test_every_correct_formulation_gets_full_marks(variant, tmp_path):
    report = grade_submission(materialise(variant, tmp_path / variant.id), functions=(variant.function,))
    failed = {t.name: t.output for t in report.tests if t.status == "failed"}
    assert report.score == report.max_score, failed
    assert not any("Likely mistake:" in t.output or t.diagnoses for t in report.tests)


def test_stubs_score_zero_for_every_function(stub_submission):
    report = grade_submission(stub_submission)
    assert report.by_function() == {f: 0.0 for f in report.by_function()}
