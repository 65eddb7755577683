"""The inverted index of fingerprints and the pair scores computed from it.

No pair of documents is diffed. Each graded function (unit) of every document is
reduced to its set of fingerprints; the index maps each fingerprint to the documents
holding it, and every pair's shared weight is summed fingerprint by fingerprint.

Weights: a fingerprint held by `df` of the `N` documents (class and archive) weighs

    w = log((N + 1) / df) / log((N + 1) / 2)

1 for a fingerprint that only two documents share, falling to nearly 0 for one that
every document holds: fragments that many honest solutions share (`scores = X.dot(W)`) count little,
in proportion to how common they are in this class and archive.

Scores: for a unit, the shared weight of a pair divided by the number of fingerprints
of the smaller side (at least `MIN_FINGERPRINTS`, so a two-line function cannot be
strong evidence on its own), capped at 1. A pair's score is the mean of its best unit
(a copy of one function only still stands out) and of all its units pooled (the units
both sides have: a copy of everything ranks above a copy of one function).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from autograder.similarity.fingerprints import Fingerprints, K, fingerprint, kgram_hashes
from autograder.similarity.normalize import UNITS, normalize_source
from autograder.similarity.sources import Document

MIN_FINGERPRINTS = 10
"""The smallest denominator of a unit's score, in fingerprints."""
DENSE_FROM = 32
"""Fingerprints held by more documents than this are summed with a matrix product, the
others pair by pair (the cost of a pair-by-pair sum grows with df squared)."""


@dataclass
class UnitStream:
    """The normalized tokens of one unit of a document, across its files."""

    ids: list[int]
    places: list[tuple[int, tuple[int, int, int, int]]]
    """(index of the file in `Document.files`, (line, column, end line, end column)) of each token."""


def unit_streams(document: Document) -> tuple[dict[str, UnitStream], list[str]]:
    """Each unit's tokens in `document` (files in order), and notes on what could not be read."""
    streams: dict[str, UnitStream] = {}
    notes: list[str] = []
    for index, (label, text) in enumerate(document.files):
        tokens = normalize_source(text)
        notes.extend(f"{label}: {note}" for note in tokens.notes)
        for unit, part in tokens.units.items():
            stream = streams.setdefault(unit, UnitStream([], []))
            stream.ids.extend(part.ids)
            stream.places.extend((index, span) for span in part.spans)
    return streams, notes


def template_hashes(texts: list[str]) -> np.ndarray:
    """Every k-gram hash of the release's stubs (sorted, unique): of each file on its own (as
    an archived file is read) and of the files together (as a submission is read)."""
    parts = [np.zeros(0, dtype=np.uint64)]
    together = Document(name="template", kind="template",
                        files=[(f"template {i}", text) for i, text in enumerate(texts)])
    streams = [unit_streams(together)[0]]
    streams.extend(unit_streams(Document("template", "template", [("template", text)]))[0] for text in texts)
    for units in streams:
        for stream in units.values():
            parts.append(kgram_hashes(np.asarray(stream.ids, dtype=np.uint64)))
    return np.unique(np.concatenate(parts))


def document_fingerprints(document: Document, template: np.ndarray) -> dict[str, Fingerprints]:
    """The fingerprints of each unit of `document` that has any (notes are added to the document)."""
    streams, notes = unit_streams(document)
    document.notes.extend(notes)
    found = {}
    for unit in UNITS:
        stream = streams.get(unit)
        if stream is None or len(stream.ids) < K:
            continue
        prints = fingerprint(np.asarray(stream.ids, dtype=np.uint64), template)
        if len(prints):
            found[unit] = prints
    return found


def weights(df: np.ndarray, documents: int) -> np.ndarray:
    """The weight of fingerprints held by `df` of `documents` documents (see the module docstring)."""
    if documents < 2:
        return np.ones_like(df, dtype=np.float64)
    return np.clip(np.log((documents + 1) / df) / math.log((documents + 1) / 2), 0.0, 1.0)


@dataclass
class UnitIndex:
    """One unit over all documents: shared weights of every pair, and each document's size."""

    shared: np.ndarray
    """`shared[a, b]` (a < b): the summed weight of the fingerprints a and b both hold."""
    sizes: np.ndarray
    """Fingerprints of each document in this unit (0: the document has none)."""
    weight: dict[int, float]
    """The weight of every fingerprint held by two documents or more (for the report)."""


def index_unit(prints: list[Fingerprints | None]) -> UnitIndex:
    """Build the inverted index of one unit and sum the shared weight of every pair."""
    n = len(prints)
    sets = [np.unique(p.hashes) if p is not None else np.zeros(0, dtype=np.uint64) for p in prints]
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    shared = np.zeros((n, n), dtype=np.float64)
    if not sizes.any():
        return UnitIndex(shared, sizes, {})
    owners = np.repeat(np.arange(n), sizes)
    hashes = np.concatenate(sets)
    distinct, column = np.unique(hashes, return_inverse=True)
    df = np.bincount(column, minlength=len(distinct))
    weight = weights(df.astype(np.float64), n)
    common = df[column] >= 2
    owners, column = owners[common], column[common]
    order = np.lexsort((owners, column))
    owners, column = owners[order], column[order]

    small = df[column] <= DENSE_FROM
    _pairwise(shared, owners[small], column[small], df, weight)
    _dense(shared, owners[~small], column[~small], weight)
    kept = df >= 2
    return UnitIndex(shared, sizes, dict(zip(distinct[kept].tolist(), weight[kept].tolist(), strict=True)))


def _pairwise(shared: np.ndarray, owners: np.ndarray, column: np.ndarray, df: np.ndarray,
              weight: np.ndarray) -> None:
    """Add the fingerprints held by a few documents, pair by pair (postings sorted by fingerprint)."""
    if not len(owners):
        return
    n = shared.shape[0]
    counts = df[column]
    flat = np.zeros(n * n, dtype=np.float64)
    for size in np.unique(counts):
        select = counts == size
        groups = owners[select].reshape(-1, size)
        group_weight = weight[column[select][::size]]
        first, second = np.triu_indices(size, 1)
        a = groups[:, first].ravel()
        b = groups[:, second].ravel()
        flat += np.bincount(a * n + b, weights=np.repeat(group_weight, len(first)), minlength=n * n)
    shared += flat.reshape(n, n)


def _dense(shared: np.ndarray, owners: np.ndarray, column: np.ndarray, weight: np.ndarray) -> None:
    """Add the fingerprints held by many documents with one matrix product."""
    if not len(owners):
        return
    n = shared.shape[0]
    columns, local = np.unique(column, return_inverse=True)
    presence = np.zeros((n, len(columns)), dtype=np.float64)
    presence[owners, local] = 1.0
    product = (presence * weight[columns]) @ presence.T
    shared += np.triu(product, 1)


@dataclass
class PairTable:
    """Every compared pair: document indexes, the score, the pooled score and per-unit scores."""

    a: np.ndarray
    b: np.ndarray
    score: np.ndarray
    pooled: np.ndarray
    units: np.ndarray
    """`units[p, u]`: the score of unit `UNITS[u]` (NaN: one side does not have that unit)."""


def pair_table(indexes: list[UnitIndex], submissions: int, documents: int) -> PairTable:
    """Scores of every submission pair and every (submission, archived file) pair, ranked."""
    first, second = np.triu_indices(submissions, 1)
    if documents > submissions:
        grid_a, grid_b = np.meshgrid(np.arange(submissions), np.arange(submissions, documents), indexing="ij")
        first = np.concatenate([first, grid_a.ravel()])
        second = np.concatenate([second, grid_b.ravel()])
    per_unit = np.full((len(first), len(indexes)), np.nan)
    pooled_shared = np.zeros(len(first))
    pooled_size = np.zeros(len(first))
    for u, index in enumerate(indexes):
        size_a, size_b = index.sizes[first], index.sizes[second]
        both = (size_a > 0) & (size_b > 0)
        denominator = np.maximum(np.minimum(size_a, size_b), MIN_FINGERPRINTS).astype(np.float64)
        shared = index.shared[first, second]
        per_unit[both, u] = np.minimum(shared[both] / denominator[both], 1.0)
        pooled_shared += np.where(both, shared, 0.0)
        pooled_size += np.where(both, denominator, 0.0)
    best = np.nan_to_num(np.nanmax(np.where(np.isnan(per_unit), -1.0, per_unit), axis=1, initial=-1.0), nan=0.0)
    best = np.maximum(best, 0.0)
    pooled = np.divide(pooled_shared, pooled_size, out=np.zeros_like(pooled_shared), where=pooled_size > 0)
    pooled = np.minimum(pooled, 1.0)
    score = (best + pooled) / 2
    return PairTable(first, second, score, pooled, per_unit)


PARALLEL_FROM = 64
"""Documents from which fingerprinting is shared among one process per core."""
_TEMPLATE: np.ndarray | None = None


def _init_worker(template: np.ndarray) -> None:
    global _TEMPLATE
    _TEMPLATE = template


def _fingerprint_in_worker(document: Document) -> tuple[dict[str, Fingerprints], list[str]]:
    found = document_fingerprints(document, _TEMPLATE)
    return found, document.notes


def fingerprint_all(documents: list[Document], template: np.ndarray,
                    workers: int | None = None) -> list[dict[str, Fingerprints]]:
    """The fingerprints of every document (in order); notes are added to the documents.

    Tokenizing is the costly step and each document is independent: with many documents
    it is shared among one process per core.
    """
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if workers < 2 or len(documents) < PARALLEL_FROM:
        return [document_fingerprints(document, template) for document in documents]
    chunk = max(1, len(documents) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(template,)) as pool:
        results = list(pool.map(_fingerprint_in_worker, documents, chunksize=chunk))
    prints = []
    for document, (found, notes) in zip(documents, results, strict=True):
        document.notes[:] = notes
        prints.append(found)
    return prints


def build_index(documents: list[Document], template: np.ndarray) -> tuple[list[dict[str, Fingerprints]], list[UnitIndex]]:
    """Fingerprint every document and index every unit."""
    prints = fingerprint_all(documents, template)
    indexes = [index_unit([p.get(unit) for p in prints]) for unit in UNITS]
    return prints, indexes
