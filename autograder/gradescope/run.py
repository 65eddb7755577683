"""What `run_autograder` runs on Gradescope: grade `$ROOT/submission` into `$ROOT/results/results.json`.

    python -m autograder.gradescope.run [--root ROOT]

ROOT defaults to `$AUTOGRADER_ROOT`, else `/autograder`. The results are written
whatever the score; the exit code is not 0 only when no results could be written
(Gradescope then shows the staff that the autograder failed).
"""

import argparse
import os
import sys
from pathlib import Path

import autograder
from autograder.grading.engine import grade_submission
from autograder.report.results import to_results, write_results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.gradescope.run", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(os.environ.get("AUTOGRADER_ROOT") or "/autograder"))
    args = parser.parse_args(argv)
    submission = args.root / "submission"
    target = args.root / "results" / "results.json"
    print(f"cs231n-autograder {autograder.__version__} from {Path(autograder.__file__).resolve().parent}")
    if not submission.is_dir():
        print(f"{submission}: no such folder (Gradescope puts the student's files there)", file=sys.stderr)
        return 1
    report = grade_submission(submission)
    write_results(target, to_results(report))
    print(f"{report.score:g} / {report.max_score:g} written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
