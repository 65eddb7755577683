"""The class report: `report.html` (histogram, failures per check, common counterexamples)
and `histogram.png`.

Built from the submissions' results.json documents only, so it can be rebuilt at any
time and is the same for a resumed batch as for an uninterrupted one (no dates, no
timings). The page is one self-contained file without scripts: the histogram is inline
SVG, and every text that comes from a submission (folder names, feedback that quotes
student output) is escaped.
"""

import html
import io
import statistics
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.diagnosis import describe
from autograder.report.inert import inert
from autograder.report.results import write_atomically, write_atomically_bytes

BINS = 10
COUNTEREXAMPLE_HEADER = "Smallest failing input found:"
GATED_PREFIX = "Not graded yet"
TOP_DIAGNOSES = 3
UNGRADABLE_MARK = " could not be graded: "


# ---------------------------------------------------------------- the numbers


@dataclass
class CheckSummary:
    """How a class did on one test (one property of one function)."""

    name: str
    max_score: float
    submissions: int = 0
    failed: int = 0
    gated: int = 0
    ungradable: int = 0
    counterexamples: Counter = field(default_factory=Counter)
    sentences: dict = field(default_factory=dict)
    diagnoses: Counter = field(default_factory=Counter)
    """Recognised mistakes among those who failed (`grading.diagnosis`): 'id' or 'id + id'."""

    @property
    def failed_on_its_own(self) -> int:
        return self.failed - self.gated - self.ungradable

    def most_common(self) -> tuple[str, str, int] | None:
        """(counterexample, the sentence that came with it most often, how many had it)."""
        if not self.counterexamples:
            return None
        counterexample, count = min(self.counterexamples.items(), key=lambda item: (-item[1], item[0]))
        sentence = min(self.sentences[counterexample].items(), key=lambda item: (-item[1], item[0]))[0]
        return counterexample, sentence, count

    def common_diagnoses(self, top: int = TOP_DIAGNOSES) -> list[tuple[str, int]]:
        """The most frequent recognised mistakes, most frequent first (ties by id)."""
        return sorted(self.diagnoses.items(), key=lambda item: (-item[1], item[0]))[:top]


def counterexample_of(output: str) -> tuple[str, str]:
    """(the minimal failing input, or the failure sentence when there is none; the sentence)."""
    lines = output.splitlines()
    sentence = lines[0].strip() if lines else ""
    if COUNTEREXAMPLE_HEADER in lines:
        block = []
        for line in lines[lines.index(COUNTEREXAMPLE_HEADER) + 1:]:
            if not line.startswith(" "):
                break
            block.append(line[4:] if line.startswith("    ") else line.lstrip())
        if block:
            return "\n".join(block), sentence
    return sentence, sentence


def summarise_checks(documents: list[dict]) -> list[CheckSummary]:
    checks: dict[str, CheckSummary] = {}
    for document in documents:
        for test in document.get("tests", []):
            check = checks.setdefault(test["name"], CheckSummary(test["name"], float(test.get("max_score", 0))))
            check.submissions += 1
            if test.get("status") != "failed":
                continue
            check.failed += 1
            recognised = test.get("extra_data", {}).get("diagnoses")
            if recognised:
                check.diagnoses[" + ".join(recognised)] += 1
            output = test.get("output", "")
            if output.startswith(GATED_PREFIX):
                check.gated += 1
            elif UNGRADABLE_MARK in output.split("\n", 1)[0]:
                check.ungradable += 1
            else:
                counterexample, sentence = counterexample_of(output)
                check.counterexamples[counterexample] += 1
                check.sentences.setdefault(counterexample, Counter())[sentence] += 1
    return list(checks.values())


def class_max_score(documents: list[dict]) -> float:
    """The most points a submission can get (from the results themselves)."""
    best = 0.0
    for document in documents:
        declared = document.get("extra_data", {}).get("max_score")
        total = declared if declared is not None else sum(t.get("max_score", 0) for t in document.get("tests", []))
        best = max(best, float(total))
    return best


def histogram(scores: list[float], max_score: float) -> list[tuple[str, int]]:
    """Counts in BINS equal bins from 0 up to (not including) full marks, then full marks."""
    if max_score <= 0:
        return [("0", len(scores))]
    width = max_score / BINS
    counts = [0] * (BINS + 1)
    for score in scores:
        if score >= max_score:
            counts[BINS] += 1
        else:
            counts[min(BINS - 1, max(0, int(score // width)))] += 1
    labels = [f"{k * width:g}–{(k + 1) * width:g}" for k in range(BINS)] + [f"{max_score:g}"]
    return list(zip(labels, counts, strict=True))


# ---------------------------------------------------------------- the PNG


def histogram_png(bars: list[tuple[str, int]], title: str) -> bytes:
    """The histogram drawn by matplotlib (Agg, no display needed) as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [label for label, _ in bars]
    counts = [count for _, count in bars]
    colours = ["#4c72b0"] * (len(bars) - 1) + ["#2a9d55"]
    rects = axes.bar(range(len(bars)), counts, color=colours, edgecolor="white")
    axes.bar_label(rects, labels=[str(c) if c else "" for c in counts], padding=2, fontsize=9)
    axes.set_xticks(range(len(bars)), labels, rotation=35, ha="right", fontsize=9)
    axes.set_xlabel("score")
    axes.set_ylabel("submissions")
    axes.set_title(title)
    axes.set_ylim(0, max([*counts, 1]) * 1.15)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


# ---------------------------------------------------------------- the page

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #1d2433; background: #fff; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d8dde6; }
.summary { color: #44506a; font-size: 1.05rem; }
.summary b { color: #1d2433; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; table-layout: fixed; }
#submissions-table { width: auto; min-width: 24rem; table-layout: auto; }
th, td { border-bottom: 1px solid #e4e8ef; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f5f9; position: sticky; top: 0; }
td.num, th.num { text-align: right; } td.num { white-space: nowrap; }
tr.clean td { color: #7a8499; }
pre { margin: 0; font-size: .8rem; background: #f7f8fb; padding: .3rem .4rem; border-radius: 4px;
      max-height: 14rem; overflow: auto; white-space: pre; }
.sentence { font-size: .82rem; color: #44506a; margin-bottom: .25rem; }
.share { font-size: .78rem; color: #7a8499; margin-top: .2rem; }
.bar { fill: #4c72b0; } .bar.full { fill: #2a9d55; }
svg text { font-size: 11px; fill: #1d2433; }
.bad { color: #b3261e; font-weight: 600; }
.diagnosis { margin-bottom: .3rem; font-size: .82rem; }
"""


def _e(text) -> str:
    """Text for the page: inert (report.inert) and HTML-escaped."""
    return html.escape(inert(str(text)), quote=True)


def histogram_svg(bars: list[tuple[str, int]], width: int = 720, height: int = 280) -> str:
    left, bottom, top = 40, 56, 20
    plot_w, plot_h = width - left - 10, height - bottom - top
    tallest = max([count for _, count in bars] + [1])
    step = plot_w / len(bars)
    parts = [f'<svg id="histogram-svg" role="img" aria-label="Histogram of scores" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#9aa3b5"/>']
    for index, (label, count) in enumerate(bars):
        bar_h = plot_h * count / tallest
        x = left + index * step + 3
        y = top + plot_h - bar_h
        kind = "bar full" if index == len(bars) - 1 else "bar"
        parts.append(f'<rect class="{kind}" data-count="{count}" data-label="{_e(label)}" x="{x:.1f}" '
                     f'y="{y:.1f}" width="{step - 6:.1f}" height="{bar_h:.1f}">'
                     f'<title>{_e(label)}: {count}</title></rect>')
        if count:
            parts.append(f'<text x="{x + (step - 6) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{count}</text>')
        lx, ly = x + (step - 6) / 2, top + plot_h + 14
        parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="end" '
                     f'transform="rotate(-35 {lx:.1f} {ly:.1f})">{_e(label)}</text>')
    parts.append(f'<text x="12" y="{top + plot_h / 2:.1f}" transform="rotate(-90 12 {top + plot_h / 2:.1f})" '
                 'text-anchor="middle">submissions</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _check_row(check: CheckSummary) -> str:
    common = check.most_common()
    if common is None:
        example = "—"
    else:
        counterexample, sentence, count = common
        own = check.failed_on_its_own
        example = (f'<div class="sentence">{_e(sentence)}</div><pre>{_e(counterexample)}</pre>'
                   f'<div class="share">in {count} of the {own} submission{"s" if own != 1 else ""} '
                   f'that failed this check on {"their" if own != 1 else "its"} own</div>')
    failed = f'<span class="bad">{check.failed}</span>' if check.failed else "0"
    mistakes = "".join(
        f'<div class="diagnosis" data-diagnosis="{_e(ident)}"><b>{count}</b> × <code>{_e(ident)}</code>'
        f'<div class="share">{_e(" + ".join(describe(part) for part in ident.split(" + ")))}</div></div>'
        for ident, count in check.common_diagnoses()) or "—"
    return (f'<tr class="{"check" if check.failed else "check clean"}" data-check="{_e(check.name)}">'
            f"<td>{_e(check.name)}</td><td class=\"num\">{check.max_score:g}</td>"
            f'<td class="num failed">{failed}</td><td class="num">{check.failed_on_its_own}</td>'
            f'<td class="num">{check.gated}</td><td class="num">{check.ungradable}</td>'
            f"<td>{example}</td><td>{mistakes}</td></tr>")


def report_html(rows: list[tuple[str, dict]], title: str = "CS231n linear classifiers: class report",
                png_name: str | None = "histogram.png", similarity_name: str | None = None) -> str:
    documents = [document for _, document in rows]
    scores = [float(document.get("score", 0)) for document in documents]
    max_score = class_max_score(documents)
    bars = histogram(scores, max_score)
    checks = summarise_checks(documents)
    if scores:
        summary = (f"<b>{len(scores)}</b> submission{'s' if len(scores) != 1 else ''} graded out of "
                   f"<b>{max_score:g}</b> points · mean <b>{statistics.fmean(scores):.1f}</b> · "
                   f"median <b>{statistics.median(scores):g}</b> · lowest <b>{min(scores):g}</b> · "
                   f"highest <b>{max(scores):g}</b> · full marks: <b>{sum(s >= max_score for s in scores)}</b>")
    else:
        summary = "No submission graded yet."
    png = (f' A <a href="{urllib.parse.quote(png_name)}">PNG version</a> of the histogram is beside this page.'
           if png_name else "")
    similarity = (f'<p id="similarity">Similarity report: <a href="{urllib.parse.quote(similarity_name)}">'
                  f"{_e(similarity_name)}</a> (a flag is a reason to look, not a verdict).</p>\n"
                  if similarity_name else "")
    submissions = "\n".join(
        f'<tr><td><a href="{urllib.parse.quote(name)}/results.json">{_e(name)}</a></td>'
        f'<td class="num">{float(document.get("score", 0)):g}</td></tr>'
        for name, document in rows)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{CSS}</style>
</head>
<body>
<h1>{_e(title)}</h1>
<p class="summary" id="summary">{summary}</p>
{similarity}
<section id="histogram">
<h2>Scores</h2>
{histogram_svg(bars)}
<p class="share">Each bar counts the scores from its lower bound up to, not including, its upper bound;
the last (green) bar counts full marks.{png}</p>
</section>

<section id="checks">
<h2>Checks</h2>
<p>For every check: how many submissions <b>failed</b> it; of those, how many failed it
<b>on their own</b>, how many were <b>gated</b> (not graded because the function failed its first
check on basic inputs) and how many were <b>not gradable</b> (file missing or not importable); and
the smallest failing input that hypothesis found most often among the submissions that failed it on
their own; and the <b>mistakes</b> the grader recognised most often among those who failed it (each
bug of the catalogue it matched, with how many submissions made it).</p>
<table id="checks-table">
<colgroup><col style="width: 20%"><col style="width: 4.5rem"><col style="width: 4.5rem"><col style="width: 6rem"><col style="width: 4.5rem"><col style="width: 7rem"><col><col style="width: 22%"></colgroup>
<thead><tr><th>check</th><th class="num">points</th><th class="num">failed</th>
<th class="num">on its own</th><th class="num" title="not graded: the function failed its first check">gated</th>
<th class="num" title="file missing or not importable">not gradable</th>
<th>most common minimal counterexample</th><th>most common mistakes</th></tr></thead>
<tbody>
{chr(10).join(_check_row(check) for check in checks)}
</tbody>
</table>
</section>

<section id="submissions">
<h2>Submissions</h2>
<table id="submissions-table">
<thead><tr><th>submission</th><th class="num">score</th></tr></thead>
<tbody>
{submissions}
</tbody>
</table>
</section>
</body>
</html>
"""


def write_class_report(out: Path, rows: list[tuple[str, dict]]) -> list[Path]:
    """Write `report.html` and, when matplotlib is installed, `histogram.png` in `out`."""
    out = Path(out)
    written = []
    png_name = None
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        pass
    else:
        documents = [document for _, document in rows]
        scores = [float(document.get("score", 0)) for document in documents]
        png_name = "histogram.png"
        write_atomically_bytes(out / png_name, histogram_png(
            histogram(scores, class_max_score(documents)), f"Scores ({len(scores)} submissions)"))
        written.append(out / png_name)
    # `autograder grade --similarity` writes the similarity report first: linked when it is there.
    similarity = "similarity.html" if (out / "similarity.html").is_file() else None
    write_atomically(out / "report.html", report_html(rows, png_name=png_name, similarity_name=similarity))
    written.append(out / "report.html")
    return written
