"""`similarity.csv` and `similarity.html` from a comparison.

- The CSV has one row per compared pair, ranked (columns `a`, `b`, `score`, `flagged`,
  then `flagged_by` (what raised the flag: `score`, and/or the graded functions whose own
  score did), `b_kind` (class or archive), `pooled`, one column per unit and `notes`),
  then one row per document that could not be compared at all, saying why.
- The HTML page states that a flag is a reason to look, not a verdict, and how the
  flag thresholds were found; lists the best pairs; and opens the flagged pairs (or the
  best few when none is flagged) side by side, function by function, with the
  matching regions highlighted: strongly where the shared code is rare in the class,
  faintly where it is common. It is one file without scripts; every text from a
  submission is escaped.
"""

from __future__ import annotations

import csv
import functools
import html
import io
from pathlib import Path

import numpy as np

from autograder.report.inert import inert
from autograder.report.results import write_atomically
from autograder.similarity.compare import NO_CODE, Comparison
from autograder.similarity.fingerprints import K
from autograder.similarity.index import unit_streams
from autograder.similarity.normalize import OTHER, UNITS, normalize_source
from autograder.similarity.sources import Document

VERDICT = "A flag is a reason to look, not a verdict."
TABLE_ROWS = 200
"""Pairs listed in the page's table (the CSV has them all)."""
MAX_OPENED = 50
"""Flagged pairs opened side by side (the next ones are in the table)."""
OPENED_WHEN_NONE_FLAGGED = 5
RARE = 0.5
"""Shared code whose fingerprints weigh at least this is highlighted strongly."""
CSV_NAME = "similarity.csv"
HTML_NAME = "similarity.html"


def _number(value: float) -> str:
    return "" if np.isnan(value) else f"{value:.3f}"


_THOUSANDTHS = np.array([f"{k / 1000:.3f}" for k in range(1001)] + [""], dtype=object)


def _column(values: np.ndarray) -> np.ndarray:
    """Scores in 0..1 as text with 3 decimals ("" for NaN), by table look-up (500,000 rows in a blink)."""
    index = np.full(len(values), len(_THOUSANDTHS) - 1, dtype=np.int64)
    known = ~np.isnan(values)
    index[known] = np.clip(np.rint(values[known] * 1000), 0, 1000).astype(np.int64)
    return _THOUSANDTHS[index]


def _csv_field(text: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([inert(text)])
    return out.getvalue()


def csv_text(comparison: Comparison) -> str:
    documents = comparison.documents
    pairs = comparison.pairs
    header = ",".join(["a", "b", "score", "flagged", "flagged_by", "b_kind", "pooled", *UNITS, "notes"])
    names = np.array([_csv_field(d.name) for d in documents], dtype=object)
    kinds = np.array([d.kind for d in documents], dtype=object)
    notes = np.array([_csv_field(f"{d.name}: {'; '.join(d.notes)}") if d.notes else "" for d in documents],
                     dtype=object)
    row_notes = np.full(len(pairs.a), "", dtype=object)
    for p in np.flatnonzero((notes[pairs.a] != "") | (notes[pairs.b] != "")):
        parts = [d for d in (documents[pairs.a[p]], documents[pairs.b[p]]) if d.notes]
        row_notes[p] = _csv_field("; ".join(f"{d.name}: {'; '.join(d.notes)}" for d in parts))
    flagged = np.where(comparison.flagged, "true", "false").astype(object)
    flagged_by = np.full(len(pairs.a), "", dtype=object)
    for p in np.flatnonzero(comparison.flagged):
        flagged_by[p] = ";".join(comparison.flagged_by(p))
    columns = [names[pairs.a], names[pairs.b], _column(pairs.score), flagged, flagged_by, kinds[pairs.b],
               _column(pairs.pooled),
               *(_column(pairs.units[:, u]) for u in range(len(UNITS))), row_notes]
    lines = [header]
    lines.extend(map(",".join, zip(*columns, strict=True)))
    for document in comparison.not_compared():
        why = "; ".join(document.notes) or NO_CODE
        lines.append(",".join([_csv_field(document.name), "", "", "false", "", document.kind, "", *([""] * len(UNITS)),
                               _csv_field(f"not compared: {why}")]))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the page


def _e(text) -> str:
    """Text for the page: inert (report.inert) and HTML-escaped."""
    return html.escape(inert(str(text)), quote=True)


def _weights(comparison: Comparison, unit: str) -> dict[int, float]:
    return comparison.indexes[UNITS.index(unit)].weight


def _marked_tokens(comparison: Comparison, doc: int, other: int, unit: str) -> dict[int, float]:
    """Token index -> weight of the heaviest fingerprint shared with `other` that covers it."""
    mine, theirs = comparison.prints[doc].get(unit), comparison.prints[other].get(unit)
    if mine is None or theirs is None:
        return {}
    shared = np.isin(mine.hashes, theirs.hashes)
    weight = _weights(comparison, unit)
    marked: dict[int, float] = {}
    for position, value in zip(mine.positions[shared].tolist(), mine.hashes[shared].tolist(), strict=True):
        w = weight.get(value, 1.0)
        for token in range(position, position + K):
            if marked.get(token, -1.0) < w:
                marked[token] = w
    return marked


@functools.lru_cache(maxsize=256)
def _layout(texts: tuple[str, ...]) -> tuple[dict, list[dict]]:
    """The unit streams of a document and the lines of each unit in each of its files."""
    document = Document(name="", kind="", files=[(str(i), t) for i, t in enumerate(texts)])
    streams, _ = unit_streams(document)
    return streams, [normalize_source(text).lines for text in texts]


def _side(comparison: Comparison, doc: int, other: int, unit: str) -> str:
    """One side of a unit: its lines with the shared tokens marked."""
    document = comparison.documents[doc]
    streams, unit_lines = _layout(tuple(text for _, text in document.files))
    stream = streams.get(unit)
    if stream is None:
        return '<p class="absent">not in this document</p>'
    marked = _marked_tokens(comparison, doc, other, unit)
    # (file, line) -> [(start column, end column, weight)]
    marks: dict[tuple[int, int], list[tuple[int, int, float]]] = {}
    for token, w in marked.items():
        if token >= len(stream.places):
            continue
        file_index, (line, col, end_line, end_col) = stream.places[token]
        for row in range(line, end_line + 1):
            start = col if row == line else 0
            stop = end_col if row == end_line else 10**9
            marks.setdefault((file_index, row), []).append((start, stop, w))
    blocks = []
    for file_index, (label, text) in enumerate(document.files):
        lines = text.splitlines()
        if unit == OTHER:
            shown = sorted({row for (f, row) in marks if f == file_index})
        else:
            span = unit_lines[file_index].get(unit)
            shown = list(range(span[0], span[1] + 1)) if span else []
        if not shown:
            continue
        rendered, previous = [], None
        for row in shown:
            if row > len(lines):
                continue
            if previous is not None and row != previous + 1:
                rendered.append('<span class="gap">...</span>')
            rendered.append(f'<span class="ln">{row:4d}</span> ' + _marked_line(lines[row - 1], marks.get((file_index, row), [])))
            previous = row
        blocks.append(f'<div class="file">{_e(label)}</div><pre>' + "\n".join(rendered) + "</pre>")
    return "".join(blocks) or '<p class="absent">no shared code</p>'


def _marked_line(line: str, marks: list[tuple[int, int, float]]) -> str:
    weight_at = [-1.0] * len(line)
    for start, stop, w in marks:
        for c in range(max(start, 0), min(stop, len(line))):
            weight_at[c] = max(weight_at[c], w)
    out, c = [], 0
    while c < len(line):
        w = weight_at[c]
        end = c
        while end < len(line) and (weight_at[end] >= RARE) == (w >= RARE) and (weight_at[end] < 0) == (w < 0):
            end += 1
        piece = _e(line[c:end])
        if w < 0:
            out.append(piece)
        else:
            kind = "rare" if w >= RARE else "common"
            out.append(f'<mark class="{kind}">{piece}</mark>')
        c = end
    return "".join(out)


def _pair_section(comparison: Comparison, p: int, rank: int) -> str:
    pairs = comparison.pairs
    a, b = int(pairs.a[p]), int(pairs.b[p])
    names = (comparison.documents[a].name, comparison.documents[b].name)
    flagged = bool(comparison.flagged[p])
    units = []
    for u, unit in enumerate(UNITS):
        value = pairs.units[p, u]
        if np.isnan(value):
            continue
        units.append(f"""<div class="unit" data-unit="{_e(unit)}"><h4>{_e(unit)} <span class="score">{value:.3f}</span></h4>
<div class="sides"><div class="side">{_side(comparison, a, b, unit)}</div><div class="side">{_side(comparison, b, a, unit)}</div></div></div>""")
    status = f'<span class="flag">flagged</span> ({_e(_reasons(comparison, p))})' if flagged else "not flagged"
    return f"""<section class="pair{' flagged' if flagged else ''}" id="pair-{rank}">
<h3>#{rank}: {_e(names[0])} and {_e(names[1])} ({_e(comparison.documents[b].kind)}) &middot; score {pairs.score[p]:.3f} &middot; {status}</h3>
<div class="sides heads"><div>{_e(names[0])}</div><div>{_e(names[1])}</div></div>
{''.join(units) or '<p>No function in common.</p>'}
</section>"""


CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       margin: 2rem auto; max-width: 1400px; padding: 0 1rem; color: #1d2433; background: #fff; }
h2 { margin-top: 2rem; border-bottom: 1px solid #d8dde6; }
.verdict { font-size: 1.1rem; font-weight: 600; background: #fff4d6; padding: .5rem .8rem; border-radius: 4px; }
table { border-collapse: collapse; font-size: .85rem; }
th, td { border-bottom: 1px solid #e4e8ef; padding: .25rem .5rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.flagged td { background: #fdecea; }
.flag { color: #b3261e; font-weight: 700; }
.sides { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: .6rem; }
.heads div { font-weight: 600; }
pre { margin: 0 0 .4rem 0; font-size: .75rem; background: #f7f8fb; padding: .3rem .4rem; overflow: auto;
      max-height: 30rem; }
mark.rare { background: #f4a261; color: #000; }
mark.common { background: #e9edf5; color: #000; }
.ln { color: #9aa3b5; } .gap { color: #9aa3b5; }
.file { font-size: .75rem; color: #44506a; }
.unit h4 { margin: .8rem 0 .2rem 0; } .score { color: #44506a; font-weight: 400; }
section.pair { border-top: 2px solid #d8dde6; margin-top: 1.5rem; }
.absent { color: #7a8499; font-size: .8rem; }
"""


def html_text(comparison: Comparison) -> str:
    pairs = comparison.pairs
    documents = comparison.documents
    n_flagged = int(comparison.flagged.sum())
    opened = _opened(comparison)
    rows = []
    for p in range(min(len(pairs.a), TABLE_ROWS)):
        a, b = int(pairs.a[p]), int(pairs.b[p])
        flagged = bool(comparison.flagged[p])
        cells = "".join(f'<td class="num">{_number(v)}</td>' for v in pairs.units[p])
        link = f'<a href="#pair-{p + 1}">{p + 1}</a>' if p in opened else str(p + 1)
        rows.append(f'<tr class="{"flagged" if flagged else "pair"}"><td>{link}</td><td>{_e(documents[a].name)}</td>'
                    f'<td>{_e(documents[b].name)}</td><td>{_e(documents[b].kind)}</td>'
                    f'<td class="num">{pairs.score[p]:.3f}</td><td>{_e(_reasons(comparison, p)) if flagged else ""}</td>'
                    f'{cells}</tr>')
    sections = "\n".join(_pair_section(comparison, p, p + 1) for p in opened)
    problems = [f"{d.name}: not compared: {'; '.join(d.notes) or NO_CODE}"
                for d in comparison.not_compared()]
    problems += [f"{d.name}: {note}" for d in documents if d not in comparison.not_compared() for note in d.notes]
    problems = comparison.warnings + problems
    problem_list = ("<ul id=\"problems\">" + "".join(f"<li>{_e(line)}</li>" for line in problems) + "</ul>"
                    if problems else "<p>Every file was read.</p>")
    archived = len(documents) - comparison.submissions
    heading = "".join(f"<th>{_e(unit)}</th>" for unit in UNITS)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Similarity report</title>
<style>{CSS}</style>
</head>
<body>
<h1>Similarity report</h1>
<p class="verdict" id="verdict">{VERDICT} A high score says that two submissions share code that is rare
in this class and archive; only reading the code, and talking with the students, can say why.</p>
<p id="summary">{comparison.submissions} submissions, {archived} archived files, {len(pairs.a)} pairs compared,
<b>{n_flagged}</b> flagged.</p>
<p id="threshold">{_e(comparison.threshold.explanation())}.</p>
<p>A pair is also flagged when one graded function's own score is far out among that function's scores
(a copy of one file next to honest work elsewhere is diluted in the pair's score), by the same rule
with that function's bounds:</p>
<ul id="function-thresholds">
{"".join(f"<li>{_e(t.explanation())}.</li>" for t in comparison.function_thresholds.values())}
</ul>
<p>How it works: each graded function is reduced to normalized tokens (names, literals, comments,
docstrings and layout normalized away), hashed in runs of {K} tokens and winnowed; the release's own
text is removed; each shared fingerprint weighs less the more submissions and archived files hold it.
A function's score is the weighted share of its fingerprints found in the other side; a pair's score
is the mean of its best function and of all functions pooled. Highlighted:
<mark class="rare">code shared and rare</mark>, <mark class="common">code shared but common</mark>.</p>

<h2>Problems</h2>
{problem_list}

<h2>Pairs</h2>
<table id="pairs">
<thead><tr><th>#</th><th>a</th><th>b</th><th>b is</th><th>score</th><th>flagged</th>{heading}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p>{len(pairs.a) - min(len(pairs.a), TABLE_ROWS)} more pairs are in similarity.csv.</p>

<h2>Side by side</h2>
{sections or '<p>No pair to show.</p>'}
</body>
</html>
"""


def _reasons(comparison: Comparison, p: int) -> str:
    """What raised pair p's flag, in words: 'by score', or 'by' and the graded function's name."""
    return "by " + ", ".join(comparison.flagged_by(p))


def _opened(comparison: Comparison) -> list[int]:
    """The pairs opened side by side: the flagged ones (at most MAX_OPENED), else the best few."""
    if comparison.flagged.any():
        return np.flatnonzero(comparison.flagged)[:MAX_OPENED].tolist()
    best = np.flatnonzero(comparison.pairs.score > 0)[:OPENED_WHEN_NONE_FLAGGED]
    return best.tolist()


def write_report(comparison: Comparison, out: Path) -> list[Path]:
    """Write `similarity.csv` and `similarity.html` into `out`; returns their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_atomically(out / CSV_NAME, csv_text(comparison))
    write_atomically(out / HTML_NAME, html_text(comparison))
    return [out / CSV_NAME, out / HTML_NAME]
