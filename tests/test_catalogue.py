"""The mutant catalogue and the correct-variant corpus, checked without the grading engine.

Every entry loads and applies; every materialised submission imports; every bug
differs observably from the reference on a small fixed set of inputs (so none is
an equivalent mutant); every correct variant agrees with the reference on all of
them. Submissions run in one child process that imports each folder in turn.
"""

import ast
import json
import os
import subprocess
import sys
import textwrap
import tomllib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from autograder import parts
from autograder.catalogue import (
    FILE_OF_FUNCTION,
    CatalogueError,
    Edit,
    Mutant,
    apply_mutant,
    catalogue_path,
    function_source,
    load_catalogue,
    load_mutants,
    materialise,
    rubric_properties,
)
from autograder.course import Course
from autograder.paths import solutions_dir

GRADED_FILES = parts.graded_files()  # the linear classifiers' (the default course)
LINEAR = {f.id: f.file for f in parts.get("linear_classifiers").functions}
"""The default course's functions (FILE_OF_FUNCTION holds every available part's)."""
VARIANTS_PATH = Path(__file__).resolve().parent / "corpus" / "correct_variants.toml"
# The entries written for the default formulation, which this checkout's reference follows
# (the others are applied and graded per formulation in test_formulations.py).
MUTANTS = [m for m in load_catalogue() if m.admits(Course())]
VARIANTS = [v for v in load_mutants(VARIANTS_PATH) if v.admits(Course())]
VECTORIZED = ("svm_loss_vectorized", "softmax_loss_vectorized")
RTOL, ATOL = 1e-6, 1e-10

# The child: imports each submission folder in turn and records plain data only.
CHILD = r'''
import importlib
import json
import sys
import warnings

import numpy as np

sys.dont_write_bytecode = True
warnings.simplefilter("ignore")

LOSS_MODULE = {
    "svm_loss_naive": "linear_svm",
    "svm_loss_vectorized": "linear_svm",
    "softmax_loss_naive": "softmax",
    "softmax_loss_vectorized": "softmax",
}
MODULES = ("linear_svm", "softmax", "linear_classifier")


def import_submission(dest):
    for name in [n for n in sys.modules if n == "cs231n" or n.startswith("cs231n.")]:
        del sys.modules[name]
    sys.path.insert(0, dest)
    importlib.invalidate_caches()
    modules, errors, files = {}, {}, {}
    try:
        for short in MODULES:
            try:
                modules[short] = importlib.import_module("cs231n.classifiers." + short)
                files[short] = modules[short].__file__
            except Exception as error:
                errors[short] = f"{type(error).__name__}: {error}"
    finally:
        sys.path.remove(dest)
    return modules, errors, files


def loss_cases():
    rs = np.random.RandomState(231)
    cases = []
    W = rs.randn(5, 4)
    X = rs.randn(8, 5)
    y = np.array([0, 1, 2, 3, 1, 0, 2, 2])
    cases.append(("basic_reg1", W, X, y, 1.0))
    cases.append(("basic_reg0", W, X, y, 0.0))
    cases.append(("repeated_data", W, np.vstack([X, X]), np.concatenate([y, y]), 1.0))
    cases.append(("n_equals_c", rs.randn(6, 4), rs.randn(4, 6), np.array([2, 0, 2, 1]), 0.5))
    cases.append(("one_sample_two_classes", rs.randn(3, 2), rs.randn(1, 3), np.array([1]), 0.1))
    W10, X10 = rs.randn(20, 10), rs.randn(50, 20)
    y10 = rs.permutation(np.arange(50) % 10)
    cases.append(("ten_classes_reg10", W10, X10, y10, 10.0))
    cases.append(("tiny_weights", 1e-4 * rs.randn(20, 10), X10, y10, 0.0))
    cases.append(("zero_weights", np.zeros((20, 10)), X10, y10, 0.0))
    # Designed scores: X is orthogonal (N = D = 6), so X @ (X.T @ S) == S.
    Q = np.linalg.qr(rs.randn(6, 6))[0]
    S = rs.uniform(-90.0, 0.0, size=(6, 5))  # gaps up to 90 within a row
    y_gap = S.argmin(axis=1)  # most correct classes far below the best score
    y_gap[:2] = S[:2].argmax(axis=1)
    cases.append(("score_gaps", Q.T @ S, Q, y_gap, 0.0))
    offsets = np.array([1000.0, 3000.0, 5000.0, 2000.0, 4000.0, 1500.0])
    cases.append(("offsets_in_thousands", Q.T @ (S + offsets[:, None]), Q, y_gap, 0.0))
    S_margin = rs.uniform(-3.0, 3.0, size=(6, 5))
    y_margin = rs.randint(5, size=6)
    S_margin[np.arange(6), y_margin] = S_margin.max(axis=1) + rs.uniform(2.0, 40.0, size=6)
    cases.append(("large_margins", Q.T @ S_margin, Q, y_margin, 0.0))
    cases.append(("large_margins_reg", Q.T @ S_margin, Q, y_margin, 0.3))
    return cases


CASES = loss_cases()


def observe_loss(function):
    observed = {}
    for name, W, X, y, reg in CASES:
        args = [W.copy(), X.copy(), y.copy()]
        try:
            with np.errstate(all="ignore"):
                loss, dW = function(args[0], args[1], args[2], reg)
            loss_array = np.asarray(loss, dtype=float)
            dW_array = np.asarray(dW, dtype=float)
        except Exception as error:
            observed[name] = {"error": type(error).__name__}
            continue
        observed[name] = {
            "error": None,
            "loss": loss_array.ravel().tolist(),
            "loss_is_scalar": isinstance(loss, float | np.floating)
            or (isinstance(loss, np.ndarray) and loss.ndim == 0),
            "dW": dW_array.tolist(),
            "dW_shape": list(dW_array.shape),
            "modified": [not np.array_equal(a, b) for a, b in zip(args, (W, X, y))],
        }
    return observed


def observe_train(module):
    """SGD with a probe loss: records every batch, weight and gradient."""
    rs = np.random.RandomState(7)
    N, D, C = 30, 4, 3
    X = rs.randn(N, D)
    y = rs.permutation(np.arange(N) % C)
    lr, reg, batch = 0.05, 0.1, 10
    calls = []

    class Probe(module.LinearClassifier):
        def loss(self, X_batch, y_batch, reg):
            W = np.array(self.W, dtype=float, copy=True)
            Xb, yb = np.array(X_batch, dtype=float), np.array(y_batch)
            residual = Xb @ W - np.eye(C)[yb]
            loss = 0.5 * np.sum(residual**2) / len(yb) + reg * np.sum(W * W)
            grad = Xb.T @ residual / len(yb) + 2 * reg * W
            calls.append((Xb, yb, W, loss, grad))
            return loss, grad

    X_in, y_in = X.copy(), y.copy()
    try:
        np.random.seed(0)
        probe = Probe()
        history = probe.train(X_in, y_in, learning_rate=lr, reg=reg, num_iters=7, batch_size=batch)
        first = list(calls)
        W_first = np.array(probe.W, dtype=float, copy=True)
        calls.clear()
        probe.train(X_in, y_in, learning_rate=lr, reg=reg, num_iters=3, batch_size=batch)
        second = list(calls)
    except Exception as error:
        return {"error": type(error).__name__}
    try:
        history_ok = [float(h) for h in history] == [float(c[3]) for c in first]
    except Exception:
        history_ok = False
    row_of = {tuple(row): i for i, row in enumerate(X)}

    def batch_ok(Xb, yb):
        if Xb.shape != (batch, D) or yb.shape != (batch,):
            return False
        indices = [row_of.get(tuple(row)) for row in Xb]
        return None not in indices and bool(np.array_equal(y[indices], yb))

    weights = [c[2] for c in first] + [W_first]
    W0 = first[0][2] if first else np.zeros(0)
    return {
        "error": None,
        "calls": [len(first), len(second)],
        "history_ok": history_ok,
        "batches_ok": all(batch_ok(c[0], c[1]) for c in first + second),
        "steps_ok": all(
            np.allclose(weights[t + 1], weights[t] - lr * first[t][4], rtol=1e-12, atol=1e-15)
            for t in range(len(first))
        ),
        "initial_shape": list(W0.shape),
        "initial_small": bool(W0.size and 0 < np.abs(W0).max() < 0.01),
        "continues": bool(second) and bool(np.array_equal(second[0][2], W_first)),
        "inputs_unchanged": bool(np.array_equal(X_in, X) and np.array_equal(y_in, y)),
    }


def observe_learning(module):
    """LinearSVM and Softmax on three separable blobs: loss down, accuracy high."""
    rs = np.random.RandomState(3)
    y = np.repeat(np.arange(3), 40)
    centers = np.array([[4.0, 0.0], [-4.0, 0.0], [0.0, 5.0]])
    X = np.hstack([centers[y] + 0.7 * rs.randn(120, 2), np.ones((120, 1))])
    learned = {}
    for name in ("LinearSVM", "Softmax"):
        np.random.seed(0)
        classifier = getattr(module, name)()
        try:
            with np.errstate(all="ignore"):
                history = classifier.train(X, y, learning_rate=0.05, reg=1e-3,
                                           num_iters=150, batch_size=40)
                accuracy = np.mean(np.argmax(X @ classifier.W, axis=1) == y)
            learned[name] = bool(history[-1] < history[0] and accuracy >= 0.9)
        except Exception:
            learned[name] = False
    return learned


def observe_predict(module):
    rs = np.random.RandomState(11)
    observed = []
    for N, D, C in ((7, 5, 4), (4, 5, 4), (1, 3, 2)):
        W, X = rs.randn(D, C), rs.randn(N, D)
        classifier = module.LinearClassifier()
        classifier.W = W.copy()
        X_in = X.copy()
        try:
            prediction = np.asarray(classifier.predict(X_in), dtype=float)
        except Exception as error:
            observed.append({"error": type(error).__name__})
            continue
        observed.append({
            "error": None,
            "prediction": prediction.ravel().tolist(),
            "shape": list(prediction.shape),
            "modified": [not np.array_equal(classifier.W, W), not np.array_equal(X_in, X)],
        })
    return observed


def main():
    with open(sys.argv[1]) as handle:
        manifest = json.load(handle)
    results = {}
    for entry in manifest:
        modules, errors, files = import_submission(entry["dest"])
        observations = {}
        for function in entry["functions"]:
            short = LOSS_MODULE.get(function, "linear_classifier")
            if short not in modules:
                continue
            module = modules[short]
            if function in LOSS_MODULE:
                observations[function] = observe_loss(getattr(module, function))
            elif function == "train":
                observations[function] = {
                    "probe": observe_train(module),
                    "learns": observe_learning(module),
                }
            else:
                observations[function] = observe_predict(module)
        results[entry["key"]] = {
            "import_errors": errors,
            "files": files,
            "observations": observations,
        }
    with open(sys.argv[2], "w") as handle:
        json.dump(results, handle)


main()
'''


def _key(kind: str, mutant: Mutant) -> str:
    return f"{kind}:{mutant.id}"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Materialise the reference, every bug and every variant; observe them all."""
    root = tmp_path_factory.mktemp("submissions")
    submissions = {"reference": (materialise(None, root / "reference"), list(FILE_OF_FUNCTION))}
    for kind, corpus in (("bug", MUTANTS), ("variant", VARIANTS)):
        for mutant in corpus:
            dest = materialise(mutant, root / kind / mutant.id)
            submissions[_key(kind, mutant)] = (dest, [mutant.function])
    manifest = [
        {"key": key, "dest": str(dest), "functions": functions}
        for key, (dest, functions) in submissions.items()
    ]
    (root / "manifest.json").write_text(json.dumps(manifest))
    (root / "child.py").write_text(CHILD)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    completed = subprocess.run(
        [sys.executable, "-I", str(root / "child.py"), str(root / "manifest.json"),
         str(root / "observed.json")],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    observed = json.loads((root / "observed.json").read_text())
    return {key: (submissions[key][0], observed[key]) for key in submissions}


# ---------------------------------------------------------------- comparisons


def _close(a, b) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def _loss_differences(ref: dict, got: dict) -> list[str]:
    differences = []
    for case, expected in ref.items():
        actual = got[case]
        if expected["error"] or actual["error"]:
            if expected["error"] != actual["error"]:
                differences.append(f"{case}: error {actual['error']} (reference {expected['error']})")
            continue
        for field in ("loss_is_scalar", "dW_shape", "modified"):
            if expected[field] != actual[field]:
                differences.append(f"{case}: {field} {actual[field]} != {expected[field]}")
        if not _close(expected["loss"], actual["loss"]):
            differences.append(f"{case}: loss {actual['loss']} != {expected['loss']}")
        if expected["dW_shape"] == actual["dW_shape"] and not _close(expected["dW"], actual["dW"]):
            differences.append(f"{case}: dW differs")
    return differences


def _predict_differences(ref: list, got: list) -> list[str]:
    differences = []
    for k, (expected, actual) in enumerate(zip(ref, got, strict=True)):
        if expected["error"] or actual["error"]:
            if expected["error"] != actual["error"]:
                differences.append(f"case {k}: error {actual['error']}")
            continue
        for field in ("shape", "modified"):
            if expected[field] != actual[field]:
                differences.append(f"case {k}: {field} {actual[field]} != {expected[field]}")
        if expected["shape"] == actual["shape"] and expected["prediction"] != actual["prediction"]:
            differences.append(f"case {k}: prediction {actual['prediction']}")
    return differences


def _dict_differences(ref: dict, got: dict) -> list[str]:
    return [f"{k}: {got.get(k)!r} != {ref[k]!r}" for k in ref if got.get(k) != ref[k]] + [
        f"{k}: {got[k]!r} (reference has none)" for k in got if k not in ref
    ]


def _has_loop(source: str, function: str) -> list[str]:
    """Loops, comprehensions, np.vectorize or naive calls in a function (the no_loops rule)."""
    node = ast.parse(textwrap.dedent(function_source(source, function)))
    found = []
    loops = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp,
             ast.GeneratorExp)
    for sub in ast.walk(node):
        if isinstance(sub, loops):
            found.append(f"{type(sub).__name__} at line {sub.lineno}")
        elif isinstance(sub, ast.Call):
            name = getattr(sub.func, "id", None) or getattr(sub.func, "attr", "")
            if name == "vectorize" or name.endswith("_naive"):
                found.append(f"call to {name} at line {sub.lineno}")
    return found


def _differences(run, key: str, function: str) -> list[str]:
    dest, observed = run[key]
    ref = run["reference"][1]["observations"][function]
    got = observed["observations"].get(function)
    if got is None:
        return [f"{function} could not be imported: {observed['import_errors']}"]
    if function in VECTORIZED:
        source = (dest / FILE_OF_FUNCTION[function]).read_text()
        differences = [f"no_loops: {hit}" for hit in _has_loop(source, function)]
        return differences + _loss_differences(ref, got)
    if function.endswith("_naive"):
        return _loss_differences(ref, got)
    if function == "train":
        return _dict_differences(ref["probe"], got["probe"]) + _dict_differences(
            ref["learns"], got["learns"])
    return _predict_differences(ref, got)


# ---------------------------------------------------------------------- tests


def test_catalogue_is_large_and_spread_over_all_functions():
    assert len(MUTANTS) >= 30
    per_function = Counter(m.function for m in MUTANTS)
    assert set(per_function) == set(LINEAR)
    assert min(per_function.values()) >= 3, per_function
    assert all(m.is_buggy for m in MUTANTS), "every bug names the properties that catch it"
    assert catalogue_path() == parts.get("linear_classifiers").folder / "catalogue.toml"


def test_variant_corpus_is_correct_only_and_ids_are_distinct():
    assert len(VARIANTS) >= 12
    assert not [v.id for v in VARIANTS if v.is_buggy]
    assert set(Counter(v.function for v in VARIANTS)) == set(LINEAR)
    assert not {m.id for m in MUTANTS} & {v.id for v in VARIANTS}


def test_function_files_agree_with_rubric_and_graded_files():
    rubric = rubric_properties()
    assert set(rubric) == set(FILE_OF_FUNCTION)
    assert {FILE_OF_FUNCTION[function] for function in LINEAR} == set(GRADED_FILES)
    with open(parts.get("linear_classifiers").rubric_path, "rb") as handle:
        tables = tomllib.load(handle)
    for function, path in LINEAR.items():
        assert tables[function]["file"] == path == FILE_OF_FUNCTION[function]


@pytest.mark.parametrize("mutant", MUTANTS + VARIANTS, ids=lambda m: m.id)
def test_every_edit_applies_inside_its_function_only(mutant):
    source = (solutions_dir() / mutant.file).read_text()
    edited = apply_mutant(source, mutant)
    assert edited != source
    tree, new_tree = ast.parse(source), ast.parse(edited)
    # Everything but the mutated function is unchanged.
    for node, new_node in zip(tree.body, new_tree.body, strict=True):
        if isinstance(node, ast.ClassDef) and mutant.function in ("train", "predict"):
            for member, new_member in zip(node.body, new_node.body, strict=True):
                if getattr(member, "name", None) != mutant.function:
                    assert ast.dump(member) == ast.dump(new_member)
        elif getattr(node, "name", None) != mutant.function:
            assert ast.dump(node) == ast.dump(new_node)
    assert function_source(edited, mutant.function) != function_source(source, mutant.function)


def test_materialise_lays_out_a_submission(tmp_path):
    mutant = next(m for m in MUTANTS if m.function == "softmax_loss_vectorized")
    dest = materialise(mutant, tmp_path / "sub")
    assert dest == tmp_path / "sub"
    for relative in ("cs231n/__init__.py", "cs231n/classifiers/__init__.py", *GRADED_FILES):
        assert (dest / relative).is_file(), relative
    base = solutions_dir()
    for relative in GRADED_FILES:
        same = (dest / relative).read_text() == (base / relative).read_text()
        assert same == (relative != mutant.file), relative
    # Materialising again over an existing folder replaces the files.
    materialise(None, dest)
    assert (dest / mutant.file).read_text() == (base / mutant.file).read_text()


def test_every_materialised_submission_imports_from_its_own_folder(run):
    for key, (dest, observed) in run.items():
        assert not observed["import_errors"], (key, observed["import_errors"])
        for file in observed["files"].values():
            assert Path(file).resolve().is_relative_to(dest.resolve()), (key, file)


def test_reference_observations_are_sane(run):
    observations = run["reference"][1]["observations"]
    for function in ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive",
                     "softmax_loss_vectorized"):
        for case, seen in observations[function].items():
            assert seen["error"] is None, (function, case)
            assert seen["loss_is_scalar"] and not any(seen["modified"])
            assert np.all(np.isfinite(seen["loss"])) and np.all(np.isfinite(seen["dW"]))
        zero = observations[function]["zero_weights"]["loss"][0]
        expected = 9.0 if function.startswith("svm") else np.log(10)
        assert zero == pytest.approx(expected, rel=1e-12)
    for naive, vectorized in (("svm_loss_naive", "svm_loss_vectorized"),
                              ("softmax_loss_naive", "softmax_loss_vectorized")):
        assert not _loss_differences(observations[naive], observations[vectorized])
    assert observations["svm_loss_naive"]["large_margins"]["loss"] == [0.0]
    probe = observations["train"]["probe"]
    assert probe["calls"] == [7, 3] and probe["initial_shape"] == [4, 3]
    assert all(probe[k] for k in ("history_ok", "batches_ok", "steps_ok", "initial_small",
                                  "continues", "inputs_unchanged"))
    assert observations["train"]["learns"] == {"LinearSVM": True, "Softmax": True}
    assert all(case["error"] is None for case in observations["predict"])


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.id)
def test_every_bug_is_observable(run, mutant):
    assert _differences(run, _key("bug", mutant), mutant.function), (
        f"{mutant.id} behaves exactly like the reference on every fixed input: "
        "an equivalent mutant, or the inputs are too weak"
    )


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda m: m.id)
def test_every_correct_variant_agrees_with_the_reference(run, variant):
    assert _differences(run, _key("variant", variant), variant.function) == []


# ------------------------------------------------------------ loader errors

GOOD_ENTRY = """
[[mutant]]
id = "good_one"
function = "svm_loss_naive"
description = "Reg gradient without the factor 2."
caught_by = ["regularization"]
[[mutant.edit]]
find = "dW += 2 * reg * W"
replace = "dW += reg * W"
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD_ENTRY + GOOD_ENTRY, "duplicate id"),
        (GOOD_ENTRY.replace('"svm_loss_naive"', '"svm_loss_fast"'), "`function` must be one of"),
        (GOOD_ENTRY.replace('"regularization"', '"no_loops"'), "not a property of svm_loss_naive"),
        (GOOD_ENTRY.replace('replace = "dW += reg * W"', ""), "needs a string `replace`"),
        (GOOD_ENTRY.replace('find = "dW += 2 * reg * W"', ""), "needs a non-empty string `find`"),
        (GOOD_ENTRY.replace("caught_by", "caught-by"), "unknown keys ['caught-by']"),
        (GOOD_ENTRY.replace('description = "Reg gradient without the factor 2."', ""),
         "`description` must be"),
        (GOOD_ENTRY.split("[[mutant.edit]]")[0], "needs at least one [[mutant.edit]]"),
        (GOOD_ENTRY.replace("[[mutant.edit]]", 'replace_function = "def svm_loss_naive(W, X, y, reg):'
                            '\\n    pass"\n[[mutant.edit]]'), "not both"),
        (GOOD_ENTRY + 'replace_function = "def svm_loss_naive(W, X, y, reg):\\n    pass"',
         "edit #1: unknown keys ['replace_function']"),
        (GOOD_ENTRY.split("[[mutant.edit]]")[0]
         + 'replace_function = "def softmax_loss_naive(W, X, y, reg):\\n    pass"',
         "def svm_loss_naive(...)"),
        (GOOD_ENTRY.replace('id = "good_one"', 'id = "Good One"'), "snake_case"),
        ("[[mutant]\nid = 1", "invalid TOML"),
    ],
    ids=lambda value: value if len(value) < 40 else None,
)
def test_loader_rejects_malformed_entries_naming_file_and_entry(tmp_path, text, message):
    path = tmp_path / "broken.toml"
    path.write_text(text)
    with pytest.raises(CatalogueError) as raised:
        load_mutants(path)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)
    if "good_one" in text and "invalid TOML" not in message and "snake_case" not in message:
        assert "'good_one'" in str(raised.value)


def test_find_must_occur_exactly_once_inside_the_function():
    source = (solutions_dir() / "cs231n/classifiers/linear_svm.py").read_text()

    def mutant(find, replace="pass"):
        return Mutant("probe", "svm_loss_naive", "probe", ("regularization",),
                      (Edit(find, replace),))

    with pytest.raises(CatalogueError, match="occurs 0 times"):
        apply_mutant(source, mutant("this text is nowhere"))
    with pytest.raises(CatalogueError, match="occurs 2 times"):
        apply_mutant(source, mutant("dW[:, "))
    # The vectorized function's text is outside svm_loss_naive's scope.
    with pytest.raises(CatalogueError, match="occurs 0 times"):
        apply_mutant(source, mutant("coefficients[rows, y] = -coefficients.sum(axis=1)"))
    with pytest.raises(CatalogueError, match="not valid Python"):
        apply_mutant(source, mutant("loss = 0.0", "loss = ("))
