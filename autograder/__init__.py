"""cs231n-autograder: release, collect, grade and report the CS231n linear-classifier assignment."""

__version__ = "0.1.0"
