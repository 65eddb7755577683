"""Feedback that names the mistake: the bug catalogue matched against a failing function.

Every catalogue entry, graded as a submission, gets its own diagnosis: that is checked
where the catalogue is already graded once per entry (tests/test_corpora.py, through
`autograder.catalogue.audit`), so the catalogue is not graded twice. Here: two mistakes
at once, correct submissions, mistakes outside the catalogue, a labelled corpus of
student-like mistakes, crashes, determinism, the results and the class report.
"""

import re
import tomllib
from pathlib import Path

import pytest

from autograder.batch.class_report import report_html, summarise_checks
from autograder.catalogue.mutants import (
    CatalogueError,
    Edit,
    Mutant,
    apply_mutant,
    load_catalogue,
    load_mutants,
    materialise,
)
from autograder.grading import diagnosis, grade_submission
from autograder.grading.diagnosis import CRASHES, LINE_PREFIX, diagnose_crash
from autograder.parts.linear_classifiers import relations
from autograder.paths import solutions_dir
from autograder.report.results import deterministic_view, dumps, to_results, validate

CORPUS = Path(__file__).resolve().parent / "corpus"
BUGS = {m.id: m for m in load_catalogue()}
LABELLED = tomllib.loads((CORPUS / "labelled_mistakes.toml").read_text())["mistake"]
REAL = tomllib.loads((CORPUS / "real_mistakes.toml").read_text())["mistake"]
RELATIONS = {rule.id for rule in relations.RULES}


def recognised(report, function: str) -> tuple[str, ...]:
    """The diagnosis ids on the function's failed checks (the same on each of them), or ()."""
    found = {t.diagnoses for t in report.tests if t.function == function and t.status == "failed"
             and not t.output.startswith("Not graded yet")}
    assert len(found) <= 1, found
    return found.pop() if found else ()


def with_mutants(tmp_path: Path, name: str, *mutants: Mutant) -> Path:
    """A submission with several mutants applied (each to its own function, files shared)."""
    folder = materialise(None, tmp_path / name)
    for mutant in mutants:
        path = folder / mutant.file
        path.write_text(apply_mutant(path.read_text(), mutant))
    return folder


# ------------------------------------------------------------- two mistakes


@pytest.mark.parametrize("first, second", [
    ("svm_naive_no_delta", "softmax_vec_gradient_p_not_p_minus_y"),
    ("svm_naive_loss_not_averaged", "svm_vec_no_reg_in_gradient"),
    ("softmax_naive_no_max_shift", "predict_argmin"),
    ("train_step_uphill", "svm_vec_correct_column_sign"),
    ("softmax_naive_reg_before_average", "softmax_vec_columns_indexed_by_y"),
])
def test_mistakes_in_two_functions_each_get_their_own_diagnosis(tmp_path, first, second):
    a, b = BUGS[first], BUGS[second]
    report = grade_submission(with_mutants(tmp_path, "two", a, b), functions=(a.function, b.function))
    assert recognised(report, a.function) == (first,)
    assert recognised(report, b.function) == (second,)


def test_a_course_of_other_parts_graded_first_does_not_hide_this_courses_catalogue(tmp_path):
    """The catalogue matched is the one of the parts the course grades now, even when the same
    process first diagnosed a course of other parts (`audit --course`, a test module)."""
    from autograder.course import parse, use

    with use(parse('[assignment]\nparts = ["knn"]\n')):
        knn_only = {m.id for m in diagnosis._catalogue()}
    assert knn_only and not knn_only & set(BUGS)
    bug = BUGS["svm_naive_no_delta"]
    report = grade_submission(with_mutants(tmp_path, "after", bug), functions=(bug.function,))
    assert recognised(report, bug.function) == (bug.id,)


@pytest.mark.parametrize("first, second", [
    ("svm_naive_reg_grad_no_factor_2", "svm_naive_loss_not_averaged"),
    ("svm_vec_no_reg_in_loss", "svm_vec_gradient_not_averaged"),
])
def test_two_mistakes_in_one_function_are_both_named(tmp_path, first, second):
    a, b = BUGS[first], BUGS[second]
    report = grade_submission(with_mutants(tmp_path, "pair", a, b), functions=(a.function,))
    assert recognised(report, a.function) == (first, second)
    failed = next(t for t in report.tests if t.diagnoses)
    lines = [line for line in failed.output.splitlines() if line.startswith(LINE_PREFIX)]
    assert lines == [LINE_PREFIX + a.diagnosis, LINE_PREFIX + b.diagnosis]


# ------------------------------------------------------------- correct submissions


def test_a_correct_submission_shows_no_mistake_and_pays_nothing(reference_submission):
    report = grade_submission(reference_submission)
    assert report.score == report.max_score
    assert not any(LINE_PREFIX in t.output or t.diagnoses for t in report.tests)
    assert "diagnosis" not in report.timings  # no mutant ran


# (Every correct variant of tests/corpus/correct_variants.toml is graded once, in
# tests/test_corpora.py, which also asserts that none shows a diagnosis.)


# ------------------------------------------------------------- the labelled corpus


def _labelled_submission(tmp_path: Path, entry: dict) -> Path:
    mutant = Mutant(entry["id"], entry["function"], entry["id"], replace_function=entry["replace_function"])
    return materialise(mutant, tmp_path / entry["id"])


def test_the_labelled_corpus_is_sound():
    assert len(LABELLED) >= 30
    known = set(BUGS) | set(CRASHES)
    for entry in LABELLED:
        assert set(entry) == {"id", "function", "label", "replace_function"}, entry["id"]
        for part in filter(None, entry["label"].split("+")):
            assert part in known, (entry["id"], part)
    assert sum(not e["label"] for e in LABELLED) >= 4  # mistakes outside the catalogue


@pytest.mark.parametrize("entry", LABELLED, ids=[e["id"] for e in LABELLED])
def test_a_labelled_mistake_is_diagnosed_correctly_or_not_at_all(tmp_path, entry):
    report = grade_submission(_labelled_submission(tmp_path, entry), functions=(entry["function"],))
    assert report.score < report.max_score, "a labelled mistake must lose points"
    got = "+".join(recognised(report, entry["function"]))
    if entry["label"]:
        assert got in ("", entry["label"]), f"diagnosed {got}, labelled {entry['label']}"
    else:
        assert got == "", f"a mistake outside the catalogue was diagnosed as {got}"
        assert not any(LINE_PREFIX in t.output for t in report.tests)


def test_the_real_corpus_is_sound():
    """Distinct mistakes of real public student code, each naming where it was found."""
    assert len(REAL) >= 20
    known = set(BUGS) | set(CRASHES) | RELATIONS
    for entry in REAL:
        assert set(entry) - {"note"} == {"id", "function", "label", "sources", "replace_function"}, entry["id"]
        assert entry["sources"] and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{8}", s) for s in entry["sources"])
        assert bool(entry["label"]) != bool(entry.get("note")), entry["id"]  # say why nothing fits
        for part in filter(None, entry["label"].split("+")):
            assert part in known, (entry["id"], part)
    labelled = [e for e in REAL if e["label"]]
    assert sum(len(e["sources"]) for e in labelled) >= 0.8 * sum(len(e["sources"]) for e in REAL)


@pytest.mark.parametrize("entry", REAL, ids=[e["id"] for e in REAL])
def test_a_real_mistake_gets_exactly_its_diagnosis(tmp_path, entry):
    """Each real mistake is named as its label says, relations and compositions included, and
    the ones no rule explains get no diagnosis at all."""
    report = grade_submission(_labelled_submission(tmp_path, entry), functions=(entry["function"],))
    assert report.score < report.max_score, "a real mistake must lose points"
    assert "+".join(recognised(report, entry["function"])) == entry["label"]


# ------------------------------------------------------------- no reference source


def _solution_lines() -> set[str]:
    lines = set()
    for path in (solutions_dir() / "cs231n" / "classifiers").glob("*.py"):
        inside = False
        for line in path.read_text().splitlines():
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside and len(line.strip()) >= 10:
                lines.add(line.split("#")[0].strip())
    return {line for line in lines if len(line) >= 10}


def test_diagnoses_never_quote_the_reference_solution():
    lines = _solution_lines()
    assert len(lines) > 20
    texts = [m.diagnosis for m in BUGS.values()]
    texts += [diagnose_crash(error, "def f():\n    n = 1\n", "g").text for error in (
        "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?",
        "ModuleNotFoundError: No module named 'past'", "NameError: name 'xrange' is not defined",
        "NameError: name 'n' is not defined", "NameError: name 'num_dev' is not defined")]
    for text in texts:
        assert text
        for line in lines:
            assert line not in text, f"a diagnosis quotes the reference: {line!r} in {text!r}"


def test_every_bug_has_a_diagnosis_written_for_students():
    for mutant in BUGS.values():
        assert mutant.diagnosis, mutant.id
        assert mutant.diagnosis[0].isupper() and mutant.diagnosis.endswith("."), mutant.id
        assert "reference" not in mutant.diagnosis.lower(), mutant.id


# ------------------------------------------------------------- crashes


@pytest.mark.parametrize("error, source, expected, words", [
    ("  File \"cs231n/classifiers/linear_svm.py\", line 3\n    print x\n    ^^^^^^^\n"
     "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?", "", "crash_python2_print",
     "print(x)"),
    ("NameError: name 'xrange' is not defined", "", "crash_python2_name", "range"),
    ("ModuleNotFoundError: No module named 'tqdm'", "", "crash_missing_module", "tqdm"),
    ("ModuleNotFoundError: No module named 'past'", "", "crash_missing_module", "future"),
    ("NameError: name 'num_train' is not defined",
     "def svm_loss_naive(W, X, y, reg):\n    num_train = X.shape[0]\n\ndef svm_loss_vectorized(W, X, y, reg):\n"
     "    return num_train\n", "crash_name_from_other_function", "svm_loss_naive"),
    ("NameError: name 'X_dev' is not defined", "def svm_loss_naive(W, X, y, reg):\n    return X_dev\n",
     "crash_undefined_name", "notebook"),
])
def test_recognisable_crashes_are_diagnosed(error, source, expected, words):
    found = diagnose_crash(error, source, "svm_loss_vectorized")
    assert found is not None and found.id == expected and words in found.text


def test_other_errors_are_not_guessed_at():
    assert diagnose_crash("ValueError: operands could not be broadcast together") is None
    assert diagnose_crash("NameError: name 'helper' is not defined", "def helper():\n    pass\n", "f") is None


def test_python_2_print_statement_is_diagnosed_on_the_checks_it_costs(tmp_path):
    folder = materialise(None, tmp_path / "py2")
    path = folder / "cs231n/classifiers/softmax.py"
    path.write_text(path.read_text() + "\nprint 'softmax loaded'\n")
    report = grade_submission(folder, functions=("softmax_loss_naive", "svm_loss_naive"))
    softmax = [t for t in report.tests if t.function == "softmax_loss_naive"]
    assert all(t.diagnoses == ("crash_python2_print",) for t in softmax)
    assert all(LINE_PREFIX in t.output for t in softmax)
    assert not any(t.diagnoses for t in report.tests if t.function == "svm_loss_naive")


# ------------------------------------------------------------- mechanics


def test_a_mutant_that_does_not_apply_to_the_reference_is_skipped(tmp_path):
    """Another formulation's reference may lack an entry's `find` text: that entry is ignored."""
    stale = Mutant("stale_entry", "svm_loss_naive", "x", caught_by=("matches_reference",),
                   edits=(Edit("this text is not in the reference", "pass"),), diagnosis="Never shown.")
    with pytest.raises(CatalogueError):
        apply_mutant((solutions_dir() / stale.file).read_text(), stale)
    bug = BUGS["svm_naive_no_delta"]
    with diagnosis.matching([stale, bug]):
        report = grade_submission(materialise(bug, tmp_path / "bug"), functions=(bug.function,))
    assert recognised(report, bug.function) == (bug.id,)


def test_results_carry_the_diagnosis_and_stay_valid(tmp_path):
    bug = BUGS["softmax_vec_gradient_p_not_p_minus_y"]
    results = to_results(grade_submission(materialise(bug, tmp_path / "bug"), functions=(bug.function,)))
    validate(results)
    failed = [t for t in results["tests"] if t["status"] == "failed" and not t["output"].startswith("Not graded")]
    assert failed and all(t["extra_data"] == {"diagnoses": [bug.id]} for t in failed)
    assert all("extra_data" not in t for t in results["tests"] if t["status"] == "passed")
    assert results["extra_data"]["timings"]["diagnosis"]["functions"] == 1


def test_diagnosis_does_not_depend_on_what_this_process_cached_before(tmp_path):
    """Byte-identical results whether the compiled mutants are cached or not (across
    processes: tests/test_determinism.py)."""
    a, b = BUGS["svm_naive_reg_grad_no_factor_2"], BUGS["svm_naive_loss_not_averaged"]
    folder = with_mutants(tmp_path, "pair", a, b)
    first = dumps(deterministic_view(to_results(grade_submission(folder, functions=(a.function,)))))
    diagnosis._mutated_for.cache_clear()
    diagnosis._mutant_loops_for.cache_clear()
    second = dumps(deterministic_view(to_results(grade_submission(folder, functions=(a.function,)))))
    assert first == second and LINE_PREFIX in first


def test_loader_knows_the_diagnosis_field(tmp_path):
    base = ('[[mutant]]\nid = "x"\nfunction = "predict"\ndescription = "d"\n{extra}'
            '[[mutant.edit]]\nfind = "axis=1"\nreplace = "axis=0"\n')
    path = tmp_path / "c.toml"
    path.write_text(base.format(extra='diagnosis = "Said."\ncaught_by = ["matches_reference"]\n'))
    assert load_mutants(path)[0].diagnosis == "Said."
    for extra, message in (('diagnosis = 3\n', "`diagnosis` must be a string"),
                           ('diagnosis = "A correct variant."\n', "has no `diagnosis`")):
        path.write_text(base.format(extra=extra))
        with pytest.raises(CatalogueError, match=re.escape(message)):
            load_mutants(path)


def test_class_report_shows_the_most_common_mistakes_per_check():
    def doc(diagnoses):
        test = {"name": "svm_loss_naive: matches reference", "score": 0.0, "max_score": 6.0, "status": "failed",
                "output": "The loss differs.\nLikely mistake: ..."}
        if diagnoses:
            test["extra_data"] = {"diagnoses": diagnoses}
        return {"score": 0.0, "tests": [test]}

    docs = [doc(["svm_naive_no_delta"]), doc(["svm_naive_no_delta"]), doc(["crash_python2_name"]),
            doc(["svm_naive_reg_grad_no_factor_2", "svm_naive_loss_not_averaged"]), doc(None)]
    (check,) = summarise_checks(docs)
    assert check.common_diagnoses()[0] == ("svm_naive_no_delta", 2)
    assert len(check.common_diagnoses()) == 3
    page = report_html([(f"s{k}", d) for k, d in enumerate(docs)])
    assert "most common mistakes" in page
    assert 'data-diagnosis="svm_naive_no_delta"' in page
    assert BUGS["svm_naive_no_delta"].description.split(",")[0] in page
