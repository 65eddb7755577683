"""`autograder check [DIR]`: the student's local check, the public tests only.

Runs pytest in a release folder (the folder students download: it holds the
`cs231n/` package they complete and the public checks in `tests/`). The public
checks are small hand-worked cases; passing them does not guarantee full marks,
the hidden grader checks much more.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import click

REQUIRED = ("cs231n", "tests")


def release_folder_problem(folder: Path) -> str | None:
    """Why `folder` is not a release folder, or None if it is one."""
    if not folder.is_dir():
        return f"{folder} is not a folder"
    missing = [name for name in REQUIRED if not (folder / name).is_dir()]
    if missing:
        return (
            f"{folder} is not a release folder: it has no {' and no '.join(m + '/' for m in missing)}"
            " folder. Run `autograder check` inside the assignment folder you downloaded "
            "(the one holding cs231n/ and tests/), or pass that folder: autograder check PATH"
        )
    return None


def run_public_checks(folder: Path, extra_args: tuple[str, ...] = ()) -> int:
    """Run pytest in `folder` in a child process; returns pytest's exit code."""
    command = [sys.executable, "-m", "pytest", *extra_args]
    return subprocess.run(command, cwd=folder, check=False).returncode


@click.command("check", short_help="Run the public checks in a release folder.")
@click.argument(
    "folder",
    required=False,
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
)
def check_command(folder: Path) -> None:
    """Run the public checks (pytest) in FOLDER, the release folder (default: here).

    The exit code is pytest's: 0 when every public check passes.
    """
    folder = folder.resolve()
    problem = release_folder_problem(folder)
    if problem:
        raise click.ClickException(problem)
    if importlib.util.find_spec("pytest") is None:
        raise click.ClickException("pytest is not installed: pip install pytest")
    click.echo(f"running the public checks in {folder}")
    click.get_current_context().exit(run_public_checks(folder))
