"""One key of etcd at one revision, as etcd itself describes it (mvccpb.KeyValue), wherever it
was read from: etcd's JSON gateway, etcdctl's JSON output, or a data file's `key` bucket; and
a member of the cluster.

mvccpb.KeyValue (go.etcd.io/etcd/api/mvccpb/kv.proto): key = 1, create_revision = 2,
mod_revision = 3, version = 4, value = 5, lease = 6. A key deleted at a revision is written to a
data file as a tombstone: a KeyValue holding the key only.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from . import protowire


class RecordError(ValueError):
    """The bytes or JSON are not an etcd key-value record."""


@dataclass(frozen=True, slots=True)
class KeyRecord:
    key: bytes
    create_revision: int = 0
    mod_revision: int = 0
    version: int = 0  # writes since creation; 0 in a tombstone
    lease: int = 0  # 0: none
    value: bytes | None = None  # None when read keys-only

    @property
    def text(self) -> str:
        """The key as text (Kubernetes writes ASCII keys; anything else shown escaped)."""
        return self.key.decode("utf-8", "backslashreplace")

    @property
    def size(self) -> int | None:
        return None if self.value is None else len(self.value)


@dataclass(frozen=True, slots=True)
class Member:
    """A member of the etcd cluster, as its status call or its data file names it."""

    id: int
    name: str
    peer_urls: tuple[str, ...]
    client_urls: tuple[str, ...]
    is_learner: bool = False

    def as_json(self) -> dict:
        return {
            "id": f"{self.id:x}",
            "name": self.name,
            "peer_urls": list(self.peer_urls),
            "client_urls": list(self.client_urls),
            "is_learner": self.is_learner,
        }


def record_from_protobuf(data: bytes, *, with_value: bool = True) -> KeyRecord:
    """A record from its protobuf bytes (a data file's `key` bucket holds these)."""
    found: dict[str, object] = {}
    try:
        for number, wire_type, raw in protowire.fields(data):
            name = _PROTOBUF_FIELDS.get((number, wire_type))
            if name is not None:
                found[name] = protowire.signed(raw) if isinstance(raw, int) else raw
    except protowire.WireError as error:
        raise RecordError(f"not an etcd key-value record: {error}") from None
    if "key" not in found:
        raise RecordError("not an etcd key-value record: it has no key")
    if not with_value:
        found.pop("value", None)
    elif "value" not in found:
        found["value"] = b""
    return KeyRecord(**found)  # type: ignore[arg-type]


def record_from_gateway(kv: dict, *, with_value: bool = True) -> KeyRecord:
    """A record from etcd's JSON gateway or `etcdctl -w json`: bytes in base64, int64s as
    strings (gateway) or numbers (etcdctl), zero fields left out."""
    try:
        key = base64.b64decode(kv["key"], validate=True)
        value = base64.b64decode(kv.get("value", ""), validate=True) if with_value else None
        return KeyRecord(
            key=key,
            create_revision=int(kv.get("create_revision", 0)),
            mod_revision=int(kv.get("mod_revision", 0)),
            version=int(kv.get("version", 0)),
            lease=int(kv.get("lease", 0)),
            value=value,
        )
    except (KeyError, TypeError, ValueError, binascii.Error) as error:
        raise RecordError(f"not an etcd key-value record: {error!r}") from None


def record_to_protobuf(record: KeyRecord) -> bytes:
    """The record as etcd writes it (for tests and the demo's own data files)."""
    writer = protowire.Writer().bytes(1, record.key)
    for number, value in (
        (2, record.create_revision),
        (3, record.mod_revision),
        (4, record.version),
    ):
        if value:
            writer.varint(number, value)
    if record.value:
        writer.bytes(5, record.value)
    if record.lease:
        writer.varint(6, record.lease)
    return writer.done()


_PROTOBUF_FIELDS = {
    (1, protowire.LEN): "key",
    (2, protowire.VARINT): "create_revision",
    (3, protowire.VARINT): "mod_revision",
    (4, protowire.VARINT): "version",
    (5, protowire.LEN): "value",
    (6, protowire.VARINT): "lease",
}
