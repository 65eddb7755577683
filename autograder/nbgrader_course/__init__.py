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

ASSIGNMENT = "linear_classifiers"
"""nbgrader's name for the assignment."""
DEFAULT_COURSE_ID = "cs231n"
