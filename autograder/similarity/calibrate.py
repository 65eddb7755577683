"""Which pairs are `flagged`: those unusual for this class, from its own score distribution.

Scores depend on the assignment, the class and the archive (short functions with one
natural vectorized form make honest pairs look alike), so no fixed threshold fits
every class. A pair is flagged when its score is "far out" in Tukey's sense among the
pairs compared in the same run, kept within sensible bounds:

    flagged  <=>  score >= min(CEILING, max(FLOOR, Q3 + FENCE * (Q3 - Q1)))

with Q1 and Q3 the quartiles of the scores of the pairs whose two sides both have code
of their own (an untouched stub, an empty submission would drag the quartiles to 0).
Most pairs in a class are independent work, so the quartiles describe honest
similarity, and a copy stands far above them. FLOOR keeps a class of near-zero scores
(all different) from flagging noise; CEILING flags a pair whose every function shares
most of its rare code with the other side, whatever the class does. A flag is a reason
to look at the pair, never a verdict. With fewer than MIN_PAIRS such pairs (a handful of
submissions) the quartiles mean little and the threshold is FLOOR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FLOOR = 0.4
CEILING = 0.6
FENCE = 3.0
MIN_PAIRS = 20
"""Below this many pairs the quartiles say little about the class: the threshold is FLOOR."""


@dataclass(frozen=True)
class Threshold:
    """The score from which pairs are flagged, and how it was found (printed in the report)."""

    value: float
    q1: float
    q3: float
    pairs: int

    def explanation(self) -> str:
        if self.pairs < MIN_PAIRS:
            return (f"flagged: score >= {FLOOR:g}; this run has {self.pairs} pairs whose two sides both have "
                    f"code of their own, too few (under {MIN_PAIRS}) to calibrate on the class's distribution")
        fence = self.q3 + FENCE * (self.q3 - self.q1)
        return (f"flagged: score >= {self.value:.3f}, that is Q3 + {FENCE:g} x (Q3 - Q1) = "
                f"{self.q3:.3f} + {FENCE:g} x ({self.q3:.3f} - {self.q1:.3f}) = {fence:.3f} "
                f"kept between {FLOOR:g} and {CEILING:g}; Q1 and Q3 are the quartiles of the scores of the "
                f"{self.pairs} pairs of this run whose two sides both have code of their own")


def calibrate(scores: np.ndarray) -> Threshold:
    """The flag threshold for a run whose pairs (both sides with code) scored `scores`."""
    if len(scores) < MIN_PAIRS:
        return Threshold(FLOOR, float("nan"), float("nan"), len(scores))
    q1, q3 = (float(q) for q in np.percentile(scores, [25, 75]))
    return Threshold(min(CEILING, max(FLOOR, q3 + FENCE * (q3 - q1))), q1, q3, len(scores))
