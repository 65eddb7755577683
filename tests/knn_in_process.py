"""The kNN part's harness and properties run in this process, without the sandboxed child.

`in_process_box` is the child's own box on a module compiled here; `FakeSession` offers
what a Property's `ctx` offers. `grade` scores a
source text by the part's rubric: the gate on its first three inputs, then every property
(the engine's order). Fast unit tests of the properties' judgement use it; the end-to-end
tests (tests/test_part_knn.py) grade through `autograder grade` instead.
"""

import tomllib
import types
from pathlib import Path

from autograder import parts
from autograder.parts.knn import harness
from autograder.parts.knn.properties import PROPERTIES

PART = Path(harness.__file__).parent
FILE = "cs231n/classifiers/k_nearest_neighbor.py"


def in_process_box(source: str):
    """The child's own `Box`, its graded module compiled from `source` in this process (a
    source that cannot be imported leaves the module missing, as in the child)."""
    from autograder.sandbox import child

    child.modules.pop(FILE, None)
    module = types.ModuleType("_knn_student_under_test")
    try:
        exec(compile(source, f"<student>/{FILE}", "exec"), module.__dict__)  # noqa: S102 - test sources
    except Exception:  # noqa: BLE001 - like an import error in the child
        return child.Box
    child.modules[FILE] = module
    return child.Box


class FakeSession:
    """The `ctx` of a Property, answering from the harness in this process."""

    def __init__(self, source: str):
        self.text = source
        self.box = in_process_box(source)
        self.observations: list = []

    def source(self, function):
        return self.text

    def call(self, function, calls, ticket=None):
        graded = parts.function(function)
        message = {"file": graded.file, "fn": graded.name, "cls": graded.cls, "calls": calls}
        results = harness.op_call(message, self.box)["results"]
        self.observations.extend(zip(calls, results, strict=True))
        return results

    def send_call(self, function, calls):
        return None

    def request(self, function, message, ticket=None):
        return harness.OPS[message["op"].split(".", 1)[1]](message, self.box)

    def settle(self):
        pass

    def function_failed(self, function):
        return False

    def excuse(self, function):
        pass


def rubric() -> dict:
    with open(PART / "rubric.toml", "rb") as handle:
        return tomllib.load(handle)


def grade(source: str, functions=None, skip=()) -> dict:
    """{function: {property id: (points earned, Failure or None)}} by the part's rubric."""
    table = rubric()
    results = {}
    for function in functions or table:
        points = {k: v for k, v in table[function].items() if k != "file"}
        props = {p.id: p for p in PROPERTIES if p.applies_to(function) and p.id in points}
        ctx = FakeSession(source)
        gate = props["matches_reference"]
        found = gate.evaluate(ctx, function, gate.explicit_cases(function)[:3])
        outcome = {}
        for pid, worth in points.items():
            if pid in skip:
                continue
            if found is not None:
                outcome[pid] = (0, found[1] if pid == "matches_reference" else None)
                continue
            failure = props[pid].run(ctx, function)
            outcome[pid] = (0 if failure else worth, failure)
        results[function] = outcome
    return results


def score(results: dict) -> int:
    return sum(points for outcome in results.values() for points, _ in outcome.values())


SOLUTION = Path(__file__).resolve().parent.parent / "solutions" / FILE


def reference_source() -> str:
    return SOLUTION.read_text(encoding="utf-8")


def part_mutants(name: str) -> list:
    """The part's catalogue ("catalogue.toml") or correct variants ("variants.toml")."""
    from autograder.catalogue.mutants import load_mutants

    return load_mutants(PART / name)


def mutant_source(mutant) -> str:
    from autograder.catalogue.mutants import apply_mutant

    return apply_mutant(reference_source(), mutant)
