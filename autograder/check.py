"""`autograder check [DIR]`: the student's local check, the public tests only.

Runs pytest in a release folder (the folder students download: it holds the
`cs231n/` package they complete and the public checks in `tests/`). The public
checks are small hand-worked cases; passing them does not guarantee full marks,
the hidden grader checks much more.

Before pytest runs, the graded files are scanned for imports the grader does not
have (anything but numpy and the standard library): each gets a warning naming
the file, the line and the module. The scan's single source is the public check
`tests/test_imports.py` of the release, loaded here from the autograder's own
release folder (or, without one, from the folder being checked).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import click

REQUIRED = ("cs231n", "tests")
IMPORT_CHECK = Path("tests") / "test_imports.py"


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


def _load_import_check(folder: Path):
    """The release's import check module (the autograder's copy first, else the folder's), or None."""
    from autograder.paths import MaterialNotFound, assignment_dir

    candidates = [folder / IMPORT_CHECK]
    try:
        candidates.insert(0, assignment_dir() / IMPORT_CHECK)
    except MaterialNotFound:
        pass
    for path in candidates:
        if path.is_file():
            return load_module(path)
    return None


def load_module(path: Path, name: str = "cs231n_release_import_check"):
    """The Python file `path` imported as module `name` (registered, as dataclasses need)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def import_warnings(folder: Path) -> list[str]:
    """One line per import, in the folder's graded files, of a module the grader does not have."""
    check = _load_import_check(folder)
    if check is None:
        return [f"{folder / IMPORT_CHECK} is missing: the imports of your graded files were not checked"]
    return [found.describe() for found in check.scan_release(folder)]


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
    for warning in import_warnings(folder):
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    click.echo(f"running the public checks in {folder}")
    click.get_current_context().exit(run_public_checks(folder))
