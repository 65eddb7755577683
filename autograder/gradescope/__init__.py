"""Gradescope: the autograder zip (`autograder gradescope build`) and what runs inside it.

- `build`: writes `autograder.zip` holding `setup.sh`, `run_autograder`,
  `requirements.txt` (pinned to the versions the zip was built with, so that grades
  and feedback are the same on Gradescope as here), the `autograder` package with
  its hidden properties, the reference solutions and the release's `cs231n` package.
- `run`: the program `run_autograder` starts: grade `$ROOT/submission`, write
  `$ROOT/results/results.json`. `$ROOT` is `/autograder` on Gradescope and can be
  moved with the environment variable `AUTOGRADER_ROOT` (tests run the zip in a
  temporary folder laid out like Gradescope's).
"""
