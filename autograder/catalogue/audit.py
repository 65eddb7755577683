"""`autograder audit`: run the bug catalogue against the hidden suite and report survivors.

Instructors run it after editing the hidden properties: every mutant in the
catalogue must lose the points of each property its `caught_by` names. A mutant
that keeps them is a bug the hidden suite no longer catches.

The mutants are applied to the reference as the course's formulation renders it
(course.toml, or `--course FILE`). An entry written for other formulations (its
`formulations` table does not admit the course's, or its edits do not apply to the
course's reference) is "not applicable": it is counted and listed, never graded.
Every mutant must also be diagnosed as itself: grading it shows its own `diagnosis`
(and no other) in the feedback of the checks it fails (`autograder.grading.diagnosis`),
and no check says the same thing twice: a hint shown next to the diagnosis must not quote
a formula the diagnosis quotes (such a hint's topic belongs in the entry's `covers`).
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path

import click

from autograder.catalogue.mutants import (
    CATALOGUE_FILE,
    CatalogueError,
    Mutant,
    load_mutants,
    materialise,
)


@dataclass
class AuditRow:
    mutant: Mutant
    score: float
    max_score: float
    failed: set[str]
    not_applicable: str = ""
    """Why the mutant was not graded for the course's formulation ('' when it was)."""
    tests: tuple = ()
    """The report's rows (`engine.TestResult`): what the student would read for this bug."""
    diagnoses: tuple[str, ...] = ()
    """The catalogue ids the feedback names (`Likely mistake:`)."""

    @property
    def applicable(self) -> bool:
        return not self.not_applicable

    @property
    def survived(self) -> set[str]:
        """Properties the mutant should have failed but passed."""
        return set(self.mutant.caught_by) - self.failed if self.applicable else set()

    @property
    def misdiagnosed(self) -> str | None:
        """Why the feedback does not name this mutant's own mistake, or None when it does."""
        if not self.applicable:
            return None
        if not self.mutant.diagnosis:
            return "the entry has no `diagnosis`"
        if self.diagnoses == (self.mutant.id,):
            return None
        if not self.diagnoses:
            return "no mistake was recognised"
        return f"recognised as {' + '.join(self.diagnoses)}"

    @property
    def repeated(self) -> list[str]:
        """The checks whose hint gives the same advice as the diagnosis shown with it."""
        return [f"{t.property} ({', '.join(sorted(found))})" for t in self.tests if (found := repeated_advice(t.output))]


def repeated_advice(output: str) -> set[str]:
    """The formulas that a check's hint and its diagnosis lines both quote (empty: said once)."""
    from autograder.grading.diagnosis import LINE_PREFIX
    from autograder.grading.hints import shared_formulas

    lines = output.splitlines()
    hints = [line.removeprefix("Hint: ") for line in lines if line.startswith("Hint: ")]
    diagnoses = [line.removeprefix(LINE_PREFIX) for line in lines if line.startswith(LINE_PREFIX)]
    return {f for h in hints for d in diagnoses for f in shared_formulas(h, d)}


def applicability(mutant: Mutant) -> str:
    """'' when `mutant` applies to the course's formulation, else why not."""
    from autograder.course import current

    course = current()
    if not mutant.admits(course):
        return f"written for other formulations than the course's ({course.key})"
    return ""


def audit(mutants: list[Mutant], progress=None, catalogue: list[Mutant] | None = None) -> list[AuditRow]:
    """Grade every mutant (only its own function): which properties it failed, what was diagnosed.

    The diagnosis matches against `catalogue` (default: `mutants` themselves), so a
    catalogue under test (`--catalogue`) is diagnosed with its own entries.
    """
    from autograder.grading import diagnosis
    from autograder.grading.engine import grade_submission

    rows = []
    with tempfile.TemporaryDirectory(prefix="autograder-audit-") as tmp, diagnosis.matching(catalogue or mutants):
        for mutant in mutants:
            why = applicability(mutant)
            if not why:
                try:
                    folder = materialise(mutant, Path(tmp) / mutant.id)
                except CatalogueError as error:
                    why = f"its edits do not apply to the course's reference ({error})"
            if why:
                rows.append(AuditRow(mutant, 0.0, 0.0, set(), not_applicable=why))
                if progress:
                    progress(rows[-1])
                continue
            report = grade_submission(folder, functions=(mutant.function,))
            failed = {t.property for t in report.tests if t.status == "failed"}
            diagnoses = next((t.diagnoses for t in report.tests if t.diagnoses), ())
            rows.append(AuditRow(mutant, report.score, report.max_score, failed, tests=tuple(report.tests),
                                 diagnoses=diagnoses))
            if progress:
                progress(rows[-1])
    return rows


@click.command("audit")
@click.option("--catalogue", "catalogue", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=None, help="A catalogue TOML file (default: the catalogues of the course's parts).")
@click.option("--part", "part", default=None, help="Audit only this part's catalogue (default: every part the course grades).")
@click.option("--only", multiple=True, help="Audit only these mutant ids (repeatable).")
@click.option("--course", "course", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="Audit for the formulation of this course.toml instead of the material's.")
def audit_command(catalogue: Path | None, part: str | None, only: tuple[str, ...], course: Path | None) -> None:
    """Check that the hidden suite catches and diagnoses every bug in the catalogue.

    Exits 1 and lists the survivors when a bug keeps points it should lose, when
    grading a bug does not show its own diagnosis, or when a check's hint repeats it.
    """
    import contextlib

    from rich.console import Console
    from rich.progress import Progress

    from autograder import parts
    from autograder.course import CourseFileError, current, load_file, use

    try:
        chosen_course = load_file(course) if course else current()
        chosen = [parts.get(part)] if part else [parts.get(name) for name in chosen_course.parts]
    except (CourseFileError, parts.PartError) as exc:
        raise click.ClickException(str(exc)) from None
    paths = [catalogue] if catalogue else [p.folder / CATALOGUE_FILE for p in chosen
                                           if (p.folder / CATALOGUE_FILE).is_file()]
    path = ", ".join(str(p) for p in paths) or "the course's parts (no catalogue)"
    try:
        mutants = [m for p in paths for m in load_mutants(p)]
    except CatalogueError as exc:
        raise click.ClickException(str(exc)) from None
    everything = mutants
    if only:
        unknown = set(only) - {m.id for m in mutants}
        if unknown:
            raise click.ClickException(f"{path}: no mutant with id {', '.join(sorted(unknown))}")
        mutants = [m for m in mutants if m.id in only]
    console = Console()
    with use(chosen_course) if course else contextlib.nullcontext(), Progress(console=console, transient=True) as bar:
        task = bar.add_task("grading the catalogue", total=len(mutants))
        rows = audit(mutants, progress=lambda row: bar.advance(task), catalogue=everything)
    survivors = [row for row in rows if row.survived]
    skipped = [row for row in rows if not row.applicable]
    for row in skipped:
        console.print(f"[dim]not applicable[/dim] {row.mutant.id}: {row.not_applicable}")
    rows = [row for row in rows if row.applicable]
    misdiagnosed = [row for row in rows if row.misdiagnosed]
    repeating = [row for row in rows if row.repeated]
    for row in rows:
        mark = "[red]SURVIVES[/red]" if row.survived else "[green]caught[/green]"
        detail = f" (passes {', '.join(sorted(row.survived))})" if row.survived else ""
        if row.misdiagnosed:
            detail += f" [red]NOT DIAGNOSED[/red] ({row.misdiagnosed})"
        if row.repeated:
            detail += f" [red]SAYS IT TWICE[/red] (hint and diagnosis of {'; '.join(row.repeated)})"
        console.print(f"{mark} {row.mutant.id}: {row.score:g}/{row.max_score:g}{detail}")
    console.print(f"{len(rows)} of {len(rows) + len(skipped)} entries apply, {len(skipped)} not applicable "
                  f"(course: {chosen_course.key}).")
    console.print(f"{len(rows) - len(survivors)} of {len(rows)} bugs caught by the properties that name them.")
    console.print(f"{len(rows) - len(misdiagnosed)} of {len(rows)} bugs diagnosed as themselves.")
    console.print(f"{len(rows) - len(repeating)} of {len(rows)} bugs whose feedback gives each piece of advice once.")
    if survivors or misdiagnosed or repeating:
        raise SystemExit(1)
