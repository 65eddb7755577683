"""Which pairs are `flagged`: those unusual for this class, from its own score distribution.

Scores depend on the assignment, the class and the archive (short functions with one
natural vectorized form make honest pairs look alike), so no fixed threshold fits
every class. A pair is flagged when its score is "far out" in Tukey's sense among all
the pairs compared in the same run, and high in absolute terms too:

    flagged  <=>  score >= max(FLOOR, Q3 + FENCE * (Q3 - Q1))

with Q1 and Q3 the quartiles of the scores of every compared pair. Most pairs in a
class are independent work, so the quartiles describe honest similarity; a copy
stands far above them. FLOOR keeps a class of near-zero scores (all different) from
flagging noise. A flag is a reason to look at the pair, never a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FLOOR = 0.5
FENCE = 3.0


@dataclass(frozen=True)
class Threshold:
    """The score from which pairs are flagged, and how it was found (printed in the report)."""

    value: float
    q1: float
    q3: float
    pairs: int

    def explanation(self) -> str:
        fence = self.q3 + FENCE * (self.q3 - self.q1)
        return (f"flagged: score >= {self.value:.3f}, the larger of {FLOOR:g} and Q3 + {FENCE:g} x (Q3 - Q1) = "
                f"{self.q3:.3f} + {FENCE:g} x ({self.q3:.3f} - {self.q1:.3f}) = {fence:.3f}, "
                f"from the quartiles of the {self.pairs} pair scores of this run")


def calibrate(scores: np.ndarray) -> Threshold:
    """The flag threshold for a run whose compared pairs scored `scores`."""
    if len(scores) == 0:
        return Threshold(FLOOR, 0.0, 0.0, 0)
    q1, q3 = (float(q) for q in np.percentile(scores, [25, 75]))
    return Threshold(max(FLOOR, q3 + FENCE * (q3 - q1)), q1, q3, len(scores))
