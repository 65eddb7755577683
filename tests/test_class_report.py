"""The class report: its numbers, its escaping, and the page as headless Chromium renders it."""

import copy

from batch_helpers import graded_class  # noqa: F401
from headless_chromium import render

from autograder.batch.class_report import (
    counterexample_of,
    histogram,
    report_html,
    summarise_checks,
    write_class_report,
)
from autograder.batch.runner import read_results


def test_histogram_bins_and_full_marks():
    bars = histogram([0, 9.5, 10, 55, 99.9, 100, 100], 100)
    assert len(bars) == 11
    counts = dict(bars)
    assert counts["0–10"] == 2 and counts["10–20"] == 1 and counts["50–60"] == 1
    assert counts["90–100"] == 1 and counts["100"] == 2


def test_counterexample_is_the_smallest_failing_input():
    output = ("The loss differs from the correct value.\nSmallest failing input found:\n"
              "    W = array of shape (1, 2):\n        [[0. 0.]]\n    y = [0]\n    reg = 0\n"
              "Expected: 1\nGot:      0\nHint: look.")
    assert counterexample_of(output) == ("W = array of shape (1, 2):\n    [[0. 0.]]\ny = [0]\nreg = 0",
                                         "The loss differs from the correct value.")
    assert counterexample_of("It loops at line 3.\nHint: x") == ("It loops at line 3.", "It loops at line 3.")


def _doc(outputs: dict[str, str | None]) -> dict:
    tests = [{"name": name, "score": 0.0 if out else 2.0, "max_score": 2.0,
              "status": "failed" if out else "passed", "output": out or "Passed."}
             for name, out in outputs.items()]
    return {"score": sum(t["score"] for t in tests), "tests": tests, "extra_data": {"max_score": 4.0}}


def test_failures_are_counted_by_kind_and_the_most_common_example_wins():
    own = "f: wrong.\nSmallest failing input found:\n    x = {}\nExpected: 1"
    docs = [_doc({"f: a": own.format(1), "f: b": "Not graded yet: ..."}),
            _doc({"f: a": own.format(2), "f: b": "f could not be graded: softmax.py was not found"}),
            _doc({"f: a": own.format(2), "f: b": None})]
    a, b = summarise_checks(docs)
    assert (a.failed, a.failed_on_its_own, a.gated, a.ungradable) == (3, 3, 0, 0)
    assert a.most_common() == ("x = 2", "f: wrong.", 2)
    assert (b.failed, b.failed_on_its_own, b.gated, b.ungradable) == (2, 0, 1, 1)
    assert b.most_common() is None


def test_everything_from_a_submission_is_escaped():
    doc = _doc({"f: <a>": "<script>alert(1)</script>\nSmallest failing input found:\n    x = '<img src=x>'"})
    page = report_html([("<b>eve</b>", doc)])
    assert "<script>" not in page and "<b>eve</b>" not in page and "<img src=x>" not in page
    assert "&lt;b&gt;eve&lt;/b&gt;" in page and "&lt;script&gt;" in page


def test_the_report_renders_in_headless_chromium(graded_class, tmp_path):  # noqa: F811
    rows = [(name, read_results(graded_class.out / name / "results.json")) for name in graded_class.names]
    evil = copy.deepcopy(rows[0][1])
    rows.append(("<b>mallory</b>", evil))
    out = tmp_path / "report"
    out.mkdir()
    write_class_report(out, rows)
    dom, shot = render(out / "report.html", tmp_path, "1280,1000")

    # The DOM Chromium built: one bar per bin, counting every submission; one row per check.
    counts = [int(part.split('"')[0]) for part in dom.split('data-count="')[1:]]
    assert len(counts) == 11 and sum(counts) == len(rows)
    n_tests = len(rows[0][1]["tests"])
    assert dom.count('<tr class="check') == n_tests
    assert dom.count("<pre>") >= 3  # counterexamples of the buggy submissions
    assert "&lt;b&gt;mallory&lt;/b&gt;" in dom and "<b>mallory</b>" not in dom
    assert "svm_loss_naive: matches reference" in dom

    # The screenshot: the page drew, with the histogram's blue bars and green full-marks bar.
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 1000)
    colours = image.getcolors(maxcolors=1 << 20)
    share = {rgb: n for n, rgb in colours}
    total = image.size[0] * image.size[1]
    assert share.get((0x4C, 0x72, 0xB0), 0) > 2000  # blue bars
    assert share.get((0x2A, 0x9D, 0x55), 0) > 2000  # the full-marks bar
    assert share.get((255, 255, 255), 0) < 0.97 * total  # not a blank page
