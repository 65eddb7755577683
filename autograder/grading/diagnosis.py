"""Which known mistake a failing function makes: the bug catalogue matched against the student.

Every entry of a part's bug catalogue (`autograder/parts/<part>/catalogue.toml`) is the reference
with one realistic mistake, and carries a `diagnosis`: the mistake in the student's
terms. When a function fails, the grader already holds the student's answers on many
inputs (every call the properties made, recorded by the session). Here the catalogue's
mutants of that function run on those same inputs, in the grader and never in the
child (they are trusted code: the reference with an edit); a mutant that reproduces the
student's answers on all of them, where the reference does not, names the mistake.
Where no single mutant does, pairs of mutants of the function are tried (two mistakes
at once) within a fixed budget; where none match, nothing is said.

Crashes are diagnosed from the error text when the cause is recognisable (Python 2
code, a name the file never defines, an import the grader lacks): `diagnose_crash`.

Costs: nothing for a function that passes (no mutant runs); a failing function runs
mutants on at most MAX_OBSERVATIONS recorded inputs, most rejected at the first one.
Compiled mutants are cached per process. Deterministic: the inputs, their order, the
mutants and the pair budget depend only on the submission and the catalogue.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import math
import re
import types
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from autograder import parts
from autograder.catalogue.mutants import (
    FILE_OF_FUNCTION,
    CatalogueError,
    Mutant,
    apply_mutant,
)
from autograder.course import Course, current
from autograder.grading import replay
from autograder.grading.properties.base import case_key, close
from autograder.grading.reference import reference_importer
from autograder.grading.session import Observation

LINE_PREFIX = "Likely mistake: "
"""Every diagnosis line in the feedback starts with this."""

MAX_OBSERVATIONS = 32
"""Recorded inputs a mutant is matched on, at most (the failed checks' first)."""
PER_FAILED_CHECK = 12
"""Distinct recorded inputs taken from each failed check, in the order they were called."""
PER_PASSED_CHECK = 2
"""Distinct recorded inputs taken from each check the function passed (the other examples)."""
COSTLY_CHECKS = ("learns",)
"""Checks whose inputs are too costly to replay (150 SGD iterations each): never matched on.
The other checks of `train` replay the same code on short runs."""
TRAIN_BUDGET = (3, 1, 8)
"""`train` replays whole training runs: (per failed check, per passed check, in all)."""
PAIR_BUDGET = 40
"""Pairs of mutants tried at most for one function when no single mutant matches: those
whose mutants each explain part of the student's first wrong answer first."""
"""Functions whose pairs of mutants are tried: the losses, where two mistakes at once are
common (an unaveraged loss and 0.5 * reg); `train` and `predict` are matched one mistake
at a time (replaying training runs for every pair would cost too much for what it finds)."""
COMPOSE_BUDGET = 40
"""Mutants tried at most, each with every relation (a part's `relations` module), when
neither a mutant, nor a pair, nor a relation to the reference explains a loss function."""
_PRIVATE_PREFIX = "_autograder_mutant_"


@dataclass(frozen=True)
class Diagnosis:
    """One recognised mistake: its id (a catalogue id, or crash_...) and the sentence shown."""

    id: str
    text: str
    covers: frozenset[str] = frozenset()
    """The hint topics (`grading.hints`) this diagnosis gives the same advice as: a hint on
    one of them is left out of a check that shows the diagnosis."""

    def line(self) -> str:
        return LINE_PREFIX + self.text


# ------------------------------------------------------------------ the catalogue


_in_use: list[tuple[Mutant, ...]] = []


@functools.cache
def _bundled(selection: tuple[str, ...]) -> tuple[Mutant, ...]:
    """The catalogues of the parts `selection` names (the course's parts), read once per
    selection: a process that grades another course too (`audit --course`, a test) never
    matches a mistake against the catalogue of the selection it graded first."""
    from autograder.catalogue.mutants import load_catalogue

    return tuple(load_catalogue())


def _catalogue() -> tuple[Mutant, ...]:
    return _in_use[-1] if _in_use else _bundled(current().parts)


@contextlib.contextmanager
def matching(mutants) -> Iterator[None]:
    """Diagnose with these mutants instead of the bundled catalogue (`autograder audit --catalogue`)."""
    _in_use.append(tuple(mutants))
    try:
        yield
    finally:
        _in_use.pop()


def mutants_of(function: str) -> tuple[Mutant, ...]:
    """The catalogue's entries for `function` that are written for the course's formulation."""
    course = current()
    return tuple(m for m in _catalogue() if m.function == function and m.admits(course))


def _diagnosis_of(mutant: Mutant) -> Diagnosis:
    return Diagnosis(mutant.id, mutant.diagnosis or mutant.description, mutant.covers)


@functools.cache
def _reference_source(relative: str, course: Course) -> str:
    """The course's reference file as the grader renders it (course.toml), build or no build."""
    from autograder.release.course_solutions import rendered_source

    return rendered_source(relative, course)


def _private_import(name, globals=None, locals=None, fromlist=(), level=0):
    """`import` for mutated modules: the assignment's package is the private reference modules.

    A reference file imports its siblings by their package name; in the grader nothing
    called cs231n may be imported, so those names resolve to the reference modules loaded
    under private names (`grading.reference`).
    """
    return reference_importer()(name, globals, locals, fromlist, level)


_BUILTINS = dict(vars(builtins), __import__=_private_import)


def _mutated(chosen: tuple[Mutant, ...]):
    """`_mutated_for` the course's formulation."""
    return _mutated_for(chosen, current())


@functools.cache
def _mutated_for(chosen: tuple[Mutant, ...], course: Course):
    """(module, source) of the reference file with the mutants `chosen` applied, or None.

    None when an edit does not apply to the current reference (another formulation's
    reference, or two mutants that edit the same text). The module is executed under a
    private name and never enters sys.modules.
    """
    ids = "+".join(m.id for m in chosen)
    source = _reference_source(chosen[0].file, course)
    try:
        for mutant in chosen:
            source = apply_mutant(source, mutant)
    except CatalogueError:
        return None
    module = types.ModuleType(_PRIVATE_PREFIX + ids.replace("+", "__"))
    module.__package__ = chosen[0].file.removesuffix(".py").replace("/", ".").rpartition(".")[0]
    module.__dict__["__builtins__"] = _BUILTINS
    try:
        exec(compile(source, f"<mutant {ids}>", "exec"), module.__dict__)  # noqa: S102 - trusted catalogue code
    except Exception:  # noqa: BLE001 - a mutant that cannot even load matches nothing
        return None
    return module, source


# ------------------------------------------------------------------ running a mutant


def _error_line(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""




def _run_loss(module, function: str, request: dict) -> dict:
    """What the child answers to one call of `function` with `module` as its file."""
    return _answer_of(module, function, Observation(None, request, {}))


# ------------------------------------------------------------------ comparing answers


def _same_numbers(student, mutant) -> bool:
    """Equal within the grader's tolerances, with non-finite entries (inf or nan) in the same places.

    Which non-finite value a blow-up gives (inf, -inf or nan) depends on how the same
    mistake is written (exp(s) / sum gives nan, s - log(sum exp s) gives inf): any
    of them stands for "this overflowed".
    """
    a, b = np.asarray(student, dtype=float), np.asarray(mutant, dtype=float)
    if a.shape != b.shape:
        return False
    if a.ndim == 0:  # a loss
        x, e = float(a), float(b)
        if math.isfinite(x) and math.isfinite(e):
            return close(x, e)
        return not (math.isfinite(x) or math.isfinite(e))
    finite_a = np.isfinite(a)
    if finite_a.all():
        return close(a, b)  # False when b has an inf or nan
    finite_b = np.isfinite(b)
    return bool(np.array_equal(finite_a, finite_b)) and close(a[finite_a], b[finite_b])


_COMPARED_APART = frozenset({"ok", "error", "inputs", "trajectory", "number"})
"""Fields of an answer that are no result of the function, or that `_same_outcome` compares
its own way; the rest (and the type names, `*_type`, which differ between the child's plain
arrays and a mutant's own values) are compared as numbers."""


def _same_values(student, mutant) -> bool:
    """Numbers within the grader's tolerances, field by field in a table of them (a net's grads)."""
    if isinstance(student, dict) or isinstance(mutant, dict):
        return (isinstance(student, dict) and isinstance(mutant, dict) and student.keys() == mutant.keys()
                and all(_same_values(student[k], mutant[k]) for k in student))
    if isinstance(student, str) or isinstance(mutant, str):
        return student == mutant
    return _same_numbers(student, mutant)


def _same_outcome(student: dict, mutant: dict) -> bool:
    """The same verdict: both raised the same error, or both answered the same numbers."""
    if bool(student.get("ok")) != bool(mutant.get("ok")):
        return False
    if not student.get("ok"):
        return _error_line(student.get("error", "")) == _error_line(mutant.get("error", ""))
    names = sorted(name for name in student.keys() & mutant.keys()
                   if name not in _COMPARED_APART and not name.endswith("_type"))
    if "loss" in student and not np.all(np.isfinite(np.asarray(student["loss"], dtype=float))):
        names = ["loss"]  # the grader judges an overflowed loss and stops there: so does the match
    for name in names:
        if not _same_values(student[name], mutant[name]):
            return False  # (not every answer carries every field; what both have is compared)
    if "inputs" in student and "inputs" in mutant:
        for name, value in student["inputs"].items():
            other = mutant["inputs"].get(name)
            if other is None or np.shape(value) != np.shape(other) or not np.array_equal(value, other):
                return False
    if "trajectory" in student and "trajectory" in mutant:
        mine, theirs = student["trajectory"], mutant["trajectory"]
        if len(mine) != len(theirs):
            return False
        for step, other in zip(mine, theirs, strict=True):
            if any(not _same_numbers(step[k], other[k]) for k in ("W", "X", "y", "reg")):
                return False
    return True


def _answer_of(module, function: str, observation: Observation) -> dict:
    """What the child answered, replayed with `module` as the function's file (the part's own
    harness, run in the grader: `grading.replay`), the reference as the other files."""
    own = parts.function(function).file
    box = replay.GraderBox(lambda relative: module if relative == own else _reference_loaded(relative))
    return replay.answer(box, function, observation.request)


def _matches(module, function: str, observation: Observation) -> bool:
    mutant = _answer_of(module, function, observation)
    student = observation.answer
    if isinstance(student.get("results"), list):  # a request of several runs (a training's calls)
        mine, theirs = student["results"], mutant.get("results")
        return (isinstance(theirs, list) and len(mine) == len(theirs)
                and all(_same_outcome(a, b) for a, b in zip(mine, theirs, strict=True)))
    return _same_outcome(student, mutant)


# ------------------------------------------------------------------ structure


def _structure(function: str):
    """How `function`'s part describes its loops (`structure.kind(source, function)`: what its
    syntax checks find, without line numbers), or None when they do not judge its structure.
    Two answers alike but for their loops are not the same mistake."""
    part = parts.part_of(function)
    if not (part.folder / "structure.py").is_file():
        return None
    structure = part.module("structure")
    return structure.kind if function in structure.FUNCTIONS else None


# ------------------------------------------------------------------ choosing the inputs


def select(observations: list[Observation], failed: tuple[str, ...],
           budget: tuple[int, int, int] = (PER_FAILED_CHECK, PER_PASSED_CHECK, MAX_OBSERVATIONS)) -> list[Observation]:
    """The recorded inputs to match on: the failed checks' first, then a few of every other check.

    Distinct inputs only, spread over each check's requests; `budget` is how many per
    failed check, per passed check and in all.
    """
    per_failed, per_passed, at_most = budget
    by_check: dict[str | None, list[Observation]] = {}
    for observation in observations:
        by_check.setdefault(observation.check, []).append(observation)
    quotas = [(check, per_failed) for check in failed]
    quotas += [(check, per_passed) for check in by_check if check not in failed]
    quotas = [(check, quota) for check, quota in quotas if check not in COSTLY_CHECKS]
    chosen: list[Observation] = []
    seen: set[bytes] = set()
    for check, quota in quotas:
        for observation in _spread(by_check.get(check, []), quota):
            if len(chosen) == at_most:
                return chosen
            key = case_key(observation.request)
            if key not in seen:
                seen.add(key)
                chosen.append(observation)
    return chosen


def _spread(group: list[Observation], count: int) -> list[Observation]:
    """`count` of a check's requests: its first half (the hand-picked inputs, N == C and
    N = 1 among them), then the rest spread evenly over the drawn inputs and the ladder."""
    if len(group) <= count or count < 4:
        return group[:count]
    first, rest = group[: count // 2], group[count // 2:]
    more = count - len(first)
    return first + [rest[round(k * (len(rest) - 1) / (more - 1))] for k in range(more)]


# ------------------------------------------------------------------ the diagnosis


class _Matcher:
    """Matches mutants (or the reference, ids = ()) against one function's selected answers."""

    def __init__(self, function: str, observations: list[Observation], student_source: str):
        self.function = function
        self.observations = observations
        self.structure = _structure(function)
        self.structural = self.structure is not None
        self.student_loops = self.structure(student_source, function) if self.structural else None

    def reproduces(self, chosen: tuple[Mutant, ...]) -> bool | None:
        """True when the mutants `chosen` answer like the student everywhere; None if they do not apply.

        The reference (chosen = ()) is asked first; the first input where it differs from
        the student moves to the front, where most wrong mutants are rejected at once.
        """
        if chosen:
            loaded = _mutated(chosen)
            if loaded is None:
                return None
            module = loaded[0]
        else:
            module = _reference_loaded(FILE_OF_FUNCTION[self.function])
        if not self.loops_agree(chosen):
            return False
        for index, observation in enumerate(self.observations):
            if not _matches(module, self.function, observation):
                if not chosen and index:
                    self.observations.insert(0, self.observations.pop(index))
                return False
        return True


    def loops_agree(self, chosen: tuple[Mutant, ...]) -> bool:
        """Whether the mutants `chosen` (the reference: ()) loop where the student's function
        loops (always, for a function whose loops are not judged)."""
        if not self.structural:
            return True
        return _mutant_loops(chosen, self.function) == self.student_loops

    def explained_parts(self, chosen: tuple[Mutant, ...]) -> int:
        """How many parts of the student's first deviating answer (the loss, dW, ...) the mutants
        reproduce where the reference does not: pairs of mutants that each explain a part
        of it are tried first."""
        if not self.observations:
            return 0
        observation = self.observations[0]
        module = _mutated(chosen)[0]
        reference = _reference_loaded(FILE_OF_FUNCTION[self.function])
        student = _parts(observation.answer)
        mutant = _parts(_answer_of(module, self.function, observation))
        expected = _parts(_answer_of(reference, self.function, observation))
        return sum(1 for name, value in student.items()
                   if name in mutant and _same_numbers(value, mutant[name])
                   and not (name in expected and _same_numbers(value, expected[name])))


def _parts(answer: dict) -> dict:
    """The numbers of an answer by name (a training run's per call), for `explained_parts`."""
    entries = answer.get("results", [answer]) if isinstance(answer.get("results"), list) else [answer]
    return {f"{k}.{name}": entry[name] for k, entry in enumerate(entries) if entry.get("ok")
            for name in ("loss", "dW", "y", "history", "W") if name in entry}


def _mutant_loops(chosen: tuple[Mutant, ...], function: str) -> str | None:
    return _mutant_loops_for(chosen, function, current())


@functools.cache
def _mutant_loops_for(chosen: tuple[Mutant, ...], function: str, course: Course) -> str | None:
    """The loops of the mutants `chosen` of `function` (of the reference when none)."""
    source = _mutated(chosen)[1] if chosen else _reference_source(FILE_OF_FUNCTION[function], course)
    return _structure(function)(source, function)


def _reference_loaded(relative: str):
    return _reference_loaded_for(relative, current())


@functools.cache
def _reference_loaded_for(relative: str, course: Course):
    module = types.ModuleType(_PRIVATE_PREFIX + "reference_" + relative.rsplit("/", 1)[-1][:-3])
    module.__package__ = relative.removesuffix(".py").replace("/", ".").rpartition(".")[0]
    module.__dict__["__builtins__"] = _BUILTINS
    exec(compile(_reference_source(relative, course), f"<reference {relative}>", "exec"), module.__dict__)  # noqa: S102
    return module


def diagnose(session, function: str, failed: tuple[str, ...]) -> list[Diagnosis]:
    """The mistake (or two) that explains every recorded answer of `function`, or [].

    `failed`: the ids of the checks the function failed. Uses only what the session
    recorded (no request to the child). A recognisable crash (`diagnose_crash`) is named
    first, without running any mutant.
    """
    budget = TRAIN_BUDGET if function == "train" else (PER_FAILED_CHECK, PER_PASSED_CHECK, MAX_OBSERVATIONS)
    observations = select(session.observations_of(function), failed, budget)
    for observation in observations:
        for answer in observation.answer.get("results", [observation.answer]):
            if not answer.get("ok") and answer.get("error"):
                crash = diagnose_crash(answer["error"], session.source(function), function)
                if crash:
                    return [crash]
    if not mutants_of(function):
        return []  # nothing in the catalogue to recognise
    matcher = _Matcher(function, observations, session.source(function))
    if not observations and not matcher.structural:
        return []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # overflow in np.exp is the point of some mutants
        return _match_catalogue(matcher)


def _match_catalogue(matcher: _Matcher) -> list[Diagnosis]:
    if matcher.reproduces(()):
        return []  # the reference itself explains these answers: nothing to name
    candidates = mutants_of(matcher.function)
    singles = [m for m in candidates if matcher.reproduces((m,))]
    if len(singles) == 1:
        return [_diagnosis_of(singles[0])]
    if singles:
        return []  # several explanations: do not guess
    if any("op" in observation.request for observation in matcher.observations):
        return []  # pairs are tried for functions graded by plain calls, not for whole runs (a training)
    witness = matcher.observations[0].answer if matcher.observations else {}
    if not witness.get("ok", True):
        return []  # an error no mutant raises: two numeric mistakes at once will not raise it either
    applicable = [m for m in candidates if _mutated((m,)) is not None]
    explained = {m: matcher.explained_parts((m,)) for m in applicable}
    pairs = [(first, second) for i, first in enumerate(applicable) for second in applicable[i + 1:]]
    pairs.sort(key=lambda pair: -(explained[pair[0]] + explained[pair[1]]))  # stable: catalogue order next
    tried = 0
    for first, second in pairs:
        if tried >= PAIR_BUDGET:
            break
        outcome = matcher.reproduces((first, second))
        if outcome is None:
            continue
        tried += 1
        if outcome:
            return [_diagnosis_of(first), _diagnosis_of(second)]
    ordered = sorted(applicable, key=lambda m: -explained[m])  # stable: catalogue order next
    return _match_relations(matcher, ordered)


# ------------------------------------------------------------------ relations


def _relations(function: str):
    """The relations module of `function`'s part (`relations.py` in its folder: the simple
    relations to the right answer it recognises), or None when the part has none."""
    part = parts.part_of(function)
    return part.module("relations") if (part.folder / "relations.py").is_file() else None


def _relation_diagnoses(function: str, factors) -> list[Diagnosis] | None:
    found = _relations(function).describe(function, factors, current())
    return None if found is None else [Diagnosis(d.id, d.text, d.covers) for d in found]


def _explanations(matcher: _Matcher, parts_of) -> set:
    """The factor combinations (`relations.explanations`) that explain every selected answer
    from the base whose parts on a request `parts_of` gives; the first input is tried alone
    first, where most bases are rejected at once."""
    cases = []
    for k, observation in enumerate(matcher.observations):
        parts = parts_of(observation.request)
        if parts is None:
            return set()
        cases.append((parts, observation.answer))
        if k == 0 and not _relations(matcher.function).explanations(cases, _same_outcome):
            return set()
    return _relations(matcher.function).explanations(cases, _same_outcome)


def _match_relations(matcher: _Matcher, mutants: list[Mutant]) -> list[Diagnosis]:
    """The relation (the part's `relations` module) between the student's answers and the
    reference's, or a catalogue mutant's plus a relation, when exactly one explains them all.

    The reference is tried first: one explanation there is the diagnosis, several are
    nothing. Then each mutant (at most COMPOSE_BUDGET, those that explain most of the first
    wrong answer first): the diagnosis when exactly one mutant and one combination fit.
    """
    relations = _relations(matcher.function)
    if relations is None or not relations.knows(matcher.function) or not matcher.observations:
        return []
    course = current()
    if matcher.loops_agree(()):
        found = _explanations(matcher, lambda request: relations.reference_parts(matcher.function, course, request))
        if found:
            return (_relation_diagnoses(matcher.function, found.pop()) or []) if len(found) == 1 else []
    fits = []
    for mutant in mutants[:COMPOSE_BUDGET]:
        if not matcher.loops_agree((mutant,)):
            continue
        module = _mutated((mutant,))[0]
        found = _explanations(matcher, lambda request, module=module: relations.run_parts(
            lambda r: _run_loss(module, matcher.function, r), request))
        fits.extend((mutant, factors) for factors in found)
        if len(fits) > 1:
            return []
    if len(fits) != 1:
        return []
    mutant, factors = fits[0]
    described = _relation_diagnoses(matcher.function, factors)
    return [_diagnosis_of(mutant), *described] if described else []


def describe(diagnosis_id: str) -> str:
    """What a diagnosis id stands for, for instructors (the catalogue's description)."""
    if diagnosis_id in CRASHES:
        return CRASHES[diagnosis_id]
    found = next((m for m in _bundled(current().parts) if m.id == diagnosis_id), None)
    if found:
        return found.description
    for name in parts.available():  # a relation's id: its part's relations module describes it
        part = parts.get(name)
        if (part.folder / "relations.py").is_file() and (said := part.module("relations").description(diagnosis_id)):
            return said
    return diagnosis_id


# ------------------------------------------------------------------ crashes

CRASHES = {
    "crash_python2_print": "Python 2 print statement: the file cannot be imported.",
    "crash_python2_name": "A Python 2 name (xrange, unicode, ...): NameError.",
    "crash_missing_module": "Imports a package the grader does not have (tqdm, past.builtins, ...).",
    "crash_name_from_other_function": "Uses a variable that only another function defines: NameError.",
    "crash_undefined_name": "Uses a name the file never defines (a notebook variable?): NameError.",
    "crash_max_for_maximum": "np.max(0, x) (a maximum along the axis x) where np.maximum(0, x) is meant.",
    "crash_ten_classes": "The number of classes written as 10 (CIFAR-10's): an error for any other number.",
}
"""The crash diagnoses and what they stand for (instructors' words)."""

PYTHON2_NAMES = {
    "xrange": "`xrange` is Python 2; in Python 3 write `range`, which is just as lazy.",
    "unicode": "`unicode` is Python 2; in Python 3 every string is `str`.",
    "raw_input": "`raw_input` is Python 2; a graded function should not ask for input at all.",
    "long": "`long` is Python 2; in Python 3 `int` has no size limit.",
    "basestring": "`basestring` is Python 2; in Python 3 test for `str`.",
}
_NAME_ERROR = re.compile(r"NameError: name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")
_MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '([A-Za-z0-9_.]+)'")
_MAX_FOR_MAXIMUM = re.compile(r"np\.a?max\(\s*0\s*,")
_MAX_ERRORS = ("only integer scalar arrays can be converted to a scalar index", "AxisError", "TypeError: 'float' object")
_TEN = re.compile(r"(?<![\w.])10(?![\w.])")
_SHAPE_ERRORS = ("could not be broadcast", "out of bounds", "cannot reshape", "shapes", "mismatch")


def _names_bound_in(source: str) -> tuple[dict[str, set[str]], set[str]]:
    """The names each function of a file binds (arguments, assignments, loop variables),
    and every name the file binds anywhere (functions, classes and imports included)."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}, set()
    bound: dict[str, set[str]] = {}
    everywhere: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = {a.arg for a in node.args.args + node.args.kwonlyargs}
            names |= {inner.id for inner in ast.walk(node) if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store)}
            bound[node.name] = names
            everywhere |= names | {node.name}
        elif isinstance(node, ast.ClassDef):
            everywhere.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            everywhere |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            everywhere.add(node.id)
    return bound, everywhere


def diagnose_crash(error: str, source: str = "", function: str | None = None) -> Diagnosis | None:
    """A diagnosis of an error text from the child (an import or a call), or None.

    Recognises Python 2 code (`print x`, `xrange`), a name the function uses but that
    is only defined in another function or nowhere in the file, an import of a
    package the grader does not have, np.max(0, x) written for np.maximum(0, x), and a
    number of classes written as 10 (the error's line of code and its message both say 10).
    """
    text = str(error)
    if "Missing parentheses in call to 'print'" in text:
        return Diagnosis("crash_python2_print", (
            "your file uses Python 2's print statement (print x), which is a syntax error in Python 3, "
            "so the whole file cannot be imported: write print(x), or remove the print."))
    missing = _MISSING_MODULE.search(text)
    if missing:
        package = missing.group(1)
        top = package.split(".")[0]
        extra = (" (past.builtins comes from the `future` package, a Python 2 compatibility layer: "
                 "use Python 3's own range and builtins)" if top == "past" else
                 " (a progress bar is not needed in a graded function)" if top == "tqdm" else "")
        return Diagnosis("crash_missing_module", (
            f"your file imports `{package}`, which the grader does not have{extra}; graded code may "
            "use numpy and Python's standard library only, so remove that import."))
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    last, code = (lines[-1] if lines else ""), (lines[-2] if len(lines) > 1 else "")
    if any(e in last for e in _MAX_ERRORS) and _MAX_FOR_MAXIMUM.search(code):
        return Diagnosis("crash_max_for_maximum", (
            "np.max(0, x) is the maximum along the axis x, so it fails on an array x; the elementwise maximum of 0 "
            "and each entry of x, max(0, x), is np.maximum(0, x)."))
    if any(e in last for e in _SHAPE_ERRORS) and _TEN.search(last) and _TEN.search(code):
        return Diagnosis("crash_ten_classes", (
            "your code has the number of classes written as 10 (CIFAR-10's), but the grader also checks other "
            "numbers of classes: take it from the data, e.g. num_classes = W.shape[1]."))
    name_error = _NAME_ERROR.search(text)
    if name_error:
        name = name_error.group(1)
        if name in PYTHON2_NAMES:
            return Diagnosis("crash_python2_name", "your code is Python 2: " + PYTHON2_NAMES[name])
        bound, everywhere = _names_bound_in(source)
        elsewhere = sorted(f for f, names in bound.items() if name in names and f != function)
        if elsewhere:
            return Diagnosis("crash_name_from_other_function", (
                f"`{name}` is used here but only defined inside {elsewhere[0]}: variables of one function "
                "do not exist in another, so define it in this function too (from W, X and y)."))
        if name not in everywhere:
            return Diagnosis("crash_undefined_name", (
                f"`{name}` is never defined in your file; perhaps it lives in a notebook cell, which the "
                "grader does not run: define or compute it inside the function."))
    return None
