"""Hidden properties of KNearestNeighbor's graded methods.

The three distance methods are called on a fresh classifier trained on the case's
training images; `predict_labels` on the case's distances with `y_train` set, so a
wrong distance never costs the vote (DESIGN principle 3). Each property plans the calls
of its inputs, sends them to the child in one request, and judges the answers against
the reference (`reference.py`) and against the property itself. Every property but
`matches_reference` is gated on it (rubric.toml), so the untouched stubs score 0.
"""

import functools
import time

import numpy as np

from autograder import parts
from autograder.grading.failure import Failure
from autograder.grading.properties.base import PlannedProperty, Property, close
from autograder.grading.properties.syntax import tampers_with_tracing
from autograder.parts.knn import cases as K
from autograder.parts.knn import reference
from autograder.parts.knn.harness import CS231N_SIZE, SCALE_PROBLEM, keep_cs231n_problem
from autograder.parts.knn.hints import distance_hint, label_hint
from autograder.parts.knn.syntax import SyntaxProblem, loops_of
from autograder.paths import cache_dir

TWO, ONE, NONE = "compute_distances_two_loops", "compute_distances_one_loop", "compute_distances_no_loops"
DISTANCES = (TWO, ONE, NONE)
LABELS = "predict_labels"
CLASS = "KNearestNeighbor"
RTOL, ATOL = 1e-6, 1e-9
"""Distances are compared relatively (float64 round-off of any valid formulation is far below)."""


def require_ok(outcome: dict, function: str) -> None:
    if not outcome.get("ok"):
        raise Failure(f"{function} raised an error on this input.", error=outcome.get("error", "unknown error"))


def dists_of(outcome: dict, function: str, case: dict) -> np.ndarray:
    """The student's distance matrix, of shape (num_test, num_train) (else a Failure naming the shape)."""
    require_ok(outcome, function)
    dists = np.asarray(outcome["dists"], dtype=float)
    num_test, num_train = case["X"].shape[0], case["X_train"].shape[0]
    if dists.shape != (num_test, num_train):
        expected = reference.distances(case["X"], case["X_train"])
        raise Failure(f"{function} must return a matrix of shape (num_test, num_train) = "
                      f"{(num_test, num_train)}, but it returned shape {dists.shape}.",
                      hint=distance_hint(case["X"], case["X_train"], dists, expected))
    return dists


def compare_distances(function: str, X, X_train, dists, what: str = "", expected=None) -> None:
    expected = reference.distances(X, X_train) if expected is None else expected
    if not close(dists, expected, rtol=RTOL, atol=ATOL):
        raise Failure(f"The distances differ from the L2 distances{what}.", expected=expected, actual=dists,
                      hint=distance_hint(X, X_train, dists, expected))


class KnnProperty(PlannedProperty):
    """A property of a kNN method: plans calls per input, sends all its inputs' calls in one request, and judges."""

    def plan(self, function: str, case: dict) -> list[dict]:
        return [{"X": case["X"], "X_train": case["X_train"]}]

    def describe(self, function, case):
        return dict(case)


# ---------------------------------------------------------------- the distances

class DistanceProperty(KnnProperty):
    functions = DISTANCES

    def strategy_key(self, function):
        return "knn_distances"  # one set of drawn inputs for the three versions

    def describe(self, function, case):
        return {name: case[name] for name in ("X", "X_train", "shift") if name in case}


class MatchesReference(DistanceProperty):
    id = "matches_reference"
    title = "matches the L2 distances"
    max_examples = 20

    def explicit_cases(self, function):
        return K.basic_distance_cases() + K.edge_distance_cases()

    def strategy(self, function, small=False):
        return K.distance_cases(small=small)

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        compare_distances(function, case["X"], case["X_train"], dists_of(outcome, function, case))


class AgreesAtScale(DistanceProperty):
    id = "agrees_at_scale"
    title = "agrees with the other versions on CIFAR-sized images"
    shrinkable = False

    def explicit_cases(self, function):
        return [K.scale_problem()]

    def prepare(self, function):
        self.expected()

    @staticmethod
    @functools.cache
    def expected():
        """The reference's distances between the CIFAR-sized images (found once per process, not
        looked up by the images' 5 MB of bytes at every judgement)."""
        case = K.scale_problem()
        return reference.distances(case["X"], case["X_train"])

    def plan(self, function, case):
        return [{"problem": SCALE_PROBLEM}]  # the child makes these images itself

    def describe(self, function, case):
        return {"X": f"{case['X'].shape[0]} images of 3072 whole pixel values 0..255 (3 copy training images)",
                "X_train": f"{case['X_train'].shape[0]} such images"}

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        dists = dists_of(outcome, function, case)
        compare_distances(function, case["X"], case["X_train"], dists,
                          " that every version must compute on CIFAR-sized images (D = 3072)", self.expected())


class Metric(DistanceProperty):
    id = "metric"
    title = "symmetric, and zero between identical images"

    def explicit_cases(self, function):
        return K.self_cases()

    def strategy(self, function, small=False):
        return K.distance_cases(small=small, same_images=True)

    def strategy_key(self, function):
        return "knn_same_images"

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        dists = dists_of(outcome, function, case)
        scale = max(1.0, float(np.abs(dists).max()))
        diagonal = np.diagonal(dists)
        if not np.all(np.abs(diagonal) <= ATOL * scale):
            raise Failure("The distance of an image to itself must be 0 (X_train is X here, so the diagonal "
                          "of dists is 0).", expected=np.zeros_like(diagonal), actual=diagonal,
                          hint="a square root of |x|**2 + |y|**2 - 2 x.y is exact on whole pixel values; "
                          "check that each image is compared with itself on the diagonal.")
        if not close(dists, dists.T, rtol=RTOL, atol=ATOL):
            raise Failure("Distances must be symmetric: with X_train equal to X, dists[i, j] == dists[j, i].",
                          expected=dists.T, actual=dists)


class Translation(DistanceProperty):
    id = "translation"
    title = "unchanged when both sets are moved by the same vector"

    def explicit_cases(self, function):
        return K.shifted_cases()

    def strategy(self, function, small=False):
        return K.distance_cases(small=small, shifted=True)

    def strategy_key(self, function):
        return "knn_shifted"

    def plan(self, function, case):
        return [{"X": case["X"] + case["shift"], "X_train": case["X_train"] + case["shift"]}]

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        shifted = {"X": case["X"] + case["shift"], "X_train": case["X_train"] + case["shift"]}
        dists = dists_of(outcome, function, shifted)
        expected = reference.distances(case["X"], case["X_train"])
        if not close(dists, expected, rtol=RTOL, atol=ATOL):
            raise Failure("Adding the same vector `shift` to every test and training image must not change "
                          "the distances.", expected=expected, actual=dists,
                          hint="pixel values are not always 0..255 (here they may be negative or above 255): "
                          "do not convert the images to a small integer type such as uint8.")


class DistanceHygiene(DistanceProperty):
    id = "hygiene"
    title = "inputs unchanged, one finite distance per pair"
    max_examples = 8

    def explicit_cases(self, function):
        return K.basic_distance_cases()

    def strategy(self, function, small=False):
        return K.distance_cases(small=small)

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        dists = dists_of(outcome, function, case)
        if not np.all(np.isfinite(dists)):
            raise Failure("Every distance must be a finite number.", actual=dists)
        if not outcome["unchanged"]:
            raise Failure(f"{function} modified X or self.X_train; compute the distances without changing "
                          "the images.")


# ---------------------------------------------------------------- loops and speed

def _message(function: str, op: str, **fields) -> dict:
    """A request for one of the harness's other ops, naming the method as `call` requests do."""
    graded = parts.function(function)
    return {"op": f"{graded.part}.{op}", "file": graded.file, "cls": graded.cls, "fn": graded.name, **fields}


class LoopCount(Property):
    """At most `allowed` loops in the method, on the syntax tree."""

    shrinkable = False
    allowed = 0
    hint = ""

    def run(self, ctx, function, begun=None):
        try:
            loops = loops_of(ctx.source(function), CLASS, function)
        except SyntaxProblem as problem:
            return Failure(f"{function} could not be checked: {problem}.")
        if len(loops) <= self.allowed:
            return None
        found = "; ".join(loop.describe(function) for loop in loops)
        allowed = "no loop" if not self.allowed else f"at most {self.allowed} loop"
        return Failure(f"{function} may contain {allowed}, but it contains {len(loops)}: {found}.", hint=self.hint)


class OneLoop(LoopCount):
    id = "one_loop"
    title = "at most one loop"
    functions = (ONE,)
    allowed = 1
    hint = ("loop over the test images only: self.X_train - X[i] broadcasts one test image against every "
            "training image, and np.sum(..., axis=1) gives all its distances at once.")


class NoLoops(LoopCount):
    id = "no_loops"
    title = "no Python loops"
    functions = (NONE,)
    allowed = 0
    hint = ("expand |x - y|**2 = |x|**2 + |y|**2 - 2 x.y: one matrix product X.dot(self.X_train.T) and two "
            "broadcast sums of squares give every distance at once.")


STEP_SIZES = (10, 100)
"""Test images at which the Python work of the no-loop version is counted."""
STEP_GROWTH = 20
"""Python line events allowed to differ between the two sizes (loop-free: 0)."""
SPEED_FACTOR = 15.0
"""The no-loop version may take at most this many times the matrix product X.dot(X_train.T) at
CS231n's size (500 test and 5000 training images of 3072 pixels). Measured here with one BLAS
thread: the reference and the unclipped formula 1.2-1.3x, np.linalg.norm of an einsum-expanded
form about 2x; a (500, 5000, 3072) broadcast difference needs 61 GB and fails at once."""


TEMPORARY_HINT = ("avoid a (num_test, num_train, D) temporary array (61 GB here): expand |x - y|**2 into "
                  "|x|**2 + |y|**2 - 2 x.y, one matrix product and two broadcast sums.")


_PRODUCT_SECONDS: list[float] = []
"""The latest time of the matrix product at CS231n's size in this grading process."""


class Speed(Property):
    id = "speed"
    title = "fast at CS231n's size"
    functions = (NONE,)
    shrinkable = False
    size = "{num_test} test and {num_train} training images of {dim} pixels".format(**CS231N_SIZE)

    def prepare(self, function):
        """Keep the CS231n-size images in the cache folder (once per machine): the zygotes map
        them from there instead of every child making them (`harness.keep_cs231n_problem`)."""
        keep_cs231n_problem(str(cache_dir()))

    def run(self, ctx, function, begun=None):
        tampering = tampers_with_tracing(ctx.source(function))
        if tampering:
            return Failure(f"{function} cannot be measured: {tampering}. A distance function has no use for "
                           "Python's tracing hooks; remove them.")
        steps = ctx.request(function, _message(function, "steps", sizes=list(STEP_SIZES)))
        if not steps.get("ok"):
            return Failure(f"{function} could not be measured.", error=steps.get("error", "unknown error"))
        small, large = steps["counts"]
        if large - small > STEP_GROWTH:
            return Failure(
                f"{function} does Python work for every test image: it executed {small} Python lines for "
                f"{STEP_SIZES[0]} test images and {large} for {STEP_SIZES[1]}. A loop-free version executes the "
                "same few lines whatever the number of images.",
                hint="look for a loop over the images, in this method or in anything it calls.")
        return self._timed(ctx, function)

    def _timed(self, ctx, function) -> Failure | None:
        """The generous wall-clock guard, against the matrix product timed in the same child.

        The product's time is kept for the grading process (it depends on the machine, not on
        the submission); a run over the limit is measured again, side by side with a fresh
        product, up to three times, and fails only if every attempt does.
        """
        ctx.settle()
        ctx.request(function, _message(function, "prepare"))
        for attempt in range(3):
            if attempt or not _PRODUCT_SECONDS:
                _PRODUCT_SECONDS[:] = [self._round_trip(ctx, function, matrix_product=True)[0]]
            elapsed, answer = self._round_trip(ctx, function)
            if not answer.get("ok"):
                error = answer.get("error", "unknown error")
                memory = "MemoryError" in error or "Unable to allocate" in error
                return Failure(f"{function} raised an error at CS231n's size ({self.size}).", error=error,
                               hint=TEMPORARY_HINT if memory else None)
            if elapsed <= SPEED_FACTOR * _PRODUCT_SECONDS[0]:
                return None
        return Failure(
            f"At CS231n's size ({self.size}) {function} took more than {SPEED_FACTOR:g} times as long as the "
            "matrix product X.dot(self.X_train.T) that every loop-free version needs.", hint=TEMPORARY_HINT)

    @staticmethod
    def _round_trip(ctx, function, matrix_product=False) -> tuple[float, dict]:
        start = time.perf_counter()
        answer = ctx.request(function, _message(function, "run_stored", matrix_product=matrix_product))
        return time.perf_counter() - start, answer


# ---------------------------------------------------------------- predict_labels

class LabelProperty(KnnProperty):
    functions = (LABELS,)

    def plan(self, function, case):
        return [{"dists": case["dists"], "y_train": case["y_train"], "k": case["k"]}]

    def strategy_key(self, function):
        return "knn_labels"

    def strategy(self, function, small=False):
        return K.label_cases(small=small)

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        if not outcome.get("ok"):
            raise Failure("predict_labels raised an error on this input.", error=outcome.get("error", "unknown error"))
        expected = reference.labels(case["dists"], case["y_train"], case["k"])
        actual = np.asarray(outcome["y"], dtype=float)
        if actual.shape != expected.shape or not np.array_equal(actual, expected):
            raise Failure(self.sentence, expected=expected, actual=outcome["y"],
                          hint=label_hint(case, actual.reshape(-1) if actual.size == expected.size else actual,
                                          expected))
        self.judge_more(case, outcome)

    sentence = ("predict_labels must return, for each test image, the most common label among its k nearest "
                "training images (a tie goes to the smallest label).")

    def judge_more(self, case, outcome) -> None:
        """What a property checks beyond the labels themselves."""


class LabelsMatchReference(LabelProperty):
    id = "matches_reference"
    title = "majority vote of the k nearest"
    max_examples = 25

    def explicit_cases(self, function):
        return K.basic_label_cases() + K.k_cases()[:1] + K.tie_cases()[:1] + K.nearest_cases()[:1]


class TiesToSmallest(LabelProperty):
    id = "ties_to_smallest"
    title = "a tied vote goes to the smallest label"
    sentence = "When several labels get the most votes, predict_labels must choose the smallest of them."

    def explicit_cases(self, function):
        return K.tie_cases()

    def strategy(self, function, small=False):
        return None


class HonoursK(LabelProperty):
    id = "honours_k"
    title = "the k nearest vote, for every k"
    sentence = "predict_labels must let exactly the k nearest training images vote."

    def explicit_cases(self, function):
        return K.k_cases()

    def strategy(self, function, small=False):
        return None


class NearestVote(LabelProperty):
    id = "nearest_vote"
    title = "the nearest, not the farthest, vote"
    sentence = "The k training images with the smallest distances must vote, not the others."

    def explicit_cases(self, function):
        return K.nearest_cases()

    def strategy(self, function, small=False):
        return None


class LabelHygiene(LabelProperty):
    id = "hygiene"
    title = "dists unchanged, one label per test image"
    max_examples = 8

    def explicit_cases(self, function):
        return K.basic_label_cases()

    def judge(self, function, case, outcomes):
        """Only the form of the answer: which labels it holds is the other properties' business."""
        (outcome,) = outcomes
        if not outcome.get("ok"):
            raise Failure("predict_labels raised an error on this input.", error=outcome.get("error", "unknown error"))
        num_test = case["dists"].shape[0]
        labels = np.asarray(outcome["y"])
        if labels.shape != (num_test,):
            raise Failure(f"predict_labels must return a 1-dimensional array of num_test = {num_test} labels, "
                          f"not one of shape {labels.shape}.")
        if not np.array_equal(labels, np.round(labels)):
            raise Failure("Predicted labels must be whole numbers (class labels).", actual=labels)
        if not outcome["unchanged"]:
            raise Failure("predict_labels modified dists (sorting it in place, for instance); sort a copy or use "
                          "np.argsort, which leaves dists as it is.")


PROPERTIES = (MatchesReference(), AgreesAtScale(), Metric(), Translation(), DistanceHygiene(),
              OneLoop(), NoLoops(), Speed(),
              LabelsMatchReference(), TiesToSmallest(), HonoursK(), NearestVote(), LabelHygiene())
