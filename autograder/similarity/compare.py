"""One similarity run: read the documents, index them, score and rank every pair, flag.

`compare(submissions, archives)` is what the commands call; `write_report` (in
`report`) turns its result into `similarity.csv` and `similarity.html`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.similarity.calibrate import Threshold, calibrate
from autograder.similarity.fingerprints import Fingerprints
from autograder.similarity.index import (
    PairTable,
    UnitIndex,
    build_index,
    pair_table,
    template_hashes,
)
from autograder.similarity.sources import (
    Document,
    archive_documents,
    submission_document,
    template_texts,
)

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
    flagged = table.score >= threshold.value
    return Comparison(documents, len(submissions), prints, indexes, table, flagged, threshold, warnings)
