"""The message format between the grader and the child: JSON plus raw numeric arrays.

A message is a 4-byte big-endian header length, a JSON header and then the raw bytes
of every array it references. Arrays are encoded as ``{"__array__": i}`` placeholders
in the JSON with their dtype and shape in a side table. Only booleans, integers,
unsigned integers and floats are allowed: nothing that carries code or Python objects
can cross (DESIGN principle 1), so the grader never unpickles anything the student
controls. The decoder checks every size against a limit before reading.

This module is imported by the child too, so it depends on numpy and the standard
library only.
"""

import json
import math
import struct

import numpy as np

MAX_HEADER_BYTES = 16 * 1024 * 1024
MAX_MESSAGE_BYTES = 512 * 1024 * 1024
_ALLOWED_KINDS = "biuf"


class WireError(Exception):
    """A message that is malformed, too large or not plain data."""


def _placeholder(arrays: list[np.ndarray], arr: np.ndarray) -> dict:
    dtype = arr.dtype
    if dtype.kind not in _ALLOWED_KINDS:
        raise WireError(f"cannot send an array of dtype {dtype}")
    if dtype.byteorder == ">":
        dtype = dtype.newbyteorder("<")
        arr = arr.astype(dtype)
    arrays.append(arr if arr.flags.c_contiguous else np.ascontiguousarray(arr))
    return {"__array__": len(arrays) - 1, "dtype": dtype.str, "shape": list(arr.shape)}


def encode(obj) -> bytes:
    """Serialise nested dicts/lists of JSON scalars and numpy arrays.

    numpy scalars arrive as plain Python numbers; arrays (0-d ones included) as arrays.
    The JSON encoder walks the structure in C and calls `default` for arrays only.
    """
    arrays: list[np.ndarray] = []

    def default(value):
        if isinstance(value, np.ndarray):
            return _placeholder(arrays, value)
        if isinstance(value, np.generic) and value.dtype.kind in _ALLOWED_KINDS:
            return value.item()
        raise WireError(f"cannot send a value of type {type(value).__name__}")

    try:
        header = json.dumps(obj, default=default, allow_nan=True).encode()
    except (TypeError, ValueError) as exc:  # e.g. a dict key that is not a string or a number
        raise WireError(f"cannot send this value: {exc}") from None
    # The arrays' own buffers (contiguous, see _placeholder), copied once, by the join.
    return b"".join([struct.pack(">I", len(header)), header, *[arr.data for arr in arrays]])


def _read_exact(stream, n: int) -> bytes:
    chunks = []
    remaining = n
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


_DTYPES: dict[str, np.dtype] = {}


def _dtype(name) -> np.dtype:
    dtype = _DTYPES.get(name) if isinstance(name, str) else None
    if dtype is None:
        try:
            dtype = np.dtype(str(name))
        except (TypeError, ValueError) as exc:
            raise WireError(f"bad array description: {exc}") from None
        if dtype.kind not in _ALLOWED_KINDS or dtype.itemsize > 16:
            raise WireError(f"dtype {dtype} is not allowed")
        if len(_DTYPES) < 64:
            _DTYPES[str(name)] = dtype
    return dtype


def read_message(stream, max_bytes: int = MAX_MESSAGE_BYTES):
    """Read one message from a binary stream; raises EOFError or WireError.

    The header is parsed first: the JSON parser hands every array placeholder to `hook`,
    which checks it (allowed dtype, sane shape, in order, the running total within
    `max_bytes`) and puts an empty array of that kind in its place. Then the arrays'
    bytes are read, in one piece, straight into those arrays.
    """
    (header_len,) = struct.unpack(">I", _read_exact(stream, 4))
    if header_len > MAX_HEADER_BYTES:
        raise WireError(f"header of {header_len} bytes is too large")
    arrays: list[np.ndarray] = []
    total = 0

    def hook(value: dict):
        nonlocal total
        if "__array__" not in value:
            return value
        if value["__array__"] != len(arrays):
            raise WireError("array placeholders out of order")
        dtype = _dtype(value.get("dtype"))
        try:
            shape = tuple(map(int, value["shape"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise WireError(f"bad array description: {exc}") from None
        if len(shape) > 8 or min(shape, default=0) < 0:
            raise WireError(f"bad array shape {shape}")
        total += math.prod(shape) * dtype.itemsize
        if total > max_bytes:
            raise WireError(f"message larger than {max_bytes} bytes")
        arrays.append(np.empty(shape, dtype))
        return arrays[-1]

    try:
        header = json.loads(_read_exact(stream, header_len), object_hook=hook)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"header is not JSON: {exc}") from None
    if total:
        payload = memoryview(_read_exact(stream, total))
        offset = 0
        for arr in arrays:
            size = arr.nbytes
            if size:
                memoryview(arr).cast("B")[:] = payload[offset : offset + size]
                offset += size
    return header


def write_message(stream, obj) -> None:
    """Write one message to a binary stream and flush it."""
    stream.write(encode(obj))
    stream.flush()
