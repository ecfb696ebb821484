"""The protobuf wire format, read and written (https://protobuf.dev/programming-guides/encoding/).

Kubernetes stores built-in kinds as protobuf, etcd keeps its own records (mvccpb.KeyValue) as
protobuf: both are read here field by field against the project's own tables, so no generated
code or schema file is needed. Input is never trusted: every length is checked against what is
left, varints are at most ten bytes, and a malformed message raises `WireError` with the offset.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

VARINT = 0
I64 = 1
LEN = 2
SGROUP = 3
EGROUP = 4
I32 = 5

_MAX_VARINT_BYTES = 10

Value = int | bytes


class WireError(ValueError):
    """The bytes are not a protobuf message (or not the one expected)."""


def read_varint(data: bytes | memoryview, offset: int) -> tuple[int, int]:
    """The varint at `offset` and the offset after it."""
    result = 0
    shift = 0
    end = min(len(data), offset + _MAX_VARINT_BYTES)
    position = offset
    while position < end:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7
    if position >= len(data):
        raise WireError(f"varint cut short at byte {offset}")
    raise WireError(f"varint longer than {_MAX_VARINT_BYTES} bytes at byte {offset}")


def fields(data: bytes | memoryview) -> Iterator[tuple[int, int, Value]]:
    """Each field of one message, in the order written: (number, wire type, value).

    A varint is an int; I64 and I32 values are their raw 8 and 4 bytes (see `fixed64`,
    `double`); a LEN value is its bytes (a string, bytes, a packed list or a message).
    Groups (deprecated, never written by Kubernetes or etcd) are an error.
    """
    view = memoryview(data) if not isinstance(data, memoryview) else data
    offset = 0
    size = len(view)
    while offset < size:
        start = offset
        tag, offset = read_varint(view, offset)
        number, wire_type = tag >> 3, tag & 7
        if number == 0:
            raise WireError(f"field number 0 at byte {start}")
        if wire_type == VARINT:
            value, offset = read_varint(view, offset)
            yield number, wire_type, value
        elif wire_type == LEN:
            length, offset = read_varint(view, offset)
            if length > size - offset:
                raise WireError(
                    f"field {number} at byte {start} claims {length} bytes, {size - offset} left"
                )
            yield number, wire_type, bytes(view[offset : offset + length])
            offset += length
        elif wire_type in (I64, I32):
            width = 8 if wire_type == I64 else 4
            if width > size - offset:
                raise WireError(f"field {number} at byte {start} cut short")
            yield number, wire_type, bytes(view[offset : offset + width])
            offset += width
        else:
            raise WireError(f"wire type {wire_type} (field {number}) at byte {start}")


def signed(value: int) -> int:
    """A varint read as int32/int64: Go writes a negative one as ten bytes, two's complement of
    64 bits (int32 too)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def zigzag(value: int) -> int:
    """A sint32/sint64 varint."""
    return (value >> 1) ^ -(value & 1)


def fixed64(raw: bytes) -> int:
    return struct.unpack("<Q", raw)[0]


def double(raw: bytes) -> float:
    return struct.unpack("<d", raw)[0]


def packed_varints(raw: bytes) -> list[int]:
    """The ints of a packed repeated varint field."""
    values: list[int] = []
    offset = 0
    while offset < len(raw):
        value, offset = read_varint(raw, offset)
        values.append(value)
    return values


class Writer:
    """A message written field by field, in the order of the calls."""

    def __init__(self) -> None:
        self._parts = bytearray()

    def varint(self, number: int, value: int) -> Writer:
        self._tag(number, VARINT)
        self._varint(value & 0xFFFFFFFFFFFFFFFF if value < 0 else value)
        return self

    def bool(self, number: int, value: bool) -> Writer:
        return self.varint(number, 1 if value else 0)

    def bytes(self, number: int, value: bytes) -> Writer:
        self._tag(number, LEN)
        self._varint(len(value))
        self._parts += value
        return self

    def string(self, number: int, value: str) -> Writer:
        return self.bytes(number, value.encode())

    def message(self, number: int, value: Writer | bytes) -> Writer:
        return self.bytes(number, value.done() if isinstance(value, Writer) else value)

    def double(self, number: int, value: float) -> Writer:
        self._tag(number, I64)
        self._parts += struct.pack("<d", value)
        return self

    def done(self) -> bytes:
        return bytes(self._parts)

    def _tag(self, number: int, wire_type: int) -> None:
        self._varint(number << 3 | wire_type)

    def _varint(self, value: int) -> None:
        while value > 0x7F:
            self._parts.append(value & 0x7F | 0x80)
            value >>= 7
        self._parts.append(value)
