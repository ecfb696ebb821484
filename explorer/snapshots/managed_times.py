"""The times in an object's `metadata.managedFields`, read from its stored value.

Each write through the API server stamps its manager's entry with the time of the write, which
makes them the best clock a data file has. Redaction drops managedFields from every decoded
object (explorer/lib/redact.py), so they are read here from the value itself: for protobuf,
only the path envelope → object → metadata → managedFields → time is walked, with the field
numbers of the project's tables (explorer/etcd/schema); for JSON, the parsed value. Any other
encoding, or a value that does not read, gives no times.
"""

from __future__ import annotations

import orjson

from explorer.etcd.proto_objects import MAGIC, DecodeError, read_unknown
from explorer.etcd.protowire import LEN, WireError, fields
from explorer.etcd.schema.fields import MESSAGES, message_of_kind
from explorer.etcd.wire_forms import read_time

OBJECT_META = "meta.v1.ObjectMeta"
ENTRY = "meta.v1.ManagedFieldsEntry"


def managed_fields_times(raw: bytes) -> list[str]:
    """RFC 3339 times of the value's managedFields entries ([] when it has none or cannot
    say)."""
    if raw.startswith(MAGIC):
        try:
            return _protobuf_times(raw)
        except (DecodeError, WireError, ValueError, OverflowError):
            return []
    if raw.lstrip()[:1] == b"{":
        try:
            return _json_times(orjson.loads(raw))
        except orjson.JSONDecodeError:
            return []
    return []


def _protobuf_times(raw: bytes) -> list[str]:
    envelope = read_unknown(raw)
    message_name = message_of_kind(envelope.api_version, envelope.kind)
    if message_name is None:
        return []
    metadata_number = _number(message_name, "metadata")
    managed_number = _number(OBJECT_META, "managedFields")
    time_number = _number(ENTRY, "time")
    times = []
    for metadata in _messages(bytes(envelope.raw), metadata_number):
        for entry in _messages(metadata, managed_number):
            for moment in _messages(entry, time_number):
                text = read_time(moment)
                if text:
                    times.append(text)
    return times


def _messages(data: bytes, number: int) -> list[bytes]:
    return [
        bytes(value)  # type: ignore[arg-type]
        for field, wire_type, value in fields(data)
        if field == number and wire_type == LEN
    ]


def _number(message_name: str, field_name: str) -> int:
    for number, field in MESSAGES[message_name].items():
        if field.name == field_name:
            return number
    raise ValueError(f"{message_name} has no field {field_name}")


def _json_times(obj: object) -> list[str]:
    metadata = obj.get("metadata") if isinstance(obj, dict) else None
    entries = metadata.get("managedFields") if isinstance(metadata, dict) else None
    if not isinstance(entries, list):
        return []
    return [
        entry["time"]
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("time"), str)
    ]
