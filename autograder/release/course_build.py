"""`autograder build`: the material follows course.toml, then the release follows the material.

In order, for the course (`autograder.course.load()`: its parts and settings):

1. the generated lines of `solutions/` (`course_solutions`), rewritten in place;
2. the stubs `assignment/cs231n/` (`stubs`), from those solutions;
3. the public checks of the course's parts and the import check (`public_check_files`);
   the other files of `assignment/tests/` are the instructor's and are never touched;
4. the notebooks (`autograder.release_notebooks.build_notebooks`).

`--check` writes nothing and lists every file that differs from what a build would
write, exiting 1 when there is one.
"""

from __future__ import annotations

from pathlib import Path

import click

from autograder.course import load
from autograder.paths import assignment_dir, material_root, solutions_dir
from autograder.release import public_check_files
from autograder.release.course_solutions import stale_solutions
from autograder.release.stubs import build, compare, default_source, default_target


def rendered_notebooks(course) -> dict[str, bytes]:
    """The notebooks a build writes: file name -> content (rendered once, compared and written)."""
    from autograder.release_notebooks import render_notebooks

    return {name: text.encode("utf-8") for name, text in render_notebooks(course).items()}


def _differing(expected: dict[str, bytes], folder: Path) -> list[str]:
    return [name for name, data in expected.items()
            if not (folder / name).is_file() or (folder / name).read_bytes() != data]


def build_release(check: bool, quiet: bool = False) -> None:
    """Build (or with `check`, compare) everything generated from course.toml and solutions/;
    `quiet`: say nothing of what a build wrote."""
    root = material_root()
    course = load(root)
    solutions, release = solutions_dir(), assignment_dir()
    solution_texts = stale_solutions(solutions, course)
    source, target = default_source(), default_target()
    stubs = compare(source, target, course)  # from the solutions as the course wants them
    checks = public_check_files.render_all(course)
    stale_checks = _differing(checks, release)
    notebooks = rendered_notebooks(course)
    stale_notebooks = _differing(notebooks, release)
    stated = f"course.toml ({course.key})"
    lines = [f"  {solutions / r}  (disagrees with {stated})" for r in solution_texts]
    if check:
        if not stubs.up_to_date:
            lines.append(stubs.describe(target))
        lines += [f"  {release / r}  (out of date with {stated})" for r in stale_checks]
        lines += [f"  {release / r}  (out of date)" for r in stale_notebooks]
        if lines:
            click.echo(f"{root} is out of date:\n" + "\n".join(lines) + "\nrun autograder build", err=True)
            click.get_current_context().exit(1)
        click.echo(f"{target} is up to date with {source} and {stated}")
        return
    for relative, text in solution_texts.items():
        (solutions / relative).write_text(text, encoding="utf-8")
    stubs = build(source, target, course)
    for relative, data in [(r, checks[r]) for r in stale_checks] + [(r, notebooks[r]) for r in stale_notebooks]:
        (release / relative).parent.mkdir(parents=True, exist_ok=True)
        (release / relative).write_bytes(data)
    lines = [f"  {solutions / r}  (rewritten for {course})" for r in solution_texts]
    if not stubs.up_to_date:
        lines.append(stubs.describe(target, ("written", "rewritten", "removed")))
    lines += [f"  {release / r}  (rewritten)" for r in stale_checks + stale_notebooks]
    if quiet:
        return
    if lines:
        click.echo(f"built {target} from {source} for {course}:\n" + "\n".join(lines))
    else:
        click.echo(f"{target} already up to date with {source} and {course}")
