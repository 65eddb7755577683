"""The program that runs inside the child process and calls the student's code.

Forked by the zygote (`zygote.py`, which calls `run`), or started by
`process.ChildProcess` as ``python -I -B child.py REQUEST_FD RESPONSE_FD CONFIG``, in a
private folder; `setup` points it at the staged `cs231n` package (the release's files
plus the student's three graded modules). It reads requests, calls the student's functions
on the arrays it is given and answers with plain numbers and arrays (see `wire`). It
never decides anything: every comparison happens in the grader.

It imports numpy and the standard library only: it must not be able to see the hidden
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
SANDBOX = layers.ChildSandbox(json.loads(sys.argv[3]) if len(sys.argv) > 3 else {})
if __name__ == "__main__":
    SANDBOX.start()

import numpy as np  # noqa: E402
import wire  # noqa: E402
from shared import dev_arrays, kept_dev_arrays, private_dev_X, stand_in_loss  # noqa: E402

del sys.path[0]
sys.dont_write_bytecode = True
MAX_PRINTED_CHARS = 1024 * 1024
"""What print() keeps; the rest is dropped (the log file has a hard size limit too)."""

GRADED_MODULES = ("linear_svm", "softmax", "linear_classifier")
PLACEHOLDER_FUNCTIONS = {
    "linear_svm": ("svm_loss_naive", "svm_loss_vectorized"),
    "softmax": ("softmax_loss_naive", "softmax_loss_vectorized"),
}
MAX_TRACEBACK_CHARS = 3000

modules: dict = {}
stored: dict = {}


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
        raise RuntimeError(f"{name} is unavailable: {module}.py could not be imported")

    unavailable.__name__ = name
    return unavailable


def op_load(req):
    """Import one graded module; on failure install a placeholder so the others still load."""
    name = req["module"]
    full = f"cs231n.classifiers.{name}"
    if req.get("skip"):
        install_placeholder(name)
        return {"ok": False, "error": "skipped after an earlier crash"}
    try:
        __import__(full)
        modules[name] = sys.modules[full]
        return {"ok": True}
    except BaseException as exc:  # noqa: BLE001 - SystemExit at import must not end us
        sys.modules.pop(full, None)
        install_placeholder(name)
        return {"ok": False, "error": trimmed_traceback(exc)}


def install_placeholder(name: str) -> None:
    import types

    full = f"cs231n.classifiers.{name}"
    module = types.ModuleType(full)
    for fn in PLACEHOLDER_FUNCTIONS.get(name, ()):
        setattr(module, fn, placeholder(name, fn))
    sys.modules[full] = module


def find_function(fn: str):
    module_name = "linear_svm" if fn.startswith("svm") else "softmax"
    module = modules.get(module_name)
    if module is None:
        raise StudentError(f"{module_name}.py could not be imported")
    func = getattr(module, fn, None)
    if not callable(func):
        raise StudentError(f"{module_name}.py defines no function {fn}")
    return func


def call_loss(func, W, X, y, reg, return_inputs: bool):
    """Call a loss function on arrays of its own (they may be changed in place, and are
    returned as they are after the call when `return_inputs`)."""
    out = func(W, X, y, float(reg))
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise StudentError(
            f"the function returned a {type(out).__name__}, not a tuple (loss, dW)"
        )
    loss, dW = out
    result = {
        "ok": True,
        "loss_type": type(loss).__name__,
        "loss": as_plain_array(loss, "the loss", 16),
        "dW_type": type(dW).__name__,
        "dW": as_plain_array(dW, "dW", 4 * W.size + 16),
    }
    if return_inputs:
        result["inputs"] = {"W": W, "X": X, "y": y}
    return result


def op_call(req):
    """Call one loss function on a batch of inputs."""
    try:
        func = find_function(req["fn"])
    except StudentError as exc:
        return {"results": [{"ok": False, "error": str(exc)}] * len(req["calls"])}
    results = []
    for args in req["calls"]:
        try:
            # The arrays of a request are its own: nothing else holds them.
            results.append(call_loss(func, args["W"], args["X"], args["y"], args["reg"], bool(args.get("return_inputs"))))
        except BaseException as exc:  # noqa: BLE001
            results.append({"ok": False, "error": trimmed_traceback(exc)})
    return {"results": results}


def op_store(req):
    """Make the CS231n-size arrays from a seed (see shared.dev_arrays) and keep them."""
    if stored.get("seed") != int(req["seed"]):
        stored["W"], stored["X"], stored["y"] = dev_arrays(int(req["seed"]))
        stored["seed"] = int(req["seed"])
        stored.pop("X_file", None)
    return {"ok": True}


def stored_inputs():
    """W, X, y of the stored problem, private to one call as copies would be (X mapped copy
    on write from the kept file when there is one: see `shared.private_dev_X`)."""
    if "X_file" in stored:
        X = private_dev_X(*stored["X_file"])
    else:
        X = stored["X"].copy()
    return stored["W"].copy(), X, stored["y"].copy()


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


def op_call_stored(req):
    """Call one loss function on the stored (large) arrays, made first if the seed is new."""
    op_store(req)
    try:
        func = find_function(req["fn"])
        return call_loss(func, *stored_inputs(), req["reg"], False)
    except BaseException as exc:  # noqa: BLE001
        return {"ok": False, "error": trimmed_traceback(exc)}


def op_python_steps(req):
    """Count the Python lines a loss function executes at several sample counts N.

    Loop-free code runs the same number of Python lines whatever N is; a loop over
    the samples anywhere (in the function, a helper, another module) makes the count
    grow with N. The grader compares the counts: a deterministic speed measure.
    """
    try:
        func = find_function(req["fn"])
    except StudentError as exc:
        return {"ok": False, "error": str(exc)}
    counts = []
    events = [0]

    def tracer(frame, event, arg):
        events[0] += 1
        return tracer

    for n in req["sizes"]:
        rng = np.random.RandomState(7)
        W, X, y = rng.randn(20, 5) * 0.1, rng.randn(n, 20), rng.randint(0, 5, size=n)
        events[0] = 0
        sys.settrace(tracer)
        try:
            func(W, X, y, 0.1)
        except BaseException as exc:  # noqa: BLE001
            sys.settrace(None)
            return {"ok": False, "error": trimmed_traceback(exc)}
        finally:
            still_ours = sys.gettrace() is tracer
            sys.settrace(None)
        if not still_ours:
            return {"ok": False, "error": "the function changed the Python trace function (sys.settrace)"}
        counts.append(events[0])
    return {"ok": True, "counts": counts}


def op_run_stored(req):
    """Run a function once on stored arrays; the grader times the round trip."""
    if req["fn"] == "__matrix_products__":
        W, X = stored["W"], stored["X"]
        scores = X @ W
        X.T @ scores
        return {"ok": True}
    try:
        func = find_function(req["fn"])
        func(*stored_inputs(), float(req.get("reg", 0.0)))
        return {"ok": True}
    except BaseException as exc:  # noqa: BLE001
        return {"ok": False, "error": trimmed_traceback(exc)}


def op_train(req):
    """Train a LinearSVM/Softmax from the student's module with a stand-in loss."""
    module = modules.get("linear_classifier")
    if module is None:
        return {"results": [{"ok": False, "error": "linear_classifier.py could not be imported"}]}
    cls = getattr(module, req["cls"], None) or getattr(module, "LinearClassifier", None)
    if cls is None:
        return {"results": [{"ok": False, "error": f"linear_classifier.py defines no class {req['cls']}"}]}
    record = bool(req.get("record"))
    trajectory: list = []
    try:
        clf = cls()
    except BaseException as exc:  # noqa: BLE001
        return {"results": [{"ok": False, "error": trimmed_traceback(exc)}]}

    clf.loss = stand_in_loss(clf, trajectory, record, StudentError)
    if req.get("W") is not None:
        clf.W = req["W"].copy()
    np.random.seed(int(req["seed"]))
    random.seed(int(req["seed"]))
    X, y = req["X"], req["y"]
    results = []
    for call in req["calls"]:
        trajectory.clear()
        try:
            history = clf.train(
                X.copy(),
                y.copy(),
                learning_rate=call["learning_rate"],
                reg=call["reg"],
                num_iters=int(call["num_iters"]),
                batch_size=int(call["batch_size"]),
            )
            entry = {
                "ok": True,
                "history_type": type(history).__name__,
                "history": as_plain_array(
                    [] if history is None else history, "the loss history", 10 * int(call["num_iters"]) + 16
                ).astype(float).ravel(),
                "W": as_plain_array(clf.W, "self.W", 10**7),
            }
            if record:
                entry["trajectory"] = list(trajectory)
        except BaseException as exc:  # noqa: BLE001
            entry = {"ok": False, "error": trimmed_traceback(exc)}
        results.append(entry)
    return {"results": results}


def op_predict(req):
    module = modules.get("linear_classifier")
    if module is None:
        return {"ok": False, "error": "linear_classifier.py could not be imported"}
    try:
        cls = getattr(module, req["cls"])
        clf = cls()
        clf.W = req["W"].copy()
        X = req["X"].copy()
        y_pred = clf.predict(X)
        return {
            "ok": True,
            "y_type": type(y_pred).__name__,
            "y": as_plain_array(y_pred, "the predictions", 4 * X.shape[0] + 16),
            "inputs": {"W": np.asarray(clf.W, dtype=float), "X": X},
        }
    except BaseException as exc:  # noqa: BLE001
        return {"ok": False, "error": trimmed_traceback(exc)}


def op_each(handler):
    """A batch of independent requests of one kind in one round trip: {"jobs": [...]} answered
    with {"answers": [...]}, each job handled exactly as a request of its own would be."""
    return lambda req: {"answers": [handler(job) for job in req["jobs"]]}


OPS = {
    "load": op_load,
    "call": op_call,
    "store": op_store,
    "run_stored": op_run_stored,
    "call_stored": op_call_stored,
    "python_steps": op_python_steps,
    "train": op_train,
    "train_each": op_each(op_train),
    "predict": op_predict,
    "predict_each": op_each(op_predict),
    "ping": lambda req: {"ok": True},
    "setup": op_setup,
    "probe": op_probe,
}


def serve(request_fd: int, response_fd: int) -> None:
    requests = os.fdopen(request_fd, "rb", buffering=1 << 20)
    responses = os.fdopen(response_fd, "wb")
    while True:
        try:
            req = wire.read_message(requests)
        except EOFError:
            return
        handler = OPS.get(req.get("op"))
        answer = handler(req) if handler else {"ok": False, "error": "unknown op"}
        number = req.get("number")  # the grader matches each answer to its request by it
        try:
            wire.write_message(responses, {**answer, "number": number})
        except wire.WireError as exc:
            wire.write_message(responses, {"ok": False, "error": f"unsendable answer: {exc}", "number": number})


def prepare(folder: str | None = None) -> None:
    """Made before the first request (by a standby child while it waits, or once by the zygote,
    which maps them from the file kept in `folder` and keeps that file open for its children:
    see `stored_inputs` and `inherited_descriptors`)."""
    stored["W"], stored["X"], stored["y"] = kept_dev_arrays(231, folder)
    stored["seed"] = 231
    X = stored["X"]
    if isinstance(X, np.memmap) and X.filename:
        try:
            stored["X_file"] = (os.open(X.filename, os.O_RDONLY | os.O_CLOEXEC), int(X.offset))
        except OSError:
            pass


def inherited_descriptors() -> set[int]:
    """The descriptors a child forked by the zygote keeps besides its pipes and output: the
    kept problem's file, read-only (random data, nothing secret)."""
    return {stored["X_file"][0]} if "X_file" in stored else set()


def run(config: dict, request_fd: int, response_fd: int) -> None:
    """A child forked by the zygote: its layers' first step, then requests until the grader closes."""
    global SANDBOX
    SANDBOX = layers.ChildSandbox(config)
    SANDBOX.start()
    serve(request_fd, response_fd)


if __name__ == "__main__":
    prepare()
    serve(int(sys.argv[1]), int(sys.argv[2]))
