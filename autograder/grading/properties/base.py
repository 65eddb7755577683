"""How a property runs: a fast pass over cached examples, then the smallest failing input.

Fast pass: the examples of every property are drawn once per grading process by a
derandomized hypothesis run (no database) and reused for every submission; the calls
of one property go to the child in one request. Only when an example fails is the
smallest failing input looked for, which is what the student sees:

1. the ladder: inputs hypothesis draws from the property's own strategy at small sizes
   (N, D <= 2, C <= 3), once like the examples, sorted simplest first and all tried in
   one request; the first that fails is the answer. Most bugs show on a 1 x 2 problem,
   and this costs one round trip instead of dozens of hypothesis steps;
2. otherwise hypothesis runs the property for real against the child, derandomized
   again, and shrinks the failure (within SHRINK_BUDGET checks);
3. if shrinking cannot reproduce the failure, the fast pass's example is shown.

The ladder only chooses what is shown: whether a property passes is decided by the
fast pass alone. Either way the result depends only on the submission (DESIGN
principle 4).
"""

import math
import threading
import zlib

import numpy as np

from autograder.grading.failure import Failure
from autograder.sandbox.process import ChildFailure


def _settings(max_examples: int, phases: tuple[str, ...]):
    """Hypothesis settings for drawing or shrinking: derandomized, no database, quiet.

    hypothesis is imported here, not with this module: a grader whose examples and
    ladders come from the example cache, and whose submissions pass, never needs it.
    """
    from hypothesis import HealthCheck, Phase, Verbosity, settings

    _draw_independently_of_loaded_modules()
    return settings(max_examples=max_examples, phases=tuple(getattr(Phase, p) for p in phases),
                    derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck),
                    verbosity=Verbosity.quiet, print_blob=False, report_multiple_bugs=False)


HYPOTHESIS_LOCK = threading.RLock()
"""Hypothesis runs one test at a time: graders sharing a process in threads (Dask worker
threads, for instance) take turns for it."""


def _draw_independently_of_loaded_modules() -> None:
    """Make hypothesis draw the same examples whatever modules this process has loaded.

    hypothesis (6.1xx) mixes into its draws constants found in the source of every "local"
    module loaded (outside the standard library and site-packages: this package when it is
    installed editable, the reference solutions). The command line, a batch worker and a test
    process load different modules, so the same seed drew different examples and shrank
    differently, and the examples cached on disk depended on which process drew them first
    (DESIGN principle 4). The mixing goes through one private function, replaced here by one
    that finds no local constants; a hypothesis without it has nothing to switch off.
    """
    import importlib

    providers = importlib.import_module("hypothesis.internal.conjecture.providers")
    find = getattr(providers, "_get_local_constants", None)
    if find is None or getattr(find, "no_local_constants", False) or not hasattr(providers, "Constants"):
        return

    def no_local_constants():
        return providers.Constants()

    no_local_constants.no_local_constants = True
    providers._get_local_constants = no_local_constants
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    if cache is not None and hasattr(cache, "cache"):
        cache.cache.clear()  # it may hold the local constants found before


class Property:
    """One graded property; subclasses say what to call and how to judge the answers."""

    id: str = ""
    title: str = ""
    functions: tuple[str, ...] = ()
    max_examples: int = 12
    shrinkable: bool = True

    def applies_to(self, function: str) -> bool:
        return function in self.functions

    # --- inputs ---
    def explicit_cases(self, function: str) -> list:
        """Hand-picked inputs, always run first."""
        return []

    def strategy(self, function: str, small: bool = False):
        """A hypothesis strategy of further inputs, or None; `small`: its small-size variant."""
        return None

    def strategy_key(self, function: str) -> str:
        return function

    def describe(self, function: str, case) -> dict:
        """The inputs as the student should see them."""
        return {k: v for k, v in case.items()}

    def prepare(self, function: str) -> None:
        """Grader-side work that no submission changes (e.g. reference answers), done while the
        child starts (see `engine.grade_submission`); the checks would do it otherwise."""

    def fill_cache(self, function: str) -> None:
        """Make now all that the property keeps in the cache folder (`engine.fill_cache`, for a
        machine image graded in many times): by default what `prepare` makes."""
        self.prepare(function)

    # --- evaluation ---
    def check(self, ctx, function: str, case) -> None:
        """Run one input against the child and judge it; raise Failure if it fails."""
        raise NotImplementedError

    def evaluate(self, ctx, function: str, cases: list, begun=None):
        """The first failing case and its Failure, or None. Subclasses may batch calls, and find
        the answers to the fast pass's requests sent by `begin` (`begun`, what it returned)."""
        for case in cases:
            try:
                self.check(ctx, function, case)
            except Failure as failure:
                return case, failure
        return None

    def hand_picked(self, function: str) -> list:
        """`explicit_cases(function)`, made once per process and formulation (they are the same
        for every submission, and some take milliseconds to make: CIFAR-sized images, seeded
        draws), each caller getting its own copy of every array, as a fresh making gives."""
        from autograder.course import current

        key = (self, function, current().key)
        with HYPOTHESIS_LOCK:
            made = HAND_PICKED.get(key)
            if made is None:
                made = HAND_PICKED[key] = tuple(self.explicit_cases(function))
        return [_fresh(case) for case in made]

    def fast_pass_cases(self, function: str) -> list:
        """The inputs that decide whether the property passes: the explicit ones, then the examples."""
        return self.hand_picked(function) + list(self.generated_cases(function))

    def begin(self, ctx, function: str, cases: list | None = None):
        """Send the requests of `evaluate(ctx, function, cases)` (by default the fast pass's)
        ahead, so that the child works on them while the grader judges what comes before
        (`engine.FunctionGrading`); what `evaluate` is then given to find their answers, or
        None (the default: the requests are sent when it runs). Only a matter of speed:
        every request is the one `evaluate` would send."""
        return self.send_ahead(ctx, function, self.fast_pass_cases(function) if cases is None else cases)

    def send_ahead(self, ctx, function: str, cases: list):
        """What `begin` does for these cases (subclasses that can send ahead say how)."""
        return None

    # --- driver ---
    def run(self, ctx, function: str, begun=None) -> Failure | None:
        cases = self.fast_pass_cases(function)
        found = self.evaluate(ctx, function, cases, begun)
        if found is None:
            return None
        case, failure = found
        failure.inputs = failure.inputs or self.describe(function, case)
        if not self.shrinkable or ctx.function_failed(function):
            return failure
        try:
            on_ladder = self.first_failure_on_ladder(ctx, function)
        except ChildFailure:  # a crash or hang on a ladder input: show the fast pass's failure
            ctx.excuse(function)  # feedback-only work must not cost the function's other checks
            return failure
        if on_ladder is not None:
            smaller_case, smaller = on_ladder
            return smaller if simplicity(smaller_case) <= simplicity(case) else failure
        return self.shrink(ctx, function) or failure

    def ladder(self, function: str) -> tuple:
        """The simplest inputs of the small strategy, simplest first (drawn once per process)."""
        key = self.strategy_key(function)
        read_cached_ladders()
        drawn = EXAMPLES.get((self.id, f"ladder/{_course_key(key)}"))
        if drawn is not None:  # without building the strategy: that would import hypothesis
            return drawn
        strategy = self.strategy(function, small=True)
        if strategy is None:
            return ()
        return _ladder(self, key, strategy)

    def first_failure_on_ladder(self, ctx, function: str):
        """(case, Failure) of the first ladder input that fails, or None when none fails."""
        ladder = self.ladder(function)
        if not ladder:
            return None
        found = self.evaluate(ctx, function, list(ladder))
        if found is not None:
            case, failure = found
            failure.inputs = failure.inputs or self.describe(function, case)
        return found

    def generated_cases(self, function: str) -> tuple:
        key = self.strategy_key(function)
        drawn = EXAMPLES.get((self.id, _course_key(key)))
        if drawn is not None:  # without building the strategy: that would import hypothesis
            return drawn
        strategy = self.strategy(function)
        if strategy is None:
            return ()
        return _generated(self, key, strategy)

    def shrink(self, ctx, function: str) -> Failure | None:
        """Let hypothesis find the smallest failing input, within SHRINK_BUDGET checks.

        The budget counts checks, not seconds, so the outcome is deterministic. When it
        is spent the run is stopped with the latest failure, which is the smallest so
        far (hypothesis only tries inputs smaller than its current best). Failures are
        remembered by input, so hypothesis's final replay fails the same way again.
        """
        strategy = self.strategy(function)
        if strategy is None:
            return None
        from hypothesis import given, seed

        crashed = []
        seen: dict[bytes, Failure] = {}
        checks = [0]

        @_settings(self.max_examples, ("generate", "shrink"))
        @seed(_seed_of(self, self.strategy_key(function)))
        @given(strategy)
        def prop(case):
            key = case_key(case)
            if key in seen:
                raise seen[key]
            if crashed:
                return
            if checks[0] >= SHRINK_BUDGET:
                raise _BudgetSpent(latest[0] if latest else None)
            checks[0] += 1
            try:
                self.check(ctx, function, case)
            except Failure as failure:
                failure.inputs = failure.inputs or self.describe(function, case)
                seen[key] = failure
                latest[:] = [failure]
                raise
            except ChildFailure:
                crashed.append(True)

        latest: list[Failure] = []
        try:
            with HYPOTHESIS_LOCK:
                prop()
        except _BudgetSpent as spent:
            return spent.failure
        except Failure as failure:
            return failure
        except Exception:  # noqa: BLE001 - a flaky student function; keep the fast pass's example
            return None
        finally:
            if crashed:
                ctx.excuse(function)  # feedback-only work must not cost the function's other checks
        return None


class PlannedProperty(Property):
    """A property that plans the calls of each input (`plan`), sends every input's calls in one
    request (ahead of time when it can: `send_ahead`), and judges each input's answers (`judge`)."""

    def plan(self, function: str, case: dict) -> list[dict]:
        raise NotImplementedError

    def judge(self, function: str, case: dict, outcomes: list[dict]) -> None:
        raise NotImplementedError

    def check(self, ctx, function, case):
        self.judge(function, case, ctx.call(function, self.plan(function, case)))

    def _planned(self, function, cases) -> tuple[list, list]:
        """Each case's calls, and all of them in one list (one request)."""
        plans = [self.plan(function, case) for case in cases]
        return plans, [c for plan in plans for c in plan]

    def send_ahead(self, ctx, function, cases):
        plans, calls = self._planned(function, cases)
        return plans, calls, ctx.send_call(function, calls)

    def evaluate(self, ctx, function, cases, begun=None):
        plans, calls, ticket = begun if begun is not None else (*self._planned(function, cases), None)
        outcomes = ctx.call(function, calls, ticket)
        start = 0
        for case, plan in zip(cases, plans, strict=True):
            chunk = outcomes[start : start + len(plan)]
            start += len(plan)
            try:
                self.judge(function, case, chunk)
            except Failure as failure:
                return case, failure
        return None


SHRINK_BUDGET = 60
"""Checks hypothesis may run while looking for a failure and shrinking it, per property."""


class _BudgetSpent(BaseException):
    """Ends a hypothesis run at once (hypothesis lets BaseException through unshrunk)."""

    def __init__(self, failure: Failure | None):
        super().__init__("shrink budget spent")
        self.failure = failure


def _fresh(case):
    """A copy of a hand-picked input whose arrays are its own (a dict's values, or the array);
    read-only arrays (which no caller can change) are shared."""
    if isinstance(case, dict):
        return {name: _own(value) for name, value in case.items()}
    return _own(case)


def _own(value):
    return value.copy() if isinstance(value, np.ndarray) and value.flags.writeable else value


def case_key(case) -> bytes:
    """A byte string identifying an input (arrays by dtype, shape and content)."""
    parts = []
    for name in sorted(case):
        value = case[name]
        if isinstance(value, np.ndarray):
            parts.append(f"{name}:{value.dtype.str}{value.shape}:".encode() + value.tobytes())
        else:
            parts.append(f"{name}={value!r}".encode())
    return b"|".join(parts)


def _seed_of(prop: Property, key: str) -> int:
    return zlib.crc32(f"{prop.id}/{key}".encode())


def simplicity(case: dict) -> tuple[int, float]:
    """Smaller is simpler: the number of array entries, then the sum of their magnitudes."""
    entries, magnitude = 0, 0.0
    for name in sorted(case):
        value = case[name]
        if isinstance(value, np.ndarray):
            entries += value.size
            if value.dtype.kind == "f":
                magnitude += float(np.abs(value).sum())
        elif isinstance(value, float):
            magnitude += abs(value)
    return entries, round(magnitude, 9)


EXAMPLES: dict[tuple[str, str], tuple] = {}
HAND_PICKED: dict[tuple, tuple] = {}
"""(property, function, formulation key) -> its explicit cases, as made the first time."""
LADDER_DRAWS = 60
"""Inputs drawn from a property's small strategy for its ladder (duplicates dropped)."""


def _draw(prop: Property, key: str, strategy, count: int) -> list:
    from hypothesis import given, seed

    drawn = []

    @_settings(count, ("generate",))
    @seed(_seed_of(prop, key))
    @given(strategy)
    def record(case):
        drawn.append(case)

    record()
    return drawn


_LADDERS_READ: dict[str, frozenset] = {}
"""Per formulation (key): the ladder keys that the example cache's ladders file held."""


def read_cached_ladders() -> frozenset:
    """Add the ladders of the example cache to EXAMPLES, once per process and formulation; the
    keys it held. Read when a ladder is first needed, not with the examples: most gradings
    need none, and the ladders are most of the cache."""
    from autograder.course import current
    from autograder.grading import example_cache

    course = current().key
    with HYPOTHESIS_LOCK:
        if course not in _LADDERS_READ:
            cached = example_cache.load("ladders")
            for key, cases in cached.items():
                EXAMPLES.setdefault(key, cases)
            _LADDERS_READ[course] = frozenset(cached)
        return _LADDERS_READ[course]


def _course_key(key: str) -> str:
    """`key` qualified by the course's formulation (the default course keeps the bare key):
    one formulation's examples are never served to another."""
    from autograder.course import current

    course = current()
    return key if course.is_default else f"{key}@{course.key}"


def is_course_key(key: str) -> bool:
    """Whether an EXAMPLES key (as `_course_key` made it) belongs to the course's formulation."""
    from autograder.course import current

    course = current()
    return "@" not in key if course.is_default else key.endswith(f"@{course.key}")


def _generated(prop: Property, key: str, strategy) -> tuple:
    """The examples of one property, drawn once per process (and formulation) by a derandomized run."""
    cache_key = (prop.id, _course_key(key))
    with HYPOTHESIS_LOCK:
        if cache_key not in EXAMPLES:
            EXAMPLES[cache_key] = tuple(_draw(prop, key, strategy, prop.max_examples))
        return EXAMPLES[cache_key]


def _ladder(prop: Property, key: str, strategy) -> tuple:
    """A property's ladder: distinct small inputs, simplest first (kept with the examples)."""
    cache_key = (prop.id, f"ladder/{_course_key(key)}")
    with HYPOTHESIS_LOCK:
        if cache_key not in EXAMPLES:
            distinct = {case_key(case): case for case in _draw(prop, f"ladder/{key}", strategy, LADDER_DRAWS)}
            EXAMPLES[cache_key] = tuple(sorted(distinct.values(), key=lambda case: (simplicity(case), case_key(case))))
        return EXAMPLES[cache_key]


# ---- numeric helpers shared by the property families ----

_NUMBERS = (float, int, np.float64)
"""Types `close` compares as plain numbers: the same test, without making arrays of them."""


def close(actual, expected, rtol: float = 1e-5, atol: float = 1e-7) -> bool:
    """Relative comparison, with an absolute floor scaled to the expected magnitude.

    The same test as `np.allclose(actual, expected, rtol, atol * scale)`, where scale is
    max(1, max |expected|); finite values (nearly all of them) take a path several times
    faster than np.allclose, which matters at a thousand comparisons per submission.
    """
    if type(actual) in _NUMBERS and type(expected) in _NUMBERS:  # two numbers (a loss): no arrays
        magnitude = abs(float(expected))
        scale = max(1.0, magnitude)
        if math.isfinite(actual) and math.isfinite(scale):
            return abs(float(actual) - float(expected)) <= atol * scale + rtol * magnitude
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if actual.shape != expected.shape:
        return False
    if not expected.size:
        return True
    magnitude = np.abs(expected)
    scale = max(1.0, float(magnitude.max()))
    difference = np.abs(actual - expected) if np.isfinite(actual).all() else None
    if difference is None or not np.isfinite(scale):
        return bool(np.allclose(actual, expected, rtol=rtol, atol=atol * scale, equal_nan=False))
    return bool((difference <= atol * scale + rtol * magnitude).all())


def worst_entry(actual, expected) -> str:
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    diff = np.abs(actual - expected)
    if diff.ndim == 0 or diff.size == 0:
        return ""
    diff[np.isnan(actual) & np.isnan(expected)] = 0.0  # entries that were not compared
    idx = np.unravel_index(int(np.nanargmax(np.where(np.isnan(diff), np.inf, diff))), diff.shape)
    return f"the largest difference is at index {tuple(int(i) for i in idx)}"
