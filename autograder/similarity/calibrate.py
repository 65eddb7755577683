"""Which pairs are `flagged`: those unusual for this class, from its own score distributions.

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

A copy of one file only (the SVM's two functions, say) next to honest work in the other
files is diluted in the pair's score. So the same rule is applied to each graded
function on its own, over the pairs where both sides have it, with its own bounds
(FUNCTION_FLOOR, FUNCTION_CEILING: a single function is noisier than a whole pair): a
pair is also flagged when one function's score is far out among that function's scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FLOOR = 0.4
CEILING = 0.6
FENCE = 3.0
MIN_PAIRS = 20
"""Below this many pairs the quartiles say little about the class: the threshold is the floor."""
FUNCTION_FLOOR = 0.45
"""The lowest threshold of one function's score: above the best honest pairs of real classes,
whose single functions (one natural vectorized form) can share half of their rare code."""
FUNCTION_CEILING = 0.8
"""One function sharing this much of its rare code is flagged whatever the class does."""
OVERALL = "score"
"""What raised a flag when it is the pair's score (else the function's name)."""


@dataclass(frozen=True)
class Threshold:
    """The score from which pairs are flagged, and how it was found (printed in the report)."""

    value: float
    q1: float
    q3: float
    pairs: int
    floor: float = FLOOR
    ceiling: float = CEILING
    of: str = OVERALL
    """Whose score: the pair's (OVERALL) or one function's."""

    def explanation(self) -> str:
        what = "score" if self.of == OVERALL else f"the score of {self.of}"
        whose = "scores" if self.of == OVERALL else f"scores of {self.of}"
        if self.pairs < MIN_PAIRS:
            return (f"flagged: {what} >= {self.floor:g}; this run has {self.pairs} pairs whose two sides both have "
                    f"{'code of their own' if self.of == OVERALL else self.of}, too few (under {MIN_PAIRS}) to "
                    "calibrate on the class's distribution")
        fence = self.q3 + FENCE * (self.q3 - self.q1)
        return (f"flagged: {what} >= {self.value:.3f}, that is Q3 + {FENCE:g} x (Q3 - Q1) = "
                f"{self.q3:.3f} + {FENCE:g} x ({self.q3:.3f} - {self.q1:.3f}) = {fence:.3f} "
                f"kept between {self.floor:g} and {self.ceiling:g}; Q1 and Q3 are the quartiles of the {whose} of the "
                f"{self.pairs} pairs of this run whose two sides both have "
                f"{'code of their own' if self.of == OVERALL else 'it'}")


def calibrate(scores: np.ndarray, of: str = OVERALL) -> Threshold:
    """The flag threshold for a run whose pairs (both sides with code, or with the function
    `of`) scored `scores`: the pair's score's bounds, or one function's."""
    floor, ceiling = (FLOOR, CEILING) if of == OVERALL else (FUNCTION_FLOOR, FUNCTION_CEILING)
    if len(scores) < MIN_PAIRS:
        return Threshold(floor, float("nan"), float("nan"), len(scores), floor, ceiling, of)
    q1, q3 = (float(q) for q in np.percentile(scores, [25, 75]))
    return Threshold(min(ceiling, max(floor, q3 + FENCE * (q3 - q1))), q1, q3, len(scores), floor, ceiling, of)
