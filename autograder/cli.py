"""The `autograder` command: one subcommand per step of the pipeline.

build (release) -> check (students) -> grade -> report; each subcommand lives in
its own module and is registered here.
"""

import click

from autograder import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="autograder")
def main() -> None:
    """Autograder for the CS231n linear classifiers (SVM, Softmax, SGD)."""


if __name__ == "__main__":
    main()
