"""The `autograder` command: one subcommand per step of the pipeline.

build (release) -> check (students) -> grade -> report; each subcommand lives in
its own module and is registered here.
"""

import click

from autograder import __version__
from autograder.catalogue.audit import audit_command
from autograder.check import check_command
from autograder.demo import demo_command
from autograder.gradescope.build import gradescope_group
from autograder.grading.command import grade_command
from autograder.nbgrader_course.command import nbgrader_command
from autograder.release.stubs import build_command
from autograder.sandbox.doctor import doctor_command
from autograder.similarity.command import similarity_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="autograder")
def main() -> None:
    """Autograder for the CS231n linear classifiers (SVM, Softmax, SGD)."""


main.add_command(build_command)
main.add_command(check_command)
main.add_command(grade_command)
main.add_command(nbgrader_command)
main.add_command(gradescope_group)
main.add_command(demo_command)
main.add_command(audit_command)
main.add_command(doctor_command)
main.add_command(similarity_command)

if __name__ == "__main__":
    main()
