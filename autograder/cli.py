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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="autograder")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Autograder for the CS231n linear classifiers (SVM, Softmax, SGD)."""
    if not ctx.resilient_parsing:
        check_course_file()


def check_course_file() -> None:
    """Refuse an invalid course.toml before any command runs (a missing one means the defaults),
    and solutions whose generated lines cannot be found (the reference could not follow it)."""
    from autograder.formulation import CourseFileError, load
    from autograder.paths import MaterialNotFound, solutions_dir
    from autograder.release.course_solutions import SolutionLineError, stale_solutions

    try:
        stale_solutions(solutions_dir(), load())
    except MaterialNotFound:
        pass  # no material here (doctor, a bare install): the command says so if it needs one
    except (CourseFileError, SolutionLineError) as error:
        raise click.ClickException(str(error)) from None


main.add_command(build_command)
main.add_command(check_command)
main.add_command(grade_command)
main.add_command(nbgrader_command)
main.add_command(gradescope_group)
main.add_command(demo_command)
main.add_command(audit_command)
main.add_command(doctor_command)

if __name__ == "__main__":
    main()
