"""The `autograder` command: one subcommand per step of the pipeline.

build (release) -> check (students) -> grade -> report; each subcommand lives in
its own module and is registered here by its import path. A subcommand's module is
imported only when that subcommand runs (or when help lists it), so that
`autograder grade` does not pay for the doctor, nbgrader or Gradescope tooling.

To add a command: ``main.add_lazy_command("name", "autograder.package.module:function")``
(an already imported click command can still be added with ``main.add_command``).
"""

import importlib

import click

from autograder import __version__


class LazyGroup(click.Group):
    """A click group whose subcommands are imported by name when first needed.

    The pattern of click's documentation ("Lazily Loading Subcommands"): `list_commands`
    knows every name without importing anything; `get_command` imports the one asked for.
    `autograder --help` asks for all of them, so it still shows each one's short help.
    """

    def __init__(self, *args, lazy_subcommands: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_subcommands: dict[str, str] = dict(lazy_subcommands or {})

    def add_lazy_command(self, name: str, import_path: str) -> None:
        """Register `name` as the click command at `import_path` ("package.module:attribute")."""
        self.lazy_subcommands[name] = import_path

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_subcommands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands:
            return self._load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def _load(self, cmd_name: str) -> click.Command:
        module_name, attribute = self.lazy_subcommands[cmd_name].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy_subcommands[cmd_name]} is not a click command")
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="autograder")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Autograder for the CS231n linear classifiers (SVM, Softmax, SGD)."""
    if not ctx.resilient_parsing:
        check_course_file()


def check_course_file() -> None:
    """Refuse an invalid course.toml before any command runs (a missing one means the defaults),
    and solutions whose generated lines cannot be found (the reference could not follow it)."""
    from autograder.course import CourseFileError, load
    from autograder.parts import PartError
    from autograder.paths import MaterialNotFound, solutions_dir
    from autograder.release.course_solutions import SolutionLineError, stale_solutions

    try:
        stale_solutions(solutions_dir(), load())
    except MaterialNotFound:
        pass  # no material here (doctor, a bare install): the command says so if it needs one
    except (CourseFileError, SolutionLineError, PartError) as error:
        raise click.ClickException(str(error)) from None


main.add_lazy_command("build", "autograder.release.stubs:build_command")
main.add_lazy_command("check", "autograder.check:check_command")
main.add_lazy_command("grade", "autograder.grading.command:grade_command")
main.add_lazy_command("nbgrader", "autograder.nbgrader_course.command:nbgrader_command")
main.add_lazy_command("gradescope", "autograder.gradescope.build:gradescope_group")
main.add_lazy_command("demo", "autograder.demo:demo_command")
main.add_lazy_command("audit", "autograder.catalogue.audit:audit_command")
main.add_lazy_command("doctor", "autograder.sandbox.doctor:doctor_command")
main.add_lazy_command("similarity", "autograder.similarity.command:similarity_command")

if __name__ == "__main__":
    main()
