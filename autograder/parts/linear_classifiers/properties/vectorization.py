"""Vectorized means vectorized (SPEC property 9): no Python loop on the syntax tree, and speed.

The syntax check is `autograder.grading.properties.syntax.find_loop`: loops in the
function or the helpers it calls, loops in disguise, calls to the naive version.

The speed check is deterministic. Its main measure is work, not time: the child
counts the Python lines the function executes at N = 20 and at N = 200 samples.
Loop-free code runs the same lines whatever N is; a loop over samples anywhere (a
helper in another module, the naive version reached under another name, np.vectorize)
makes the count grow with N. A second, generous guard times the function against
the two matrix products any vectorized version needs (X @ W and X.T @ G) at
CS231n's dev-set size; the grader measures the round trips itself and its feedback
names the threshold, never the measured times (they vary; the report keeps them apart).
"""

from autograder.grading.failure import Failure
from autograder.grading.hints import about
from autograder.grading.properties.base import Property
from autograder.grading.properties.syntax import find_loop, tampers_with_tracing
from autograder.parts.linear_classifiers.cases import cs231n_dev_case
from autograder.parts.linear_classifiers.properties.losses import VECTORIZED
from autograder.parts.linear_classifiers.requests import of

SPEED_FACTOR = 30.0
"""A loss may take at most this many times the two unavoidable matrix products.

Measured here (N = 500, D = 3073, C = 10, one BLAS thread): the reference 1-1.7x,
correct plain-einsum versions 5-7x, an N x D x C temporary 12x, hidden calls to the
naive version 8-13x. Time cannot separate those deterministically, so loops are
caught by counting Python work instead, and this guard sits far above every
realistic loop-free formulation: the same submission always gets the same verdict."""


class NoLoops(Property):
    id = "no_loops"
    title = "no Python loops"
    functions = VECTORIZED
    shrinkable = False

    def run(self, ctx, function, begun=None):
        reason = find_loop(ctx.source(function), function)
        if reason is None:
            return None
        return Failure(f"{function} must not loop in Python, but {reason}.",
                       hint=about("compute all the scores at once with X.dot(W) and use integer array "
                                  "indexing, masks and sums over an axis instead of loops.", "loops"))


STEP_SIZES = (20, 200)
"""Sample counts at which the Python work of a vectorized loss is counted."""
STEP_GROWTH = 20
"""Python line events allowed to differ between the two sizes (loop-free: 0)."""


class Speed(Property):
    id = "speed"
    title = "markedly faster than a loop"
    functions = VECTORIZED
    shrinkable = False

    def run(self, ctx, function, begun=None):
        tampering = tampers_with_tracing(ctx.source(function))
        if tampering:
            return Failure(f"{function} cannot be measured: {tampering}. A loss function has no use for "
                           "Python's tracing hooks; remove them.")
        steps = of(ctx).python_steps(function, STEP_SIZES)
        if not steps.get("ok"):
            return Failure(f"{function} could not be measured.", error=steps.get("error", "unknown error"))
        small, large = steps["counts"]
        if large - small > STEP_GROWTH:
            return Failure(
                f"{function} does Python work for every sample: it executed {small} Python lines for "
                f"N = {STEP_SIZES[0]} samples and {large} for N = {STEP_SIZES[1]}. A vectorized version "
                "executes the same few lines whatever N is, which is what makes it fast.",
                hint=about("look for a loop over samples, in this function or in anything it calls.", "loops"))
        timing = of(ctx).time_at_scale(function, cs231n_dev_case(), repeats=1)
        if not timing.get("error") and timing["function"] <= SPEED_FACTOR * timing["matrix_products"]:
            return None
        # Slow (or failing) once: measured again, best of three, before it costs points.
        timing = of(ctx).time_at_scale(function, cs231n_dev_case(), repeats=3)
        if timing.get("error"):
            return Failure(f"{function} raised an error at CS231n's dev-set size (N = 500, D = 3073, C = 10).",
                           error=timing["error"])
        if timing["function"] <= SPEED_FACTOR * timing["matrix_products"]:
            return None
        return Failure(
            f"At CS231n's dev-set size (N = 500, D = 3073, C = 10) {function} took more than "
            f"{SPEED_FACTOR:g} times as long as the two matrix products every vectorized version "
            "needs (X @ W and X.T @ G).",
            hint="avoid huge temporary arrays and repeated work; one X.dot(W) and one X.T.dot(...) "
            "should do almost all of it.",
        )


VECTORIZATION_PROPERTIES = (NoLoops(), Speed())
