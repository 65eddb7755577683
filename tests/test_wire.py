"""The child-to-grader message format carries plain numbers only."""

import io
import struct

import numpy as np
import pytest

from autograder.sandbox import wire


def roundtrip(obj):
    return wire.read_message(io.BytesIO(wire.encode(obj)))


def test_nested_values_and_arrays_roundtrip():
    msg = {"a": [1, 2.5, "x", None, True], "W": np.arange(6.0).reshape(2, 3), "y": np.array([1, 2], np.int64),
           "scalar": np.float64(3.5), "empty": np.zeros((0, 3))}
    out = roundtrip(msg)
    assert out["a"] == [1, 2.5, "x", None, True]
    np.testing.assert_array_equal(out["W"], msg["W"])
    assert out["W"].dtype == np.float64 and out["y"].dtype == np.int64
    assert type(out["scalar"]) is float and out["scalar"] == 3.5  # numpy scalars arrive as Python numbers
    assert out["empty"].shape == (0, 3)


def test_zero_dimensional_and_unaligned_arrays_roundtrip():
    msg = {"loss": np.array(2.5), "flags": np.array([True, False, True]), "after": np.arange(3.0),
           "ints": [np.int64(4), np.bool_(True)]}
    out = roundtrip(msg)
    assert out["loss"].shape == () and float(out["loss"]) == 2.5
    np.testing.assert_array_equal(out["flags"], msg["flags"])
    np.testing.assert_array_equal(out["after"], msg["after"])  # 3 bytes of booleans before it
    out["after"][0] = 7.0  # decoded arrays are the receiver's own, writable
    assert out["ints"] == [4, True]


def test_non_contiguous_arrays_are_sent_by_value():
    arr = np.arange(12.0).reshape(3, 4)[:, ::2]
    np.testing.assert_array_equal(roundtrip({"a": arr})["a"], arr)


@pytest.mark.parametrize("bad", [np.array([object()]), np.array(["text"]), {1, 2}, object()])
def test_objects_and_strings_arrays_cannot_be_sent(bad):
    with pytest.raises(wire.WireError):
        wire.encode({"x": bad})


def _message(header: bytes, payload: bytes = b"") -> io.BytesIO:
    return io.BytesIO(struct.pack(">I", len(header)) + header + payload)


def test_decoder_rejects_object_dtype_even_if_sent_by_hand():
    header = b'{"x": {"__array__": 0, "dtype": "|O", "shape": [1]}}'
    with pytest.raises(wire.WireError, match="not allowed"):
        wire.read_message(_message(header, b"\0" * 8))


def test_decoder_rejects_oversized_messages_before_reading_them():
    header = b'{"x": {"__array__": 0, "dtype": "<f8", "shape": [100000, 100000]}}'
    with pytest.raises(wire.WireError, match="larger than"):
        wire.read_message(_message(header), max_bytes=10**6)


def test_decoder_rejects_garbage_header():
    with pytest.raises(wire.WireError):
        wire.read_message(_message(b"\xff\xfe not json"))


def test_truncated_message_is_end_of_file():
    data = wire.encode({"x": np.arange(10.0)})
    with pytest.raises(EOFError):
        wire.read_message(io.BytesIO(data[:-5]))
