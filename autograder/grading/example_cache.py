"""A cache of the examples hypothesis draws, so that only the first grading on a machine pays.

Drawing every property's examples takes a few seconds; grading with them takes well
under one. The examples are deterministic (derandomized hypothesis, fixed seeds), so
they are stored once per version of the properties' code and of the libraries that
draw them, in the user's cache folder (``AUTOGRADER_CACHE_DIR`` overrides it). The
file uses the `wire` format (JSON and raw numbers, no pickle), is written atomically
and is checked against its key when read; anything unreadable is ignored and redrawn.
"""

import hashlib
import importlib.util
import os
import platform
from pathlib import Path

import numpy as np

from autograder.sandbox import wire

_CODE = [Path(__file__).with_name("cases.py"), *sorted(Path(__file__).with_name("properties").glob("*.py"))]


def cache_key() -> str:
    """The properties' code, the libraries that draw and the course's formulation (whose
    examples differ: margins clear of its delta, W clear of 0 with L1)."""
    from autograder.formulation import current

    digest = hashlib.sha256()
    digest.update(current().key.encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    digest.update(f"{hypothesis_version()}/{np.__version__}/{platform.python_version()}".encode())
    return digest.hexdigest()[:24]


def hypothesis_version() -> str:
    """hypothesis's version, read from its installed metadata's folder name when there is one.

    Importing hypothesis to ask it takes as long as importing numpy, and a grader whose
    examples are in this cache has no other use for hypothesis.
    """
    spec = importlib.util.find_spec("hypothesis")
    if spec is not None and spec.origin:
        found = sorted(Path(spec.origin).parents[1].glob("hypothesis-*.*-info"))
        if len(found) == 1:
            return found[0].name.split("-")[1].removesuffix(".dist").removesuffix(".egg")
    import hypothesis

    return hypothesis.__version__


def cache_dir() -> Path:
    override = os.environ.get("AUTOGRADER_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cs231n-autograder"


def cache_path() -> Path:
    return cache_dir() / f"examples-{cache_key()}.bin"


def _restore(value):
    """Undo the wire format's one change: numpy scalars come back as 0-d arrays."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    if isinstance(value, dict):
        return {k: _restore(v) for k, v in value.items()}
    return value


def load() -> dict[tuple[str, str], tuple]:
    path = cache_path()
    try:
        with open(path, "rb") as fh:
            data = wire.read_message(fh)
    except (OSError, EOFError, wire.WireError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("key") != cache_key():
        return {}
    try:
        return {(e["property"], e["key"]): tuple(_restore(c) for c in e["cases"]) for e in data["entries"]}
    except (KeyError, TypeError):
        return {}


def save(examples: dict[tuple[str, str], tuple]) -> None:
    """Store the examples; a cache that cannot be written only costs time."""
    from autograder.report.results import write_atomically_bytes

    entries = [{"property": p, "key": k, "cases": list(cases)} for (p, k), cases in sorted(examples.items())]
    try:
        write_atomically_bytes(cache_path(), wire.encode({"key": cache_key(), "entries": entries}))
    except (OSError, wire.WireError):
        pass
