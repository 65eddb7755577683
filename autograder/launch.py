"""The `autograder` command's entry point: what must happen before the command line is read.

`autograder grade` grades as soon as it can, and its first check waits for the sandbox's
zygote (`sandbox.zygote_launch`), a process that takes about as long to start as Python
takes to import numpy. So when the first argument is `grade`, the zygote is launched here,
before click, the grading engine and numpy are imported, and it starts while they load.
For a `grade` that does not grade one submission here (a batch, `--help`, a mistake in the
arguments) it is simply ended at exit. Everything else is `cli.main`.
"""

import sys


def run() -> None:
    if sys.argv[1:2] == ["grade"]:
        from autograder.sandbox.zygote_launch import launch_early

        launch_early()
    from autograder.cli import main

    main()
