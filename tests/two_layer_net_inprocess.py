"""Grade a two-layer net submission in this process, without the sandbox (unit tests only).

The part's harness runs here against a `FakeBox` that imports the submission's `cs231n`
package from a folder, and its properties judge the answers through a `FakeContext`: the
same calls and judgements as a real grading, minus the child process, so that the
properties' verdicts on the reference, the stubs and the catalogue can be tested fast.
"""

import copy
import importlib
import shutil
import sys
import tomllib
from pathlib import Path

from autograder.grading.replay import GraderBox, message_of
from autograder.parts.two_layer_net import harness
from autograder.parts.two_layer_net.properties import PROPERTIES
from autograder.release.stubs import strip_solutions

PART = Path(__file__).resolve().parents[1] / "autograder" / "parts" / "two_layer_net"
SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"
GRADED = ("cs231n/layers.py", "cs231n/classifiers/fc_net.py")


class FakeBox(GraderBox):
    """The child's `box` (the grader's replay box, `autograder.grading.replay.GraderBox`) over
    an ordinary import of `root/cs231n`, the submission's package."""

    def __init__(self, root: Path):
        for name in [m for m in sys.modules if m == "cs231n" or m.startswith("cs231n.")]:
            del sys.modules[name]
        self.root = str(root)
        super().__init__(self._imported)

    def _imported(self, relative):
        sys.path.insert(0, self.root)
        try:
            return importlib.import_module(relative[:-3].replace("/", "."))
        except Exception as exc:
            raise self.StudentError(f"{relative} could not be imported") from exc
        finally:
            sys.path.remove(self.root)


class FakeContext:
    """The grader side of a Session, calling the harness directly."""

    def __init__(self, box):
        self.box = box

    def call(self, function, calls, ticket=None):
        request = dict(message_of(function, {}), calls=copy.deepcopy(calls))  # the child's arrays are its own
        return harness.OPS["call"](request, self.box)["results"]

    def send_call(self, function, calls):
        return None

    def function_failed(self, function):
        return False

    def excuse(self, function):
        pass


def rubric() -> dict:
    with open(PART / "rubric.toml", "rb") as handle:
        return {name: {k: v for k, v in table.items() if k != "file"} for name, table in tomllib.load(handle).items()}


def prop(function, prop_id):
    (found,) = [p for p in PROPERTIES if p.id == prop_id and p.applies_to(function)]
    return found


def materialise(dest: Path, edits: dict[str, str] | None = None, stub=False) -> Path:
    """`dest/cs231n`: the solutions, stripped to stubs (`stub`) or with files replaced (`edits`)."""
    shutil.copytree(SOLUTIONS / "cs231n", dest / "cs231n")
    for relative in GRADED:
        path = dest / relative
        if stub:
            path.write_text(strip_solutions(path.read_text()))
    for relative, text in (edits or {}).items():
        (dest / relative).write_text(text)
    return dest


def grade(folder: Path, functions=None) -> dict:
    """{function: {property: Failure or None}}, gated as the engine gates (gate failed: only it)."""
    ctx = FakeContext(FakeBox(folder))
    results = {}
    for function, points in rubric().items():
        if functions is not None and function not in functions:
            continue
        gate = prop(function, "matches_reference")
        found = gate.evaluate(ctx, function, gate.explicit_cases(function)[:3])
        if found is not None:
            results[function] = {"matches_reference": found[1]} | {p: "not graded" for p in points if p != "matches_reference"}
            continue
        results[function] = {p: prop(function, p).run(ctx, function) for p in points}
    return results


def score(results: dict) -> dict:
    table = rubric()
    return {f: sum(table[f][p] for p, failure in props.items() if failure is None) for f, props in results.items()}


def part_functions() -> dict:
    with open(PART / "part.toml", "rb") as handle:
        return tomllib.load(handle)["functions"]


def entries(name: str) -> list[dict]:
    """The [[mutant]] tables of the part's catalogue.toml or variants.toml."""
    with open(PART / name, "rb") as handle:
        return tomllib.load(handle)["mutant"]


def apply_entry(entry: dict) -> tuple[str, str]:
    """(graded file, its source with the entry applied to the entry's function only)."""
    import ast
    import textwrap

    declared = part_functions()[entry["function"]]
    relative = declared["file"]
    source = (SOLUTIONS / relative).read_text()
    body = ast.parse(source).body
    if "cls" in declared:
        body = next(n for n in body if isinstance(n, ast.ClassDef) and n.name == declared["cls"]).body
    name = declared.get("name", entry["function"])
    node = next(n for n in body if isinstance(n, ast.FunctionDef) and n.name == name)
    lines = source.splitlines(keepends=True)
    segment = "".join(lines[node.lineno - 1 : node.end_lineno])
    if "replace_function" in entry:
        segment = textwrap.indent(textwrap.dedent(entry["replace_function"]).strip("\n") + "\n", " " * node.col_offset)
    for edit in entry.get("edit", []):
        assert segment.count(edit["find"]) == 1, (entry["id"], edit["find"])
        segment = segment.replace(edit["find"], edit["replace"])
    return relative, "".join(lines[: node.lineno - 1]) + segment + "".join(lines[node.end_lineno :])


def entry_folder(dest: Path, entry: dict) -> Path:
    """A submission folder: the reference with the entry applied (or, for a corpus entry with
    `replace_file`, with its function's whole file replaced)."""
    if "replace_file" in entry:
        relative = part_functions()[entry["function"]]["file"]
        return materialise(dest, {relative: entry["replace_file"].lstrip("\n")})
    relative, text = apply_entry(entry)
    return materialise(dest, {relative: text})


def real_code() -> dict:
    with open(Path(__file__).resolve().parent / "corpus" / "two_layer_net" / "real_code.toml", "rb") as handle:
        return tomllib.load(handle)
