"""Launch the zygote's process (`zygote.py`): the first step of `process.Zygote`, on its own.

The zygote needs about as long to become ready as Python needs to import numpy, and a
single `autograder grade` waits for it before its first check. This module imports only
what launching needs (subprocess and socket), so that the `autograder` command can
launch the zygote before it imports anything else (`autograder.launch`); `process.Zygote`
then adopts that process instead of launching one. An early zygote that nothing adopts
(the command turned out not to grade, or this machine cannot use a zygote) is ended when
the command exits.
"""

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile

from autograder.paths import cache_dir, extra_parts_path

ZYGOTE_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zygote.py")
ZYGOTE_VARIABLE = "AUTOGRADER_ZYGOTE"


def child_environment(scratch) -> dict[str, str]:
    """A minimal environment: nothing of the grader's own variables reaches student code."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
    }


class Launched:
    """A zygote process just launched: its process, our end of its socket, its private folder."""

    def __init__(self):
        self.owner = os.getpid()
        self.home = tempfile.mkdtemp(prefix="autograder-zygote-")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-B", ZYGOTE_SCRIPT, str(theirs.fileno()), str(cache_dir()), extra_parts_path()],
                cwd=self.home, env=child_environment(self.home), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(theirs.fileno(),),
                start_new_session=True, close_fds=True,
            )
        except OSError:
            ours.close()
            shutil.rmtree(self.home, ignore_errors=True)
            raise
        finally:
            theirs.close()
        self.socket = ours

    def stop(self) -> None:
        try:
            self.socket.close()
        except OSError:
            pass
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        shutil.rmtree(self.home, ignore_errors=True)


_early: Launched | None = None


def launch_early() -> None:
    """Launch this process's zygote now, for `process.Zygote` to adopt (unless switched off)."""
    global _early
    if _early is not None or os.environ.get(ZYGOTE_VARIABLE, "1") == "0":
        return
    try:
        _early = Launched()
    except OSError:
        _early = None  # `process.Zygote` launches one itself, and reports what is wrong


def take_early() -> Launched | None:
    """The zygote launched early by this process, handed over once; None when there is none."""
    global _early
    launched, _early = _early, None
    if launched is not None and launched.owner != os.getpid():
        return None  # launched by the process this one was forked from: not ours
    return launched


@atexit.register
def _stop_unadopted() -> None:
    launched = take_early()
    if launched is not None:
        launched.stop()
