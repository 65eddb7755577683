"""The grader's side of the child process: start it with limits, talk to it, end it.

The child runs `child.py` in its own session (so that killing its process group ends
everything it started), in a private scratch folder, with a minimal environment (none
of the grader's variables), resource limits from the standard library (`resource`),
its standard output and error going to a capped log file, and two pipes carrying
`wire` messages. Every request has a wall-clock deadline; a child that misses it, dies
or answers garbage is killed and reported as `ChildFailure` with a message meant for
the student.

On top of that come the OS layers of `layers` (own uid, private filesystem view, no
network, Landlock, seccomp, cgroup), each used where this machine offers it: the plan
is made here from `layers.detect()` and handed to the child, which applies it at
`setup` and answers with what is in use. `sandbox_status()` tells which layers the
children use and why the others are skipped (also shown by `autograder doctor`).
`AUTOGRADER_SANDBOX_DISABLE` (comma-separated layer names, or `all`) switches layers
off, e.g. to see the plain fallback that a laptop without them gets.

Start-up: children are forked from a zygote (`zygote.py`, see `Zygote`), a clean
process that imported numpy and the child's code once, instead of starting Python and
numpy again for every submission. Where that is not possible (not Linux, no child
subreaper, the seccomp layer is off so student code could leave orphans behind, or
AUTOGRADER_ZYGOTE=0) each child is started with exec, as the zygote itself is.

Clean-up: when a child is ended, its process group, its cgroup (every process it ever
started, double-forked daemons included) and, without a cgroup, every process of its
uid are killed. Slots (uid and cgroup) are held with a lock file, so grader processes
running side by side never share one.
"""

import atexit
import fcntl
import json
import logging
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.paths import extra_parts_path
from autograder.sandbox import cgroups, layers, zygote_launch
from autograder.sandbox.channel import Channel, ChildFailure, Ticket
from autograder.sandbox.zygote_launch import ZYGOTE_VARIABLE, child_environment

# `wire` (and with it numpy) is imported when a child is first talked to: `autograder grade`
# starts the zygote before the grader itself has imported numpy.

CHILD_SCRIPT = Path(__file__).with_name("child.py")
MAX_OUTPUT_BYTES = 8 * 1024 * 1024
SHOWN_OUTPUT_CHARS = 2000
DISABLE_VARIABLE = "AUTOGRADER_SANDBOX_DISABLE"
log = logging.getLogger("autograder.sandbox")


@dataclass(frozen=True)
class Limits:
    """Resource limits for one child process."""

    call_seconds: float = 20.0
    """Wall-clock time for one request (one batch of calls)."""
    cpu_seconds: int = 300
    memory_bytes: int = 2 * 1024**3
    file_bytes: int = MAX_OUTPUT_BYTES
    open_files: int = 64


def _describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "did not answer"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hints = {
            "SIGSEGV": " (a segmentation fault)",
            "SIGXCPU": " (the CPU time limit)",
            "SIGKILL": " (killed, often for using too much memory)",
            "SIGXFSZ": " (the output size limit)",
        }
        return f"was ended by {name}{hints.get(name, '')}"
    return f"exited with code {returncode}"


def limit_settings(limits: Limits) -> list[tuple[str, int, int]]:
    """The child's resource limits as (RLIMIT name, soft, hard)."""
    return [
        ("RLIMIT_CORE", 0, 0),
        ("RLIMIT_CPU", limits.cpu_seconds, limits.cpu_seconds + 5),
        ("RLIMIT_AS", limits.memory_bytes, limits.memory_bytes),
        ("RLIMIT_FSIZE", limits.file_bytes, limits.file_bytes),
        ("RLIMIT_NOFILE", limits.open_files, limits.open_files),
    ]


def _child_limits(limits: Limits):
    settings = limit_settings(limits)

    def apply():
        for name, soft, hard in settings:
            try:
                resource.setrlimit(getattr(resource, name), (soft, hard))
            except (ValueError, OSError):  # e.g. RLIMIT_AS on macOS: the deadline still holds
                pass
        # Writing past the output limit raises an error in the student's code
        # instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    return apply


def disabled_layers() -> frozenset[str]:
    """The layers switched off with AUTOGRADER_SANDBOX_DISABLE ("all": every optional one)."""
    value = os.environ.get(DISABLE_VARIABLE, "")
    names = {n.strip() for n in value.split(",") if n.strip()}
    if "all" in names:
        return frozenset(layers.OPTIONAL)
    return frozenset(names)


_plans: dict[frozenset, dict] = {}


def sandbox_plan() -> dict:
    """The layers a new child will apply (detected once per process)."""
    disabled = disabled_layers()
    if disabled not in _plans:
        _plans[disabled] = layers.plan(disabled)
        if _plans[disabled]["cgroup"] and len(_plans) == 1:
            _sweep_stale_groups()
    return _plans[disabled]


def _sweep_stale_groups() -> None:
    """Remove the cgroups of slots nobody holds (left by graders that ended without clean-up)."""
    for path in (cgroups.V1_PIDS / cgroups.GROUP).glob("slot-*"):
        try:
            number = int(path.name.split("-", 1)[1])
            fd = os.open(_SLOT_DIR / f"slot-{number}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except (ValueError, OSError):
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            group = cgroups.ChildGroup.existing(path)
            if group.kill_all(seconds=1.0):
                group.remove()
        except OSError:
            pass
        finally:
            os.close(fd)


_status: dict[str, str] = {}
_warned: set[str] = set()
_status_lock = threading.Lock()


def sandbox_status() -> dict[str, str]:
    """Every layer: "in use ..." or "skipped: why", as the last child set up reported it.

    Before any child was set up, what the plan says (detection only)."""
    offered = layers.detect_cached()
    disabled = disabled_layers()
    status = {name: "in use" for name in layers.ALWAYS}
    for name in layers.OPTIONAL:
        if name in disabled:
            status[name] = f"skipped: switched off ({DISABLE_VARIABLE})"
        elif offered[name] is not None:
            status[name] = f"skipped: {offered[name]}"
        else:
            status[name] = "available"
    with _status_lock:
        status.update({k: v for k, v in _status.items() if k not in disabled})
    return status


def _record_status(reported: dict[str, str]) -> None:
    with _status_lock:
        _status.update(reported)
    for name in layers.OPTIONAL:
        text = reported.get(name, "")
        if text.startswith("skipped") and name not in _warned:
            _warned.add(name)
            log.warning("sandbox layer %s %s", name, text)


_SLOT_DIR = Path(tempfile.gettempdir()) / "autograder-sandbox-slots"


class _Slot:
    """A uid and cgroup number held by this process (a lock file) while a child uses it."""

    def __init__(self):
        _SLOT_DIR.mkdir(mode=0o700, exist_ok=True)
        start = (os.getpid() * 7) % layers.UID_SLOTS
        for i in range(layers.UID_SLOTS):
            number = (start + i) % layers.UID_SLOTS
            fd = os.open(_SLOT_DIR / f"slot-{number}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            self.number, self.fd = number, fd
            self.uid = layers.UID_BASE + number
            return
        raise RuntimeError("no free sandbox slot")

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class ZygoteError(Exception):
    """The zygote cannot start a child (the caller starts one with exec instead)."""


class _ForkedChild:
    """What `subprocess.Popen` offers, for a child forked by the zygote and re-parented to us."""

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere: it has ended, how is unknown
                self.returncode = -signal.SIGKILL
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = 0.0005
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


_PR_SET_CHILD_SUBREAPER = 36


def _become_subreaper() -> str | None:
    """Make this process adopt its orphaned descendants (the zygote's children); None if done."""
    if sys.platform != "linux":
        return "not Linux"
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        return f"prctl(PR_SET_CHILD_SUBREAPER): {os.strerror(ctypes.get_errno())}"
    return None


class Zygote:
    """The grader's handle on its zygote (see `zygote.py`): one per grader process."""

    READY_SECONDS = 60.0

    def __init__(self):
        self.lock = threading.Lock()
        launched = zygote_launch.take_early() or zygote_launch.Launched()  # see `autograder.launch`
        self.owner, self.proc, self.socket = launched.owner, launched.proc, launched.socket
        self.home = Path(launched.home)
        self._launched = launched
        try:
            answer = self._answer(self.READY_SECONDS)
        except ZygoteError:
            self.stop()
            raise
        if not answer.get("ready"):
            self.stop()
            raise ZygoteError(answer.get("error", "the zygote did not start"))

    def _answer(self, seconds: float) -> dict:
        self.socket.settimeout(seconds)
        try:
            data = self.socket.recv(1 << 16)
        except (TimeoutError, OSError) as exc:
            raise ZygoteError(f"the zygote did not answer ({exc})") from None
        if not data:
            raise ZygoteError("the zygote has ended")
        try:
            return json.loads(data)
        except ValueError:
            raise ZygoteError("the zygote sent an unreadable answer") from None

    def spawn(self, request: dict, fds: tuple[int, int, int]) -> int:
        """Fork a child; its pid (our own child by now, as we are its subreaper)."""
        with self.lock:
            try:
                socket.send_fds(self.socket, [json.dumps(request).encode()], list(fds))
            except OSError as exc:
                raise ZygoteError(f"the zygote cannot be reached ({exc})") from None
            answer = self._answer(30.0)
        if "pid" not in answer:
            raise ZygoteError(answer.get("error", "the zygote did not fork"))
        return int(answer["pid"])

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        self._launched.stop()


_zygote: Zygote | None = None
_zygote_problem: str | None = None
_zygote_lock = threading.Lock()


def zygote_for(plan: dict) -> Zygote | None:
    """This process's zygote, started on first use; None when children must be exec'd."""
    global _zygote, _zygote_problem
    if os.environ.get(ZYGOTE_VARIABLE, "1") == "0" or not plan.get("seccomp"):
        return None  # without seccomp, student code could fork, and we would adopt its orphans
    with _zygote_lock:
        if _zygote is not None and (_zygote.owner != os.getpid() or not _zygote.alive()):
            if _zygote.owner == os.getpid():
                _zygote.stop()
            _zygote = None
        if _zygote is None and _zygote_problem is None:
            _zygote_problem = _become_subreaper()
            if _zygote_problem is None:
                try:
                    _zygote = Zygote()
                except (ZygoteError, OSError) as exc:
                    _zygote_problem = str(exc)
            if _zygote_problem:
                log.warning("children are started with exec, not forked from a zygote: %s", _zygote_problem)
        return _zygote


def start_zygote_in_background(standby: Limits | None = None) -> None:
    """Have this process's zygote start while the grader does other work, and then, with
    `standby`, a child with those limits for `acquire` to find.

    The zygote takes about as long to become ready as Python takes to import numpy, and a
    child's start (a fork, its slot, moving it into its cgroup) some 20 ms more. A command
    that grades right away (`autograder grade`) calls this first, so both happen while the
    grader imports its engine and stages the submission, instead of after. `zygote_for`
    and `acquire` wait for a start in progress: only when the wait happens changes.
    """
    plan = sandbox_plan()  # here, not in the thread: the plan is made once per process

    def start() -> None:
        zygote_for(plan)
        if standby is not None:
            _start_standby(standby)

    threading.Thread(target=start, name="autograder-zygote-start", daemon=True).start()


def start_mode() -> str:
    """How children start in this process: forked from the zygote, or exec and why."""
    if os.environ.get(ZYGOTE_VARIABLE, "1") == "0":
        return f"exec (switched off: {ZYGOTE_VARIABLE}=0)"
    if not sandbox_plan().get("seccomp"):
        return "exec (a zygote needs the seccomp layer: without it student code could fork)"
    if zygote_for(sandbox_plan()) is None:
        return f"exec ({_zygote_problem})"
    return "forked from a zygote (numpy imported once)"


def stop_zygote() -> None:
    global _zygote
    with _zygote_lock:
        if _zygote is not None and _zygote.owner == os.getpid():
            _zygote.stop()
        _zygote = None


class ChildProcess:
    """One running child; `request` sends a message and waits for the answer.

    A child starts in a private folder of its own (which also holds its output log)
    and is pointed at a staged submission with `setup`, so that it can be started
    ahead of time (see `acquire`).
    """

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        self.home = Path(tempfile.mkdtemp(prefix="autograder-child-"))
        self.log_path = self.home / "output.log"
        self.proc: subprocess.Popen | _ForkedChild | None = None
        self.plan = dict(sandbox_plan())
        self.layers: dict[str, str] = {}
        self.slot: _Slot | None = None
        self.group: cgroups.ChildGroup | None = None
        self._req_w = self._resp_r = -1
        self._channel: Channel | None = None
        self._sent = 0

    def start(self) -> None:
        config = dict(self.plan, home=str(self.home))
        if config["uid"] or config["cgroup"]:
            self.slot = _Slot()
            config["uid_number"] = self.slot.uid
            if config["cgroup"]:
                try:
                    self.group = cgroups.ChildGroup(self.slot.number, layers.MAX_TASKS)
                except OSError as exc:
                    config["cgroup"] = False
                    _record_status({"cgroup": f"skipped: {exc}"})
            if config["uid"] and self.group is None:
                cgroups.kill_uid(self.slot.uid)
        req_r, self._req_w = os.pipe()
        self._resp_r, resp_w = os.pipe()
        with open(self.log_path, "ab") as log_file:
            try:
                self.proc = self._fork(config, (req_r, resp_w, log_file.fileno()))
            except ZygoteError as exc:
                log.warning("starting a child with exec: %s", exc)
            if self.proc is None:
                self.proc = subprocess.Popen(
                    [sys.executable, "-I", "-B", str(CHILD_SCRIPT), str(req_r), str(resp_w),
                     json.dumps(dict(config, parts_path=extra_parts_path()))],
                    cwd=self.home,
                    env=child_environment(self.home),
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=log_file,
                    pass_fds=(req_r, resp_w),
                    start_new_session=True,
                    preexec_fn=_child_limits(self.limits),
                    close_fds=True,
                )
        os.close(req_r)
        os.close(resp_w)
        self._channel = Channel(self._req_w, self._resp_r)
        if self.group is not None:
            try:
                self.group.add(self.proc.pid)  # before it runs any student code (at setup)
            except OSError as exc:
                _record_status({"cgroup": f"skipped: {exc}"})
                self.group = None

    def _fork(self, config: dict, fds: tuple[int, int, int]) -> "_ForkedChild | None":
        """The child forked by this process's zygote, or None when there is none."""
        zygote = zygote_for(self.plan)
        if zygote is None:
            return None
        request = {"config": config, "home": str(self.home), "environment": child_environment(self.home),
                   "limits": limit_settings(self.limits)}
        return _ForkedChild(zygote.spawn(request, fds))

    def setup(self, work: Path) -> None:
        """Point the child at a staged submission folder; it applies its layers there."""
        answer = self.request({"op": "setup", "cwd": str(work)})
        self.layers = dict(answer.get("layers", {}))
        if self.group is not None:
            self.layers["cgroup"] = f"in use (pids, at most {layers.MAX_TASKS} tasks)"
        elif self.plan.get("cgroup"):
            self.layers["cgroup"] = "skipped: the child could not be moved into its cgroup"
        _record_status(self.layers)

    def cpu_seconds(self) -> float | None:
        """CPU time the child's main thread has used so far, read by the grader from /proc.

        Unlike anything the child reports about itself, student code cannot fake it
        (it runs in that thread). Nanosecond resolution where /proc/PID/schedstat exists."""
        if self.proc is None:
            return None
        try:
            return int(Path(f"/proc/{self.proc.pid}/schedstat").read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            pass
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def request(self, message: dict, seconds: float | None = None) -> dict:
        """Send one request and wait for its answer; raise ChildFailure if the child dies,
        hangs or garbles (NotRun if it had ended before this request was reached)."""
        return self.wait(self.send(message), seconds)

    def send(self, message: dict) -> Ticket:
        """Send a request without waiting for its answer.

        Requests are numbered, and the child's answer to each carries its number: an answer
        out of place (something written to the child's end of the pipe besides its answers)
        fails the request being waited for instead of being taken for the answer to another.
        """
        if not self.alive or self._channel is None:
            raise ChildFailure("the process running your code is not running")
        from autograder.sandbox import wire

        self._sent += 1
        return self._channel.send(wire.encode({**message, "number": self._sent}), self._sent)

    def wait(self, ticket: Ticket, seconds: float | None = None) -> dict:
        """The answer to `ticket`. The answers to the requests sent before it are read first
        (kept in their tickets); each answer may take `seconds` from when it is waited for."""
        from autograder.sandbox import wire

        seconds = seconds or self.limits.call_seconds
        while ticket.pending and self._channel is not None and self._channel.oldest() is not None:
            channel = self._channel
            channel.deadline = time.monotonic() + seconds
            try:
                answer = wire.read_message(channel)
            except TimeoutError:
                error = f"your code did not finish within {seconds:g} seconds (an infinite loop?)"
            except (EOFError, OSError):
                error = None  # said once the process is reaped: how it ended
            except wire.WireError as exc:
                error = f"the process running your code sent an unreadable answer ({exc})"
            else:
                if isinstance(answer, dict) and answer.pop("number", None) == channel.oldest().number:
                    channel.answered(answer)
                    continue
                error = "the process running your code sent an unreadable answer"
            # The request waited for failed: the child is killed, the requests after it never ran.
            self._kill_process()
            self._close(error or f"the process running your code {_describe_exit(self.proc.returncode)}")
        return ticket.result()

    def outstanding(self) -> Ticket | None:
        """The last request sent whose answer has not been read yet, or None."""
        channel = self._channel
        return channel.tickets[-1] if channel is not None and channel.tickets else None

    def kill(self) -> None:
        """End the child and everything it started (process group, cgroup, uid); reap it.
        The requests whose answers were not read yet never ran."""
        if self.proc is None:
            return
        self._kill_process()
        self._close(None)

    def _close(self, error: str | None) -> None:
        """Close the pipes of a child that has ended: the request it was handling failed with
        `error` (None: the grader ended it, and nothing it was doing counts), the rest never ran."""
        if self._channel is not None:
            self._channel.end(error)
            self._channel = None
        for fd in ("_req_w", "_resp_r"):
            try:
                os.close(getattr(self, fd))
            except OSError:
                pass
            setattr(self, fd, -1)

    def _kill_process(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.kill()
        except OSError:
            pass
        if self.group is not None:
            self.group.kill_all()
        elif self.slot is not None and self.plan.get("uid"):
            cgroups.kill_uid(self.slot.uid)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def discard(self) -> None:
        """Kill the child and remove its private folder (after reading its output)."""
        self.kill()
        if self.group is not None:
            self.group.remove()
            self.group = None
        if self.slot is not None:
            self.slot.release()
            self.slot = None
        shutil.rmtree(self.home, ignore_errors=True)

    def output(self) -> str:
        """What the student's code printed (the start and the end when it is long)."""
        try:
            data = self.log_path.read_bytes()
        except OSError:
            return ""
        text = data.decode("utf-8", errors="replace")
        if len(text) > SHOWN_OUTPUT_CHARS:
            half = SHOWN_OUTPUT_CHARS // 2
            text = text[:half] + f"\n... ({len(text) - 2 * half} characters left out) ...\n" + text[-half:]
        return text


_standby: dict[tuple, ChildProcess] = {}
_standby_lock = threading.Lock()


_acquired: set[tuple] = set()
"""The kinds of child (limits, layers) this process has asked for before."""


def acquire(limits: Limits | None = None) -> ChildProcess:
    """A started child, taken from a standby started earlier when there is one.

    A child's start-up (a fork of the zygote, its slot and cgroup, or a whole Python with
    numpy without a zygote) is hidden from every submission but the first by keeping one
    child started ahead of time. Only a process that asks a second time gets one: a single
    `autograder grade` would pay for a standby it never uses, at the worst moment, while
    its only submission waits.
    """
    limits = limits or Limits()
    key = (limits, disabled_layers())
    with _standby_lock:
        child = _standby.pop(key, None)
        if child is None or not child.alive:
            if child is not None:
                child.discard()
            child = ChildProcess(limits)
            child.start()
        if key in _acquired:
            replacement = ChildProcess(limits)
            replacement.start()
            _standby[key] = replacement
        _acquired.add(key)
    return child


def _start_standby(limits: Limits) -> None:
    """Start a child for `acquire(limits)` unless one is waiting; a child that cannot be started
    here is started (and its problem reported) by `acquire`."""
    key = (limits, disabled_layers())
    with _standby_lock:
        if key in _standby:
            return
        child = ChildProcess(limits)
        try:
            child.start()
        except Exception:  # noqa: BLE001 - acquire starts one itself, and says what is wrong
            child.discard()
            return
        _standby[key] = child


@atexit.register
def release_standby() -> None:
    """End the children kept in reserve and the zygote (at exit, or before forking workers)."""
    with _standby_lock:
        for child in _standby.values():
            child.discard()
        _standby.clear()
    stop_zygote()
