"""Grade one submission: every function's properties, gated, scored by the rubric.

For each graded function the gate property runs on basic inputs first; if the
function fails there, its other properties score 0 with a note saying why (DESIGN
principle 6), and the gate property itself reports the smallest failing input.
Crashes and hangs of the child are caught here and cost the function at hand only.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.grading import example_cache
from autograder.grading.failure import Failure
from autograder.grading.properties import for_function
from autograder.grading.properties.base import EXAMPLES
from autograder.grading.rubric import FunctionRubric, load_rubric
from autograder.grading.session import Session
from autograder.sandbox.process import ChildFailure, Limits


@dataclass
class TestResult:
    """One row of results.json: one property of one function."""

    function: str
    property: str
    name: str
    score: float
    max_score: float
    status: str
    output: str

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class GradeReport:
    submission: str
    tests: list[TestResult]
    output: str = ""
    execution_time: float = 0.0
    timings: dict = field(default_factory=dict)

    @property
    def score(self) -> float:
        return float(sum(t.score for t in self.tests))

    @property
    def max_score(self) -> float:
        return float(sum(t.max_score for t in self.tests))

    def by_function(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for t in self.tests:
            out[t.function] = out.get(t.function, 0.0) + t.score
        return out


def _crash_failure(display: str, exc: ChildFailure) -> Failure:
    return Failure(f"{display} could not be checked: {exc}.",
                   hint="the remaining checks of this function were not run; the other functions are graded as usual.")


def grade_function(session: Session, rubric: FunctionRubric) -> list[TestResult]:
    function, display = rubric.function, rubric.display_name
    properties = for_function(function)
    missing = set(rubric.points) - set(properties)
    if missing:
        raise KeyError(f"rubric.toml names properties of {function} that do not exist: {sorted(missing)}")

    def result(prop_id: str, failure: Failure | None, note: str | None = None) -> TestResult:
        prop, points = properties[prop_id], rubric.points[prop_id]
        name = f"{display}: {prop.title}"
        if failure is None and note is None:
            return TestResult(function, prop_id, name, float(points), float(points), "passed", "Passed.")
        text = note if note is not None else failure.render()
        return TestResult(function, prop_id, name, 0.0, float(points), "failed", text)

    problem = session.problem_with(function)
    if problem:
        note = f"{display} could not be graded: {problem}"
        return [result(pid, None, note) for pid in rubric.points]

    gate = properties[rubric.gate]
    try:
        gate_failed = gate.evaluate(session, function, gate.explicit_cases(function)[:3]) is not None
    except ChildFailure:
        gate_failed = True
    results = []
    for prop_id in rubric.points:
        if gate_failed and prop_id != rubric.gate:
            results.append(result(prop_id, None, (
                f"Not graded yet: {display} does not pass '{gate.title}' on basic inputs, so this check "
                f"earns no points (see '{display}: {gate.title}'). It is graded once that passes.")))
            continue
        try:
            failure = properties[prop_id].run(session, function)
        except ChildFailure as exc:
            failure = _crash_failure(display, exc)
        results.append(result(prop_id, failure))
    return results


LANES = (
    ("svm_loss_naive", "svm_loss_vectorized", "train"),
    ("softmax_loss_naive", "softmax_loss_vectorized", "predict"),
)
"""Functions graded together in one child; the lanes run side by side on two cores."""


_warm = False


def warm_up() -> None:
    """Have every property's examples ready (once per process) before lanes start.

    They come from the example cache when it has them, else hypothesis draws them
    and the cache keeps them for the next process.
    """
    global _warm
    if _warm:
        return
    cached = example_cache.load()
    missing = False
    for rubric in load_rubric():
        for prop in for_function(rubric.function).values():
            key = (prop.id, prop.strategy_key(rubric.function))
            if key in cached:
                EXAMPLES.setdefault(key, cached[key])
            elif prop.strategy(rubric.function) is not None:
                missing = True
            prop.generated_cases(rubric.function)
    if missing:
        example_cache.save(dict(EXAMPLES))
    _warm = True


def _grade_lane(submission: Path, limits: Limits, rubrics: list[FunctionRubric]):
    with Session(submission, limits) as session:
        results = {rubric.function: grade_function(session, rubric) for rubric in rubrics}
    return results, getattr(session, "output", ""), session.timings


def grade_submission(submission: Path, limits: Limits | None = None, functions: tuple[str, ...] | None = None,
                     parallel: bool = True) -> GradeReport:
    """Grade one student's folder; never raises for anything the student's code does.

    Results come in rubric order whatever the lanes' timing, so the report is the
    same with or without `parallel`.
    """
    started = time.perf_counter()
    submission = Path(submission)
    limits = limits or Limits()
    warm_up()
    rubrics = [r for r in load_rubric() if functions is None or r.function in functions]
    lanes = [[r for r in rubrics if r.function in lane] for lane in LANES]
    lanes = [lane for lane in lanes if lane]
    if parallel and len(lanes) > 1:
        with ThreadPoolExecutor(len(lanes)) as pool:
            outcomes = list(pool.map(lambda lane: _grade_lane(submission, limits, lane), lanes))
    else:
        # One child for everything: in a batch the cores are busy with other submissions.
        outcomes = [_grade_lane(submission, limits, [r for lane in lanes for r in lane])]
    by_function, outputs, timings = {}, [], {}
    for results, output, lane_timings in outcomes:
        by_function.update(results)
        if output and output not in outputs:
            outputs.append(output)
        timings.update(lane_timings)
    return GradeReport(
        submission=submission.name,
        tests=[t for r in rubrics for t in by_function[r.function]],
        output="\n".join(outputs),
        execution_time=time.perf_counter() - started,
        timings=timings,
    )
