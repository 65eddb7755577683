"""Grade one submission: every function's properties, gated, scored by the rubric.

For each graded function the gate property runs on basic inputs first; if the
function fails there, its other properties score 0 with a note saying why (DESIGN
principle 6), and the gate property itself reports the smallest failing input.
Crashes and hangs of the child are caught here and cost the function at hand only.

The fast passes of a function's checks are all sent to the child before the first is
judged (`Property.begin`), so that the child computes while the grader judges; the
requests, their order and so the report are the same whatever the timing.
"""

import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from autograder.grading import example_cache
from autograder.grading.failure import Failure
from autograder.grading.hints import Hint
from autograder.grading.properties import for_function
from autograder.grading.properties.base import EXAMPLES, is_course_key, read_cached_ladders
from autograder.grading.rubric import FunctionRubric, load_rubric
from autograder.grading.session import Session
from autograder.report.inert import inert
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
    diagnoses: tuple[str, ...] = ()
    """Ids of the mistakes recognised in this failed check (`grading.diagnosis`)."""
    hint: Hint | None = field(default=None, repr=False, compare=False)
    """The hint that ends `output`, when it knows its topics (`grading.hints`)."""


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


class FunctionGrading:
    """One function's grading, in three steps that the engine interleaves across functions.

    `send_gate` sends the gate's requests; `open` judges the gate and, when it passes, sends
    every check's fast pass (`Property.begin`); `finish` judges the checks, in the rubric's
    order, and names the likely mistakes. The engine opens the next function before it
    finishes this one, so the child always has work queued while the grader judges. The
    requests and their order depend only on the submission, never on timing.
    """

    def __init__(self, session: Session, rubric: FunctionRubric):
        self.session, self.rubric = session, rubric
        self.function, self.display = rubric.function, rubric.display_name
        self.properties = for_function(self.function)
        missing = set(rubric.points) - set(self.properties)
        if missing:
            raise KeyError(f"rubric.toml names properties of {self.function} that do not exist: {sorted(missing)}")
        self.gate = self.properties[rubric.gate]
        self.gate_cases = self.gate.hand_picked(self.function)[:3]
        self.problem = session.problem_with(self.function)
        self.gate_begun = None
        self.begun: dict[str, object] = {}

    def send_gate(self) -> None:
        if not self.problem:
            self.gate_begun = self.gate.begin(self.session, self.function, self.gate_cases)

    def open(self) -> None:
        if self.problem:
            return
        self.session.current_check = self.rubric.gate
        try:
            found = self.gate.evaluate(self.session, self.function, self.gate_cases, self.gate_begun)
        except ChildFailure:
            found = True
        to_run = [self.rubric.gate] if found is not None else list(self.rubric.points)
        self.begun = {prop_id: self.properties[prop_id].begin(self.session, self.function) for prop_id in to_run}
        self.session.current_check = None

    def result(self, prop_id: str, failure: Failure | None, note: str | None = None) -> TestResult:
        prop, points = self.properties[prop_id], self.rubric.points[prop_id]
        name = f"{self.display}: {prop.title}"
        if failure is None and note is None:
            return TestResult(self.function, prop_id, name, float(points), float(points), "passed", "Passed.")
        text = note if note is not None else failure.render()
        hint = failure.hint if note is None and isinstance(failure.hint, Hint) else None
        return TestResult(self.function, prop_id, name, 0.0, float(points), "failed", text, hint=hint)

    def finish(self) -> list[TestResult]:
        session, function, display = self.session, self.function, self.display
        if self.problem:
            note = f"{display} could not be graded: {self.problem}"
            # Imported only for a failing function: it loads the catalogue.
            from autograder.grading import diagnosis

            crash = diagnosis.diagnose_crash(self.problem, session.source(function), function)
            return explain([self.result(pid, None, note) for pid in self.rubric.points], [crash] if crash else [])
        results = []
        for prop_id in self.rubric.points:
            if prop_id not in self.begun:
                results.append(self.result(prop_id, None, (
                    f"{NOT_GRADED_YET}: {display} does not pass '{self.gate.title}' on basic inputs, so this "
                    f"check earns no points (see '{display}: {self.gate.title}'). It is graded once that passes.")))
                continue
            session.current_check = prop_id
            try:
                failure = self.properties[prop_id].run(session, function, self.begun[prop_id])
            except ChildFailure as exc:
                failure = _crash_failure(display, exc)
            results.append(self.result(prop_id, failure))
        session.current_check = None
        failed = tuple(r.property for r in results if _failed_on_its_own(r))
        if not failed:
            return results
        from autograder.grading import diagnosis

        started = time.perf_counter()
        found = diagnosis.diagnose(session, function, failed)
        spent = session.timings.setdefault("diagnosis", {"seconds": 0.0, "functions": 0})
        spent["seconds"] += time.perf_counter() - started
        spent["functions"] += 1
        return explain(results, found)


def grade_functions(session: Session, rubrics: list[FunctionRubric]) -> dict[str, list[TestResult]]:
    """Every function's results: all gates sent first, each function opened before the one
    before it is judged (see `FunctionGrading`)."""
    gradings = [FunctionGrading(session, rubric) for rubric in rubrics]
    for grading in gradings:
        grading.send_gate()
    if gradings:
        gradings[0].open()
    by_function: dict[str, list[TestResult]] = {}
    for grading, following in zip(gradings, [*gradings[1:], None], strict=True):
        if following is not None:
            following.open()
        by_function[grading.function] = grading.finish()
    return by_function


NOT_GRADED_YET = "Not graded yet"


def _failed_on_its_own(result: TestResult) -> bool:
    """A check that failed, not one left ungraded because the function's gate failed."""
    return result.status == "failed" and not result.output.startswith(NOT_GRADED_YET)


def explain(results: list[TestResult], found: list) -> list[TestResult]:
    """Add the recognised mistakes to every check the function failed on its own.

    A hint that gives the same advice as a diagnosis (one of its topics is one the
    diagnosis covers) is left out, or cut to what it says besides (`Hint.otherwise`):
    the student reads each piece of advice once.
    """
    if not found:
        return results
    lines = "\n".join(d.line() for d in found)
    covered = frozenset().union(*(getattr(d, "covers", frozenset()) for d in found))
    for r in results:
        if _failed_on_its_own(r):
            if r.hint is not None and r.hint.topics & covered:
                r.output, r.hint = without_hint(r.output, r.hint), None
            r.output = f"{r.output}\n{lines}"
            r.diagnoses = tuple(d.id for d in found)
    return results


def without_hint(output: str, hint: Hint) -> str:
    """`output` with its final hint line replaced by what the hint says besides its topics."""
    line = "\nHint: " + hint.text
    if not output.endswith(line):
        return output
    kept = output[: -len(line)]
    return f"{kept}\nHint: {hint.otherwise}" if hint.otherwise else kept


_warm: set[str] = set()
"""The formulations (keys) whose examples this process has ready."""


def warm_up() -> None:
    """Have every property's examples ready (once per process) before grading starts.

    They come from the example cache when it has them, else hypothesis draws them and
    the cache keeps them for the next process. The ladders (the simplest inputs, tried
    when a property fails) are read from the cache when one is first needed; they are
    drawn here only when the cache has none for this version, and kept with the examples.
    """
    from autograder.course import current

    course = current().key
    if course in _warm:
        return
    cached = example_cache.load("examples")
    for key, cases in cached.items():
        EXAMPLES.setdefault(key, cases)
    properties = [(prop, rubric.function) for rubric in load_rubric()
                  for prop in for_function(rubric.function).values()]
    for prop, function in properties:
        prop.generated_cases(function)
    mine = _course_examples(ladders=False)
    if set(mine) - set(cached):
        example_cache.save(mine, "examples")
    if not example_cache.exists("ladders"):
        for prop, function in properties:
            prop.ladder(function)
        ladders = _course_examples(ladders=True)
        if set(ladders) - read_cached_ladders():
            example_cache.save(ladders, "ladders")
    _warm.add(course)


def fill_cache() -> None:
    """Make now everything the cache folder keeps for the course: the examples and ladders, and
    what each property keeps (`Property.fill_cache`: reference answers, large problems). For a machine image
    built once and graded in many times (Gradescope's `setup.sh`), whose gradings would
    otherwise each make them again."""
    warm_up()  # the examples, and the ladders when the cache has none
    for rubric in load_rubric():
        for prop in for_function(rubric.function).values():
            prop.fill_cache(rubric.function)


def _course_examples(ladders: bool) -> dict:
    """The examples (or the ladders) of the course's formulation in EXAMPLES."""
    return {key: cases for key, cases in EXAMPLES.items()
            if is_course_key(key[1]) and key[1].startswith("ladder/") == ladders}


def _prepare_in_background(rubrics: list[FunctionRubric]) -> threading.Thread:
    """Start the properties' grader-side preparation (`Property.prepare`) in a thread.

    It runs while the session starts the child, when the grader only waits; a property
    whose preparation failed or did not run simply does that work when it is checked.
    """

    def prepare() -> None:
        try:
            for rubric in rubrics:
                for prop in for_function(rubric.function).values():
                    prop.prepare(rubric.function)
        except Exception:  # noqa: BLE001 - the checks redo it, and report what is wrong
            pass

    thread = threading.Thread(target=prepare, name="autograder-prepare", daemon=True)
    thread.start()
    return thread


def grade_submission(submission: Path, limits: Limits | None = None,
                     functions: tuple[str, ...] | None = None) -> GradeReport:
    """Grade one student's folder; never raises for anything the student's code does.

    One child runs the whole submission, in every mode (a single grade, a batch,
    Gradescope, nbgrader), so the same submission always gets the same report,
    what it printed included.
    """
    started = time.perf_counter()
    submission = Path(submission)
    limits = limits or Limits()
    warm_up()
    rubrics = [r for r in load_rubric() if functions is None or r.function in functions]
    preparing = _prepare_in_background(rubrics)
    with Session(submission, limits) as session:
        preparing.join()
        by_function = grade_functions(session, rubrics)
    # Student text enters the report here, made inert (report.inert): messages, tracebacks,
    # what the code printed and the folder's name never carry a raw control character.
    return GradeReport(
        submission=inert(submission.name),
        tests=[replace(t, output=inert(t.output)) for r in rubrics for t in by_function[r.function]],
        output=inert(session.output),
        execution_time=time.perf_counter() - started,
        timings=session.timings,
    )
