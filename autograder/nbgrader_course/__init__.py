"""The nbgrader workflow: nbgrader packages the release and the collection, our engine grades.

- `course`: `autograder nbgrader init`, the course folder and its nbgrader_config.py.
- `gradecells`: one autograded cell per graded function, filled with our feedback and points.
- `leaks`: the leak scan run on every release (generate_assignment, release_assignment).
- `engine_grades`: the autograde preprocessors that replace the kernel by our engine.
- `zipcollect`: zip_collect for the file names of LMS downloads.
- `workflow`: `autograder nbgrader release` and `autograder nbgrader autograde`.
- `command`: the `autograder nbgrader` commands.

Named `nbgrader_course`, not `nbgrader`, so that it never shadows the nbgrader package.
"""

from autograder.course import DEFAULT_PARTS

ASSIGNMENT = DEFAULT_PARTS[0]
"""nbgrader's name for the assignment of the default course (its one part's name)."""
MULTI_PART_ASSIGNMENT = "assignment1"
"""nbgrader's name for the assignment of a course that grades several parts."""


def assignment_name() -> str:
    """nbgrader's name for the course's assignment: its part's name when it grades one part
    (ASSIGNMENT for the default course), `assignment1` when it grades several."""
    from autograder.course import current

    chosen = current().parts
    return chosen[0] if len(chosen) == 1 else MULTI_PART_ASSIGNMENT
DEFAULT_COURSE_ID = "cs231n"
