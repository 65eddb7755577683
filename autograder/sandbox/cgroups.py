"""The cgroup layer (grader side): a pids cgroup per child slot, killed as a whole.

Each child is moved into ``/sys/fs/cgroup/pids/autograder/slot-N`` right after it is
started (before it runs any student code). The cgroup caps how many processes and
threads it can have (a fork bomb stops there) and, when the child is ended, every
process still in it is killed, wherever it went: another session, another process
group, a double-forked daemon whose parent has exited. A student's process cannot
leave the cgroup (that needs root, write access to /sys, and the filesystem view of
the grader). Only cgroup v1's pids controller is used (what this machine kind offers);
elsewhere the layer is reported as skipped and clean-up falls back to killing by uid
and by process group.
"""

import os
import signal
import sys
import time
from pathlib import Path

V1_PIDS = Path("/sys/fs/cgroup/pids")
GROUP = "autograder"


def problem() -> str | None:
    """Why this layer cannot be used here, or None."""
    if sys.platform != "linux":
        return "not Linux"
    if not (V1_PIDS / "cgroup.procs").exists():
        return "no cgroup v1 pids controller (cgroup v2 is not supported yet)"
    if not os.access(V1_PIDS, os.W_OK):
        return "the pids cgroup is not writable (the grader is not root)"
    try:
        (V1_PIDS / GROUP).mkdir(exist_ok=True)
    except OSError as exc:
        return f"cannot create a cgroup ({exc.strerror})"
    return None


class ChildGroup:
    """The cgroup of one child slot."""

    def __init__(self, slot: int, max_tasks: int):
        self.path = V1_PIDS / GROUP / f"slot-{slot}"
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / "pids.max").write_text(str(max_tasks))
        self.kill_all()  # whatever a crashed earlier grader left in this slot

    @classmethod
    def existing(cls, path: Path) -> "ChildGroup":
        """A slot's cgroup found on disk (to clean up what an ended grader left)."""
        group = cls.__new__(cls)
        group.path = path
        return group

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return []

    def kill_all(self, seconds: float = 5.0) -> bool:
        """SIGKILL everything in the cgroup until it is empty; False if it never empties."""
        deadline = time.monotonic() + seconds
        while True:
            pids = self.pids()
            if not pids:
                return True
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)

    def remove(self) -> None:
        try:
            self.path.rmdir()
        except OSError:
            pass


def kill_uid(uid: int, seconds: float = 5.0) -> bool:
    """SIGKILL every process of `uid` (the fallback clean-up when there is no cgroup)."""
    deadline = time.monotonic() + seconds
    while True:
        found = False
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/status") as fh:
                    status = fh.read()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            try:
                if int(fields["Uid"].split()[1]) != uid or fields["State"].strip().startswith(("Z", "X")):
                    continue
                found = True
                os.kill(int(entry.name), signal.SIGKILL)
            except (KeyError, ValueError, IndexError, ProcessLookupError):
                continue
        if not found:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
