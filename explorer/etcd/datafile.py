"""etcd's own layout in a data file (bbolt): what `etcdctl snapshot save` writes and what a
member keeps in `member/snap/db`, read with no etcd running.

Buckets (etcd's mvcc and server packages):
- `key`: one entry a revision. Key: main revision (8 bytes, big-endian) + `_` + sub revision
  (8 bytes), + `t` for a deletion (a tombstone). Value: mvccpb.KeyValue (records.py); a
  tombstone's holds the key only. Compaction removes every revision of a key at or below the
  compaction point except the latest put (a latest tombstone goes too).
- `meta`: `consistent_index` (u64 big-endian), `finishedCompactRev` and `scheduledCompactRev`
  (a revision key as above); a compaction scheduled but not finished resumes when etcd starts,
  so what lies below the scheduled point may already be gone.
- `lease`: lease ID (8 bytes big-endian) → leasepb.Lease {ID = 1, TTL = 2, RemainingTTL = 3}.
- `members`: member ID in hex → JSON {id, peerURLs, name, clientURLs, isLearner}.
- `cluster`: `clusterVersion` → text. `alarm`: etcdserverpb.AlarmMember {memberID = 1,
  alarm = 2} as the key, no value.
The `auth*` buckets (password hashes) are never read.
"""

from __future__ import annotations

import bisect
import os
import struct
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypedDict

import orjson

from . import protowire
from .boltdb import BoltError, BoltFile, Bucket, open_bolt
from .keys import DEFAULT_PREFIX, KeyFormError, normalise_prefix, parse_key
from .records import KeyRecord, Member, RecordError, record_from_protobuf

_REVISION_KEY = struct.Struct(">Q1sQ")
_U64_BE = struct.Struct(">Q")
_ALARMS = {0: "NONE", 1: "NOSPACE", 2: "CORRUPT"}
_SECRETS_SEGMENT = "secrets"
_FEW = 32  # fewer records than this are fetched one by one, more by one scan


class DataFileError(ValueError):
    """A bolt file that is not an etcd data file, or one whose etcd records are damaged."""


class RevisionUnavailable(LookupError):
    """The data file cannot answer for that revision (the message says why)."""


class RevisionCompacted(RevisionUnavailable):
    """The revision was compacted away: it is gone, the file is not at fault."""


class FutureRevision(RevisionUnavailable):
    """The revision is past the last one the file holds."""


@dataclass(frozen=True, slots=True)
class KeyRevision:
    """One held revision of one key: a put, or a deletion (tombstone). `record` carries no
    value (value=None) except where a method says it does; `size` is the value's size."""

    revision: int  # main revision: the transaction
    sub: int  # the change's place within it
    deleted: bool
    record: KeyRecord
    size: int

    @property
    def key(self) -> bytes:
        return self.record.key


@dataclass(frozen=True, slots=True)
class RevisionChanges:
    revision: int
    changes: tuple[KeyRevision, ...]  # puts and deletes, in their order within the transaction


@dataclass(frozen=True, slots=True)
class Lease:
    id: int
    ttl: int  # seconds granted
    remaining_ttl: int  # seconds left at the last checkpoint; 0 when never checkpointed

    def as_json(self) -> dict:
        return {"id": self.id, "ttl": self.ttl, "remaining_ttl": self.remaining_ttl}


@dataclass(frozen=True, slots=True)
class Alarm:
    member_id: int
    alarm: str  # NOSPACE, CORRUPT


class ResourceCount(TypedDict):
    group: str  # "" for the core group, the API server's records and keys outside the prefix
    resource: str  # the API's plural (keys.parse_key); "(outside /registry)" for other keys
    keys: int
    bytes: int


@dataclass
class _Index:
    """Every held revision, in revision order, and where each key's revisions are."""

    entries: list[KeyRevision] = field(default_factory=list)
    by_key: dict[bytes, list[int]] = field(default_factory=dict)
    main_revisions: list[int] = field(default_factory=list)  # entries[i].revision, for bisect


def open_data_file(
    source: str | os.PathLike | bytes, *, prefix: str = DEFAULT_PREFIX
) -> EtcdDataFile:
    """An etcd data file. BoltError for a file that is not a sound bolt database,
    DataFileError for one that is not etcd's."""
    bolt = open_bolt(source)
    try:
        return EtcdDataFile(bolt, prefix=prefix)
    except BaseException:
        bolt.close()
        raise


class EtcdDataFile:
    def __init__(self, bolt: BoltFile, *, prefix: str = DEFAULT_PREFIX) -> None:
        self.bolt = bolt
        self.prefix = normalise_prefix(prefix)
        names = set(bolt.buckets())
        missing = {b"key", b"meta"} - names
        if missing:
            raise DataFileError(
                "a bolt database but not an etcd data file: no "
                + " or ".join(sorted(name.decode() for name in missing))
                + " bucket"
            )
        self._keys = bolt.bucket("key")
        self._buckets = names
        meta = dict(bolt.bucket("meta").items())
        self.consistent_index = _u64(meta.get(b"consistent_index"), "consistent_index")
        self.finished_compaction = _compaction(meta.get(b"finishedCompactRev"))
        self.scheduled_compaction = _compaction(meta.get(b"scheduledCompactRev"))
        self._index = _build_index(self._keys)
        last = self._index.main_revisions[-1] if self._index.entries else 1
        # etcd itself starts a restored store at the compaction point when that is later
        self.current_revision = max(last, self.compacted_revision, 1)

    @property
    def compacted_revision(self) -> int:
        """Revisions below this one are gone (0: never compacted). A scheduled compaction
        counts: etcd finishes it on start, and may have deleted part of it already."""
        return max(self.finished_compaction, self.scheduled_compaction)

    @property
    def first_revision(self) -> int:
        """The earliest revision whose key space the file can give (as_of)."""
        return max(self.compacted_revision, 1)

    def close(self) -> None:
        self.bolt.close()

    def __enter__(self) -> EtcdDataFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- revisions -------------------------------------------------------------------------

    def revisions(self) -> Iterator[RevisionChanges]:
        """Every revision the file still holds, in order, with its puts and deletes (values
        left out). Below the compaction point only each key's surviving put is held."""
        entries = self._index.entries
        start = 0
        while start < len(entries):
            revision = entries[start].revision
            end = start + 1
            while end < len(entries) and entries[end].revision == revision:
                end += 1
            yield RevisionChanges(revision, tuple(entries[start:end]))
            start = end

    @property
    def revision_count(self) -> int:
        return len(set(self._index.main_revisions))

    @property
    def change_count(self) -> int:
        return len(self._index.entries)

    def live_keys(self) -> list[KeyRevision]:
        """The keys alive at the latest revision, in key order: each key's last put (no value;
        its size in `size`)."""
        alive = []
        for key in sorted(self._index.by_key):
            last = self._index.entries[self._index.by_key[key][-1]]
            if not last.deleted:
                alive.append(last)
        return alive

    def history(self, key: bytes | str) -> list[KeyRevision]:
        """Every held revision of a key, oldest first, deletions included, with values.
        Revisions below `compacted_revision` that are not listed are gone."""
        key = key.encode() if isinstance(key, str) else key
        held = [self._index.entries[i] for i in self._index.by_key.get(key, ())]
        return [self._with_value(entry) for entry in held]

    def as_of(self, revision: int) -> dict[bytes, KeyRecord]:
        """The key space at a revision, with values: every key alive then, in key order.
        RevisionCompacted below the compaction point, FutureRevision past the last."""
        self._check_revision(revision)
        entries = self._index.entries
        end = bisect.bisect_right(self._index.main_revisions, revision)
        latest: dict[bytes, int] = {}
        for position in range(end):
            latest[entries[position].key] = position
        wanted = sorted(latest[key] for key in sorted(latest) if not entries[latest[key]].deleted)
        records = self._records_at(wanted)
        return {
            entries[position].key: records[position]
            for position in sorted(wanted, key=lambda position: entries[position].key)
        }

    def value(self, entry: KeyRevision) -> bytes:
        """The value bytes of one held revision (b"" for a deletion)."""
        return self._with_value(entry).record.value or b""

    def _records_at(self, positions: list[int]) -> dict[int, KeyRecord]:
        """The records (with values) at these index positions (sorted): by one scan of the key
        bucket when there are many, by one descent each when there are few."""
        if len(positions) <= _FEW:
            return {p: self._with_value(self._index.entries[p]).record for p in positions}
        wanted = set(positions)
        last = positions[-1] if positions else -1
        records = {}
        for position, (_raw_key, raw) in enumerate(self._keys.items()):
            if position > last:
                break
            if position in wanted:
                records[position] = _parse_record(raw, self._index.entries[position].revision)
        if len(records) != len(wanted):
            raise DataFileError("the key bucket changed while it was read")
        return records

    def _check_revision(self, revision: int) -> None:
        if revision < 1:
            raise RevisionUnavailable(f"revision {revision}: etcd's revisions start at 1")
        if revision < self.first_revision:
            raise RevisionCompacted(
                f"revision {revision} is compacted: this file holds revisions "
                f"{self.first_revision}..{self.current_revision}"
            )
        if revision > self.current_revision:
            raise FutureRevision(
                f"revision {revision} is past the last revision of this file, "
                f"{self.current_revision}"
            )

    def _with_value(self, entry: KeyRevision) -> KeyRevision:
        raw = self._keys.get(_revision_key(entry.revision, entry.sub, entry.deleted))
        if raw is None:
            raise DataFileError(f"revision {entry.revision} vanished from the key bucket")
        record = _parse_record(raw, entry.revision)
        return KeyRevision(entry.revision, entry.sub, entry.deleted, record, entry.size)

    # -- the other buckets -----------------------------------------------------------------

    @property
    def leases(self) -> list[Lease]:
        found = []
        for key, raw in self._items(b"lease"):
            values = _varint_fields(raw, f"lease {key.hex()}")
            found.append(Lease(values.get(1, 0), values.get(2, 0), values.get(3, 0)))
        return found

    @property
    def members(self) -> list[Member]:
        found = []
        for key, raw in self._items(b"members"):
            try:
                member = orjson.loads(raw)
                found.append(
                    Member(
                        id=int(member.get("id", int(key, 16))),
                        name=str(member.get("name", "")),
                        peer_urls=tuple(str(url) for url in member.get("peerURLs") or ()),
                        client_urls=tuple(str(url) for url in member.get("clientURLs") or ()),
                        is_learner=bool(member.get("isLearner", False)),
                    )
                )
            except (orjson.JSONDecodeError, AttributeError, TypeError, ValueError) as error:
                raise DataFileError(f"member {key!r} is not etcd's member JSON: {error}") from None
        return found

    @property
    def cluster_version(self) -> str | None:
        if b"cluster" not in self._buckets:
            return None
        raw = self.bolt.bucket("cluster").get(b"clusterVersion")
        return None if raw is None else raw.decode("utf-8", "backslashreplace")

    @property
    def alarms(self) -> list[Alarm]:
        found = []
        for key, _raw in self._items(b"alarm"):
            values = _varint_fields(key, "alarm")
            found.append(Alarm(values.get(1, 0), _ALARMS.get(values.get(2, 0), "UNKNOWN")))
        return found

    def _items(self, bucket: bytes) -> Iterator[tuple[bytes, bytes]]:
        if bucket in self._buckets:
            yield from self.bolt.bucket(bucket).items()

    # -- summaries (keys, sizes and revisions only: never a value's bytes) -----------------

    def resource_counts(self) -> list[ResourceCount]:
        """Live keys and their value bytes by resource, most keys first."""
        keys: Counter[tuple[str, str]] = Counter()
        sizes: Counter[tuple[str, str]] = Counter()
        for entry in self.live_keys():
            try:
                parts = parse_key(entry.key, self.prefix)
                resource = (parts.group, parts.resource)
            except KeyFormError:
                resource = ("", f"(outside {self.prefix})")
            keys[resource] += 1
            sizes[resource] += entry.size
        return [
            ResourceCount(group=group, resource=name, keys=count, bytes=sizes[group, name])
            for (group, name), count in sorted(keys.items(), key=lambda item: (-item[1], item[0]))
        ]

    def is_secret(self, key: bytes | str) -> bool:
        text = key.decode("utf-8", "backslashreplace") if isinstance(key, bytes) else key
        return text.startswith(f"{self.prefix}/{_SECRETS_SEGMENT}/")

    def describe(self, *, top: int = 10) -> str:
        meta = self.bolt.meta
        live = self.live_keys()
        lines = [
            f"etcd data file: {self.bolt.size:,} bytes, {meta.high_water:,} pages of "
            f"{self.bolt.page_size:,} bytes, bolt txid {meta.txid}"
            + (", sha256 trailer checked" if self.bolt.has_trailer else ", no sha256 trailer"),
            f"revisions held: {self.revision_count:,} ({self.change_count:,} changes)"
            + (
                f", from {self._index.main_revisions[0]} to {self._index.main_revisions[-1]}"
                if self._index.entries
                else ""
            )
            + f"; key space readable as of {self.first_revision}..{self.current_revision}",
            "compaction: "
            + (
                f"at revision {self.compacted_revision} (older revisions are gone)"
                if self.compacted_revision
                else "none (every revision since 1 is held)"
            ),
            f"keys alive at revision {self.current_revision}: {len(live):,} "
            f"({sum(entry.size for entry in live):,} bytes of values)",
            f"leases: {len(self.leases)}; members: "
            + (", ".join(member.name or f"{member.id:x}" for member in self.members) or "none")
            + (f"; cluster version {self.cluster_version}" if self.cluster_version else ""),
        ]
        if self.bolt.damaged_meta:
            lines.append(f"warning: one meta page is damaged ({self.bolt.damaged_meta})")
        alarms = self.alarms
        if alarms:
            lines.append("alarms: " + ", ".join(f"{a.alarm} on {a.member_id:x}" for a in alarms))
        counts = self.resource_counts()
        if counts:
            lines.append("top resources by key count:")
            named = [
                (f"{row['resource']}.{row['group']}" if row["group"] else row["resource"], row)
                for row in counts[:top]
            ]
            width = max(len(name) for name, _row in named)
            lines.extend(
                f"  {name:<{width}}  {row['keys']:>8,} keys  {row['bytes']:>12,} bytes"
                for name, row in named
            )
        return "\n".join(lines)

    def as_json(self) -> dict:
        """The file's summary and its live keys for JSON (keys, revisions and sizes only)."""
        return {
            "file": {
                "size": self.bolt.size,
                "page_size": self.bolt.page_size,
                "pages": self.bolt.meta.high_water,
                "txid": self.bolt.meta.txid,
                "sha256_trailer": self.bolt.has_trailer,
                "damaged_meta": self.bolt.damaged_meta,
            },
            "revision": self.current_revision,
            "first_revision": self.first_revision,
            "compacted_revision": self.compacted_revision,
            "consistent_index": self.consistent_index,
            "revisions_held": self.revision_count,
            "changes_held": self.change_count,
            "resources": self.resource_counts(),
            "keys": [
                {
                    "key": entry.record.text,
                    "create_revision": entry.record.create_revision,
                    "mod_revision": entry.record.mod_revision,
                    "version": entry.record.version,
                    "lease": entry.record.lease,
                    "size": entry.size,
                }
                for entry in self.live_keys()
            ],
            "leases": [lease.as_json() for lease in self.leases],
            "members": [member.as_json() for member in self.members],
            "cluster_version": self.cluster_version,
            "alarms": [{"member_id": f"{a.member_id:x}", "alarm": a.alarm} for a in self.alarms],
        }


def _build_index(keys_bucket: Bucket) -> _Index:
    """One pass over the `key` bucket: every revision, its record without the value."""
    index = _Index()
    for raw_key, raw in keys_bucket.items():
        revision, sub, deleted = _parse_revision_key(raw_key)
        record = _parse_record(raw, revision)
        size = len(record.value or b"")
        position = len(index.entries)
        keys_only = KeyRecord(
            record.key, record.create_revision, record.mod_revision, record.version, record.lease
        )
        entry = KeyRevision(revision, sub, deleted, keys_only, size)
        index.entries.append(entry)
        index.main_revisions.append(revision)
        index.by_key.setdefault(record.key, []).append(position)
    return index


def _parse_revision_key(raw: bytes) -> tuple[int, int, bool]:
    if len(raw) not in (17, 18) or raw[8:9] != b"_" or (len(raw) == 18 and raw[17:] != b"t"):
        raise DataFileError(f"not an etcd revision key in the key bucket: {raw[:20].hex()}")
    main, _sep, sub = _REVISION_KEY.unpack_from(raw)
    return main, sub, len(raw) == 18


def _revision_key(main: int, sub: int, deleted: bool) -> bytes:
    return _REVISION_KEY.pack(main, b"_", sub) + (b"t" if deleted else b"")


def _parse_record(raw: bytes, revision: int, *, with_value: bool = True) -> KeyRecord:
    try:
        return record_from_protobuf(raw, with_value=with_value)
    except RecordError as error:
        raise DataFileError(f"revision {revision}: {error}") from None


def _varint_fields(raw: bytes, what: str) -> dict[int, int]:
    try:
        return {
            number: protowire.signed(value)
            for number, wire_type, value in protowire.fields(raw)
            if wire_type == protowire.VARINT and isinstance(value, int)
        }
    except protowire.WireError as error:
        raise DataFileError(f"{what} is not etcd's protobuf: {error}") from None


def _u64(raw: bytes | None, what: str) -> int:
    if raw is None:
        return 0
    if len(raw) != 8:
        raise DataFileError(f"meta {what}: {len(raw)} bytes, not 8")
    return _U64_BE.unpack(raw)[0]


def _compaction(raw: bytes | None) -> int:
    if raw is None:
        return 0
    return _parse_revision_key(raw)[0]


__all__ = [
    "Alarm",
    "BoltError",
    "DataFileError",
    "EtcdDataFile",
    "FutureRevision",
    "KeyRevision",
    "Lease",
    "Member",
    "RevisionChanges",
    "RevisionCompacted",
    "RevisionUnavailable",
    "open_data_file",
]
