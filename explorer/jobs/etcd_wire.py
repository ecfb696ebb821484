"""What the node agent's etcd answers look like on the queue: plain JSON (the tasks' serializer)
and back into the client's dataclasses (explorer/etcd/client.py, watch.py).

Keys and values are bytes (a key need not be UTF-8): base64 in JSON. The sizes of a whole key
space (`sized_json`) cross as one short row per key — key, revisions, lease, size, encryption,
whether it is a Secret's — with no value at all, whoever's key it is. A Secret's value is never
written here, whatever the record holds: `record_json` drops the value of every key under
`<prefix>/secrets/` — and of any key with a `/secrets/` segment, whatever the prefix — so a
withheld value stays withheld even if a caller forgot to withhold it or the prefix is wrong.
Errors travel as their class name and line, and come back as the same EtcdError subclass.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from explorer.etcd.client import EtcdStatus, KeyHistory, KeySize, LeaseInfo, StoredValue
from explorer.etcd.encryption import Encryption
from explorer.etcd.errors import (
    EtcdBadAnswer,
    EtcdError,
    EtcdRefused,
    EtcdUnreachable,
    FutureRevision,
    RevisionCompacted,
)
from explorer.etcd.records import KeyRecord, Member
from explorer.etcd.sealed import is_secret_key
from explorer.etcd.watch import WatchEvent

Json = dict[str, Any]


class AgentAnswerError(EtcdBadAnswer):
    """The agent's answer is not what an agent of this version sends."""


class EtcdAgentOff(EtcdError):
    """The node agent's way to etcd is not turned on where it was asked for."""


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise AgentAnswerError("the agent's answer has bytes that are not base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise AgentAnswerError("the agent's answer has bytes that are not base64") from None


# -- records and values --------------------------------------------------------------------


def may_be_secret(key: bytes, prefix: str) -> bool:
    """A Secret's key under `prefix`, or under any other prefix (an agent configured with the
    wrong --etcd-prefix must not let a Secret's value through): its value is never sent."""
    return is_secret_key(key, prefix) or b"/secrets/" in key


def record_json(record: KeyRecord, prefix: str) -> Json:
    value = None if may_be_secret(record.key, prefix) else record.value
    return {
        "key": b64(record.key),
        "create_revision": record.create_revision,
        "mod_revision": record.mod_revision,
        "version": record.version,
        "lease": record.lease,
        "value": None if value is None else b64(value),
    }


def record_of(data: Json) -> KeyRecord:
    value = data.get("value")
    return KeyRecord(
        key=unb64(data.get("key")),
        create_revision=_int(data, "create_revision"),
        mod_revision=_int(data, "mod_revision"),
        version=_int(data, "version"),
        lease=_int(data, "lease"),
        value=None if value is None else unb64(value),
    )


def encryption_json(encryption: Encryption | None) -> Json | None:
    if encryption is None:
        return None
    return {
        "provider": encryption.provider,
        "version": encryption.version,
        "key_name": encryption.key_name,
        "kms_key_id": encryption.kms_key_id,
        "problem": encryption.problem,
    }


def encryption_of(data: object) -> Encryption | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise AgentAnswerError("the agent's answer has an encryption that is not an object")
    return Encryption(
        provider=str(data.get("provider", "")),
        version=str(data.get("version", "")),
        key_name=_text_or_none(data.get("key_name")),
        kms_key_id=_text_or_none(data.get("kms_key_id")),
        problem=_text_or_none(data.get("problem")),
    )


def stored_json(stored: StoredValue, prefix: str) -> Json:
    return {
        "record": record_json(stored.record, prefix),
        "size": stored.size,
        "encryption": encryption_json(stored.encryption),
        "withheld": stored.withheld or may_be_secret(stored.record.key, prefix),
    }


def stored_of(data: Json) -> StoredValue:
    return StoredValue(
        record=record_of(_object(data, "record")),
        size=_int(data, "size"),
        encryption=encryption_of(data.get("encryption")),
        withheld=bool(data.get("withheld")),
    )


SIZED_FIELDS = 8


def sized_json(sized: KeySize, prefix: str) -> list[Any]:
    """One key's row of a sizes page: key, create and mod revision, version, lease, size,
    encryption, secret. Built field by field: there is no place for a value."""
    record = sized.record
    return [
        b64(record.key),
        record.create_revision,
        record.mod_revision,
        record.version,
        record.lease,
        sized.size,
        encryption_json(sized.encryption),
        sized.secret or may_be_secret(record.key, prefix),
    ]


def sized_of(row: object) -> KeySize:
    if not isinstance(row, list) or len(row) != SIZED_FIELDS:
        raise AgentAnswerError("the agent's sizes hold a row that is not one of a sizes page")
    key, create, mod, version, lease, size, encryption, secret = row
    numbers = dict(create=create, mod=mod, version=version, lease=lease)
    numbers["size"] = 0 if size is None else size
    for name in numbers:
        _int(numbers, name)
    return KeySize(
        KeyRecord(unb64(key), create, mod, version, lease),
        size,
        encryption_of(encryption),
        secret is True,
    )


def history_json(history: KeyHistory, prefix: str) -> Json:
    return {
        "key": b64(history.key),
        "versions": [stored_json(version, prefix) for version in history.versions],
        "compacted": history.compacted,
        "not_read": history.not_read,
    }


def history_of(data: Json) -> KeyHistory:
    return KeyHistory(
        key=unb64(data.get("key")),
        versions=tuple(stored_of(item) for item in _list(data, "versions")),
        compacted=_int(data, "compacted"),
        not_read=_int(data, "not_read"),
    )


# -- the db and leases ---------------------------------------------------------------------


def status_json(status: EtcdStatus) -> Json:
    return {
        "version": status.version,
        "member_id": status.member_id,
        "leader": status.leader,
        "db_size": status.db_size,
        "db_size_in_use": status.db_size_in_use,
        "raft_index": status.raft_index,
        "raft_term": status.raft_term,
        "revision": status.revision,
        "compact_revision": status.compact_revision,
        "compact_revision_from": status.compact_revision_from,
        "members": [
            {
                "id": member.id,
                "name": member.name,
                "peer_urls": list(member.peer_urls),
                "client_urls": list(member.client_urls),
                "is_learner": member.is_learner,
            }
            for member in status.members
        ],
    }


def status_of(data: Json) -> EtcdStatus:
    in_use = data.get("db_size_in_use")
    return EtcdStatus(
        version=str(data.get("version", "")),
        member_id=_int(data, "member_id"),
        leader=_int(data, "leader"),
        db_size=_int(data, "db_size"),
        db_size_in_use=None if in_use is None else _int(data, "db_size_in_use"),
        raft_index=_int(data, "raft_index"),
        raft_term=_int(data, "raft_term"),
        revision=_int(data, "revision"),
        compact_revision=_int(data, "compact_revision"),
        compact_revision_from=str(data.get("compact_revision_from", "")),
        members=tuple(
            Member(
                id=_int(item, "id"),
                name=str(item.get("name", "")),
                peer_urls=tuple(str(url) for url in _list(item, "peer_urls")),
                client_urls=tuple(str(url) for url in _list(item, "client_urls")),
                is_learner=bool(item.get("is_learner")),
            )
            for item in _list(data, "members")
        ),
    )


def lease_json(lease: LeaseInfo) -> Json:
    return {
        "id": lease.id,
        "granted_ttl": lease.granted_ttl,
        "remaining": lease.remaining,
        "keys": [b64(key) for key in lease.keys],
    }


def lease_of(data: Json) -> LeaseInfo:
    return LeaseInfo(
        id=_int(data, "id"),
        granted_ttl=_int(data, "granted_ttl"),
        remaining=_int(data, "remaining"),
        keys=tuple(unb64(key) for key in _list(data, "keys")),
    )


# -- the watch -----------------------------------------------------------------------------


def event_json(event: WatchEvent) -> Json:
    """A watch event carries no value at all (watch.py never keeps one)."""
    return {
        "type": event.type,
        "key": b64(event.key),
        "revision": event.revision,
        "create_revision": event.create_revision,
        "version": event.version,
        "lease": event.lease,
        "size": event.size,
        "encryption": encryption_json(event.encryption),
        "secret": event.secret,
    }


def event_of(data: Json) -> WatchEvent:
    kind = data.get("type")
    if kind not in ("put", "delete"):
        raise AgentAnswerError(f"the agent sent a watch event of type {str(kind)[:20]!r}")
    return WatchEvent(
        type=kind,
        key=unb64(data.get("key")),
        revision=_int(data, "revision"),
        create_revision=_int(data, "create_revision"),
        version=_int(data, "version"),
        lease=_int(data, "lease"),
        size=_int(data, "size"),
        encryption=encryption_of(data.get("encryption")),
        secret=bool(data.get("secret")),
    )


# -- errors --------------------------------------------------------------------------------

_ERRORS: dict[str, type[EtcdError]] = {
    cls.__name__: cls
    for cls in (
        EtcdError,
        EtcdUnreachable,
        EtcdRefused,
        EtcdBadAnswer,
        AgentAnswerError,
        EtcdAgentOff,
    )
}


def error_json(error: Exception) -> Json:
    found: Json = {"kind": type(error).__name__, "message": str(error)[:1000]}
    if isinstance(error, RevisionCompacted):
        found["revision"] = error.revision
        found["compact_revision"] = error.compact_revision
    elif isinstance(error, FutureRevision):
        found["revision"] = error.revision
    elif not isinstance(error, EtcdError | ValueError):
        found["kind"] = "EtcdError"
    return found


def error_of(data: Json) -> Exception:
    kind, message = str(data.get("kind", "")), str(data.get("message", ""))[:1000]
    if kind == "RevisionCompacted":
        compact = data.get("compact_revision")
        return RevisionCompacted(_int(data, "revision"), None if compact is None else int(compact))
    if kind == "FutureRevision":
        return FutureRevision(_int(data, "revision"))
    if kind == "ValueError":
        return ValueError(message)
    return _ERRORS.get(kind, EtcdError)(message)


# -- helpers -------------------------------------------------------------------------------


def _int(data: Json, name: str) -> int:
    raw = data.get(name, 0)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise AgentAnswerError(f"the agent's answer has {str(raw)[:40]!r} for {name}")
    return raw


def _text_or_none(raw: object) -> str | None:
    return None if raw is None else str(raw)[:300]


def _list(data: Json, name: str) -> list:
    raw = data.get(name) or []
    if not isinstance(raw, list):
        raise AgentAnswerError(f"the agent's answer has no list for {name}")
    return raw


def _object(data: Json, name: str) -> Json:
    raw = data.get(name)
    if not isinstance(raw, dict):
        raise AgentAnswerError(f"the agent's answer has no object for {name}")
    return raw
