"""The assignment notebooks and the data helper they use.

- The notebooks on disk are exactly what `autograder.release_notebooks` renders from
  their sources (`autograder/parts/<part>/notebooks/*.pct.py`) for the course's formulation, and
  a stale one is reported; a malformed source is an error naming the file and cell.
- For every formulation the text states its loss, regularization, gradient and
  initial loss, and the scikit-learn comparison gets the matching penalty.
- Their nbgrader metadata is valid (nbgrader's own validator, unique grade ids,
  solution markers, points on the answer cells) and nbgrader can clear them.
- Both execute end to end with nbclient against the reference solutions, on the
  bundled digits data (CIFAR-10 is never used or downloaded here).
- `cs231n/data_utils.py` loads CIFAR-10 batches (a tiny fake copy) and falls back
  to the digits.
"""

from __future__ import annotations

import importlib.util
import pickle
import re
import shutil
import time

import nbformat
import numpy as np
import pytest

from autograder import release_notebooks
from autograder.parts.linear_classifiers.formulation import Formulation
from autograder.paths import assignment_dir, solutions_dir

NOTEBOOKS = release_notebooks.notebook_names()
EXECUTION_BUDGET_SECONDS = 60


def _read(name):
    return nbformat.read(assignment_dir() / name, as_version=4)


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


# --------------------------------------------------------------------------- generated files


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_on_disk_is_what_the_generator_produces(name):
    path = assignment_dir() / name
    assert path.is_file(), f"{path} is missing: run python -m autograder.release_notebooks"
    expected = release_notebooks.render_notebooks()[name]
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path} is stale: regenerate it with python -m autograder.release_notebooks"
    )


def test_generator_is_deterministic_and_writes_files(tmp_path):
    first = release_notebooks.render_notebooks()
    assert first == release_notebooks.render_notebooks()
    paths = release_notebooks.build_notebooks(tmp_path / "out")
    assert sorted(p.name for p in paths) == sorted(NOTEBOOKS)
    for path in paths:
        assert path.read_text(encoding="utf-8") == first[path.name]


def test_stale_notebooks_are_reported(tmp_path):
    assert release_notebooks.stale_notebooks(assignment_dir()) == []
    out = tmp_path / "out"
    release_notebooks.build_notebooks(out)
    assert release_notebooks.stale_notebooks(out) == []
    edited = out / "svm.ipynb"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Inline Question 1", "Question"))
    (out / "softmax.ipynb").unlink()
    assert release_notebooks.stale_notebooks(out) == [edited, out / "softmax.ipynb"]
    # built for another course's formulation, both are stale for this one
    release_notebooks.build_notebooks(out, Formulation("squared_hinge", 1.0, "l2", 1.0).course())
    assert len(release_notebooks.stale_notebooks(out)) == 2


def test_main_writes_the_notebooks(tmp_path, capsys):
    assert release_notebooks.main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(NOTEBOOKS)
    assert release_notebooks.main(["--nope"]) == 2


# --------------------------------------------------------------------------- the formulation

OTHER = Formulation("squared_hinge", 2.0, "l1", 0.5)
FORMULATION_TEXTS = {
    # formulation: (SVM term, reg term, its gradient, initial SVM loss, for 10 classes,
    #               scikit-learn's alpha / reg for the Softmax and for the SVM (margin 1))
    Formulation(): ("max(0, s_j - s_{y_i} + 1)", "reg * sum(W**2)", "2 * reg * W", "C - 1", 9, "2", "2"),
    Formulation("hinge", 1.0, "l2", 0.5): (
        "max(0, s_j - s_{y_i} + 1)", "0.5 * reg * sum(W**2)", "reg * W", "C - 1", 9, "1", "1"),
    Formulation("hinge", 2.0, "l2", 1.0): (
        "max(0, s_j - s_{y_i} + 2)", "reg * sum(W**2)", "2 * reg * W", "(C - 1) * 2", 18, "2", "4"),
    Formulation("hinge", 0.5, "l1", 1.0): (
        "max(0, s_j - s_{y_i} + 0.5)", "reg * sum(|W|)", "reg * sign(W)", "(C - 1) * 0.5", 4.5, "1", "1"),
    OTHER: ("max(0, s_j - s_{y_i} + 2)**2", "0.5 * reg * sum(|W|)", "0.5 * reg * sign(W)",
            "(C - 1) * 2**2", 36, "0.5", "0.25"),
}


def _sources(form):
    return {
        name: {c.id: c.source for c in release_notebooks.build_notebook(name, form.course()).cells}
        for name in NOTEBOOKS
    }


@pytest.mark.parametrize("form", list(FORMULATION_TEXTS), ids=lambda f: f.key)
def test_the_notebooks_state_the_formulation(form):
    term, reg, gradient, at_zero, at_zero_10, alpha, svm_alpha = FORMULATION_TEXTS[form]
    svm, softmax = (_sources(form)[name] for name in NOTEBOOKS)
    intro = svm["svm-classifier-md"]
    assert f"`L_i = sum over j != y_i of {term}`" in intro
    assert f"`loss = (1/N) * sum_i L_i + {reg}`" in intro
    assert f"plus `{gradient}`" in intro
    assert f"the loss is close to `{at_zero}`\n({at_zero_10:g} for 10 classes)" in intro
    assert f'print("expected about {at_zero} = %g"' in svm["svm-sanity-check"]
    assert f"`loss = (1/N) * sum_i L_i + {reg}`" in softmax["softmax-classifier-md"]
    assert f"plus `{gradient}`" in softmax["softmax-classifier-md"]
    sklearn = softmax["softmax-sklearn"]
    assert f'penalty="{form.reg_kind}"' in sklearn and f"alpha={alpha} * reg," in sklearn
    assert f"`alpha = {alpha} * reg` matches\nyour `{reg}`" in softmax["softmax-sklearn-md"]
    svm_sklearn = svm["svm-sklearn"]
    assert f'loss="{form.svm_loss}",' in svm_sklearn and f'penalty="{form.reg_kind}"' in svm_sklearn
    assert f"alpha={svm_alpha} * reg," in svm_sklearn
    assert ("(Your margin is" in svm["svm-sklearn-md"]) == (form.delta != 1.0)
    squared = form.svm_loss == "squared_hinge"
    assert ("Is it\ndifferentiable at `m = 0`?" in svm["svm-q1"]) == squared
    assert ("*Hint: the SVM\nloss function is not strictly speaking differentiable.*" in svm["svm-q1"]) != squared
    assert ("$(h^2 - 0) / 2h = h / 2$" in svm["svm-q1-answer"]) == squared
    assert ("\\Delta)^2$ are 0" in softmax["softmax-q2-answer"]) == squared
    l1 = form.reg_kind == "l1"
    for cell in (svm["svm-gradcheck"], softmax["softmax-gradcheck"]):
        assert ("W = W + 0.001 * np.sign(W)" in cell) == l1
    assert ("kinks of its own, at every $w = 0$" in svm["svm-q1-answer"]) == l1
    for name in NOTEBOOKS:
        text = nbformat.writes(release_notebooks.build_notebook(name, form.course()))
        assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize("form", list(FORMULATION_TEXTS), ids=lambda f: f.key)
def test_sklearn_alpha_gives_the_same_objective(form):
    """With V = W / delta, scikit-learn's margin-1 objective times delta**a is the course's:
    mean loss + scale * reg * R(W) = delta**a * (mean loss_1(V) + alpha * penalty(V)),
    its L2 penalty being 0.5 * ||V||**2 (the factor the brief warns about)."""
    rng = np.random.RandomState(0)
    W, X, y, reg = rng.randn(4, 3), rng.randn(6, 4), rng.randint(0, 3, 6), 0.7
    course = form.svm_loss_and_gradient(W, X, y, reg)[0]
    V = W / form.delta
    margin_1 = Formulation(form.svm_loss, 1.0, form.reg_kind, form.reg_scale)
    data = margin_1.svm_loss_and_gradient(V, X, y, 0.0)[0]
    penalty = 0.5 * np.sum(V * V) if form.reg_kind == "l2" else np.sum(np.abs(V))
    a = 2 if form.svm_loss == "squared_hinge" else 1
    alpha = float(form.sklearn_svm_alpha_factor) * reg
    assert course == pytest.approx(form.delta**a * (data + alpha * penalty), rel=1e-12)
    # the Softmax has no margin: alpha = sklearn_alpha_factor * reg gives its own objective
    softmax_reg = form.softmax_loss_and_gradient(W, X, y, reg)[0] - form.softmax_loss_and_gradient(W, X, y, 0.0)[0]
    sk_penalty = 0.5 * np.sum(W * W) if form.reg_kind == "l2" else np.sum(np.abs(W))
    assert softmax_reg == pytest.approx(float(form.sklearn_alpha_factor) * reg * sk_penalty, rel=1e-12)


@pytest.mark.parametrize("form", [OTHER], ids=lambda f: f.key)
def test_another_formulation_keeps_valid_nbgrader_notebooks(form):
    from nbgrader.nbgraderformat import MetadataValidator
    from nbgrader.preprocessors import ClearSolutions

    for name in NOTEBOOKS:
        nb = release_notebooks.build_notebook(name, form.course())
        MetadataValidator().validate_nb(nb)
        default = release_notebooks.build_notebook(name, Formulation().course())
        assert [c.id for c in nb.cells] == [c.id for c in default.cells]
        released, _ = ClearSolutions().preprocess(nb, {})
        assert all(release_notebooks.BEGIN_SOLUTION not in c.source for c in released.cells)


# --------------------------------------------------------------------------- malformed sources

GOOD_SOURCE = """# %% [markdown] grade_id="intro"
# The loss adds `{{ reg_text }}`.

# %% grade_id="work" solution=true
### BEGIN SOLUTION
x = 1
### END SOLUTION

# %% [markdown] grade_id="answer" solution=true grade=true points=2
# Because.
"""


def _render(tmp_path, text):
    path = tmp_path / "mine.pct.py"
    path.write_text(text)
    return release_notebooks.render_source(path, Formulation("hinge", 1.0, "l1", 0.5).course())


def test_a_source_renders_its_cells(tmp_path):
    nb = _render(tmp_path, GOOD_SOURCE)
    assert [c.id for c in nb.cells] == ["intro", "work", "answer"]
    assert nb.cells[0].source == "The loss adds `0.5 * reg * sum(|W|)`."
    assert nb.cells[1].metadata.nbgrader == {
        "grade": False, "grade_id": "work", "locked": False, "schema_version": 3,
        "solution": True, "task": False}
    assert nb.cells[2].metadata.nbgrader["points"] == 2
    assert nb.cells[0].metadata.nbgrader["locked"] is True


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("{{ reg_text }}", "{{ regularisation }}", r"cell intro: 'regularisation' is undefined; the names you can use: .*reg_text"),
        ("{{ reg_text }}", "{% if l1 %}", r"cell intro, line 1 of the cell: .*endif"),
        ('grade_id="work" solution=true', 'grade_id="work"', r"cell work: solution markers in a cell without solution=true"),
        ("### END SOLUTION\n", "", r"cell work: a solution cell needs"),
        ('grade_id="intro"', 'grade_id="intro" colour="red"', r"cell intro: unknown header key 'colour'"),
        ('grade_id="intro"', "grade_id=intro", r"cannot read the header 'grade_id=intro'"),
        ('grade_id="intro"', "", r"cell number 1: the header needs a grade_id"),
        ('grade_id="answer"', 'grade_id="intro"', r"grade_id 'intro' is used by more than one cell"),
        ("grade=true points=2", "grade=true", r"cell answer: a graded cell has grade=true and points=N"),
        ("points=2", "points=0", r"cell answer: points must be a positive whole number"),
        ('[markdown] grade_id="answer"', 'grade_id="answer"', r"cell answer: only an inline-question answer is graded"),
    ],
)
def test_a_malformed_source_is_an_error_naming_the_file_and_cell(tmp_path, old, new, message):
    assert old in GOOD_SOURCE
    with pytest.raises(release_notebooks.NotebookSourceError, match=message) as caught:
        _render(tmp_path, GOOD_SOURCE.replace(old, new, 1))
    assert str(tmp_path / "mine.pct.py") in str(caught.value)


# --------------------------------------------------------------------------- nbgrader metadata


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_nbgrader_metadata_is_valid(name):
    from nbgrader.nbgraderformat import MetadataValidator

    nb = _read(name)
    nbformat.validate(nb)
    MetadataValidator().validate_nb(nb)  # raises on invalid or duplicate metadata
    assert nb.metadata.kernelspec.name == "python3"

    grade_ids = []
    solution_code_cells = 0
    answer_cells = 0
    for cell in nb.cells:
        meta = _nbgrader(cell)
        assert meta, f"cell {cell.id} has no nbgrader metadata"
        assert meta["schema_version"] == 3
        assert re.fullmatch(r"[A-Za-z0-9_-]+", meta["grade_id"]), meta["grade_id"]
        grade_ids.append(meta["grade_id"])
        has_markers = (
            release_notebooks.BEGIN_SOLUTION in cell.source
            or release_notebooks.END_SOLUTION in cell.source
        )
        if cell.cell_type == "code" and meta["solution"]:
            solution_code_cells += 1
            assert not meta["locked"] and not meta["grade"]
            begin = cell.source.index(release_notebooks.BEGIN_SOLUTION)
            end = cell.source.index(release_notebooks.END_SOLUTION)
            assert begin < end, f"markers out of order in {meta['grade_id']}"
        elif cell.cell_type == "markdown" and meta["solution"]:
            answer_cells += 1
            assert meta["grade"] and not meta["locked"]
            assert meta["points"] in (1, 2), meta
        else:
            assert meta["locked"] and not meta["grade"] and not meta["solution"]
            assert not has_markers, f"locked cell {meta['grade_id']} has solution markers"
    assert len(grade_ids) == len(set(grade_ids)), "grade_ids are not unique"
    assert solution_code_cells >= 1
    assert answer_cells >= 2 if name == "softmax.ipynb" else answer_cells >= 1


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_nbgrader_clears_the_solutions(name):
    from nbgrader.preprocessors import ClearSolutions

    nb = _read(name)
    released, _ = ClearSolutions().preprocess(nb, {})
    for cell in released.cells:
        meta = _nbgrader(cell)
        assert release_notebooks.BEGIN_SOLUTION not in cell.source
        if meta.get("solution") and cell.cell_type == "code":
            assert "raise NotImplementedError()" in cell.source
        if meta.get("solution") and cell.cell_type == "markdown":
            assert cell.source == "YOUR ANSWER HERE"


def test_inline_questions_are_where_the_assignment_puts_them():
    svm = "\n".join(c.source for c in _read("svm.ipynb").cells)
    softmax = "\n".join(c.source for c in _read("softmax.ipynb").cells)
    assert "not strictly speaking differentiable" in svm
    assert "-log(0.1)" in softmax
    assert "leave the SVM loss unchanged" in softmax
    assert "SGDClassifier" in softmax
    for text in (svm, softmax):
        assert "CS231N_CIFAR10_DIR" in text
        assert "cifar-10-python.tar.gz" in text


# --------------------------------------------------------------------------- execution


def _execute(name, tmp_path, monkeypatch, formulation=None):
    """Run the notebook beside a copy of the reference cs231n package; returns (nb, seconds).

    With a formulation, the notebook is rendered for it and runs against the course's
    reference solutions rendered for it (what `autograder build` writes to solutions/).
    """
    import nbclient

    monkeypatch.delenv("CS231N_CIFAR10_DIR", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    shutil.copytree(
        solutions_dir() / "cs231n",
        tmp_path / "cs231n",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    if formulation is None:
        shutil.copy(assignment_dir() / name, tmp_path / name)
    else:
        _formulation_losses(tmp_path / "cs231n" / "classifiers", formulation)
        release_notebooks.build_notebooks(tmp_path, formulation.course())
    nb = nbformat.read(tmp_path / name, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    start = time.monotonic()
    client.execute()
    return nb, time.monotonic() - start


def _formulation_losses(classifiers, form):
    """The course's reference solutions for `form`, as `autograder build` renders them."""
    from autograder.release.course_solutions import rendered_source

    for module in ("linear_svm", "softmax"):
        relative = f"cs231n/classifiers/{module}.py"
        (classifiers / f"{module}.py").write_text(rendered_source(relative, form.course()), encoding="utf-8")


def _outputs(nb):
    """grade_id -> (stdout text, number of png figures) of every code cell."""
    result = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"cell {cell.id} raised {errors[0].ename}: {errors[0].evalue}"
        text = "".join(
            o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout"
        )
        figures = sum(
            1
            for o in cell.outputs
            if o.output_type in ("display_data", "execute_result") and "image/png" in o.data
        )
        result[_nbgrader(cell)["grade_id"]] = (text, figures)
    return result


def _number(pattern, text):
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not found in:\n{text}"
    return float(match.group(1))


def _relative_errors(text):
    errors = [float(x) for x in re.findall(r"relative error: ([0-9.e+-]+)", text)]
    assert len(errors) == 20, text
    return errors


def _check_common(out, prefix):
    load, _ = out[f"{prefix}-load-data"]
    assert "Data source: digits" in load
    assert "CIFAR-10 was not found" in load
    assert "Training data shape: (1197, 65)" in load
    assert max(_relative_errors(out[f"{prefix}-gradcheck"][0])) < 1e-7
    assert out[f"{prefix}-weights"][1] == 1
    best_val = _number(
        r"best validation accuracy achieved during cross-validation: ([0-9.]+)",
        out[f"{prefix}-search"][0],
    )
    assert best_val > 0.9
    test_accuracy = _number(r"final test set accuracy: ([0-9.]+)", out[f"{prefix}-test"][0])
    assert test_accuracy > 0.85


def test_svm_notebook_runs_against_the_reference(tmp_path, monkeypatch):
    nb, seconds = _execute("svm.ipynb", tmp_path, monkeypatch)
    out = _outputs(nb)
    _check_common(out, "svm")
    loss = _number(r"loss: ([0-9.]+)", out["svm-sanity-check"][0])
    assert abs(loss - 9.0) < 0.5  # C - 1 for 10 classes
    assert "difference: 0.000000" in out["svm-vectorized-loss"][0]
    assert "difference: 0.000000" in out["svm-vectorized-grad"][0]
    train = out["svm-train"][0]
    assert _number(r"last loss ([0-9.]+)", train) < _number(r"first loss ([0-9.]+)", train)
    assert out["svm-loss-plot"][1] == 1
    assert out["svm-show-examples"][1] == 1
    _check_sklearn(out["svm-sklearn"][0], "your linear SVM")
    assert seconds < EXECUTION_BUDGET_SECONDS


def test_softmax_notebook_runs_against_the_reference(tmp_path, monkeypatch):
    nb, seconds = _execute("softmax.ipynb", tmp_path, monkeypatch)
    out = _outputs(nb)
    _check_common(out, "softmax")
    loss = _number(r"loss: ([0-9.]+)", out["softmax-sanity-check"][0])
    assert abs(loss - (-np.log(0.1))) < 0.05
    vectorized = out["softmax-vectorized"][0]
    assert "Loss difference: 0.000000" in vectorized
    assert "Gradient difference: 0.000000" in vectorized
    assert out["softmax-train"][1] == 1
    _check_sklearn(out["softmax-sklearn"][0], "your Softmax")
    assert seconds < EXECUTION_BUDGET_SECONDS


def _check_sklearn(comparison, ours_label):
    ours = re.search(ours_label + r"\s+([0-9.]+)\s+([0-9.]+)", comparison)
    theirs = re.search(r"scikit-learn SGDClassifier\s+([0-9.]+)\s+([0-9.]+)", comparison)
    assert ours and theirs, comparison
    assert min(float(x) for x in ours.groups() + theirs.groups()) > 0.85


def test_notebooks_run_for_another_formulation(tmp_path, monkeypatch):
    """Squared hinge, delta 2, L1 at scale 0.5, against its own rendered reference: the
    sanity checks expect its numbers, naive and vectorized agree, and the gradient checks
    pass (at weights kept away from the L1 kinks)."""
    expected_svm = OTHER.svm_loss_at_zero(10)
    for name in NOTEBOOKS:
        nb, _ = _execute(name, tmp_path / name, monkeypatch, formulation=OTHER)
        out = _outputs(nb)
        prefix = name.split(".")[0]
        _check_common(out, prefix)  # gradient checks, search and test accuracy on the digits
        sanity = out[f"{prefix}-sanity-check"][0]
        if prefix == "svm":
            assert abs(_number(r"loss: ([0-9.]+)", sanity) - expected_svm) < 0.5
            assert f"expected about (C - 1) * 2**2 = {expected_svm:g}" in sanity
            assert "difference: 0.000000" in out["svm-vectorized-loss"][0]
            assert "difference: 0.000000" in out["svm-vectorized-grad"][0]
        else:
            assert abs(_number(r"loss: ([0-9.]+)", sanity) - OTHER.softmax_loss_at_zero(10)) < 0.05
        _check_sklearn(out[f"{prefix}-sklearn"][0], "your linear SVM" if prefix == "svm" else "your Softmax")


# --------------------------------------------------------------------------- data_utils


@pytest.fixture(scope="module")
def data_utils():
    """The reference data_utils module, loaded on its own (it imports nothing from cs231n)."""
    path = solutions_dir() / "cs231n" / "data_utils.py"
    spec = importlib.util.spec_from_file_location("reference_data_utils", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fake_cifar10(folder, per_batch=30):
    """A tiny CIFAR-10 lookalike: the real file names and pickle layout, few images."""
    folder.mkdir()
    rng = np.random.RandomState(0)
    for name in [f"data_batch_{b}" for b in range(1, 6)] + ["test_batch"]:
        batch = {
            "data": rng.randint(0, 256, size=(per_batch, 3072)).astype(np.uint8),
            "labels": [int(v) for v in rng.randint(0, 10, size=per_batch)],
        }
        with open(folder / name, "wb") as f:
            pickle.dump(batch, f)
    names = ["airplane", "automobile", "bird", "cat", "deer"]
    names += ["dog", "frog", "horse", "ship", "truck"]
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({"label_names": names}, f)
    return folder


def test_load_cifar10_reads_the_batches(data_utils, tmp_path):
    root = _fake_cifar10(tmp_path / "cifar-10-batches-py")
    Xtr, Ytr, Xte, Yte = data_utils.load_CIFAR10(root)
    assert Xtr.shape == (150, 32, 32, 3) and Xte.shape == (30, 32, 32, 3)
    assert Ytr.shape == (150,) and Yte.shape == (30,)
    assert Xtr.dtype == np.float64 and np.issubdtype(Ytr.dtype, np.integer)
    with open(root / "data_batch_1", "rb") as f:
        first = pickle.load(f)
    # rows are stored channel-major: the red plane, then green, then blue
    assert Xtr[0, 0, 0, 0] == first["data"][0, 0]
    assert Xtr[0, 0, 0, 1] == first["data"][0, 1024]
    assert Xtr[0, 0, 1, 0] == first["data"][0, 1]


def test_load_cifar10_names_the_folder_when_files_are_missing(data_utils, tmp_path):
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path))):
        data_utils.load_CIFAR10(tmp_path)


def test_cifar10_from_the_environment_variable(data_utils, tmp_path, monkeypatch):
    root = _fake_cifar10(tmp_path / "cifar-10-batches-py")
    monkeypatch.setenv("CS231N_CIFAR10_DIR", str(root))
    data = data_utils.get_linear_classifier_data(
        num_training=100, num_validation=20, num_test=30, num_dev=10
    )
    assert data["source"] == "cifar10"
    assert data["classes"][0] == "airplane" and len(data["classes"]) == 10
    assert data["image_shape"] == (32, 32, 3)
    expected = {"train": 100, "val": 20, "test": 30, "dev": 10}
    for split, n in expected.items():
        assert data["X_" + split].shape == (n, 3073)
        assert data["y_" + split].shape == (n,)
        assert np.all(data["X_" + split][:, -1] == 1.0)  # the bias trick
    np.testing.assert_allclose(data["X_train"][:, :-1].mean(axis=0), 0, atol=1e-9)


def test_digits_fallback_is_deterministic_and_preprocessed(data_utils, monkeypatch, capsys):
    monkeypatch.delenv("CS231N_CIFAR10_DIR", raising=False)
    data = data_utils.get_linear_classifier_data()
    note = capsys.readouterr().out
    assert "CIFAR-10 was not found" in note and "CS231N_CIFAR10_DIR" in note
    assert data["source"] == "digits" and data["image_shape"] == (8, 8)
    sizes = {split: data["X_" + split].shape for split in ("train", "val", "test", "dev")}
    assert sizes == {"train": (1197, 65), "val": (300, 65), "test": (300, 65), "dev": (100, 65)}
    assert np.all(data["X_train"][:, -1] == 1.0)
    np.testing.assert_allclose(data["X_train"][:, :-1].mean(axis=0), 0, atol=1e-9)
    assert set(np.unique(data["y_train"])) == set(range(10))
    again = data_utils.get_linear_classifier_data()
    for key in data:
        if key.startswith(("X_", "y_")):
            np.testing.assert_array_equal(data[key], again[key])
    small = data_utils.get_linear_classifier_data(500, 100, 100, 50)
    assert small["X_train"].shape == (500, 65) and small["X_dev"].shape == (50, 65)


def test_a_bad_environment_variable_falls_back_to_digits(data_utils, tmp_path, monkeypatch):
    monkeypatch.setenv("CS231N_CIFAR10_DIR", str(tmp_path / "nowhere"))
    assert data_utils.get_linear_classifier_data()["source"] == "digits"
