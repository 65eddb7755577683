"""`python -m autograder`: the `autograder` command."""

from autograder.launch import run

run()
