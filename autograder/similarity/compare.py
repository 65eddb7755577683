"""One similarity run: read the documents, index them, score and rank every pair, flag.

`compare(submissions, archives)` is what the commands call; `write_report` (in
`report`) turns its result into `similarity.csv` and `similarity.html`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.similarity.calibrate import OVERALL, Threshold, calibrate
from autograder.similarity.fingerprints import Fingerprints
from autograder.similarity.index import (
    PairTable,
    UnitIndex,
    build_index,
    pair_table,
    template_hashes,
)
from autograder.similarity.normalize import OTHER, UNITS
from autograder.similarity.sources import (
    Document,
    archive_documents,
    submission_document,
    template_texts,
)

FLAG_FINGERPRINTS = 20
"""Fingerprints both sides of a pair need in a function for its own score to flag the pair."""
NO_CODE = "no code of its own (empty, or only the release's text)"
"""Why a readable document was not compared."""


@dataclass
class Comparison:
    """Everything a report needs: documents (submissions first), pairs ranked best first."""

    documents: list[Document]
    submissions: int
    prints: list[dict[str, Fingerprints]]
    indexes: list[UnitIndex]
    pairs: PairTable
    flagged: np.ndarray
    threshold: Threshold
    warnings: list[str] = field(default_factory=list)
    function_thresholds: dict[str, Threshold] = field(default_factory=dict)
    """Each graded function's own threshold (`calibrate`, applied to that function's scores)."""
    flagged_by_function: np.ndarray | None = None
    """`[p, u]`: pair p is flagged by the score of unit `UNITS[u]` alone."""

    def flagged_by(self, p: int) -> list[str]:
        """What raised pair p's flag: OVERALL (its score) and/or the functions whose score did."""
        reasons = [OVERALL] if self.threshold.value <= self.pairs.score[p] else []
        if self.flagged_by_function is not None:
            reasons += [UNITS[u] for u in np.flatnonzero(self.flagged_by_function[p])]
        return reasons

    def not_compared(self) -> list[Document]:
        """Documents with no code left to compare (nothing readable, or only the release's text)."""
        return [d for d, p in zip(self.documents, self.prints, strict=True) if not p]


def compare(submissions: list[tuple[str, Path]], archives: list[Path] | None = None,
            template: list[str] | None = None) -> Comparison:
    """Compare every pair of `submissions` ((name, folder) pairs) and each with every archived file.

    `template` are the release's texts that never count (default: the stubs of the
    release folder).
    """
    documents = [submission_document(name, Path(folder)) for name, folder in submissions]
    archived, warnings = archive_documents([Path(a) for a in archives or []])
    documents.extend(archived)
    stub_hashes = template_hashes(template_texts() if template is None else template)
    prints, indexes = build_index(documents, stub_hashes)
    table = pair_table(indexes, len(submissions), len(documents))
    # A document with no code of its own (unreadable, empty, untouched stubs) is in no pair:
    # the report lists it on its own, saying why.
    has_code = np.array([bool(p) for p in prints], dtype=bool)
    by_name = sorted(range(len(documents)), key=lambda i: (documents[i].name, i))
    rank = np.empty(len(documents), dtype=np.int64)
    rank[by_name] = np.arange(len(documents))
    keep = has_code[table.a] & has_code[table.b]
    order = np.flatnonzero(keep)[np.lexsort((rank[table.b[keep]], rank[table.a[keep]], -table.pooled[keep],
                                             -table.score[keep]))]
    table = PairTable(table.a[order], table.b[order], table.score[order], table.pooled[order],
                      table.units[order])
    threshold = calibrate(table.score)
    by_function, function_thresholds = _function_flags(table, indexes)
    flagged = (table.score >= threshold.value) | by_function.any(axis=1)
    return Comparison(documents, len(submissions), prints, indexes, table, flagged, threshold, warnings,
                      function_thresholds, by_function)


def _function_flags(table: PairTable, indexes: list[UnitIndex]) -> tuple[np.ndarray, dict[str, Threshold]]:
    """Which pairs each graded function's own score flags (`calibrate` per function), and its thresholds.

    Only a pair whose two sides have at least FLAG_FINGERPRINTS of that function's
    fingerprints can be flagged by it (a copied one-liner, or a stub with one line
    added, is not evidence on its own; it still counts in the pair's score). The code
    outside the graded functions (OTHER) raises no flag of its own: it is a student's
    helpers, or nothing, and counts in the pair's score."""
    flags = np.zeros(table.units.shape, dtype=bool)
    thresholds = {}
    for u, unit in enumerate(UNITS):
        if unit == OTHER:
            continue
        scores = table.units[:, u]
        present = ~np.isnan(scores)
        thresholds[unit] = calibrate(scores[present], of=unit)
        sizes = indexes[u].sizes
        large = np.minimum(sizes[table.a], sizes[table.b]) >= FLAG_FINGERPRINTS
        flags[present & large, u] = scores[present & large] >= thresholds[unit].value
    return flags, thresholds
