"""The two-layer net part through the real commands: a course selecting it builds a clean
release, and `autograder grade` (the sandboxed child, the engine, the report) gives the
reference full marks, the stubs 0, every bug catalogue entry its lost checks, and every
correct variant full marks; with every available part selected the reference still scores
full marks."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import two_layer_net_inprocess as T

from autograder import parts

WORKTREE = Path(__file__).resolve().parents[1]
DISPLAY = {f: table.get("display", f) for f, table in T.part_functions().items()}


def run(material: Path, cache: Path, *args, check=True) -> subprocess.CompletedProcess:
    env = dict(os.environ, AUTOGRADER_MATERIAL=str(material), AUTOGRADER_CACHE_DIR=str(cache), COLUMNS="160",
               OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True, env=env,
                          timeout=900)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def make_material(root: Path, selection: list[str], cache: Path, extra: str = "") -> Path:
    shutil.copytree(WORKTREE / "solutions", root / "solutions")
    shutil.copytree(WORKTREE / "assignment" / "tests", root / "assignment" / "tests")
    (root / "course.toml").write_text(f"[assignment]\nparts = {json.dumps(selection)}\n{extra}")
    run(root, cache, "build")
    return root


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("tln-course")
    cache = root / "cache"
    return make_material(root / "material", ["two_layer_net"], cache), cache


def grade_batch(course, folders: dict[str, Path], out: Path) -> dict[str, dict]:
    """Grade the folders as one batch, each under its key as its submission name."""
    material, cache = course
    named = out.parent / f"{out.name}-submissions"
    for name, folder in folders.items():
        shutil.copytree(folder, named / name)
    run(material, cache, "grade", *(str(named / name) for name in folders), "--out", str(out), "--workers", "1",
        "--quiet")
    return {name: json.loads((out / name / "results.json").read_text()) for name in folders}


def points(results: dict) -> dict[str, tuple[float, float]]:
    """(score, max) per graded function, from the test names' 'display: ...' prefix."""
    totals = {}
    for function, display in DISPLAY.items():
        tests = [t for t in results["tests"] if t["name"].startswith(display + ":")]
        totals[function] = (sum(t["score"] for t in tests), sum(t["max_score"] for t in tests))
    return totals


def test_the_release_is_built_and_up_to_date(course):
    material, cache = course
    release = material / "assignment"
    for relative in ("cs231n/layers.py", "cs231n/classifiers/fc_net.py", "cs231n/layer_utils.py", "cs231n/solver.py",
                     "cs231n/optim.py", "tests/test_layers.py", "tests/test_fc_net.py", "two_layer_net.ipynb"):
        assert (release / relative).is_file(), relative
    assert "### BEGIN SOLUTION" not in (release / "cs231n/layers.py").read_text()
    assert "### BEGIN SOLUTION" not in (release / "cs231n/layer_utils.py").read_text()
    assert not (release / "cs231n/classifiers/linear_svm.py").exists()
    assert run(material, cache, "build", "--check", check=False).returncode == 0


def test_reference_full_marks_and_stubs_zero(course, tmp_path):
    material, _ = course
    results = grade_batch(course, {"reference": material / "solutions", "stubs": material / "assignment"},
                          tmp_path / "out")
    assert results["reference"]["score"] == 40
    assert all(score == total for score, total in points(results["reference"]).values())
    assert results["stubs"]["score"] == 0
    assert all(score == 0 for score, _ in points(results["stubs"]).values())
    names = [t["name"] for t in results["reference"]["tests"]]
    assert "TwoLayerNet.loss: matches reference" in names and "relu_backward: matches reference" in names


def test_every_catalogue_entry_is_caught_and_every_variant_scores_full_marks(course, tmp_path):
    catalogue, variants = T.entries("catalogue.toml"), T.entries("variants.toml")
    folders = {entry["id"]: T.entry_folder(tmp_path / "subs" / entry["id"], entry) for entry in catalogue + variants}
    results = grade_batch(course, folders, tmp_path / "out")
    for entry in catalogue:
        display = DISPLAY[entry["function"]]
        failed = {t["name"].removeprefix(display + ": ") for t in results[entry["id"]]["tests"]
                  if t["name"].startswith(display + ":") and t["score"] < t["max_score"]}
        titles = {T.prop(entry["function"], p).title for p in entry["caught_by"]}
        assert titles <= failed, (entry["id"], titles - failed)
        others = {f: p for f, p in points(results[entry["id"]]).items() if f != entry["function"]}
        assert all(score == total for score, total in others.values()), (entry["id"], others)
    for entry in variants:
        assert results[entry["id"]]["score"] == 40, (entry["id"], [t for t in results[entry["id"]]["tests"]
                                                                   if t["score"] < t["max_score"]])


def test_a_missing_layers_file_costs_the_layers_only(course, tmp_path):
    material, _ = course
    submission = tmp_path / "only_fc_net"
    (submission / "cs231n" / "classifiers").mkdir(parents=True)
    shutil.copy(material / "solutions" / "cs231n" / "classifiers" / "fc_net.py", submission / "cs231n" / "classifiers")
    results = grade_batch(course, {"only_fc_net": submission}, tmp_path / "out")["only_fc_net"]
    totals = points(results)
    assert totals["two_layer_net_loss"] == (12, 12)
    assert all(totals[f][0] == 0 for f in totals if f != "two_layer_net_loss")
    layer_test = next(t for t in results["tests"] if t["name"] == "affine_forward: matches reference")
    assert "layers.py" in layer_test["output"]


def test_with_every_part_selected_the_reference_scores_full_marks(tmp_path):
    selection = sorted(parts.available())
    cache = tmp_path / "cache"
    material = make_material(tmp_path / "material", selection, cache)
    results = grade_batch((material, cache), {"reference": material / "solutions"}, tmp_path / "out")["reference"]
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 40
    assert all(score == total for score, total in points(results).values())


def test_the_notebook_runs_on_the_digits_against_the_reference(course, tmp_path, monkeypatch):
    import re
    import time

    import nbclient
    import nbformat

    material, _ = course
    monkeypatch.delenv("CS231N_CIFAR10_DIR", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    shutil.copytree(material / "solutions" / "cs231n", tmp_path / "cs231n")
    nb = nbformat.read(material / "assignment" / "two_layer_net.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    start = time.monotonic()
    client.execute()
    seconds = time.monotonic() - start
    out = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            errors = [o for o in cell.outputs if o.output_type == "error"]
            assert not errors, f"cell {cell.id} raised {errors[0].ename}: {errors[0].evalue}"
            out[cell.metadata["nbgrader"]["grade_id"]] = (
                "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout"),
                sum(1 for o in cell.outputs if o.output_type == "display_data" and "image/png" in o.data))
    assert "CIFAR-10 was not found" in out["tln-load-data"][0]
    checks = "".join(out[cell][0] for cell in ("tln-affine-forward-check", "tln-affine-backward-check",
                                               "tln-relu-forward-check", "tln-relu-backward-check",
                                               "tln-loss-layers-check", "tln-net-check"))
    errors = [float(e) for e in re.findall(r"(?:error|difference)[^:]*:\s+([0-9.e+-]+)", checks)]
    assert len(errors) >= 16 and max(errors) < 1e-6, checks
    accuracy = float(re.search(r"Validation set accuracy:\s+([0-9.]+)", out["tln-test"][0]).group(1))
    assert accuracy > 0.9
    assert out["tln-solver-plot"][1] == 1 and out["tln-visualise"][1] == 1
    assert seconds < 60


def test_feedback_is_the_same_every_run(course, tmp_path):
    chosen = [e for e in T.entries("catalogue.toml") if e["id"] in ("tln_relu_backward_dout_mask", "tln_net_reg_no_half")]
    folders = {e["id"]: T.entry_folder(tmp_path / "subs" / e["id"], e) for e in chosen}
    first = grade_batch(course, folders, tmp_path / "first")
    second = grade_batch(course, folders, tmp_path / "second")
    for name in folders:
        assert [(t["name"], t["score"], t["output"]) for t in first[name]["tests"]] == \
               [(t["name"], t["score"], t["output"]) for t in second[name]["tests"]]
        assert any("Likely mistake" in t["output"] or "Hint" in t["output"] for t in first[name]["tests"])


def test_the_audit_catches_and_diagnoses_every_catalogue_entry(course):
    material, cache = course
    done = run(material, cache, "audit", "--part", "two_layer_net", check=False)
    count = len(T.entries("catalogue.toml"))
    assert done.returncode == 0, done.stdout + done.stderr
    for line in (f"{count} of {count} bugs caught", f"{count} of {count} bugs diagnosed as themselves",
                 f"{count} of {count} bugs whose feedback gives each piece of advice once"):
        assert line in done.stdout, done.stdout


def test_a_course_with_its_own_regularization_scale(tmp_path):
    cache = tmp_path / "cache"
    material = make_material(tmp_path / "material", ["two_layer_net"], cache, "[two_layer_net]\nreg_scale = 1.0\n")
    stub = (material / "assignment" / "cs231n" / "classifiers" / "fc_net.py").read_text()
    assert "the softmax loss plus\n          reg * (sum(W1**2) + sum(W2**2))" in stub
    assert "0.5" not in stub
    reference = (material / "solutions" / "cs231n" / "classifiers" / "fc_net.py").read_text()
    assert 'grads["W1"] += 2 * self.reg * W1' in reference
    assert "should grow by 2 * (3 + 7) = 20" in (material / "assignment" / "tests" / "test_fc_net.py").read_text()
    cs231n_net = T.materialise(tmp_path / "subs" / "half")  # CS231n's 0.5 * reg: not this course's
    results = grade_batch((material, cache), {"reference": material / "solutions", "cs231n_convention": cs231n_net},
                          tmp_path / "out")
    assert results["reference"]["score"] == 40
    regularization = next(t for t in results["cs231n_convention"]["tests"]
                          if t["name"] == "TwoLayerNet.loss: regularization")
    assert regularization["score"] == 0 and "this course's loss adds reg * (sum(W1**2)" in regularization["output"]
