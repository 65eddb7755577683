"""The similarity report's files, the command, bad input, and the page as headless Chromium renders it."""

import csv
import io
from pathlib import Path

from click.testing import CliRunner
from headless_chromium import render
from similarity_corpus import write_submission
from similarity_disguises import combined, disguise_files
from test_similarity import SOURCES, STUB

from autograder.cli import main
from autograder.parts import graded_files
from autograder.similarity.compare import compare
from autograder.similarity.normalize import UNITS
from autograder.similarity.report import VERDICT, csv_text, html_text

GRADED_FILES = graded_files()  # the linear classifiers' (the default course)

SVM = GRADED_FILES[0]


def _class(tmp_path: Path, extra: dict[str, dict[str, str]] | None = None) -> Path:
    folder = tmp_path / "class"
    members = {"alice": SOURCES["independent_correct"], "bob": SOURCES["independent_buggy"],
               "carol": SOURCES["mutant"], "stub": STUB,
               "mallory": disguise_files(SOURCES["independent_correct"], combined, seed=1), **(extra or {})}
    for name, texts in members.items():
        write_submission(folder / name, texts)
    return folder


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_command_writes_a_ranked_csv_and_the_page(tmp_path):
    folder = _class(tmp_path)
    result = CliRunner().invoke(main, ["similarity", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert VERDICT in result.output and "1 flagged" in result.output
    rows = _rows((tmp_path / "out" / "similarity.csv").read_text())
    header = list(rows[0])
    assert header[:5] == ["a", "b", "score", "flagged", "flagged_by"] and all(unit in header for unit in UNITS)
    pairs = [row for row in rows if row["b"]]
    assert len(pairs) == 6  # the stub has no code of its own: in no pair
    assert "stub" not in {row["a"] for row in pairs} | {row["b"] for row in pairs}
    scores = [float(row["score"]) for row in pairs]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    assert {pairs[0]["a"], pairs[0]["b"]} == {"alice", "mallory"} and pairs[0]["flagged"] == "true"
    assert [row["flagged"] for row in pairs[1:]] == ["false"] * 5
    assert pairs[0]["flagged_by"].split(";")[0] == "score" and not any(row["flagged_by"] for row in pairs[1:])
    stub_row = next(row for row in rows if row["a"] == "stub" and not row["b"])
    assert stub_row["notes"].startswith("not compared: no code of its own")
    page = (tmp_path / "out" / "similarity.html").read_text()
    assert VERDICT in page and 'id="pair-1"' in page and 'id="pair-2"' not in page


def test_an_archive_is_named_by_relative_path_and_a_missing_one_is_a_warning(tmp_path):
    folder = _class(tmp_path)
    archive = tmp_path / "archive" / "2022" / "public"
    archive.mkdir(parents=True)
    (archive / "svm.py").write_text(SOURCES["independent_buggy"][SVM])
    result = CliRunner().invoke(main, ["similarity", str(folder), "--out", str(tmp_path / "out"),
                                       "--archive", str(tmp_path / "archive"), "--archive", str(tmp_path / "nowhere")])
    assert result.exit_code == 0, result.output
    assert f"archive {tmp_path / 'nowhere'}: no such folder" in result.output
    rows = _rows((tmp_path / "out" / "similarity.csv").read_text())
    bob = next(row for row in rows if {row["a"], row["b"]} == {"bob", "2022/public/svm.py"})
    assert bob["b_kind"] == "archive" and bob["flagged"] == "true"
    assert bob["svm_loss_naive"] and not bob["softmax_loss_naive"]  # the archived file has the SVM only
    assert "no such folder" in (tmp_path / "out" / "similarity.html").read_text()


def test_bad_input_is_a_note_and_nothing_stops_the_run(tmp_path, monkeypatch):
    source = SOURCES["independent_correct"]
    broken = dict(disguise_files(source, combined, seed=2))
    broken[SVM] = "x = = 1\n" + broken[SVM]
    unterminated = {**SOURCES["mutant"], SVM: SOURCES["mutant"][SVM] + '\n"""never closed\n'}
    folder = _class(tmp_path, {"syntax": broken, "unterminated": unterminated})
    binary = folder / "binary" / SVM
    binary.parent.mkdir(parents=True)
    binary.write_bytes(b"\x7fELF\x00\x01\x02" * 50)
    (folder / "empty").mkdir()
    (folder / "empty" / "README.txt").write_text("I forgot")
    unreadable = write_submission(folder / "unreadable", SOURCES["independent_buggy"]) / SVM
    real_read_bytes = Path.read_bytes

    def read_bytes(self):
        if self == unreadable:
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    submissions = [(p.name, p) for p in sorted(folder.iterdir())]
    comparison = compare(submissions)
    notes = {d.name: "; ".join(d.notes) for d in comparison.documents}
    assert "linear_svm.py: cannot be read (Permission denied), not compared" in notes["unreadable"]
    assert "linear_svm.py: not a text file (binary content), not compared" in notes["binary"]
    assert "syntax error at line" in notes["syntax"] and "compared by its tokens" in notes["syntax"]
    assert "the tokenizer stopped" in notes["unterminated"] and "compared up to there" in notes["unterminated"]
    assert "was not found in the submission" in notes["empty"]
    rows = _rows(csv_text(comparison))
    empty = [row for row in rows if "empty" in (row["a"], row["b"])]
    assert len(empty) == 1 and not empty[0]["b"] and empty[0]["notes"].startswith("not compared:")
    # The file with a syntax error is still compared by its tokens: a copy, found.
    syntax = next(row for row in rows if "syntax" in (row["a"], row["b"]) and row["b"])
    assert {syntax["a"], syntax["b"]} in ({"syntax", "alice"}, {"syntax", "mallory"})
    assert syntax["flagged"] == "true" and "syntax error" in syntax["notes"]
    page = html_text(comparison)
    assert "not a text file" in page and "Permission denied" in page


def test_the_graded_files_only_never_notebooks(tmp_path):
    folder = _class(tmp_path)
    notebook = folder / "bob" / "svm.ipynb"
    notebook.write_text('{"cells": [{"source": "' + SOURCES["independent_correct"][SVM][:200] + '"}]}')
    helper = folder / "bob" / "cs231n" / "helper.py"
    helper.write_text(SOURCES["independent_correct"][SVM])
    comparison = compare([(p.name, p) for p in sorted(folder.iterdir())])
    bob = next(d for d in comparison.documents if d.name == "bob")
    assert [label for label, _ in bob.files] == list(GRADED_FILES)


def test_everything_from_a_submission_is_escaped(tmp_path):
    evil = {**SOURCES["independent_correct"]}
    evil[SVM] = evil[SVM].replace("# where the hinge is active", "# </pre><script>alert(1)</script>")
    folder = _class(tmp_path, {"<img src=x onerror=alert(1)>": evil})
    comparison = compare([(p.name, p) for p in sorted(folder.iterdir())])
    page = html_text(comparison)
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_page_renders_in_headless_chromium_with_the_regions_marked(tmp_path):
    folder = _class(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["similarity", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    dom, shot = render(out / "similarity.html", tmp_path, "1400,2400")

    assert VERDICT in dom
    assert dom.count('<tr class="flagged">') == 1 and dom.count('<section class="pair flagged"') == 1
    section = dom[dom.index('<section class="pair flagged"'):]
    assert section.count('<div class="unit"') == 6  # the six graded functions, side by side
    assert section.count('<mark class="rare">') >= 12  # matching regions on both sides of every function

    from PIL import Image

    image = Image.open(shot).convert("RGB")
    share = {rgb: n for n, rgb in image.getcolors(maxcolors=1 << 22)}
    assert share.get((0xF4, 0xA2, 0x61), 0) > 3000  # the highlighted regions drew


def test_nbgrader_similarity_reads_the_submitted_folders(tmp_path):
    course = tmp_path / "course"
    for student, texts in (("s001", SOURCES["independent_correct"]), ("s002", SOURCES["independent_buggy"]),
                           ("s003", disguise_files(SOURCES["independent_buggy"], combined, seed=4))):
        folder = write_submission(course / "submitted" / student / "linear_classifiers", texts)
        (folder / "svm.ipynb").write_text('{"cells": []}')
    (course / "submitted" / "s004" / "other_assignment").mkdir(parents=True)
    result = CliRunner().invoke(main, ["nbgrader", "similarity", str(course), "linear_classifiers"])
    assert result.exit_code == 0, result.output
    rows = _rows((course / "similarity" / "linear_classifiers" / "similarity.csv").read_text())
    assert len(rows) == 3 and {rows[0]["a"], rows[0]["b"]} == {"s002", "s003"} and rows[0]["flagged"] == "true"
    result = CliRunner().invoke(main, ["nbgrader", "similarity", str(course), "nothing_here"])
    assert result.exit_code == 1 and "no student has submitted nothing_here" in result.output


def test_grade_similarity_adds_the_report_to_a_batch_and_the_class_report_links_it(tmp_path):
    folder = tmp_path / "class"
    write_submission(folder / "alice", SOURCES["independent_correct"])
    write_submission(folder / "mallory", disguise_files(SOURCES["independent_correct"], combined, seed=1))
    write_submission(folder / "stub", STUB)
    out = tmp_path / "graded"
    result = CliRunner().invoke(main, ["grade", str(folder), "--out", str(out), "--similarity", "--workers", "2"])
    assert result.exit_code == 0, result.output
    rows = _rows((out / "similarity.csv").read_text())
    assert {rows[0]["a"], rows[0]["b"]} == {"alice", "mallory"}
    assert (out / "alice" / "results.json").is_file()
    assert '<a href="similarity.html">' in (out / "report.html").read_text()
    result = CliRunner().invoke(main, ["grade", str(folder / "alice"), "--similarity"])
    assert result.exit_code == 2 and "give --out DIR" in result.output


def test_a_file_is_read_as_the_grader_reads_it(tmp_path):
    """A coding line decides the encoding (as for grading); a file that is no text says so."""
    from autograder.similarity.sources import read_text

    latin = tmp_path / "latin.py"
    latin.write_bytes("# -*- coding: latin-1 -*-\n# café\nx = 1\n".encode("latin-1"))
    text, problem = read_text(latin, "latin.py")
    assert problem is None and "café" in text
    broken = tmp_path / "broken.py"
    broken.write_bytes("x = 'caf\xe9'\n".encode("latin-1"))
    text, problem = read_text(broken, "broken.py")
    assert text is None and "not readable as Python source text" in problem
    unknown = tmp_path / "unknown.py"
    unknown.write_bytes(b"# -*- coding: no-such-codec -*-\nx = 1\n")
    text, problem = read_text(unknown, "unknown.py")
    assert text is None and "not readable as Python source text" in problem
