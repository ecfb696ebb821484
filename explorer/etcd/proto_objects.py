"""Kubernetes objects as kube-apiserver stores them: `k8s\\x00` + runtime.Unknown + the protobuf
message of the kind, read into the dict Go's JSON encoding would produce, and written back.

The message tables are the project's own (`schema/`); how a field is shown follows `fields.py`.
Reading never trusts its input: nesting is bounded, a field the table does not know is left out
of the object and described in `problems` (its number, wire type and size, never its bytes), and
a value cut short is decoded as far as it goes, with the place it was cut in `problems`.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from . import wire_forms
from .field_tree import field_tree
from .protowire import I32, I64, LEN, VARINT, WireError, Writer, double, fields, read_varint, signed
from .read_plans import (
    MAP,
    MESSAGE,
    MESSAGE_LIST,
    OMIT,
    REMEMBERED_BYTES,
    SCALAR,
    STRING,
    STRINGS,
    WIRE_FORM,
    MessagePlan,
    Nested,
    ZeroMessage,
    keep,
    note_seen,
    plan_of,
    zero_value,
)
from .schema import MESSAGES, Field, message_of_kind
from .schema.fields import SCALARS, WIRE_FORMS

MAGIC = b"k8s\x00"
MAX_DEPTH = 64
MAX_PROBLEMS = 100  # a hostile value can hold a million unknown fields: say so once

_VARINT_TYPES = frozenset({"bool", "int32", "int64", "uint32", "uint64"})
_WIRE_TYPE_OF = {"double": I64, **{name: VARINT for name in _VARINT_TYPES}}


class DecodeError(ValueError):
    """The bytes are not a stored Kubernetes object (one line saying why)."""


class EncodeError(ValueError):
    """The object holds something the table cannot write (the message names the field path)."""


@dataclass(frozen=True)
class Unknown:
    """runtime.Unknown, the envelope of every stored value."""

    api_version: str
    kind: str
    raw: bytes
    content_encoding: str
    content_type: str


# ---- reading ---------------------------------------------------------------------------------


def _note(problems: list[str], text: str) -> None:
    if len(problems) < MAX_PROBLEMS:
        problems.append(text)
    elif len(problems) == MAX_PROBLEMS:
        problems.append(f"more problems than {MAX_PROBLEMS}: the rest are not listed")


def _varint(data: bytes, offset: int) -> tuple[int, int]:
    """read_varint, with the one-byte varint (most tags and lengths) read inline: decoding a Pod
    reads some 300 of them."""
    if offset < len(data) and data[offset] < 0x80:
        return data[offset], offset + 1
    return read_varint(data, offset)


def _lenient_fields(data: bytes, problems: list[str], path: str, base: int | None = None):
    """Like protowire.fields, but a value cut short ends the message instead of failing it:
    a length running past the end yields what is left (and says so), anything else stops.
    `base` is where `data` starts in the stored value, when it is the outermost message."""
    offset, size = 0, len(data)
    while offset < size:
        start = offset
        try:
            tag, offset = _varint(data, offset)
            number, wire_type = tag >> 3, tag & 7
            if number == 0:
                raise WireError(f"field number 0 at byte {start}")
            if wire_type == VARINT:
                value, offset = _varint(data, offset)
                yield number, wire_type, value
            elif wire_type == LEN:
                length, offset = _varint(data, offset)
                if length > size - offset:
                    where = (
                        f"the value was cut at byte {base + size}: field {number} at byte "
                        f"{base + start}"
                        if base is not None
                        else f"{path or '.'}: cut short: field {number} at byte {start} of "
                        "this message"
                    )
                    _note(problems, f"{where} claims {length} bytes, {size - offset} left")
                    yield number, wire_type, data[offset:]
                    return
                yield number, wire_type, data[offset : offset + length]
                offset += length
            elif wire_type in (I64, 5):
                width = 8 if wire_type == I64 else 4
                if width > size - offset:
                    raise WireError(f"field {number} at byte {start} cut short")
                yield number, wire_type, data[offset : offset + width]
                offset += width
            else:
                raise WireError(f"wire type {wire_type} (field {number}) at byte {start}")
        except WireError as error:
            _note(problems, f"{path or '.'}: stopped reading: {error}")
            return


def decode_message(
    name: str, data: bytes, *, problems: list[str], _path: str = "", _depth: int = 0
) -> dict:
    """The registered message `name` read from `data`, as Go's JSON encoding shows it."""
    plan = plan_of(name)
    if plan is None:
        raise DecodeError(f"no table for message {name}")
    if type(data) is not bytes:
        data = bytes(data)
    return _decode(plan, data, problems, _path, _depth)


def _decode(plan: MessagePlan, data: bytes, problems, path, depth) -> dict:
    """The message read, or a copy of what the same bytes read as before, without a problem
    and at this depth or deeper: reading depends on the bytes and the depth only (the path shows
    in problems alone). Bytes read a second time are kept (read_plans: bounded)."""
    if depth > MAX_DEPTH:
        _note(problems, f"{path}: nested deeper than {MAX_DEPTH} messages, not read")
        return {}
    kept = plan.kept.get(data)
    if kept is not None and depth <= kept[1]:
        return _copy(kept[0])
    noted = len(problems)
    written = _read_fields(plan, data, problems, path, depth)
    message = _shape(plan, written, problems, path, depth)
    # kept only when no problem was noted, nor could have been (a list past MAX_PROBLEMS
    # takes no more)
    if len(problems) == noted <= MAX_PROBLEMS and len(data) <= REMEMBERED_BYTES:
        if data in plan.seen_once:
            keep(plan, data, _copy(message), depth)
        else:
            note_seen(plan, data)
    return message


def _plan_of_nested(nested: Nested) -> MessagePlan:
    plan = plan_of(nested.name)
    if plan is None:
        raise DecodeError(f"no table for message {nested.name}")
    nested.plan = plan
    return plan


def _read_fields(plan: MessagePlan, data: bytes, problems, path, depth) -> dict[int, Any]:
    """Each field of the message read by its plan's step, by number: _lenient_fields and
    _collect in one loop, since a generator and a call per field were a third of the time. The
    one-byte varint (most tags and lengths) is read inline."""
    written: dict[int, Any] = {}
    steps = plan.steps
    offset, size = 0, len(data)
    while offset < size:
        start = offset
        try:
            tag = data[offset]
            if tag < 0x80:
                offset += 1
            else:
                tag, offset = read_varint(data, offset)
            number, wire_type = tag >> 3, tag & 7
            if number == 0:
                raise WireError(f"field number 0 at byte {start}")
            if wire_type == LEN:
                if offset < size and data[offset] < 0x80:
                    length = data[offset]
                    offset += 1
                else:
                    length, offset = read_varint(data, offset)
                if length > size - offset:
                    _note(
                        problems,
                        f"{path or '.'}: cut short: field {number} at byte {start} of this "
                        f"message claims {length} bytes, {size - offset} left",
                    )
                    value = data[offset:]
                    offset = size  # what is left is read, and the message ends
                else:
                    value = data[offset : offset + length]
                    offset += length
            elif wire_type == VARINT:
                if offset < size and data[offset] < 0x80:
                    value = data[offset]
                    offset += 1
                else:
                    value, offset = read_varint(data, offset)
            elif wire_type in (I64, I32):
                width = 8 if wire_type == I64 else 4
                if width > size - offset:
                    raise WireError(f"field {number} at byte {start} cut short")
                value = data[offset : offset + width]
                offset += width
            else:
                raise WireError(f"wire type {wire_type} (field {number}) at byte {start}")
        except WireError as error:
            _note(problems, f"{path or '.'}: stopped reading: {error}")
            break
        step = steps.get(number)
        if step is None:
            _note_unknown_field(problems, path, plan.name, number, wire_type, value)
            continue
        how, field, suffix, read = step
        try:
            if how == STRING and wire_type == LEN:
                written[number] = value.decode()
            elif how == MESSAGE and wire_type == LEN:
                plan_read = read.plan or _plan_of_nested(read)
                written[number] = _decode(plan_read, value, problems, path + suffix, depth + 1)
            elif (how == SCALAR and wire_type == VARINT) or (how == WIRE_FORM and wire_type == LEN):
                written[number] = read(value)
            elif how == MESSAGE_LIST and wire_type == LEN:
                plan_read = read.plan or _plan_of_nested(read)
                item = _decode(plan_read, value, problems, path + suffix, depth + 1)
                _append(written, number, item)
            elif how == MAP and wire_type == LEN and (entry := _plain_map_entry(value, read)):
                key, item = entry
                mapped = written.get(number)
                if mapped is None:
                    written[number] = {key: item}
                else:
                    mapped[key] = item
            elif how == STRINGS and wire_type == LEN:
                _append(written, number, value.decode())
            else:
                _collect(field, wire_type, value, written, problems, path + suffix, depth)
        except (WireError, UnicodeDecodeError, wire_forms.WireFormError) as error:
            _note(problems, f"{path + suffix}: {error}")
    return written


def _plain_map_entry(entry: bytes, read_value) -> tuple[str, Any] | None:
    """(key, value) of a map entry written as Go writes one, `0a len key 12 len value` with both
    lengths under 128; None for any other form (_map_entry reads it). The value is a string or a
    wire form, never None here: a Time read as None is the map's zero value too."""
    size = len(entry)
    if size < 4 or entry[0] != 0x0A or entry[1] >= 0x80:
        return None
    key_end = 2 + entry[1]
    if key_end + 2 > size or entry[key_end] != 0x12:
        return None
    value_length = entry[key_end + 1]
    if value_length >= 0x80 or key_end + 2 + value_length != size:
        return None
    return entry[2:key_end].decode(), read_value(entry[key_end + 2 :])


def _append(written: dict[int, Any], number: int, item) -> None:
    items = written.get(number)
    if items is None:
        written[number] = [item]
    else:
        items.append(item)


def _note_unknown_field(problems, path, name, number, wire_type, value) -> None:
    size = len(value) if isinstance(value, bytes) else 0
    _note(
        problems,
        f"{path or '.'}: field {number} of {name} (wire type {wire_type}"
        + (f", {size} bytes" if wire_type == LEN else "")
        + ") is not in the table: left out",
    )


def _collect(field, wire_type, value, written, problems, path, depth) -> None:
    if field.map_of is not None:
        if wire_type != LEN:
            raise WireError(f"map entry with wire type {wire_type}")
        key, item = _map_entry(field, value, problems, path, depth)
        written.setdefault(field.number, {})[key] = item
        return
    scalar_wire = _WIRE_TYPE_OF.get(field.type)
    if field.repeated and scalar_wire == VARINT and wire_type == LEN:
        items = [_scalar(field.type, raw) for raw in _packed(value)]
        written.setdefault(field.number, []).extend(items)
        return
    expected = scalar_wire if scalar_wire is not None else LEN
    if wire_type != expected:
        raise WireError(f"wire type {wire_type}, the table expects {expected}")
    item = _value(field.type, value, problems, path, depth)
    type_meta = getattr(field, "type_meta", None)
    if type_meta is not None and isinstance(item, dict):
        item = {"apiVersion": type_meta[0], "kind": type_meta[1], **item}
    if field.repeated:
        written.setdefault(field.number, []).append(item)
    elif field.name == "" and field.number in written:
        written[field.number].update(item)  # an embedded message written in parts merges
    else:
        written[field.number] = item


def _packed(raw: bytes) -> list[int]:
    values, offset = [], 0
    while offset < len(raw):
        value, offset = read_varint(raw, offset)
        values.append(value)
    return values


def _map_entry(field: Field, data: bytes, problems, path, depth):
    key, item = "", None
    expected = _WIRE_TYPE_OF.get(field.map_of, LEN)
    for number, wire_type, value in _lenient_fields(data, problems, path):
        if number == 1 and wire_type == LEN:
            key = bytes(value).decode(errors="replace")
        elif number == 2 and wire_type != expected:
            _note(
                problems,
                f"{path}[{key}]: a value of wire type {wire_type} where {field.map_of} "
                f"(wire type {expected}) is expected: left out",
            )
        elif number == 2:
            item = _value(field.map_of, value, problems, f"{path}[{key}]", depth)
    if item is None:
        item = zero_value(field.map_of)
    return key, item


def _value(type_: str, value, problems, path, depth):
    if type_ in _WIRE_TYPE_OF:
        return _scalar(type_, value)
    raw = bytes(value)
    if type_ == "string":
        return raw.decode()
    if type_ == "bytes":
        return base64.b64encode(raw).decode()
    if type_ in WIRE_FORMS:
        return wire_forms.READERS[type_](raw)
    return decode_message(type_, raw, problems=problems, _path=path, _depth=depth + 1)


def _scalar(type_: str, value):
    if type_ == "bool":
        return bool(value)
    if type_ == "double":
        return double(value)
    if type_ == "int32":
        number = signed(value)
        return ((number + (1 << 31)) % (1 << 32)) - (1 << 31)
    if type_ == "int64":
        return signed(value)
    if type_ == "uint32":
        return value & 0xFFFFFFFF
    return value


def _shape(plan: MessagePlan, written: dict[int, Any], problems, path, depth) -> dict:
    """The fields in Go's JSON form: what was written, less the empty omitempty ones, plus
    the zero value of a field Go always shows."""
    result: dict[str, Any] = {}
    for name, number, shown_when_written, when_missing in plan.shape:
        value = written.get(number, OMIT)
        if not name:  # an embedded struct: its members are the parent's
            if value is OMIT:
                value = _zero_message(when_missing, problems, path, depth)
            result.update(value)
        elif value is not OMIT:
            # a zero value ("", 0, False, None, [], {}) is left out: every value read is a str,
            # int, float, bool, None, list or dict, so `not value` says it
            if shown_when_written or value:
                result[name] = value
        elif when_missing is not OMIT:
            if type(when_missing) is ZeroMessage:
                result[name] = _zero_message(when_missing, problems, path, depth)
            else:
                result[name] = when_missing
    return result


def _zero_message(zero: ZeroMessage, problems, path, depth) -> dict:
    """The message read from no bytes, as decode_message(zero.name, b"") gives it: a copy of the
    one made the first time, unless that could not be made or would pass the depth limit here."""
    if not zero.tried:
        zero.tried = True
        if zero.depth is not None:
            made: list[str] = []
            try:
                template = decode_message(zero.name, b"", problems=made)
            except DecodeError:
                template = None
            zero.template = None if made else template
    if zero.template is None or depth + 1 + zero.depth > MAX_DEPTH:
        return decode_message(zero.name, b"", problems=problems, _path=path, _depth=depth + 1)
    return _copy(zero.template)


def _copy(template: dict) -> dict:
    """A fresh copy of a message remembered (each use may be changed by its caller, redact()
    for one): its dicts and lists are new, its other values (str, int, float, bool, None)
    cannot change."""
    return {
        key: value if type(value) not in _CONTAINERS else _copy_container(value)
        for key, value in template.items()
    }


def _copy_container(value):
    if type(value) is dict:
        return _copy(value)
    return [item if type(item) not in _CONTAINERS else _copy_container(item) for item in value]


_CONTAINERS = frozenset({dict, list})


def read_unknown(data: bytes) -> Unknown:
    """The envelope of a stored value (with or without the `k8s\\x00` magic in front)."""
    if data.startswith(MAGIC):
        data = data[len(MAGIC) :]
    api_version = kind = content_encoding = content_type = ""
    raw = b""
    try:
        for number, wire_type, value in fields(data):
            if wire_type != LEN:
                continue
            if number == 1:
                for inner, inner_type, text in fields(value):  # type: ignore[arg-type]
                    if inner_type == LEN and inner == 1:
                        api_version = text.decode()  # type: ignore[union-attr]
                    elif inner_type == LEN and inner == 2:
                        kind = text.decode()  # type: ignore[union-attr]
            elif number == 2:
                raw = value  # type: ignore[assignment]
            elif number == 3:
                content_encoding = value.decode()  # type: ignore[union-attr]
            elif number == 4:
                content_type = value.decode()  # type: ignore[union-attr]
    except (WireError, UnicodeDecodeError) as error:
        raise DecodeError(f"not a runtime.Unknown envelope: {error}") from error
    return Unknown(api_version, kind, raw, content_encoding, content_type)


def _read_envelope_leniently(data: bytes, problems: list[str]) -> Unknown:
    """The envelope of a value that may be cut short: what survives of `raw` is kept."""
    body = data[len(MAGIC) :]
    parts: dict[int, bytes] = {}
    for number, wire_type, value in _lenient_fields(body, problems, "envelope", base=len(MAGIC)):
        if wire_type == LEN:
            parts[number] = bytes(value)
    type_meta: dict[int, str] = {}
    for number, wire_type, value in _lenient_fields(parts.get(1, b""), problems, "typeMeta"):
        if wire_type == LEN:
            type_meta[number] = bytes(value).decode(errors="replace")
    return Unknown(
        type_meta.get(1, ""),
        type_meta.get(2, ""),
        parts.get(2, b""),
        parts.get(3, b"").decode(errors="replace"),
        parts.get(4, b"").decode(errors="replace"),
    )


def decode_object(data: bytes, *, problems: list[str]) -> dict:
    """A stored value (`k8s\\x00` + envelope) as the object the API would serve, before
    redaction. A kind with no table gets its metadata and a field tree of the rest."""
    if not data.startswith(MAGIC):
        raise DecodeError("not a Kubernetes protobuf value: it does not start with k8s\\x00")
    envelope = _read_envelope_leniently(data, problems)
    if envelope.content_encoding:
        raise DecodeError(f"content encoding {envelope.content_encoding!r} is not read")
    if not envelope.api_version or not envelope.kind:
        raise DecodeError("the envelope names no apiVersion and kind")
    head = {"apiVersion": envelope.api_version, "kind": envelope.kind}
    message_name = message_of_kind(envelope.api_version, envelope.kind)
    if message_name is not None:
        return head | decode_message(message_name, envelope.raw, problems=problems)
    _note(
        problems,
        f"no table for {envelope.api_version} {envelope.kind}: its metadata is decoded, "
        "the rest shown as a protobuf field tree",
    )
    metadata: dict = {}
    rest = Writer()
    for number, wire_type, value in _lenient_fields(envelope.raw, problems, ""):
        if number == 1 and wire_type == LEN:
            metadata = decode_message(
                "meta.v1.ObjectMeta", bytes(value), problems=problems, _path=".metadata"
            )
        elif wire_type == LEN:
            rest.bytes(number, bytes(value))
        elif wire_type == VARINT:
            rest.varint(number, value)
    return head | {"metadata": metadata, "fields": field_tree(rest.done())}


# ---- writing ---------------------------------------------------------------------------------


def encode_message(name: str, obj: dict, _path: str = "") -> bytes:
    """The message `name` written from its JSON form, fields in number order; a key the table
    does not know, or a value of the wrong type, is an EncodeError naming its path."""
    table = MESSAGES.get(name)
    if table is None:
        raise EncodeError(f"{_path or '.'}: no table for message {name}")
    if not isinstance(obj, dict):
        raise EncodeError(f"{_path or '.'}: {name} must be an object, not {type(obj).__name__}")
    known = _json_names(table)
    for key in obj:
        if key not in known:
            raise EncodeError(f"{_path}.{key}: not a field of {name}")
    writer = Writer()
    for field in sorted(table.values(), key=lambda f: f.number):
        path = f"{_path}.{field.name}" if field.name else _path
        if field.name == "":
            inner = {key: obj[key] for key in _json_names(MESSAGES[field.type]) if key in obj}
            writer.message(field.number, encode_message(field.type, inner, path))
            continue
        if field.name not in obj:
            continue
        value = obj[field.name]
        if value is None and not (field.type in ("time", "microtime") and not field.pointer):
            continue
        try:
            _write_field(writer, field, value, path)
        except (TypeError, ValueError, OverflowError) as error:
            if isinstance(error, EncodeError):
                raise
            raise EncodeError(f"{path}: {error}") from error
    return writer.done()


def _json_names(table: dict[int, Field]) -> set[str]:
    names: set[str] = set()
    for field in table.values():
        names |= _json_names(MESSAGES[field.type]) if field.name == "" else {field.name}
    return names


def _write_field(writer: Writer, field: Field, value, path: str) -> None:
    if field.map_of is not None:
        if not isinstance(value, dict):
            raise EncodeError(f"{path}: a map must be an object")
        for key in sorted(value):
            entry = Writer().string(1, str(key))
            _write_one(entry, 2, field.map_of, value[key], f"{path}[{key}]")
            writer.message(field.number, entry)
        return
    if field.repeated:
        if not isinstance(value, list):
            raise EncodeError(f"{path}: a list is expected")
        if field.type in _VARINT_TYPES - {"bool"}:
            packed = Writer()
            for item in value:
                packed._varint(_int(item, path) & 0xFFFFFFFFFFFFFFFF)
            writer.bytes(field.number, packed.done())
            return
        for index, item in enumerate(value):
            _write_one(
                writer,
                field.number,
                field.type,
                _without_type_meta(field, item, f"{path}[{index}]"),
                f"{path}[{index}]",
            )
        return
    _write_one(writer, field.number, field.type, _without_type_meta(field, value, path), path)


def _int(value, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EncodeError(f"{path}: an integer is expected, not {value!r}")
    return value


def _write_one(writer: Writer, number: int, type_: str, value, path: str) -> None:
    if type_ == "string":
        if not isinstance(value, str):
            raise EncodeError(f"{path}: a string is expected, not {type(value).__name__}")
        writer.string(number, value)
    elif type_ == "bytes":
        try:
            writer.bytes(number, base64.b64decode(value, validate=True))
        except (binascii.Error, TypeError) as error:
            raise EncodeError(f"{path}: not base64: {error}") from error
    elif type_ == "bool":
        if not isinstance(value, bool):
            raise EncodeError(f"{path}: a boolean is expected, not {value!r}")
        writer.bool(number, value)
    elif type_ == "double":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise EncodeError(f"{path}: a number is expected, not {value!r}")
        writer.double(number, float(value))
    elif type_ in _VARINT_TYPES:
        writer.varint(number, _int(value, path))
    elif type_ in ("time", "microtime"):
        if value is not None and not isinstance(value, str):
            raise EncodeError(f"{path}: a time must be a string")
        writer.message(number, wire_forms.write_time(value))
    elif type_ == "duration":
        writer.message(number, wire_forms.write_duration(_text(value, path)))
    elif type_ == "quantity":
        writer.message(number, wire_forms.write_quantity(_quantity(value, path)))
    elif type_ == "intorstring":
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise EncodeError(f"{path}: an int or a string is expected")
        writer.message(number, wire_forms.write_int_or_string(value))
    elif type_ in ("rawextension", "fieldsv1"):
        writer.message(number, wire_forms.write_raw_json(value))
    elif type_ in SCALARS:
        raise EncodeError(f"{path}: type {type_} is not written")
    else:
        writer.message(number, encode_message(type_, value, path))


def _without_type_meta(field: Field, value, path: str):
    """A field whose objects the API shows with apiVersion and kind (fields.py `type_meta`)
    holds them only in JSON: they are checked and left out of the protobuf."""
    type_meta = getattr(field, "type_meta", None)
    if type_meta is None or not isinstance(value, dict):
        return value
    shown = (value.get("apiVersion", type_meta[0]), value.get("kind", type_meta[1]))
    if shown != type_meta:
        raise EncodeError(f"{path}: apiVersion/kind {shown} where {type_meta} is expected")
    return {key: item for key, item in value.items() if key not in ("apiVersion", "kind")}


def _text(value, path: str) -> str:
    if not isinstance(value, str):
        raise EncodeError(f"{path}: a string is expected")
    return value


def _quantity(value, path: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise EncodeError(f"{path}: a quantity is expected")
    return value if isinstance(value, str) else str(value)


def encode_object(obj: dict) -> bytes:
    """`k8s\\x00` + runtime.Unknown + the object's message, as kube-apiserver stores it: the
    stored value carries no resourceVersion (that is the key's mod_revision)."""
    if not isinstance(obj, dict):
        raise EncodeError(". : an object is expected")
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        raise EncodeError(".apiVersion/.kind: both are needed to store an object")
    message_name = message_of_kind(api_version, kind)
    if message_name is None:
        raise EncodeError(f".: no table for {api_version} {kind}")
    body = {key: value for key, value in obj.items() if key not in ("apiVersion", "kind")}
    metadata = body.get("metadata")
    if isinstance(metadata, dict) and "resourceVersion" in metadata:
        body["metadata"] = {k: v for k, v in metadata.items() if k != "resourceVersion"}
    raw = encode_message(message_name, body)
    type_meta = Writer().string(1, api_version).string(2, kind)
    envelope = Writer().message(1, type_meta).bytes(2, raw).string(3, "").string(4, "")
    return MAGIC + envelope.done()
