"""The zygote: a clean process that imports numpy and the child's code once, and forks
every new child from itself (started and driven by `process.Zygote`).

Starting Python and importing numpy is most of what a child costs before it runs any
student code (about 0.2 CPU-seconds each time); a fork costs about a millisecond. The
zygote is started exactly like a child (``python -I -B``, minimal environment, none of
the grader's memory: no hidden properties, rubric or reference solutions) and never runs
student code, so what a child inherits from it is numpy, `child`'s code and the
CS231n-size arrays, nothing more than an exec'd child has.

Its arguments: the descriptor of its socket, the grader's cache folder (where a part's
harness may keep what it prepares, e.g. the CS231n-size problem, for the zygote to map
instead of making), and AUTOGRADER_PARTS_PATH (folders of further parts' harnesses).

Protocol, over the Unix SOCK_SEQPACKET socket whose descriptor is argv[1]: once ready the
zygote sends {"ready": true} (or {"error": ...} and exits). Then, per child, the grader
sends one JSON message with three descriptors attached (SCM_RIGHTS): the request pipe's
read end, the response pipe's write end and the output log. The zygote forks twice: the
middle process exits at once, so the child is re-parented to the grader (a child
subreaper), which waits for it like for any child of its own. The answer is
{"pid": N} or {"error": ...}. The zygote ends when the grader closes the socket.

The child, before anything else: the zygote's socket closed, its own session, the log as
standard output and error, every other descriptor closed, the resource limits, its
private folder and environment; then `child.run` (the layers' `start`, then requests).
"""

import json
import os
import resource
import signal
import socket
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import child  # noqa: E402  (imports numpy, wire, layers)

del sys.path[0]

MAX_MESSAGE = 1 << 16


def _close_other_descriptors(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _become_child(control: socket.socket, request: dict, request_fd: int, response_fd: int, log_fd: int) -> None:
    """The grandchild's start: isolate it from the zygote, then serve requests (never returns)."""
    status = 1
    try:
        control.close()  # first: student code must never reach the zygote
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        _close_other_descriptors({0, 1, 2, request_fd, response_fd} | child.inherited_descriptors())
        for name, soft, hard in request["limits"]:
            try:
                resource.setrlimit(getattr(resource, name), (soft, hard))
            except (ValueError, OSError, AttributeError):
                pass
        # Writing past the output limit raises an error in the student's code instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        os.chdir(request["home"])
        os.environ.clear()
        os.environ.update(request["environment"])
        sys.argv = [child.__file__]
        child.run(request["config"], request_fd, response_fd)
        status = 0
    except BaseException:  # noqa: BLE001 - reported in the child's output log
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(status)


def spawn(control: socket.socket, request: dict, fds: list[int]) -> int:
    """Fork a child for `request` with its three descriptors; its pid, once it is re-parented."""
    if len(fds) != 3:
        raise ValueError(f"expected 3 descriptors, got {len(fds)}")
    request_fd, response_fd, log_fd = fds
    read_pid, write_pid = os.pipe()
    middle = os.fork()
    if middle == 0:
        try:
            os.close(read_pid)
            pid = os.fork()
            if pid == 0:
                os.close(write_pid)
                _become_child(control, request, request_fd, response_fd, log_fd)
            os.write(write_pid, str(pid).encode())
        finally:
            os._exit(0)
    os.close(write_pid)
    try:
        data = b""
        while chunk := os.read(read_pid, 64):
            data += chunk
    finally:
        os.close(read_pid)
        os.waitpid(middle, 0)  # once the middle process is gone the child belongs to the grader
    if not data:
        raise OSError("the fork failed")
    return int(data)


def serve(control: socket.socket) -> None:
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, MAX_MESSAGE, 3)
        except InterruptedError:
            continue
        if not message:
            return  # the grader has gone
        try:
            answer = {"pid": spawn(control, json.loads(message), list(fds))}
        except Exception as exc:  # noqa: BLE001 - told to the grader, which starts children itself
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            for fd in fds:
                try:
                    os.close(fd)
                except OSError:
                    pass
        control.send(json.dumps(answer).encode())


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:  # namespaces (and a safe fork) need a single-threaded process
        control.send(json.dumps({"error": f"the zygote has {threads} threads after importing numpy"}).encode())
        return
    child.prepare(sys.argv[2] if len(sys.argv) > 2 else None, sys.argv[3] if len(sys.argv) > 3 else "")
    control.send(json.dumps({"ready": True}).encode())
    serve(control)


if __name__ == "__main__":
    main()
