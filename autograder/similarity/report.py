"""`similarity.csv` and `similarity.html` from a comparison.

- The CSV has one row per compared pair, ranked (columns `a`, `b`, `score`, `flagged`,
  then `b_kind` (class or archive), `pooled`, one column per unit and `notes`), then one
  row per document that could not be compared at all, saying why.
- The HTML page states that a flag is a reason to look, not a verdict, and how the
  flag threshold was found; lists the best pairs; and opens the flagged pairs (or the
  best few when none is flagged) side by side, function by function, with the
  matching regions highlighted: strongly where the shared code is rare in the class,
  faintly where it is common. It is one file without scripts; every text from a
  submission is escaped.
"""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

import numpy as np

from autograder.report.results import write_atomically
from autograder.similarity.compare import NO_CODE, Comparison
from autograder.similarity.fingerprints import K
from autograder.similarity.index import unit_streams
from autograder.similarity.normalize import OTHER, UNITS, normalize_source

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


def csv_text(comparison: Comparison) -> str:
    documents = comparison.documents
    pairs = comparison.pairs
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["a", "b", "score", "flagged", "b_kind", "pooled", *UNITS, "notes"])
    notes = ["; ".join(d.notes) for d in documents]
    names = [d.name for d in documents]
    kinds = [d.kind for d in documents]
    units = np.round(pairs.units, 3)
    for p in range(len(pairs.a)):
        a, b = int(pairs.a[p]), int(pairs.b[p])
        note = "; ".join(f"{names[i]}: {notes[i]}" for i in (a, b) if notes[i])
        writer.writerow([names[a], names[b], f"{pairs.score[p]:.3f}", "true" if comparison.flagged[p] else "false",
                         kinds[b], f"{pairs.pooled[p]:.3f}", *(_number(v) for v in units[p]), note])
    for document in comparison.not_compared():
        why = "; ".join(document.notes) or NO_CODE
        writer.writerow([document.name, "", "", "false", document.kind, "", *([""] * len(UNITS)),
                         f"not compared: {why}"])
    return out.getvalue()


# ---------------------------------------------------------------- the page


def _e(text) -> str:
    return html.escape(str(text), quote=True)


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


def _side(comparison: Comparison, doc: int, other: int, unit: str) -> str:
    """One side of a unit: its lines with the shared tokens marked."""
    document = comparison.documents[doc]
    streams, _ = unit_streams(document)
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
            span = normalize_source(text).lines.get(unit)
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
    status = '<span class="flag">flagged</span>' if flagged else "not flagged"
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
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: .6rem; }
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
    rows = []
    for p in range(min(len(pairs.a), TABLE_ROWS)):
        a, b = int(pairs.a[p]), int(pairs.b[p])
        flagged = bool(comparison.flagged[p])
        cells = "".join(f'<td class="num">{_number(v)}</td>' for v in pairs.units[p])
        link = f'<a href="#pair-{p + 1}">{p + 1}</a>' if _opened(comparison, p) else str(p + 1)
        rows.append(f'<tr class="{"flagged" if flagged else "pair"}"><td>{link}</td><td>{_e(documents[a].name)}</td>'
                    f'<td>{_e(documents[b].name)}</td><td>{_e(documents[b].kind)}</td>'
                    f'<td class="num">{pairs.score[p]:.3f}</td><td>{"yes" if flagged else ""}</td>{cells}</tr>')
    opened = [p for p in range(len(pairs.a)) if _opened(comparison, p)]
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


def _opened(comparison: Comparison, p: int) -> bool:
    if comparison.flagged.any():
        return bool(comparison.flagged[p]) and p < MAX_OPENED
    return p < OPENED_WHEN_NONE_FLAGGED and comparison.pairs.score[p] > 0


def write_report(comparison: Comparison, out: Path) -> list[Path]:
    """Write `similarity.csv` and `similarity.html` into `out`; returns their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_atomically(out / CSV_NAME, csv_text(comparison))
    write_atomically(out / HTML_NAME, html_text(comparison))
    return [out / CSV_NAME, out / HTML_NAME]
