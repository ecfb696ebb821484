"""The snapshot extra "etcd": the cluster's etcd listing at capture time — keys with their sizes,
revisions, leases and encryption at rest, the db's status; never a value — when this process can
read the cluster's etcd (explorer/etcd/readers.py), so that a snapshot's /etcd/ page shows the key
space and status as they were. Registered at start-up (explorer/web/apps.py).

A snapshot opened from an etcd data file keeps the file's key index instead (the extra
"etcd_data_file", explorer/snapshots/from_etcd.py): `listing_from_data_file` reads it as the same
listing, as of the revision the snapshot shows, with every key's held revisions beside."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from explorer.etcd.errors import EtcdError
from explorer.etcd.listing_read import (
    MAX_LISTED_KEYS,
    EtcdListing,
    ListedKey,
    ListedLease,
    ListingShapeError,
    read_listing,
)
from explorer.etcd.readers import reader_for
from explorer.state.cluster_state import ClusterState

from . import extras
from .from_etcd import EXTRA_NAME as EXTRA_NAME_OF_DATA_FILE

EXTRA = "etcd"


def capture(state: ClusterState) -> dict[str, Any] | None:
    found = reader_for(state.cluster)
    if found is None:
        return None
    way, reader = found
    try:
        return read_listing(reader, way).as_json()
    except EtcdError:
        return None  # the snapshot is taken without it; its /etcd/ page says so


def register() -> None:
    extras.register(EXTRA, capture)


# ---- a snapshot opened from an etcd data file (explorer/snapshots/etcd_snapshots.py) -----------

DATA_FILE_EXTRA = EXTRA_NAME_OF_DATA_FILE
MAX_HELD = 10_000  # revisions of one key read from the index


@dataclass(frozen=True)
class Held:
    revision: int
    deleted: bool
    size: int


def listing_from_data_file(index: object) -> tuple[EtcdListing, dict[str, list[Held]]]:
    """The listing a data file's key index gives as of the revision the snapshot shows, and
    every key's held revisions (puts and deletes, with sizes; never a value). ListingShapeError
    (one line) when the index is not of the shape the backups write."""
    try:
        if not isinstance(index, dict):
            raise TypeError
        found = index["reconstruction"]
        at = _int(found["revision"])
        keys = index["keys"]
        if not isinstance(keys, list):
            raise TypeError
        if len(keys) > MAX_LISTED_KEYS:
            raise ListingShapeError(f"the data file's index holds over {MAX_LISTED_KEYS:,} keys")
        held = {_str(item["key"]): _held(item["revisions"]) for item in keys}
        members = [
            {"id": int(_str(m["id"]), 16), "name": _str(m["name"])}
            for m in index.get("members") or []
        ]
        status = {
            "version": f"cluster version {_str(index.get('cluster_version') or '?')}",
            "revision": at,
            "compact_revision": _int(found.get("compacted_revision", 0)),
            "compact_revision_from": "the data file",
            "members": members,
        }
        listing = EtcdListing(
            way="an etcd data file",
            prefix=_str(index["prefix"]),
            read_at=0.0,
            revision=at,
            status=status,
            keys=[k for k in (_alive(key, revisions, at) for key, revisions in held.items()) if k],
            leases=[
                ListedLease(_int(lease["id"]), _int(lease["ttl"]), _int(lease["remaining_ttl"]), 0)
                for lease in index.get("leases") or []
            ],
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, ListingShapeError):
            raise
        raise ListingShapeError("the data file's key index is not of the shape written") from None
    return listing, held


def _held(revisions: object) -> list[Held]:
    if not isinstance(revisions, list) or len(revisions) > MAX_HELD:
        raise TypeError
    held = []
    for item in revisions:
        if not isinstance(item, list) or len(item) != 3:
            raise TypeError
        held.append(Held(_int(item[0]), bool(_int(item[1])), _int(item[2])))
    return sorted(held, key=lambda h: h.revision)


def _alive(key: str, held: list[Held], at: int) -> ListedKey | None:
    """The key as of revision `at`: its last put then, unless a delete came after it."""
    upto = [h for h in held if h.revision <= at]
    if not upto or upto[-1].deleted:
        return None
    life: list[Held] = []
    for h in upto:
        life = [] if h.deleted else [*life, h]
    return ListedKey(key, life[0].revision, life[-1].revision, len(life), 0, life[-1].size, None)


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError
    return value


def _str(value: object) -> str:
    if not isinstance(value, str) or len(value) > 4096:
        raise TypeError
    return value
