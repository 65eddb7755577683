"""`autograder gradescope build --out autograder.zip`: the zip to upload to Gradescope.

Gradescope unpacks the zip in `/autograder/source`, runs `setup.sh` there once, and
then `run_autograder` for each submission (see `autograder.gradescope`). The zip is
reproducible: entries sorted, fixed dates, no compiled files.
"""

import io
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import click

from autograder.course import CourseFileError, course_file, load
from autograder.paths import MaterialNotFound, assignment_dir, solutions_dir

PACKAGE_DIR = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
PINNED = ("numpy", "hypothesis")
"""What grading imports besides the standard library; pinned to the versions here."""
EXECUTABLE = ("setup.sh", "run_autograder")
DATE = (1980, 1, 1, 0, 0, 0)


def requirements() -> str:
    lines = ["# Pinned to the versions the zip was built with: same examples, same feedback."]
    for name in PINNED:
        try:
            lines.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            lines.append(name)
    return "\n".join(lines) + "\n"


def _tree(folder: Path, prefix: str) -> dict[str, bytes]:
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        if path.is_file() and path.suffix not in (".pyc", ".pyo"):
            files[f"{prefix}/{relative.as_posix()}"] = path.read_bytes()
    return files


def zip_members() -> dict[str, bytes]:
    """Every file of the zip, by its name inside the zip."""
    release = assignment_dir() / "cs231n"
    if not release.is_dir():
        raise MaterialNotFound(f"{release} does not exist: run `autograder build` first")
    members = {
        "setup.sh": (HERE / "setup.sh").read_bytes(),
        "run_autograder": (HERE / "run_autograder").read_bytes(),
        "requirements.txt": requirements().encode(),
    }
    members.update(_tree(PACKAGE_DIR, "autograder"))
    members.update(_tree(solutions_dir() / "cs231n", "solutions/cs231n"))
    course = course_file()
    if course.is_file():
        load()  # an invalid course.toml is refused here, not in Gradescope
        members["course.toml"] = course.read_bytes()
    members.update(_tree(release, "assignment/cs231n"))
    return members


def build_zip(out: Path) -> list[str]:
    """Write the zip to `out` (atomically) and return its member names."""
    from autograder.report.results import write_atomically_bytes

    members = zip_members()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100755 if name in EXECUTABLE else 0o100644) << 16
            archive.writestr(info, members[name])
    write_atomically_bytes(Path(out), buffer.getvalue())
    return sorted(members)


@click.group("gradescope")
def gradescope_group() -> None:
    """Gradescope: build the autograder zip to upload."""


@gradescope_group.command("build")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("autograder.zip"),
              show_default=True, help="Where to write the zip.")
def build_command(out: Path) -> None:
    """Build the zip Gradescope expects: setup.sh, run_autograder and the hidden suite."""
    try:
        names = build_zip(out)
    except (MaterialNotFound, CourseFileError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{out}: cannot write the zip ({exc.strerror})") from None
    from autograder.parts import graded_files

    files = [Path(relative).name for relative in graded_files()]
    listed = files[0] if len(files) == 1 else ", ".join(files[:-1]) + " and " + files[-1]
    click.echo(f"Wrote {out} ({len(names)} files). Upload it as the autograder of a Gradescope programming "
               f"assignment (Ubuntu base image); students upload {listed}, or their whole assignment folder.")
