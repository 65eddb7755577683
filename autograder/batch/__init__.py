"""Grading a whole class: many submissions in parallel, resumable, with a class report.

- `discover`: which folders the command line names (submissions, or folders of them).
- `worker`: grade one submission into its results.json document (runs in a worker
  process, locally or on a Dask cluster).
- `runner`: the batch itself: what is left to grade, the workers, the progress bar,
  atomic writes, and then `grades.csv` and the class report.
- `gradebook`: `grades.csv`, one row per submission and one column per test.
- `class_report`: `report.html` and `histogram.png`.
- `cluster`: the same batch sent to a Dask distributed scheduler (`--scheduler`).

The command is `autograder grade SUBMISSION_DIR... --out DIR` (see
`autograder.grading.command`).
"""

from autograder.batch.discover import BatchInputError, find_submissions
from autograder.batch.runner import BatchSummary, run_batch

__all__ = ["BatchInputError", "BatchSummary", "find_submissions", "run_batch"]
