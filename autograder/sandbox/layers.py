"""The sandbox's layers: what this machine offers, and the code that applies them in the child.

Student code runs in a child process (see `process`) that is wrapped in layers, each used
where the machine offers it and reported as skipped where it does not:

- `limits`: resource limits (wall-clock deadline per request, CPU time, address space,
  file size, open files, no core dumps); always, on every POSIX system.
- `session`: its own session and process group, killed as a whole; always.
- `environment`: none of the grader's environment variables; always.
- `output`: what the child prints goes to a capped log file, truncated, never parsed; always.
- `uid`: an unprivileged user id of its own per child (only when the grader runs as root),
  which also makes `RLIMIT_NPROC` count that child's processes only.
- `mount`: a private filesystem view (a mount namespace whose root holds only the
  interpreter, the system libraries and the submission's scratch folder, like
  bubblewrap); the scratch folder is the child's own copy in a size-limited tmpfs.
- `network`: no network (an empty network namespace).
- `landlock`: the kernel's Landlock LSM: file access limited to the same paths, no TCP,
  no signals to processes outside the sandbox, no abstract Unix sockets.
- `seccomp`: a system-call filter (PyPI `pyseccomp`): no fork or exec (threads still
  work), no sockets but Unix ones, no ptrace, mounts, namespaces, kernel keyrings, bpf...
- `cgroup`: the child in a cgroup of its own: a process-count limit, and at the end every
  process in it is killed (double-forked daemons included).

The child applies its layers itself, in two steps, because a standby child is started
before it knows which scratch folder it will serve: `start` (namespaces, the private
root's read-only part, the seccomp filter built) right after exec, and `setup` (the
scratch folder bound in, pivot_root, uid dropped, Landlock, seccomp loaded) when it is
pointed at a staged submission, before any student code is imported.

This module is imported by the child too: it uses the standard library only (and
pyseccomp when installed), and holds nothing secret.
"""

import ctypes
import errno
import os
import resource
import shutil
import sys

LAYER_DESCRIPTIONS = {
    "limits": "time, CPU, address space, file size and open-file limits; no core dumps",
    "session": "own session and process group, killed as a whole",
    "environment": "none of the grader's environment variables",
    "output": "output captured to a capped log file, truncated, never parsed",
    "uid": "an unprivileged user id of its own per child",
    "mount": "private filesystem view: interpreter, libraries and the scratch folder only",
    "network": "no network (empty network namespace)",
    "landlock": "Landlock: file access limited, no TCP, no signals outside, no abstract sockets",
    "seccomp": "seccomp filter: no fork/exec, no non-Unix sockets, no ptrace/mount/bpf",
    "cgroup": "process-count limit and kill-all at the end (cgroup)",
}
ALWAYS = ("limits", "session", "environment", "output")
OPTIONAL = ("uid", "mount", "network", "landlock", "seccomp", "cgroup")
UID_BASE = 2_100_000_000
"""Sandbox users are UID_BASE + slot: far above any real account."""
UID_SLOTS = 4096
MAX_TASKS = 32
SCRATCH_BYTES = 64 * 2**20
"""What a child may write in its scratch folder (a tmpfs, when the mount layer is in use)."""
"""Processes and threads one child may have (RLIMIT_NPROC with its own uid, pids.max)."""

_libc = ctypes.CDLL(None, use_errno=True)
_MACHINE = os.uname().machine
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(_MACHINE)
_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
CLONE_THREAD = 0x00010000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
MNT_DETACH = 2
PR_SET_NO_NEW_PRIVS = 38

READ_ONLY_SYSTEM_PATHS = ("/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin",
                          "/etc/ld.so.cache", "/etc/localtime")
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")


class LayerError(Exception):
    """A layer could not be applied."""


def _check(result: int, what: str) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise LayerError(f"{what}: {os.strerror(err)}")
    return result


# ---------------------------------------------------------------- detection (grader side)

def landlock_abi() -> int:
    """The Landlock ABI version the kernel offers (0: none)."""
    if sys.platform != "linux":
        return 0
    _libc.syscall.restype = ctypes.c_long
    version = _libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(int(version), 0)


def seccomp_problem() -> str | None:
    """Why the seccomp layer cannot be used here, or None."""
    if sys.platform != "linux":
        return "not Linux"
    try:
        with open("/proc/self/status") as fh:
            if "Seccomp:" not in fh.read():
                return "the kernel has no seccomp"
    except OSError:
        return "cannot read /proc/self/status"
    import importlib.util

    if importlib.util.find_spec("pyseccomp") is None:
        return "the Python package pyseccomp is not installed (pip install pyseccomp)"
    if not _find_libseccomp():
        return "libseccomp is not installed (apt-get install libseccomp2)"
    return None


def _find_libseccomp() -> str | None:
    for soname in ("libseccomp.so.2", "libseccomp.so"):
        try:
            ctypes.CDLL(soname)
            return soname
        except OSError:
            continue
    from ctypes import util

    return util.find_library("seccomp")


def userns_problem() -> str | None:
    """Why a non-root grader cannot create user namespaces, or None."""
    try:
        with open("/proc/sys/user/max_user_namespaces") as fh:
            if int(fh.read().strip() or 0) == 0:
                return "user namespaces are disabled (user.max_user_namespaces = 0)"
    except OSError:
        return "no user namespaces"
    try:
        with open("/proc/sys/kernel/unprivileged_userns_clone") as fh:
            if fh.read().strip() == "0":
                return "unprivileged user namespaces are disabled"
    except OSError:
        pass
    try:
        with open("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") as fh:
            if fh.read().strip() == "1":
                return "AppArmor restricts unprivileged user namespaces"
    except OSError:
        pass
    return None


def _traversable_by_others(path: str) -> bool:
    """Whether a user other than the owner can reach `path` (o+x on every ancestor)."""
    path = os.path.abspath(path)
    parts = path.split(os.sep)
    for i in range(2, len(parts) + 1):
        ancestor = os.sep.join(parts[:i]) or os.sep
        try:
            if not os.stat(ancestor).st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


def interpreter_roots() -> list[str]:
    """The folders the interpreter and its libraries live in (read-only in the sandbox)."""
    roots = []
    for path in (sys.base_prefix, sys.prefix, sys.exec_prefix, sys.base_exec_prefix):
        path = os.path.realpath(path)
        if path not in roots:
            roots.append(path)
    return roots


def read_only_paths() -> list[str]:
    """Every path the child may read: interpreter, libraries, a few system files."""
    paths = []
    for path in [*READ_ONLY_SYSTEM_PATHS, *interpreter_roots()]:
        if os.path.lexists(path) and not any(_inside(path, p) for p in paths):
            paths = [p for p in paths if not _inside(p, path)] + [path]
    return paths


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def detect() -> dict[str, str | None]:
    """For every optional layer: None if this machine offers it, else why not."""
    found: dict[str, str | None] = {}
    linux = sys.platform == "linux"
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    ns_problem = None if not linux else (None if root else userns_problem())
    if not linux:
        ns_problem = "not Linux"
    elif _SYS_PIVOT_ROOT is None:
        ns_problem = f"pivot_root number unknown on {_MACHINE}"
    found["mount"] = ns_problem
    found["network"] = None if linux and (root or userns_problem() is None) else (
        "not Linux" if not linux else userns_problem())
    if not root:
        found["uid"] = "the grader does not run as root (switching users needs root)"
    elif found["mount"] is not None and not all(_traversable_by_others(p) for p in interpreter_roots()):
        found["uid"] = ("the interpreter is in a folder other users cannot reach and no "
                        "private filesystem view is available")
    else:
        found["uid"] = None
    abi = landlock_abi()
    found["landlock"] = None if abi > 0 else "the kernel has no Landlock (Linux 5.13+ with lsm=landlock)"
    found["seccomp"] = seccomp_problem()
    from autograder.sandbox import cgroups  # grader side only

    found["cgroup"] = cgroups.problem()
    return found


def plan(disabled: frozenset[str] = frozenset()) -> dict:
    """What a new child should apply, from `detect()` minus the layers switched off."""
    offered = detect_cached()
    use = {name: offered[name] is None and name not in disabled for name in OPTIONAL}
    return {
        "uid": use["uid"],
        "mount": use["mount"],
        "network": use["network"],
        "landlock": use["landlock"],
        "seccomp": use["seccomp"],
        "cgroup": use["cgroup"],
        "read_only": read_only_paths() if (use["mount"] or use["landlock"]) else [],
    }


_detected: dict | None = None


def detect_cached() -> dict[str, str | None]:
    global _detected
    if _detected is None:
        _detected = detect()
    return _detected


# ---------------------------------------------------------------- applying (child side)

class ChildSandbox:
    """The child's side: `start` right after exec, `setup` once the scratch folder is known."""

    def __init__(self, config: dict):
        self.config = config
        self.status: dict[str, str] = {}
        self.new_root: str | None = None
        self.in_userns = False
        self.seccomp_filter = None

    # ---- start: before numpy is imported, while the process is single-threaded
    def start(self) -> None:
        cfg = self.config
        if cfg.get("mount") or cfg.get("network"):
            try:
                self._unshare(cfg)
            except (LayerError, OSError) as exc:
                for name in ("mount", "network"):
                    if cfg.get(name):
                        self.status[name] = f"skipped: {exc}"
                cfg["mount"] = cfg["network"] = False
        if cfg.get("mount"):
            try:
                self._prepare_root(cfg["read_only"], cfg["home"])
            except Exception as exc:  # noqa: BLE001
                self.status["mount"] = f"skipped: {exc}"
                cfg["mount"] = False
        if cfg.get("seccomp"):
            try:
                self.seccomp_filter = build_seccomp_filter()
            except Exception as exc:  # noqa: BLE001 - report, run without it
                self.status["seccomp"] = f"skipped: {exc}"
                cfg["seccomp"] = False

    def _unshare(self, cfg: dict) -> None:
        flags = (CLONE_NEWNS if cfg.get("mount") else 0) | (CLONE_NEWNET if cfg.get("network") else 0)
        if os.geteuid() == 0:
            _check(_libc.unshare(flags), "unshare")
        else:
            uid, gid = os.getuid(), os.getgid()
            _check(_libc.unshare(flags | CLONE_NEWUSER), "unshare (user namespace)")
            self.in_userns = True
            for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
                with open(f"/proc/self/{name}", "w") as fh:
                    fh.write(text)
        if cfg.get("network"):
            self.status["network"] = "in use"

    def _mount(self, source, target, fstype, flags, data=None) -> None:
        def enc(s):
            return None if s is None else os.fsencode(s)

        _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
               f"mount {target}")

    def _bind(self, source: str, read_only: bool) -> None:
        target = self.new_root + source
        if os.path.islink(source):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.symlink(os.readlink(source), target)
            return
        if os.path.isdir(source):
            os.makedirs(target, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            open(target, "a").close()
        self._mount(source, target, None, MS_BIND | MS_REC)
        flags = MS_REMOUNT | MS_BIND | MS_NOSUID | (MS_RDONLY if read_only else 0)
        if not source.startswith("/dev/"):
            flags |= MS_NODEV
        flags |= _locked_flags(target)
        self._mount(None, target, None, flags)

    def _prepare_root(self, read_only: list[str], home: str) -> None:
        self._mount(None, "/", None, MS_REC | MS_PRIVATE)
        self.new_root = os.path.join(home, "root")
        os.makedirs(self.new_root, exist_ok=True)
        self._mount("tmpfs", self.new_root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m,nr_inodes=4096")
        for path in read_only:
            self._bind(path, read_only=True)
        for path in DEVICES:
            if os.path.exists(path):
                self._bind(path, read_only=False)

    # ---- setup: just before the student's modules are imported
    def setup(self, work: str) -> dict[str, str]:
        cfg = self.config
        uid = cfg.get("uid_number") if cfg.get("uid") else None
        if cfg.get("mount"):
            try:
                self._scratch(work, uid)
                self._pivot()
                self.status["mount"] = f"in use (scratch: {SCRATCH_BYTES // 2**20} MiB in memory)"
            except Exception as exc:  # noqa: BLE001
                self.status["mount"] = f"skipped: {exc}"
                cfg["mount"] = False
        if uid is not None and not cfg.get("mount"):
            # Without a private view the child works in the real scratch folder, and the
            # real folders must be reachable by that uid.
            try:
                if not all(_traversable_by_others(p) for p in interpreter_roots()):
                    raise LayerError("the interpreter's folder is not reachable by other users")
                _own_tree(work, uid)
                os.chmod(os.path.dirname(work), 0o711)
            except (LayerError, OSError) as exc:
                self.status["uid"] = f"skipped: {exc}"
                uid = None
        os.chdir(work)
        if uid is not None:
            try:
                os.setgroups([])
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
                resource.setrlimit(resource.RLIMIT_NPROC, (MAX_TASKS, MAX_TASKS))
                self.status["uid"] = f"in use (uid {uid})"
            except OSError as exc:
                self.status["uid"] = f"skipped: {exc}"
        elif self.in_userns:
            try:
                _drop_capabilities()
            except LayerError as exc:
                self.status["mount"] = f"in use, but its capabilities were kept: {exc}"
        _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        if cfg.get("landlock"):
            try:
                abi = apply_landlock(cfg["read_only"], [work])
                self.status["landlock"] = f"in use (ABI {abi})"
            except Exception as exc:  # noqa: BLE001 - report, go on with the other layers
                self.status["landlock"] = f"skipped: {exc}"
        if self.seccomp_filter is not None:
            try:
                self.seccomp_filter.load()
                self.status["seccomp"] = "in use"
            except Exception as exc:  # noqa: BLE001
                self.status["seccomp"] = f"skipped: {exc}"
            self.seccomp_filter = None
        allowed = [*cfg.get("read_only", []), work] if cfg.get("read_only") else None
        if allowed:
            sys.path[:] = [p for p in sys.path if p and any(_inside(os.path.realpath(p), a) for a in allowed)]
        return dict(self.status)

    def _scratch(self, work: str, uid: int | None) -> None:
        """The submission's folder, copied into a size-limited tmpfs at the same path.

        The child reads and writes its own copy: the grader's staged folder is never
        changed, and what the child writes is capped (SCRATCH_BYTES) and gone with it."""
        target = self.new_root + work
        os.makedirs(target, exist_ok=True)
        owner = f",uid={uid},gid={uid}" if uid is not None else ""
        self._mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV,
                    f"mode=0700,size={SCRATCH_BYTES},nr_inodes=4096{owner}")
        shutil.copytree(work, target, symlinks=True, dirs_exist_ok=True)
        if uid is not None:
            _own_tree(target, uid)

    def _pivot(self) -> None:
        old = os.path.join(self.new_root, ".old-root")
        os.mkdir(old)
        _libc.syscall.restype = ctypes.c_long
        _check(_libc.syscall(_SYS_PIVOT_ROOT, os.fsencode(self.new_root), os.fsencode(old)), "pivot_root")
        os.chdir("/")
        _check(_libc.umount2(b"/.old-root", MNT_DETACH), "umount old root")
        os.rmdir("/.old-root")
        self._mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | _locked_flags("/"))


def _locked_flags(target: str) -> int:
    """Mount flags a remount must keep (in a user namespace, changing them is refused)."""
    try:
        f = os.statvfs(target).f_flag
    except OSError:
        return 0
    flags = 0
    for st, ms in ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC),
                   (os.ST_NOATIME, MS_NOATIME), (os.ST_NODIRATIME, MS_NODIRATIME),
                   (getattr(os, "ST_RELATIME", 4096), MS_RELATIME)):
        if f & st:
            flags |= ms
    if f & os.ST_RDONLY:
        flags |= MS_RDONLY
    return flags


def _own_tree(root: str, uid: int) -> None:
    os.chown(root, uid, uid)
    os.chmod(root, 0o700)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, uid, follow_symlinks=False)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _drop_capabilities() -> None:
    """Give up the capabilities a user namespace grants (non-root graders)."""
    header = _CapHeader(0x20080522, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


# ---- Landlock (ctypes over the three system calls)

_FS_RIGHTS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1,
                     5: (1 << 16) - 1}
_FS_EXECUTE, _FS_WRITE_FILE, _FS_READ_FILE, _FS_READ_DIR = 1, 2, 4, 8
_FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 14, 1 << 15
_FILE_ONLY_RIGHTS = _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV
_NET_BIND_TCP, _NET_CONNECT_TCP = 1, 2
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1, 2


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def apply_landlock(read_only: list[str], read_write: list[str]) -> int:
    """Restrict this process (and all it starts) to the given paths; no TCP, no signals out."""
    abi = landlock_abi()
    if abi <= 0:
        raise LayerError("no Landlock")
    fs = _FS_RIGHTS_BY_ABI.get(abi, (1 << 16) - 1)
    attr = _RulesetAttr(fs, _NET_BIND_TCP | _NET_CONNECT_TCP if abi >= 4 else 0,
                        _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL if abi >= 6 else 0)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    _libc.syscall.restype = ctypes.c_long
    ruleset = _check(_libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                                   ctypes.c_uint32(0)), "landlock_create_ruleset")
    try:
        rules = [(p, _FS_EXECUTE | _FS_READ_FILE | _FS_READ_DIR) for p in read_only if not p.startswith("/dev/")]
        rules += [(p, _FS_READ_FILE | _FS_WRITE_FILE | (_FS_TRUNCATE if abi >= 3 else 0)) for p in DEVICES]
        rules += [(p, fs) for p in read_write]
        for path, access in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                if not os.path.isdir(path):
                    access &= _FILE_ONLY_RIGHTS
                rule = _PathBeneathAttr(access & fs, fd)
                _check(_libc.syscall(_SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(1),
                                     ctypes.byref(rule), ctypes.c_uint32(0)), f"landlock rule for {path}")
            finally:
                os.close(fd)
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
        _check(_libc.syscall(_SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)),
               "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return abi


# ---- seccomp

DENIED_SYSCALLS = (
    "fork", "vfork", "execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev",
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree",
    "fsopen", "fsmount", "fspick", "mount_setattr", "bpf", "perf_event_open", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "keyctl", "add_key", "request_key",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
    "swapon", "swapoff", "acct", "quotactl", "open_by_handle_at", "name_to_handle_at", "syslog",
    "iopl", "ioperm", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "mknod",
    "mknodat", "pidfd_open", "pidfd_getfd", "pidfd_send_signal", "kcmp",
)
AF_UNIX = 1


def _import_pyseccomp():
    """Import pyseccomp without its two `ldconfig -p` subprocesses (find_library)."""
    from ctypes import util

    real = util.find_library
    known = {"c": "libc.so.6", "seccomp": _find_libseccomp()}

    def fast(name):
        soname = known.get(name)
        if soname:
            try:
                ctypes.CDLL(soname)
                return soname
            except OSError:
                pass
        return real(name)

    util.find_library = fast
    try:
        import pyseccomp
    finally:
        util.find_library = real
    return pyseccomp


def build_seccomp_filter():
    """A filter (not yet loaded): deny the calls above with EPERM, allow the rest."""
    sc = _import_pyseccomp()
    eperm = sc.ERRNO(errno.EPERM)
    flt = sc.SyscallFilter(defaction=sc.ALLOW)
    for name in DENIED_SYSCALLS:
        try:
            flt.add_rule(eperm, name)
        except (OSError, ValueError, RuntimeError):
            continue  # not a system call on this architecture
    # clone3's flags sit in memory that seccomp cannot read: make it unknown, so that
    # the C library falls back to clone, whose flags are checked: threads only.
    flt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    flt.add_rule(eperm, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))
    flt.add_rule(sc.ERRNO(errno.EAFNOSUPPORT), "socket", sc.Arg(0, sc.NE, AF_UNIX))
    flt.add_rule(sc.ERRNO(errno.EAFNOSUPPORT), "socketpair", sc.Arg(0, sc.NE, AF_UNIX))
    return flt
