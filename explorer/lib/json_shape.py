"""JSON whose shape is not trusted (a pasted file, a bundle edited by hand): what a value is, in
words, and getters that refuse a field of the wrong type with a ValueError naming it, rather than
let it through to fail later as a TypeError or AttributeError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def json_type(value: Any) -> str:
    """`a list`, `an object`, `a number`… as a message says what was found."""
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "true/false" if isinstance(value, bool) else "a number"


def required_text(mapping: Mapping[str, Any], key: str, what: str) -> str:
    """`mapping[key]`, which must be a string; ValueError naming `what` otherwise."""
    value = mapping.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{what}: {key} is {json_type(value)}, not a string")
    return value


def optional_text(mapping: Mapping[str, Any], key: str) -> str | None:
    """`mapping[key]` when it is a string, else None (an optional field of another type is
    read as missing)."""
    value = mapping.get(key)
    return value if isinstance(value, str) else None


def mapping(value: Any) -> dict:
    """`value` when it is an object, else an empty one (never to be changed): for reading a
    field of an object whose shape is not trusted without a check at every step."""
    return value if value.__class__ is dict else _EMPTY


def items(value: Any) -> list | tuple:
    """`value` when it is a list, else an empty one."""
    return value if value.__class__ is list else ()


_EMPTY: dict = {}
