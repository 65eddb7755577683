"""What is compared: the graded files of each submission and the `.py` files of the archives.

A submission contributes only its graded files (`autograder.parts.graded_files()`, found
as `autograder grade` finds them), never notebooks or anything else. An archive folder
(previous years, public solutions) contributes every `.py` file below it, whatever the
layout, each one a document of its own named by its path relative to the folder.

Nothing here stops a run: a file that cannot be read (missing, unreadable, binary,
too large) becomes a note on its document, and an archive folder that does not exist
becomes a warning.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.session import MAX_SOURCE_BYTES, decode_source, locate_graded_file
from autograder.parts import graded_files
from autograder.paths import assignment_dir

SUBMISSION = "class"
ARCHIVE = "archive"
_IGNORED_FOLDERS = frozenset({"__pycache__", "__MACOSX"})


@dataclass
class Document:
    """One side of a comparison: a submission, or one archived file.

    `files` are (label, text) pairs: the label is the path shown in the report.
    `notes` say what could not be read or compared.
    """

    name: str
    kind: str
    files: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_text(path: Path, label: str) -> tuple[str | None, str | None]:
    """The text of a source file, or (None, why it cannot be compared)."""
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            return None, f"{label}: larger than {MAX_SOURCE_BYTES // 1024} KiB, not compared"
        data = path.read_bytes()
    except OSError as error:
        return None, f"{label}: cannot be read ({error.strerror or error}), not compared"
    if b"\x00" in data:
        return None, f"{label}: not a text file (binary content), not compared"
    try:
        text = decode_source(data)  # as the grader reads it: a BOM or a coding line decides
    except UnicodeDecodeError as error:
        return None, f"{label}: not {error.encoding} text (byte {error.start}), not compared"
    except (SyntaxError, LookupError) as error:  # not UTF-8 and no usable coding line
        return None, f"{label}: not readable as Python source text ({error}), not compared"
    return text, None


def submission_document(name: str, folder: Path) -> Document:
    """The graded files of one submission folder."""
    document = Document(name=name, kind=SUBMISSION)
    for relative in graded_files():
        path, problem = locate_graded_file(folder, relative)
        if path is None:
            document.notes.append(problem)
            continue
        label = path.relative_to(folder).as_posix()
        text, problem = read_text(path, label)
        if text is None:
            document.notes.append(problem)
        else:
            document.files.append((label, text))
    return document


def _python_files(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _IGNORED_FOLDERS)
        found.extend(Path(root) / name for name in files if name.endswith(".py") and not name.startswith("."))
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def archive_documents(folders: list[Path]) -> tuple[list[Document], list[str]]:
    """One document per `.py` file of the archive folders, and warnings about the folders."""
    documents: list[Document] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            warnings.append(f"archive {folder}: {'not a folder' if folder.exists() else 'no such folder'}; "
                            "nothing from it was compared")
            continue
        files = _python_files(folder)
        if not files:
            warnings.append(f"archive {folder}: holds no .py file; nothing from it was compared")
        for path in files:
            name = path.relative_to(folder).as_posix()
            if name in seen:
                name = f"{folder.name}/{name}"
            seen.add(name)
            document = Document(name=name, kind=ARCHIVE)
            text, problem = read_text(path, name)
            if text is None:
                document.notes.append(problem)
            else:
                document.files.append((name, text))
            documents.append(document)
    return documents, warnings


def template_texts() -> list[str]:
    """The release's own graded files (the stubs): their text never counts as similarity."""
    texts = []
    for relative in graded_files():
        path = assignment_dir() / relative
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8"))
    return texts
