"""Which submission folders a batch grades, from the paths given on the command line.

- Several paths: each one is a submission folder (a student's copy of the release folder).
- One path: a submission when it holds `cs231n/` or one of the graded files directly;
  otherwise a folder of submissions, each of its subfolders being one student's
  submission (hidden folders, `__MACOSX` and the output folder are left out).

Every submission is graded into `OUT/<folder name>/results.json`, so names must be
unique, must not clash with the files the batch writes beside them, and no result
may land inside a submission (submissions are never modified). Anything wrong is a
`BatchInputError` whose message names the path.
"""

import os
from pathlib import Path

from autograder.parts import graded_files


def graded_names() -> tuple[str, ...]:
    """The file names of the graded files: a folder holding one of them is a submission."""
    return tuple(Path(relative).name for relative in graded_files())


RESERVED_NAMES = frozenset({"grades.csv", "report.html", "histogram.png", ".batch.lock",
                            "similarity.csv", "similarity.html"})
"""Files the batch writes in the output folder, beside the submissions' folders."""
IGNORED_FOLDERS = frozenset({"__MACOSX", "__pycache__"})


class BatchInputError(Exception):
    """The paths given cannot be graded as a batch; the message names the path."""


def _ignored(name: str) -> bool:
    return name.startswith(".") or name in IGNORED_FOLDERS


def looks_like_submission(folder: Path) -> bool:
    """A student's release folder: `cs231n/` or a graded file right inside it."""
    return (folder / "cs231n").is_dir() or any((folder / name).is_file() for name in graded_names())


def holds_graded_file(folder: Path) -> bool:
    """Whether a graded file's name occurs anywhere below `folder` (symbolic links not followed)."""
    for _root, dirs, files in os.walk(folder):
        if any(name in graded_names() for name in files):
            return True
        dirs[:] = [d for d in dirs if not _ignored(d)]
    return False


def _subfolders(folder: Path, out: Path | None) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise BatchInputError(f"{folder}: cannot list its contents ({exc.strerror})") from None
    return [p.resolve() for p in entries
            if p.is_dir() and not _ignored(p.name) and (out is None or p.resolve() != out)]


def _checked_folder(argument: Path) -> Path:
    if not argument.exists():
        raise BatchInputError(f"{argument}: no such folder")
    if not argument.is_dir():
        raise BatchInputError(f"{argument}: not a folder (give submission folders, or one folder that holds them)")
    return argument.resolve()


def find_submissions(arguments: list[Path], out: Path | None = None) -> list[Path]:
    """The submission folders (absolute, sorted by name) that `arguments` name.

    `out`, the output folder, is left out of a folder of submissions and checked
    not to overlap any submission.
    """
    if not arguments:
        raise BatchInputError("no submission folder given")
    out = out.resolve() if out is not None else None
    if len(arguments) == 1:
        folder = _checked_folder(Path(arguments[0]))
        if looks_like_submission(folder):
            submissions = [folder]
        else:
            submissions = _subfolders(folder, out)
            if not any(holds_graded_file(p) for p in submissions):
                raise BatchInputError(
                    f"{arguments[0]}: no submission found: neither it nor any folder in it holds "
                    f"{', '.join(graded_names())}")
    else:
        submissions = []
        for argument in arguments:
            folder = _checked_folder(Path(argument))
            if not looks_like_submission(folder):
                inner = [p for p in _subfolders(folder, out) if looks_like_submission(p)]
                if len(inner) > 1:
                    raise BatchInputError(
                        f"{argument}: holds several submissions ({inner[0].name}, {inner[1].name}, ...); "
                        "give a folder of submissions on its own, or list the submission folders")
            submissions.append(folder)
    return _checked_names(sorted(set(submissions), key=lambda p: (p.name, str(p))), out)


def _checked_names(submissions: list[Path], out: Path | None) -> list[Path]:
    seen: dict[str, Path] = {}
    for submission in submissions:
        name = submission.name
        if name in seen:
            raise BatchInputError(
                f"{seen[name]} and {submission}: two submissions named {name!r}; results are kept by "
                "folder name, so rename one of them")
        if name in RESERVED_NAMES:
            raise BatchInputError(f"{submission}: a submission may not be named {name!r} (the batch writes that file)")
        seen[name] = submission
        if out is not None:
            target = out / name
            if out == submission or out.is_relative_to(submission) or submission.is_relative_to(target):
                raise BatchInputError(
                    f"{submission}: the output folder {out} overlaps this submission, whose folder would "
                    "be written to; choose an --out folder outside the submissions")
    return submissions
