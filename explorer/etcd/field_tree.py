"""A protobuf message of no known schema, shown as a tree of its fields.

Each node is {"number", "wireType", "value"}. A LEN value is shown as text when it is UTF-8
without control characters, else as a nested message when it parses as one, else as its size and
first bytes in hex. Text is tried before a message because short text often happens to parse as a
message too ("pi" is field 14 = 105), while a real nested message almost always holds a control
byte (a tag or a length below 0x20). Depth and node count are bounded, so hostile bytes cost
bounded time and memory.
"""

from __future__ import annotations

from typing import TypedDict

from .protowire import I32, I64, LEN, VARINT, WireError, fields, fixed64

MAX_DEPTH = 16
MAX_NODES = 2000
HEAD_BYTES = 16
_WIRE_NAMES = {VARINT: "varint", I64: "i64", LEN: "len", I32: "i32"}


class FieldNode(TypedDict):
    number: int
    wireType: str
    value: object


class _Budget:
    def __init__(self, nodes: int) -> None:
        self.left = nodes
        self.truncated = False


def field_tree(data: bytes, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> dict:
    """{"fields": [...nodes], "truncated": bool, "error": str | None} for any bytes."""
    budget = _Budget(max_nodes)
    nodes, error = _message(data, 0, max_depth, budget)
    return {"fields": nodes, "truncated": budget.truncated, "error": error}


def _message(data: bytes, depth: int, max_depth: int, budget: _Budget):
    nodes: list[FieldNode] = []
    try:
        for number, wire_type, value in fields(data):
            if budget.left <= 0:
                budget.truncated = True
                break
            budget.left -= 1
            nodes.append(
                {
                    "number": number,
                    "wireType": _WIRE_NAMES[wire_type],
                    "value": _show(wire_type, value, depth, max_depth, budget),
                }
            )
    except WireError as error:
        return nodes, str(error)
    return nodes, None


def _show(wire_type: int, value, depth: int, max_depth: int, budget: _Budget):
    if wire_type == VARINT:
        return value
    if wire_type == I64:
        return fixed64(value)
    if wire_type == I32:
        return int.from_bytes(value, "little")
    text = _text(value)
    if text is not None:
        return {"text": text}
    if depth < max_depth and value and _parses(value):
        nodes, _ = _message(value, depth + 1, max_depth, budget)
        return {"message": nodes}
    if depth >= max_depth:
        budget.truncated = True
    return {"size": len(value), "head": value[:HEAD_BYTES].hex()}


def _text(value: bytes) -> str | None:
    try:
        text = value.decode()
    except UnicodeDecodeError:
        return None
    if any(ord(char) < 0x20 and char not in "\t\n\r" for char in text) or "\x7f" in text:
        return None
    return text


def _parses(value: bytes) -> bool:
    try:
        for _ in fields(value):
            pass
    except WireError:
        return False
    return True
