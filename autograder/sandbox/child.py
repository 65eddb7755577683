"""The program that runs inside the child process and calls the student's code.

Forked by the zygote (`zygote.py`, which calls `run`), or started by
`process.ChildProcess` as ``python -I -B child.py REQUEST_FD RESPONSE_FD CONFIG``, in a
private folder; `setup` points it at the staged package (the release's files plus the
student's graded modules). It reads requests and answers with plain numbers and arrays
(see `wire`). It never decides anything: every comparison happens in the grader.

It is a generic box: it imports modules (`load`), applies the sandbox (`setup`) and runs
the calls of the assignment's parts, which each part's `harness.py` defines (its `OPS`,
registered here as `<part>.<op>`; see `Box` for what a harness is given). It imports numpy,
the standard library and those harnesses only: it must not be able to see the hidden
properties, the rubric or the reference solutions.
"""

import io
import json
import os
import random
import sys
import traceback

# `python -I` leaves the script's folder off sys.path: add it for our modules only, then
# remove it so that student code cannot import them by accident.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import layers  # noqa: E402

# The namespaces are made first, while the process is single-threaded (before numpy).
SANDBOX = layers.ChildSandbox(json.loads(sys.argv[3]) if __name__ == "__main__" and len(sys.argv) > 3 else {})
if __name__ == "__main__":
    SANDBOX.start()

import harness_services  # noqa: E402
import numpy as np  # noqa: E402
import wire  # noqa: E402

del sys.path[0]
sys.dont_write_bytecode = True
MAX_PRINTED_CHARS = 1024 * 1024
"""What print() keeps; the rest is dropped (the log file has a hard size limit too)."""

MAX_TRACEBACK_CHARS = 3000

modules: dict = {}
"""The student's imported modules, by their file relative to the staged folder."""
harnesses: dict = {}
"""The parts' harness modules, by part name."""


class StudentError(Exception):
    """A student's function returned something the grader cannot use."""


def short_paths(exc: BaseException, root: str) -> str:
    """The exception's own lines with the scratch folder left out of every file name.

    The scratch folder is random, so a message naming it would differ at every run: a
    SyntaxError (and IndentationError, TabError) carries the file name as an attribute
    and prints it in a `File "..."` line, and messages such as an ImportError's or a
    FileNotFoundError's name a path under it. Either way the student reads
    `cs231n/classifiers/softmax.py`, like in the rest of the traceback.
    """
    if isinstance(exc, SyntaxError) and isinstance(exc.filename, str) and exc.filename.startswith(root):
        exc.filename = exc.filename[len(root):]
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text.replace(root, "")


def trimmed_traceback(exc: BaseException) -> str:
    """The traceback restricted to the student's own files, with short file names."""
    if isinstance(exc, StudentError):
        return str(exc)
    root = os.getcwd() + os.sep
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename.startswith(root + "cs231n")
    ]
    lines = []
    if frames:
        lines.append("Traceback (your code, most recent call last):")
        for frame in frames:
            name = frame.filename[len(root):]
            lines.append(f'  File "{name}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
    if isinstance(exc, SystemExit):
        lines.append(f"SystemExit: your code called sys.exit({exc.code!r})")
    else:
        lines.append(short_paths(exc, root))
    text = "\n".join(lines)
    if len(text) > MAX_TRACEBACK_CHARS:
        text = text[: MAX_TRACEBACK_CHARS // 2] + "\n...\n" + text[-MAX_TRACEBACK_CHARS // 2 :]
    return text


def as_plain_array(value, what: str, max_size: int) -> np.ndarray:
    """Convert a student's return value to a numeric array, or explain why not."""
    try:
        arr = np.asarray(value)
    except Exception as exc:  # a hostile __array__ or similar
        raise StudentError(f"{what} could not be read as a number or array ({exc})") from None
    if arr.dtype.kind not in "biuf":
        raise StudentError(
            f"{what} is a {type(value).__name__} holding {arr.dtype} data, not numbers"
        )
    if arr.size > max_size:
        raise StudentError(f"{what} has {arr.size} elements, far more than expected")
    return np.array(arr, copy=True)


def placeholder(module: str, name: str):
    def unavailable(*args, **kwargs):
        raise RuntimeError(f"{name} is unavailable: {module} could not be imported")

    unavailable.__name__ = name
    return unavailable


def op_load(req):
    """Import one graded file (`file`, relative to the staged folder); when it cannot be
    imported, install a stand-in module holding `placeholders` (names that raise when called)
    so that the files importing it still import."""
    relative = req["file"]
    full = relative.removesuffix(".py").replace("/", ".")
    if req.get("skip"):
        install_placeholder(relative, full, req.get("placeholders", ()))
        return {"ok": False, "error": "skipped after an earlier crash"}
    try:
        __import__(full)
        modules[relative] = sys.modules[full]
        return {"ok": True}
    except BaseException as exc:  # noqa: BLE001 - SystemExit at import must not end us
        sys.modules.pop(full, None)
        install_placeholder(relative, full, req.get("placeholders", ()))
        return {"ok": False, "error": trimmed_traceback(exc)}


def install_placeholder(relative: str, full: str, names) -> None:
    import types

    module = types.ModuleType(full)
    for name in names:
        setattr(module, name, placeholder(os.path.basename(relative), name))
    sys.modules[full] = module


class Box:
    """What a part's harness is given to call student code with (its ops take `(req, box)`)."""

    StudentError = StudentError

    @staticmethod
    def module(relative: str):
        """The student's module of `relative` (e.g. `cs231n/layers.py`), or StudentError."""
        module = modules.get(relative)
        if module is None:
            raise StudentError(f"{os.path.basename(relative)} could not be imported")
        return module

    @staticmethod
    def attribute(relative: str, name: str | None, cls: str | None = None):
        """The function `name` of that file, the method `name` of its class `cls`, or the class
        itself when `name` is None; StudentError naming what is missing."""
        return harness_services.attribute(Box.module(relative), relative, name, cls, StudentError)

    @staticmethod
    def python_lines(what: str, run, *args) -> int:
        """The Python events of `run(*args)` (a deterministic measure of Python work); what it
        raises goes through, and StudentError when it replaced the trace function."""
        return harness_services.python_lines(StudentError, what, run, *args)

    plain_array = staticmethod(lambda value, what, max_size: as_plain_array(value, what, max_size))

    @staticmethod
    def error(exc: BaseException) -> dict:
        return {"ok": False, "error": trimmed_traceback(exc)}

    @staticmethod
    def seed(number: int) -> None:
        np.random.seed(int(number))
        random.seed(int(number))

    traceback = staticmethod(lambda exc: trimmed_traceback(exc))


def load_harnesses(paths) -> None:
    """Import each part's harness (`<folder>/harness.py`) and register its ops as `<part>.<op>`.

    Each is imported as a module of a package of its own, so that it may import its
    part's other numpy-only modules relatively (`from .shared import ...`); afterwards the
    packages' search paths are emptied, so student code cannot import more from there.
    """
    import importlib
    import importlib.util
    import types

    for path in paths:
        folder = os.path.dirname(os.path.abspath(path))
        part = os.path.basename(folder)
        if part in harnesses:
            continue
        package = f"_autograder_harness_{part}"
        container = types.ModuleType(package)
        container.__path__ = [folder]
        sys.modules[package] = container
        harness = importlib.import_module(f"{package}.harness")
        container.__path__ = []
        harnesses[part] = harness
        for name, handler in getattr(harness, "OPS", {}).items():
            OPS[f"{part}.{name}"] = _bound(handler)


def _bound(handler):
    return lambda req: handler(req, Box)


class CappedOutput(io.TextIOBase):
    """sys.stdout/stderr for student code: keeps the first MAX_PRINTED_CHARS, drops the rest."""

    def __init__(self, stream, budget: list):
        self.stream = stream
        self.budget = budget

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        if self.budget[0] > 0:
            kept = text[: self.budget[0]]
            self.budget[0] -= len(kept)
            try:
                self.stream.write(kept)
                if self.budget[0] <= 0:
                    self.stream.write("\n... (more output was dropped) ...\n")
                self.stream.flush()
            except OSError:
                self.budget[0] = 0
        return len(text)

    def flush(self):
        pass


_set_up = []


def op_setup(req):
    """Apply the sandbox's layers and move into the staged submission's folder.

    A standby child starts elsewhere, as root when the grader is; from here on it is
    locked in (see `layers.ChildSandbox.setup`), before any student code is imported.
    """
    if _set_up:
        return {"ok": False, "error": "already set up"}
    _set_up.append(True)
    status = SANDBOX.setup(req["cwd"])
    os.environ["HOME"] = os.environ["TMPDIR"] = req["cwd"]
    sys.path.insert(0, req["cwd"])
    budget = [MAX_PRINTED_CHARS]
    sys.stdout = CappedOutput(sys.__stdout__, budget)
    sys.stderr = CappedOutput(sys.__stderr__, budget)
    return {"ok": True, "layers": status}


def op_probe(req):
    """What the sandbox lets through (for `autograder doctor` and the tests): True = blocked."""
    import socket

    def blocked(action):
        try:
            action()
        except BaseException:  # noqa: BLE001
            return True
        return False

    def fork():
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)

    def connect():
        with socket.create_connection(("127.0.0.1", int(req.get("port", 9))), timeout=1):
            pass

    def udp():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(b"x", ("127.0.0.1", int(req.get("port", 9))))

    def read(path):
        return lambda: open(path, "rb").read(1)

    def signal(pid):
        return lambda: os.kill(int(pid), 0)

    def write(path):
        def action():
            with open(path, "ab"):
                pass
        return action

    checks = {
        "fork": fork,
        "tcp": connect,
        "udp": udp,
        "signal the grader": lambda: os.kill(int(req["grader_pid"]), 0),
    }
    for name, pid in req.get("signal", {}).items():
        checks[f"signal {name}"] = signal(pid)
    for path in req.get("read", []):
        checks[f"read {path}"] = read(path)
    for path in req.get("write", []):
        checks[f"write {path}"] = write(path)
    result = {name: blocked(action) for name, action in checks.items()}
    return {"ok": True, "blocked": result, "uid": os.getuid()}


def op_each(req):
    """A batch of independent requests in one round trip: {"jobs": [...]} answered with
    {"answers": [...]}, each job (with its own "op") handled exactly as a request of its
    own would be."""
    return {"answers": [_handle(job) for job in req["jobs"]]}


def _handle(req):
    handler = OPS.get(req.get("op"))
    return handler(req) if handler else {"ok": False, "error": "unknown op"}


OPS = {
    "load": op_load,
    "each": op_each,
    "ping": lambda req: {"ok": True},
    "setup": op_setup,
    "probe": op_probe,
}
"""The child's own ops; `load_harnesses` adds the parts' (`<part>.<op>`)."""


def serve(request_fd: int, response_fd: int) -> None:
    requests = os.fdopen(request_fd, "rb", buffering=1 << 20)
    responses = os.fdopen(response_fd, "wb")
    while True:
        try:
            req = wire.read_message(requests)
        except EOFError:
            return
        answer = _handle(req)
        number = req.get("number")  # the grader matches each answer to its request by it
        try:
            wire.write_message(responses, {**answer, "number": number})
        except wire.WireError as exc:
            wire.write_message(responses, {"ok": False, "error": f"unsendable answer: {exc}", "number": number})


def harness_files(parts_path: str = "") -> list[str]:
    """The harness of every part: the built-in ones beside this package, then those in the
    folders of `parts_path` (the grader's AUTOGRADER_PARTS_PATH, handed over at launch)."""
    roots = [os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "parts")]
    roots += [p for p in parts_path.split(os.pathsep) if p]
    found = []
    for root in roots:
        try:
            names = sorted(os.listdir(root))
        except OSError:
            continue
        found += [os.path.join(root, n, "harness.py") for n in names
                  if os.path.isfile(os.path.join(root, n, "harness.py"))
                  and os.path.isfile(os.path.join(root, n, "part.toml"))]
    return found


def prepare(folder: str | None = None, parts_path: str = "") -> None:
    """Before the first request (by a standby child while it waits, or once by the zygote for
    all its children): import the parts' harnesses, and let each prepare what it keeps
    (`prepare(folder, box)`, `folder` being the grader's cache folder, or None)."""
    load_harnesses(harness_files(parts_path))
    for harness in harnesses.values():
        if hasattr(harness, "prepare"):
            harness.prepare(folder, Box)


def inherited_descriptors() -> set[int]:
    """The descriptors a child forked by the zygote keeps besides its pipes and output: those
    the harnesses opened read-only for their children (`inherited_descriptors()`)."""
    kept: set[int] = set()
    for harness in harnesses.values():
        if hasattr(harness, "inherited_descriptors"):
            kept |= set(harness.inherited_descriptors())
    return kept


def run(config: dict, request_fd: int, response_fd: int) -> None:
    """A child forked by the zygote: its layers' first step, then requests until the grader closes."""
    global SANDBOX
    SANDBOX = layers.ChildSandbox(config)
    SANDBOX.start()
    serve(request_fd, response_fd)


if __name__ == "__main__":
    prepare(None, (json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}).get("parts_path", ""))
    serve(int(sys.argv[1]), int(sys.argv[2]))
