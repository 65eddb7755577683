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
import struct

import numpy as np

MAX_HEADER_BYTES = 16 * 1024 * 1024
MAX_MESSAGE_BYTES = 512 * 1024 * 1024
_ALLOWED_KINDS = "biuf"


class WireError(Exception):
    """A message that is malformed, too large or not plain data."""


def encode(obj) -> bytes:
    """Serialise nested dicts/lists of JSON scalars and numpy arrays."""
    arrays: list[np.ndarray] = []

    def walk(value):
        if isinstance(value, np.ndarray) or isinstance(value, np.generic):
            arr = np.asarray(value)
            if arr.dtype.kind not in _ALLOWED_KINDS:
                raise WireError(f"cannot send an array of dtype {arr.dtype}")
            if not arr.flags.c_contiguous:
                arr = arr.copy(order="C")
            arrays.append(arr)
            return {
                "__array__": len(arrays) - 1,
                "dtype": arr.dtype.newbyteorder("<").str if arr.dtype.byteorder == ">" else arr.dtype.str,
                "shape": list(arr.shape),
            }
        if isinstance(value, dict):
            return {str(k): walk(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise WireError(f"cannot send a value of type {type(value).__name__}")

    header = json.dumps(walk(obj), allow_nan=True).encode()
    parts = [struct.pack(">I", len(header)), header]
    for arr in arrays:
        parts.append(arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes())
    return b"".join(parts)


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


def read_message(stream, max_bytes: int = MAX_MESSAGE_BYTES):
    """Read one message from a binary stream; raises EOFError or WireError."""
    (header_len,) = struct.unpack(">I", _read_exact(stream, 4))
    if header_len > MAX_HEADER_BYTES:
        raise WireError(f"header of {header_len} bytes is too large")
    try:
        header = json.loads(_read_exact(stream, header_len))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"header is not JSON: {exc}") from None
    specs: list[tuple[np.dtype, tuple[int, ...]]] = []

    def collect(value):
        if isinstance(value, dict):
            if "__array__" in value:
                idx = value.get("__array__")
                if idx != len(specs):
                    raise WireError("array placeholders out of order")
                try:
                    dtype = np.dtype(str(value["dtype"]))
                    shape = tuple(int(s) for s in value["shape"])
                except (KeyError, TypeError, ValueError) as exc:
                    raise WireError(f"bad array description: {exc}") from None
                if dtype.kind not in _ALLOWED_KINDS or dtype.itemsize > 16:
                    raise WireError(f"dtype {dtype} is not allowed")
                if any(s < 0 for s in shape) or len(shape) > 8:
                    raise WireError(f"bad array shape {shape}")
                specs.append((dtype, shape))
                return
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    collect(header)
    total = 0
    for dtype, shape in specs:
        total += int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if total > max_bytes:
            raise WireError(f"message larger than {max_bytes} bytes")
    arrays = []
    for dtype, shape in specs:
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        arrays.append(np.frombuffer(_read_exact(stream, nbytes), dtype=dtype).reshape(shape).copy())

    def rebuild(value):
        if isinstance(value, dict):
            if "__array__" in value:
                return arrays[value["__array__"]]
            return {k: rebuild(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rebuild(v) for v in value]
        return value

    return rebuild(header)


def write_message(stream, obj) -> None:
    """Write one message to a binary stream and flush it."""
    stream.write(encode(obj))
    stream.flush()
