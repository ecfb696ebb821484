"""A message table compiled once for reading: how each field is read, and how Go's JSON
encoding shows the message (fields.py), worked out ahead of the values.

Decoding a Pod reads some 300 fields in 30-odd messages: asking the table for every field
whether it is a map, a list, a scalar or a message, and whether it is shown when empty, was half
of the decoding time. A plan answers it once per table (proto_objects.py reads with it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, NamedTuple

from . import wire_forms
from .protowire import signed
from .schema import MESSAGES, Field
from .schema.fields import WIRE_FORMS

# How a field is read. The common forms are read in the decoding loop itself; GENERAL (maps,
# embedded structs, lists of scalars, fields with a type_meta…) goes through proto_objects'
# _collect, which also gives every form its error when the wire type is not the table's.
GENERAL = 0
STRING = 1
STRINGS = 2
SCALAR = 3
WIRE_FORM = 4
MESSAGE = 5
MESSAGE_LIST = 6
MAP = 7  # a map of strings or of a wire form (labels, annotations, resources)


def _int32(value: int) -> int:
    return ((signed(value) + (1 << 31)) % (1 << 32)) - (1 << 31)


def _uint32(value: int) -> int:
    return value & 0xFFFFFFFF


def _uint64(value: int) -> int:
    return value


VARINT_CONVERTERS: dict[str, Callable[[int], Any]] = {
    "bool": bool,
    "int32": _int32,
    "int64": signed,
    "uint32": _uint32,
    "uint64": _uint64,
}


_MAP_VALUE_READERS: dict[str, Callable[[bytes], Any]] = {
    "string": bytes.decode,
    "quantity": wire_forms.READERS["quantity"],
    "time": wire_forms.READERS["time"],
}


class FieldStep(NamedTuple):
    how: int
    field: Field
    suffix: str  # the field's place after its parent's: ".name", "" for an embedded struct
    read: (
        Any  # SCALAR: the conversion; WIRE_FORM, MAP: the (value's) reader; MESSAGE(_LIST): Nested
    )


@dataclass(slots=True)
class Nested:
    """The message of a field, its plan looked up the first time it is read (a message may hold
    itself: plans cannot all be made at once)."""

    name: str
    plan: MessagePlan | None = None


@dataclass(slots=True)
class ZeroMessage:
    """The zero value of a message Go shows when it was not written (an embedded struct, a
    field without omitempty): made once, copied for each use."""

    name: str
    depth: int | None  # nested messages below it; None: too deep, or a cycle, to make once
    template: dict | None = None
    tried: bool = False


class ShapeStep(NamedTuple):
    name: str  # "" for an embedded struct, its members lifted into the parent
    number: int
    shown_when_written: bool  # False: shown only when not zero (omitempty)
    when_missing: Any  # OMIT, a ZeroMessage, or the zero value itself


OMIT = object()


@dataclass(frozen=True, slots=True)
class MessagePlan:
    name: str
    steps: dict[int, FieldStep]
    shape: tuple[ShapeStep, ...]
    # A cluster's objects repeat their templates' containers, volumes, tolerations byte for
    # byte: the bytes of this message read once, and those read again, kept with what they read
    # as and the depth they were read at (proto_objects._decode)
    seen_once: set[bytes] = dataclass_field(default_factory=set)
    kept: dict[bytes, tuple[dict, int]] = dataclass_field(default_factory=dict)


# What is remembered is bounded: messages up to REMEMBERED_BYTES long, and so many bytes of them
# in all plans (then every plan forgets them: a few MiB at most)
REMEMBERED_BYTES = 2048
_SEEN_ONCE_BUDGET = 4 * 1024 * 1024
_KEPT_BUDGET = 1024 * 1024
_held = {"seen_once": 0, "kept": 0}


def note_seen(plan: MessagePlan, data: bytes) -> None:
    if _held["seen_once"] + len(data) > _SEEN_ONCE_BUDGET:
        for each in list(_PLANS.values()):
            each.seen_once.clear()
        _held["seen_once"] = 0
    _held["seen_once"] += len(data)
    plan.seen_once.add(data)


def keep(plan: MessagePlan, data: bytes, message: dict, depth: int) -> None:
    if _held["kept"] + len(data) > _KEPT_BUDGET:
        for each in list(_PLANS.values()):
            each.kept.clear()
        _held["kept"] = 0
    _held["kept"] += len(data)
    plan.kept[data] = (message, depth)


def forget() -> None:
    """Every message remembered forgotten, and the wire forms too (a benchmark's cold run)."""
    for each in list(_PLANS.values()):
        each.seen_once.clear()
        each.kept.clear()
    _held.update(seen_once=0, kept=0)
    for reader in wire_forms.READERS.values():
        getattr(reader, "cache_clear", lambda: None)()


_PLANS: dict[str, MessagePlan] = {}
_plans_made_at = [-1]  # MESSAGES.changes when _PLANS was last valid


def plan_of(name: str) -> MessagePlan | None:
    """The plan of the registered message `name` (None: no table)."""
    if MESSAGES.changes != _plans_made_at[0]:
        _PLANS.clear()
        _plans_made_at[0] = MESSAGES.changes
    plan = _PLANS.get(name)
    if plan is None:
        table = MESSAGES.get(name)
        if table is None:
            return None
        plan = _PLANS[name] = _compile(name, table)
    return plan


def _compile(name: str, table: dict[int, Field]) -> MessagePlan:
    return MessagePlan(
        name,
        {number: _step_of(field) for number, field in table.items()},
        tuple(_shape_step_of(field) for field in table.values()),
    )


def _step_of(field: Field) -> FieldStep:
    suffix = f".{field.name}" if field.name else ""
    type_ = field.type

    def step(how: int, read: Any = None) -> FieldStep:
        return FieldStep(how, field, suffix, read)

    if field.map_of in _MAP_VALUE_READERS:
        return step(MAP, _MAP_VALUE_READERS[field.map_of])
    if field.map_of is not None or not field.name or field.type_meta is not None:
        return step(GENERAL)
    if type_ in VARINT_CONVERTERS:
        return step(GENERAL) if field.repeated else step(SCALAR, VARINT_CONVERTERS[type_])
    if type_ == "string":
        return step(STRINGS if field.repeated else STRING)
    if type_ in WIRE_FORMS and not field.repeated:
        return step(WIRE_FORM, wire_forms.READERS[type_])
    if type_ in MESSAGES:
        return step(MESSAGE_LIST if field.repeated else MESSAGE, Nested(type_))
    return step(GENERAL)


def _shape_step_of(field: Field) -> ShapeStep:
    if not field.name:
        return ShapeStep("", field.number, True, _zero_message(field.type))
    shown_when_written = (
        field.pointer
        or not field.omitempty
        # Go never omits a struct: written means shown, even when empty.
        or field.type in MESSAGES
        or field.type in ("intorstring", "quantity")
    )
    if field.omitempty or field.pointer:
        when_missing = OMIT
    elif field.repeated or field.map_of is not None:
        when_missing = None
    elif field.type in MESSAGES:
        when_missing = _zero_message(field.type)
    else:
        when_missing = zero_value(field.type)
    return ShapeStep(field.name, field.number, shown_when_written, when_missing)


def zero_value(type_: str):
    """The zero value Go shows of a scalar or wire form."""
    if type_ == "string":
        return ""
    if type_ == "quantity":
        return "0"
    if type_ == "bool":
        return False
    if type_ in VARINT_CONVERTERS or type_ in ("double", "intorstring"):
        return 0
    if type_ == "duration":
        return "0s"
    return None


def _zero_message(name: str) -> ZeroMessage:
    return ZeroMessage(name, _zero_depth(name, ()))


def _zero_depth(name: str, within: tuple[str, ...]) -> int | None:
    """How many messages deep the zero value of `name` nests (the reader's depth limit must be
    met the same way as reading it would)."""
    table = MESSAGES.get(name)
    if table is None or name in within:
        return None
    deepest = 0
    for field in table.values():
        zero_shown = not field.name or not (
            field.omitempty or field.pointer or field.repeated or field.map_of is not None
        )
        if zero_shown and field.type in MESSAGES:
            depth = _zero_depth(field.type, (*within, name))
            if depth is None:
                return None
            deepest = max(deepest, depth + 1)
    return deepest
