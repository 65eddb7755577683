"""Fingerprints of a token stream: hashed k-grams, winnowed, minus the release's own.

- A k-gram is a run of `K` consecutive normalized tokens; its hash is a polynomial of
  the token numbers modulo 2**64 (the same on every machine: grades and reports are
  deterministic, unlike Python's salted `hash` of strings).
- Winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003) keeps, in every window of
  `WINDOW` consecutive k-grams, the one with the smallest hash (the rightmost when
  tied). Any common run of at least `K + WINDOW - 1` tokens shares at least one
  fingerprint, whatever surrounds it, while about 2 / (WINDOW + 1) of the k-grams are
  kept.
- The template: every k-gram of the release's stubs (not only the winnowed ones) is
  removed from every document, so the stubs' signatures, docstrings, imports and
  stub lines never count, and two untouched stubs share nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

K = 8
"""Tokens per k-gram: `scores = X.dot(W)` with its line end is one k-gram; shorter runs never count."""
WINDOW = 4
"""Winnowing window, in k-grams: a shared run of K + WINDOW - 1 = 11 tokens is always seen."""
_MULTIPLIER = np.uint64(0x100000001B3)


def kgram_hashes(ids: np.ndarray, k: int = K) -> np.ndarray:
    """The hash of every k-gram of `ids` (uint64), in order; empty when there are fewer than k tokens."""
    count = len(ids) - k + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    ids = np.asarray(ids, dtype=np.uint64)
    hashes = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(k):
            hashes = hashes * _MULTIPLIER + ids[offset:offset + count]
        # Mix the bits (splitmix64's finaliser) so that the minimum of a window is not
        # decided by the last token alone.
        hashes ^= hashes >> np.uint64(30)
        hashes *= np.uint64(0xBF58476D1CE4E5B9)
        hashes ^= hashes >> np.uint64(27)
        hashes *= np.uint64(0x94D049BB133111EB)
        hashes ^= hashes >> np.uint64(31)
    return hashes


def winnow(hashes: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Positions of the k-grams winnowing keeps (sorted, each once)."""
    if len(hashes) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(hashes) <= window:
        return np.array([len(hashes) - 1 - int(np.argmin(hashes[::-1]))], dtype=np.int64)
    windows = sliding_window_view(hashes, window)
    rightmost = window - 1 - np.argmin(windows[:, ::-1], axis=1)
    return np.unique(np.arange(len(windows)) + rightmost)


@dataclass
class Fingerprints:
    """The fingerprints of one unit: `hashes[i]` is the k-gram starting at token `positions[i]`."""

    hashes: np.ndarray
    positions: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)


def fingerprint(ids: np.ndarray, template: np.ndarray | None = None) -> Fingerprints:
    """The winnowed fingerprints of a token stream, without those in `template` (sorted hashes)."""
    hashes = kgram_hashes(ids)
    positions = winnow(hashes)
    kept = hashes[positions]
    if template is not None and len(template) and len(kept):
        keep = ~np.isin(kept, template, assume_unique=False)
        positions, kept = positions[keep], kept[keep]
    return Fingerprints(hashes=kept, positions=positions)
