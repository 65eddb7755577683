"""`nbgrader zip_collect` for the file names that learning management systems give downloads.

nbgrader's `FileNameCollectorPlugin` matches `named_regexp` against the absolute
path of every file extracted from the downloaded archive (nested archives are
extracted into folders named after them). `LMS_FILENAME_REGEXP` understands the
bulk downloads of the common systems:

- Canvas: ``doejane_12345_678901_svm.ipynb`` (name, user id, file id, original
  name), ``doejane_LATE_12345_678901_svm.ipynb`` when late, and ``svm-1.ipynb``
  for a re-upload; the student id is the name part (``doejane``).
- Moodle: a folder ``Jane Doe_123456_assignsubmission_file_/`` holding the
  uploaded files, or the same prefix flattened into each file name; the
  student id is the full name (``Jane Doe``).
- Blackboard: ``HW1_jdoe_attempt_2024-01-30-15-00-00_svm.ipynb``; the student
  id is the user name (``jdoe``) and the attempt time is kept, so that the
  newest of several attempts wins.

Notebooks are collected by their file name alone (``svm.ipynb``, wherever a
student's own zip put it); Python files keep the folders they came in, so the
graded modules are found in any layout and two ``__init__.py`` never collide.
Files under ``__MACOSX``, ``.ipynb_checkpoints`` or ``__pycache__`` are skipped.

`LMSCollectorPlugin` is nbgrader's plugin with one addition: Blackboard's attempt
time (``2024-01-30-15-00-00``) is turned into a timestamp nbgrader can read.
"""

from __future__ import annotations

import re

from nbgrader.plugins import FileNameCollectorPlugin

LMS_FILENAME_REGEXP = (
    r"^(?!.*/(?:__MACOSX|\.ipynb_checkpoints|__pycache__)/)"
    r".*/"
    # Blackboard puts the assignment name first; the student id is the part just
    # before the system's marker in every case.
    r"(?:[^/]*_)?"
    r"(?P<student_id>(?!(?i:late)_)[^/_]+)_"
    r"(?:"
    r"attempt_(?P<timestamp>\d{4}(?:-\d\d){5})_"  # Blackboard
    r"|(?i:late_)?\d+_\d+_"  # Canvas
    r"|\d+_assignsubmission_[a-z]+_/?"  # Moodle, a folder or flattened
    r")"
    # Notebooks by their file name alone, wherever they are.
    r"(?:(?=.*\.ipynb$)(?:.*/)?)?"
    r"(?P<file_id>[^/].*?)"
    r"(?:-\d+)?"  # Canvas numbers re-uploads: svm-1.ipynb
    r"\.(?:ipynb|py)$"
)
"""The `FileNameCollectorPlugin.named_regexp` written into the course's nbgrader_config.py."""

COLLECTED_EXTENSIONS = [".ipynb", ".py"]

_BLACKBOARD_TIME = re.compile(r"(\d{4}-\d\d-\d\d)-(\d\d)-(\d\d)-(\d\d)\Z")


class LMSCollectorPlugin(FileNameCollectorPlugin):
    """nbgrader's file name collector, reading Blackboard's attempt times as timestamps."""

    def collect(self, submitted_file: str) -> dict | None:
        info = super().collect(submitted_file)
        if not info:
            return info
        info = {key: value for key, value in info.items() if value is not None}
        stamp = info.get("timestamp")
        if stamp:
            match = _BLACKBOARD_TIME.match(stamp)
            if match:
                day, hours, minutes, seconds = match.groups()
                info["timestamp"] = f"{day} {hours}:{minutes}:{seconds}"
        return info
