"""Reading the numbers and keys of an etcd answer whose shape is not trusted: etcd's JSON
gateway and `etcdctl -w json` print the same messages (int64s as text or as numbers)."""

from __future__ import annotations

from .errors import EtcdBadAnswer


def number(raw: object, said_by: str) -> int:
    """`raw` as an int; EtcdBadAnswer naming who said it (`"etcd's answer has"`)."""
    try:
        return int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise EtcdBadAnswer(f"{said_by} {str(raw)[:40]!r} for a number") from None


def revision_of(answer: dict, said_by: str) -> int:
    """The revision in an answer's header (0 when it has none)."""
    return number((answer.get("header") or {}).get("revision", 0), said_by)


def key_bytes(key: str | bytes) -> bytes:
    return key.encode() if isinstance(key, str) else bytes(key)
