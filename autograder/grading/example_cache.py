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
import platform
from pathlib import Path

import numpy as np

from autograder.paths import cache_dir
from autograder.sandbox import wire

_KEYS: dict[tuple, str] = {}


def _code() -> list[Path]:
    """The code that draws the examples: the properties' machinery and the course's parts."""
    from autograder import parts

    machinery = sorted(Path(__file__).with_name("properties").glob("*.py"))
    return machinery + [path for part in parts.selected() for path in sorted(part.folder.rglob("*.py"))]


def cache_key() -> str:
    """The properties' code, the libraries that draw and the course's formulation (whose
    examples differ: margins clear of its delta, W clear of 0 with L1); once per process,
    formulation and selection of parts."""
    from autograder.course import current

    course = (current().key, current().parts)
    if course not in _KEYS:
        _KEYS[course] = _digest(course[0])
    return _KEYS[course]


def _digest(course: str) -> str:
    digest = hashlib.sha256()
    digest.update(course.encode())
    for path in _code():
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


PARTS = ("examples", "ladders")
"""The two files of the cache: every grading reads the examples; the ladders (many more
inputs, `properties.base.Property.ladder`) only a grading in which a property fails."""


def cache_path(part: str = "examples") -> Path:
    if part not in PARTS:
        raise ValueError(f"no part {part!r} in the example cache")
    return cache_dir() / f"{part}-{cache_key()}.bin"


def exists(part: str) -> bool:
    return cache_path(part).is_file()


def _restore(value):
    """Undo the wire format's one change: numpy scalars come back as 0-d arrays."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    if isinstance(value, dict):
        return {k: _restore(v) for k, v in value.items()}
    return value


def load(part: str = "examples") -> dict[tuple[str, str], tuple]:
    """The cases stored in one part, by (property id, key); {} when it is missing or unreadable."""
    path = cache_path(part)
    try:
        with open(path, "rb") as fh:
            data = wire.read_message(fh)
        if not isinstance(data, dict) or data.get("key") != cache_key():
            raise ValueError("not this cache's key")
        return {(e["property"], e["key"]): tuple(_restore(c) for c in e["cases"]) for e in data["entries"]}
    except FileNotFoundError:
        return {}
    except (OSError, EOFError, wire.WireError, ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)  # so that the next grading draws and stores it again
        return {}


def save(examples: dict[tuple[str, str], tuple], part: str = "examples") -> None:
    """Store the cases of one part; a cache that cannot be written only costs time."""
    from autograder.report.results import write_atomically_bytes

    entries = [{"property": p, "key": k, "cases": list(cases)} for (p, k), cases in sorted(examples.items())]
    try:
        write_atomically_bytes(cache_path(part), wire.encode({"key": cache_key(), "entries": entries}))
    except (OSError, wire.WireError):
        pass
