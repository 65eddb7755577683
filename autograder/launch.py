"""The `autograder` command's entry point: what must happen before the command line is read.

`autograder grade` grades as soon as it can, and its first check waits for the sandbox's
zygote (`sandbox.zygote_launch`), a process that takes about as long to start as Python
takes to import numpy. So when the first argument is `grade`, the zygote is launched here,
before click, the grading engine and numpy are imported, and it starts while they load.
For a `grade` that does not grade one submission here (a batch, `--help`, a mistake in the
arguments) it is simply ended at exit.

A `grade` that ends normally also skips the interpreter's own clean-up once every exit
handler has run (the zygote and the children are ended by theirs, the results are written
and closed by then): tearing down numpy, the engine and the cached examples module by
module takes some 25 ms that no one waits for usefully. Everything else is `cli.main`.
"""

import atexit
import os
import sys

_exit_code: list[int] = []


def run() -> None:
    if sys.argv[1:2] == ["grade"]:
        atexit.register(_exit_at_once)  # first registered, so it runs after every other handler
        from autograder.sandbox.zygote_launch import launch_early

        launch_early()
    from autograder.cli import main

    try:
        main()
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            _exit_code.append(done.code or 0)
        raise


def _exit_at_once() -> None:
    """End the process with the command's exit code, after the other exit handlers (below
    them all); a command that ended with an error message or a traceback exits normally."""
    if not _exit_code:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(_exit_code[0])
