"""The only code that reads a live etcd: keys page by page, values on demand, a key's older
revisions, the db's status, leases, and a live watch of the prefix. Only reads, ever.

Synchronous and blocking (every call bounded by the access's timeout and the byte limits
below): callers run it in a thread or a Celery task, never on an event loop. A watch runs in
a thread of its own beside the other calls.

A Secret's value (a key under `<prefix>/secrets/`) never leaves this module: `value()`,
`values()`, `history()` and `watch()` hand out its key, size, revisions and encryption state
only; `sizes()` hands out no value at all, anyone's.

The compact revision: kube-apiserver records the revision it compacts to as decimal text in the
key `compact_rev_key` (outside the prefix; the key's version counts its compaction rounds;
k8s.io/apiserver/pkg/storage/etcd3/compact.go). When that key is absent (etcd compacted by
something else, or never), the oldest readable revision is found by bisecting reads at earlier
revisions — each a count-only read of one key, about log2(revision) of them. A watch from
revision 1 would name the compact revision too, but only when something was compacted: its
silence proves nothing within a bounded wait, the bisection always answers.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from .access import EtcdAccess
from .answers import key_bytes, number, revision_of
from .encryption import Encryption, encryption_of
from .errors import AnswerTooLarge, EtcdBadAnswer, RevisionCompacted
from .gateway import Gateway
from .range_reads import KeyRange, prefix_end, read_in_order, resource_ranges
from .records import KeyRecord, Member, RecordError, record_from_gateway
from .sealed import is_secret_key
from .watch import Watch

COMPACT_REV_KEY = b"compact_rev_key"
PAGE_LIMIT = 10_000  # the most keys one page may ask for
# keys()'s page: etcd 3.4 walks the rest of the range's index for every page (to count it), so
# the listing costs pages x keys; measured on Debian's etcd 3.4, 360,000 keys of ~70 bytes list
# in 15.6 s in pages of 10,000, 29 s of 5,000, 47 s of 1,000, and no faster in larger pages
# (etcdctl, gRPC in one answer: 4.9 s). The gateway took answers of 7.5 MB: no 4 MiB gRPC cap.
KEYS_PAGE = 10_000
# ranges keys() and values() read at once, a thread and connection each: one range is parsed
# while etcd prepares the next. Measured at 385,000 keys on 2 loaded CPUs, the split saved etcd
# ~17% of its CPU (3.6 s against 4.3 s in one range); 2 readers were no faster there than 1
# (the CPUs were the limit) and 4 were slower (bench/README.md, etcd_demo.py).
RANGE_READERS = 2
VALUES_PAGE_BYTES = 16 * 1024 * 1024  # values(): the answer a page aims at
VALUES_FIRST_PAGE = 100  # values(): keys asked for before any size is known
VALUES_PAGES_AHEAD = 2  # values(): pages a range may hold read ahead
MAX_VALUE_BYTES = 16 * 1024 * 1024  # a value larger is refused (etcd's own request limit: 1.5 MiB)
MAX_ANSWER_BYTES = 64 * 1024 * 1024  # one answer of the gateway (a page, a lease's keys, ...)
MAX_KEYS = 10_000_000  # keys(): a listing stops with an error past this many
MAX_HISTORY = 1_000  # history(): versions read back at most
MAX_LEASES = 10_000  # leases(): one call each (a cluster has ~60 Event leases, one a minute)


@dataclass(frozen=True, slots=True)
class StoredValue:
    record: KeyRecord  # value is None when withheld
    size: int  # bytes stored
    encryption: Encryption | None  # None: stored in plain text
    withheld: bool  # a Secret's value: never handed out


@dataclass(frozen=True, slots=True)
class KeySize:
    """A key without its value: what `sizes()` hands out for every key, a Secret's or not (the
    pages need sizes only, so no value is kept, sent or shown)."""

    record: KeyRecord  # value always None
    size: int | None  # bytes stored; None: not known (etcdctl through exec and a Secret)
    encryption: Encryption | None  # None: plain text, or not known when size is None
    secret: bool  # a key under <prefix>/secrets/


@dataclass(frozen=True, slots=True)
class KeyHistory:
    key: bytes
    versions: tuple[StoredValue, ...]  # newest first; empty when the key does not exist now
    compacted: int  # earlier versions compaction removed (their revisions are gone too)
    not_read: int  # earlier versions left unread past the history limit


@dataclass(frozen=True, slots=True)
class EtcdStatus:
    version: str  # etcd's version
    member_id: int  # the member that answered
    leader: int  # member id of the leader
    db_size: int  # bytes of the db file
    db_size_in_use: int | None  # bytes in use (etcd >= 3.4); the rest is free until defrag
    raft_index: int
    raft_term: int
    revision: int  # current revision of the key space
    compact_revision: int  # revisions below this are gone; 0: nothing compacted
    compact_revision_from: str  # "compact_rev_key" (kube-apiserver's record) or "bisection"
    members: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class LeaseInfo:
    id: int
    granted_ttl: int  # seconds the lease was granted for
    remaining: int  # seconds left
    keys: tuple[bytes, ...]  # keys attached to it, in key order (etcd answers in no order)


class EtcdClient:
    def __init__(
        self,
        access: EtcdAccess,
        *,
        max_value_bytes: int = MAX_VALUE_BYTES,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        serializable: bool = False,
    ) -> None:
        """`serializable`: reads answered by the member asked, without a round through the
        leader — cheaper, and still answered when the cluster has lost its quorum (often when
        someone comes to look), but possibly a little behind the leader."""
        self.access = access
        self.max_value_bytes = max_value_bytes
        self.max_answer_bytes = max_answer_bytes
        self.serializable = serializable
        self._gateway = Gateway(access)

    @property
    def default_prefix(self) -> bytes:
        return self.access.prefix.encode() + b"/"

    # -- the key space ---------------------------------------------------------------------

    def revision(self) -> int:
        """The current revision of the key space."""
        return _revision_of(self._range(COMPACT_REV_KEY, count_only=True))

    def count(self, prefix: str | bytes | None = None) -> int:
        """How many keys there are under `prefix` (default: `<prefix>/`)."""
        start = self._prefix(prefix)
        answer = self._range(start, range_end=prefix_end(start), count_only=True)
        return _int(answer.get("count", 0))

    def keys_page(
        self,
        prefix: str | bytes | None = None,
        after: bytes | None = None,
        limit: int = 1000,
        *,
        revision: int | None = None,
    ) -> tuple[list[KeyRecord], bool]:
        """Up to `limit` keys under `prefix` after the key `after`, in key order, without values
        (create/mod revision, version, lease); and whether more follow."""
        records, more, _ = self._keys_page(prefix, after, limit, revision)
        return records, more

    def keys(
        self,
        prefix: str | bytes | None = None,
        *,
        page: int = KEYS_PAGE,
        max_keys: int = MAX_KEYS,
        readers: int = RANGE_READERS,
    ) -> Iterator[KeyRecord]:
        """Every key under `prefix` in key order, all read at the revision of the first page (a
        compaction meanwhile ends the listing with RevisionCompacted). When the first page does
        not hold them all, the rest is read resource range by resource range, `readers` ranges
        at once (range_reads.py: etcd 3.4 walks the rest of the range for every page)."""
        start = self._prefix(prefix)
        end = prefix_end(start)
        records, more, revision = self._keys_between(start, end, page, None)
        seen = _counted(0, len(records), max_keys)
        yield from records
        if not more or not records:
            return

        def pages_of(key_range: KeyRange) -> Iterator[list[KeyRecord]]:
            first, last = key_range
            while True:
                found, more, _ = self._keys_between(first, last, page, revision)
                if found:
                    yield found
                if not more or not found:
                    return
                first = found[-1].key + b"\x00"

        rest = resource_ranges(records[-1].key + b"\x00", end, self.access.prefix)
        for found in read_in_order(rest, pages_of, readers=readers):
            seen = _counted(seen, len(found), max_keys)
            yield from found

    def values(
        self,
        prefix: str | bytes | None = None,
        *,
        after: bytes | None = None,
        revision: int | None = None,
        page_bytes: int = VALUES_PAGE_BYTES,
        max_keys: int = MAX_KEYS,
        readers: int = RANGE_READERS,
    ) -> Iterator[StoredValue]:
        """Every key under `prefix` (after the key `after`, if given) with its value, in key
        order, all read at `revision` (default: the revision of the first page); a Secret's
        value withheld (size and encryption only), as `value()` does. Each page asks for as
        many keys as make about `page_bytes` of answer at the sizes seen so far; a page over the
        answer limit is read again in smaller pages. Read resource range by resource range,
        `readers` at once, as `keys()` reads."""
        start = self._prefix(prefix)
        end = prefix_end(start)
        low = after + b"\x00" if after is not None and after >= start else start
        first = _ValuePages(self, page_bytes, VALUES_FIRST_PAGE)
        if revision is None:
            records, more, revision = first.page(low, end, None)
            seen = _counted(0, len(records), max_keys)
            yield from (self._stored(record) for record in records)
            if not more or not records:
                return
            low = records[-1].key + b"\x00"
        else:
            # the revision is known: no first page over the whole rest (etcd 3.4 would walk it)
            seen = 0
            if end != b"\x00" and low >= end:
                return

        def pages_of(key_range: KeyRange) -> Iterator[list[KeyRecord]]:
            pages = _ValuePages(self, page_bytes, first.limit)
            low, high = key_range
            while True:
                found, more, _ = pages.page(low, high, revision)
                if found:
                    yield found
                if not more or not found:
                    return
                low = found[-1].key + b"\x00"

        rest = resource_ranges(low, end, self.access.prefix)
        ahead = VALUES_PAGES_AHEAD
        for found in read_in_order(rest, pages_of, readers=readers, pages_ahead=ahead):
            seen = _counted(seen, len(found), max_keys)
            yield from (self._stored(record) for record in found)

    def sizes(
        self,
        prefix: str | bytes | None = None,
        *,
        after: bytes | None = None,
        revision: int | None = None,
        page_bytes: int = VALUES_PAGE_BYTES,
        max_keys: int = MAX_KEYS,
        readers: int = RANGE_READERS,
    ) -> Iterator[KeySize]:
        """`values()` with each value reduced to its size and encryption at rest as it is read:
        every key under `prefix` (after `after`) in key order, at one revision, no value kept."""
        for stored in self.values(
            prefix,
            after=after,
            revision=revision,
            page_bytes=page_bytes,
            max_keys=max_keys,
            readers=readers,
        ):
            record = stored.record
            yield KeySize(
                KeyRecord(
                    record.key,
                    record.create_revision,
                    record.mod_revision,
                    record.version,
                    record.lease,
                    None,
                ),
                stored.size,
                stored.encryption,
                stored.withheld,
            )

    def value(self, key: str | bytes, revision: int | None = None) -> StoredValue | None:
        """The key's record with its value as of `revision` (default: now); None when the key
        does not exist then. A Secret's value is withheld: size and encryption only."""
        raw = _bytes(key)
        # base64 makes the value a third larger in the answer: bound it before reading it
        answer_limit = self.max_value_bytes * 4 // 3 + 64 * 1024
        answer = self._range(raw, revision=revision, answer_limit=answer_limit)
        kvs = answer.get("kvs") or []
        if not kvs:
            return None
        return self._stored(_record(kvs[0], with_value=True))

    def history(self, key: str | bytes, *, max_versions: int = MAX_HISTORY) -> KeyHistory:
        """The key's versions back to its creation or to the compaction point, newest first.
        etcd keeps no per-key history list: each older version is a read of the key at the
        revision just before the one found, until version 1 or a compacted revision."""
        raw = _bytes(key)
        current = self.value(raw)
        if current is None:
            return KeyHistory(raw, (), compacted=0, not_read=0)
        versions = [current]
        kept = current.size
        while versions[-1].record.version > 1 and len(versions) < max_versions:
            if kept > self.max_answer_bytes:
                break  # the versions read so far already hold as much as one answer may
            older = versions[-1].record
            try:
                found = self.value(raw, revision=older.mod_revision - 1)
            except RevisionCompacted:
                return KeyHistory(raw, tuple(versions), compacted=older.version - 1, not_read=0)
            if found is None or found.record.create_revision != older.create_revision:
                break  # the key was deleted and made again: that earlier life is another key
            versions.append(found)
            kept += found.size
        left = versions[-1].record.version - 1
        return KeyHistory(raw, tuple(versions), compacted=0, not_read=max(left, 0))

    # -- the db ----------------------------------------------------------------------------

    def status(self) -> EtcdStatus:
        """The answering member's status, the members, and the compact revision."""
        answer = self._gateway.call("maintenance/status", {}, limit=1024 * 1024)
        listed = self._gateway.call("cluster/member/list", {}, limit=16 * 1024 * 1024)
        compact, source = self.compact_revision()
        return EtcdStatus(
            version=str(answer.get("version", "")),
            member_id=_int((answer.get("header") or {}).get("member_id", 0)),
            leader=_int(answer.get("leader", 0)),
            db_size=_int(answer.get("dbSize", 0)),
            db_size_in_use=_int(answer["dbSizeInUse"]) if "dbSizeInUse" in answer else None,
            raft_index=_int(answer.get("raftIndex", 0)),
            raft_term=_int(answer.get("raftTerm", 0)),
            revision=_revision_of(answer),
            compact_revision=compact,
            compact_revision_from=source,
            members=tuple(_member(m) for m in listed.get("members") or []),
        )

    def compact_revision(self) -> tuple[int, str]:
        """The revision history starts at (0: nothing compacted), and where it was learnt."""
        answer = self._range(COMPACT_REV_KEY)
        kvs = answer.get("kvs") or []
        if kvs:
            text = _record(kvs[0], with_value=True).value or b""
            if text.isdigit() and len(text) < 20:
                return int(text), "compact_rev_key"
        return self._oldest_readable(_revision_of(answer)), "bisection"

    def _oldest_readable(self, current: int) -> int:
        low, high = 1, max(current, 1)  # `high` is always readable
        while low < high:
            middle = (low + high) // 2
            try:
                self._range(COMPACT_REV_KEY, revision=middle, count_only=True)
                high = middle
            except RevisionCompacted:
                low = middle + 1
        return 0 if low <= 1 else low

    # -- leases ----------------------------------------------------------------------------

    def leases(self, *, max_leases: int = MAX_LEASES) -> list[LeaseInfo]:
        """Every live lease with its TTL and attached keys."""
        answer = self._gateway.call("lease/leases", {}, limit=self.max_answer_bytes)
        ids = [_int(item.get("ID", 0)) for item in answer.get("leases") or []]
        if len(ids) > max_leases:
            raise EtcdBadAnswer(f"{len(ids):,} leases, over the {max_leases:,} limit")
        found = (self.lease(lease_id) for lease_id in ids)
        return [lease for lease in found if lease is not None]

    def lease(self, lease_id: int) -> LeaseInfo | None:
        """The lease's TTL and keys; None when it has expired or never existed."""
        answer = self._gateway.call(
            "kv/lease/timetolive", {"ID": lease_id, "keys": True}, limit=self.max_answer_bytes
        )
        remaining = _int(answer.get("TTL", -1))
        if remaining < 0:
            return None
        try:
            keys = tuple(
                sorted(base64.b64decode(k, validate=True) for k in answer.get("keys") or [])
            )
        except (TypeError, ValueError):
            raise EtcdBadAnswer("etcd's lease answer has a key that is not base64") from None
        return LeaseInfo(lease_id, _int(answer.get("grantedTTL", 0)), remaining, keys)

    # -- the live watch --------------------------------------------------------------------

    def watch(self, prefix: str | bytes | None = None, start_revision: int | None = None) -> Watch:
        """A live watch of every key under `prefix` (default `<prefix>/`), from `start_revision`
        (default: from now). Iterate it for WatchEvents; `cancel()` ends it from any thread."""
        start = self._prefix(prefix)
        return Watch.open(
            self._gateway,
            start,
            prefix_end(start),
            start_revision=start_revision,
            secret_prefix=self.access.prefix,
            max_message_bytes=self.max_answer_bytes,
        )

    # -- helpers ---------------------------------------------------------------------------

    def _keys_page(
        self, prefix: str | bytes | None, after: bytes | None, limit: int, revision: int | None
    ) -> tuple[list[KeyRecord], bool, int]:
        start = self._prefix(prefix)
        first = after + b"\x00" if after is not None and after >= start else start
        return self._keys_between(first, prefix_end(start), limit, revision)

    def _keys_between(
        self, first: bytes, end: bytes, limit: int, revision: int | None
    ) -> tuple[list[KeyRecord], bool, int]:
        """Up to `limit` keys of [first, end) without values; whether more follow; the revision
        read at."""
        if not 1 <= limit <= PAGE_LIMIT:
            raise ValueError(f"a page holds 1 to {PAGE_LIMIT:,} keys, not {limit}")
        answer = self._range(first, range_end=end, limit=limit, keys_only=True, revision=revision)
        records = [_record(kv, with_value=False) for kv in answer.get("kvs") or []]
        return records, bool(answer.get("more", False)), _revision_of(answer)

    def _range(
        self,
        key: bytes,
        *,
        range_end: bytes | None = None,
        revision: int | None = None,
        limit: int | None = None,
        keys_only: bool = False,
        count_only: bool = False,
        answer_limit: int | None = None,
    ) -> dict:
        body: dict[str, object] = {"key": _b64(key)}
        if range_end is not None:
            body["range_end"] = _b64(range_end)
        if revision is not None:
            body["revision"] = revision
        if limit is not None and range_end is not None:
            body["limit"] = limit
        if keys_only:
            body["keys_only"] = True
        if count_only:
            body["count_only"] = True
        if self.serializable:
            body["serializable"] = True
        return self._gateway.call("kv/range", body, limit=answer_limit or self.max_answer_bytes)

    def _stored(self, record: KeyRecord) -> StoredValue:
        value = record.value or b""
        if len(value) > self.max_value_bytes:
            raise EtcdBadAnswer(
                f"{record.text}: its value is {len(value):,} bytes, over the "
                f"{self.max_value_bytes:,}-byte limit"
            )
        withheld = is_secret_key(record.key, self.access.prefix)
        stored = StoredValue(
            record=_without_value(record) if withheld else record,
            size=len(value),
            encryption=encryption_of(value),
            withheld=withheld,
        )
        return stored

    def _prefix(self, prefix: str | bytes | None) -> bytes:
        start = self.default_prefix if prefix is None else _bytes(prefix)
        if not start:
            raise ValueError("an empty prefix would be the whole key space: name one")
        return start


class _ValuePages:
    """One range's pages with values, each asking for as many keys as make about `page_bytes`
    of answer at the sizes this range has shown so far."""

    def __init__(self, client: EtcdClient, page_bytes: int, limit: int) -> None:
        self.client = client
        self.page_bytes = min(page_bytes, client.max_answer_bytes // 2)
        self.limit = limit

    def page(
        self, first: bytes, end: bytes, revision: int | None
    ) -> tuple[list[KeyRecord], bool, int]:
        while True:
            try:
                answer = self.client._range(
                    first, range_end=end, limit=self.limit, revision=revision
                )
                break
            except AnswerTooLarge:
                if self.limit == 1:
                    raise
                self.limit = max(1, self.limit // 4)
        records = [_record(kv, with_value=True) for kv in answer.get("kvs") or []]
        if records:
            # base64 makes a value a third larger; each key's JSON fields add some 120 bytes
            size = sum(len(r.key) + len(r.value or b"") for r in records) * 4 // 3
            each = size / len(records) + 120
            self.limit = max(1, min(PAGE_LIMIT, int(self.page_bytes / each)))
        return records, bool(answer.get("more", False)), _revision_of(answer)


def _counted(seen: int, more: int, max_keys: int) -> int:
    seen += more
    if seen > max_keys:
        raise EtcdBadAnswer(f"more than {max_keys:,} keys under the prefix: listing stopped")
    return seen


def _without_value(record: KeyRecord) -> KeyRecord:
    return KeyRecord(
        key=record.key,
        create_revision=record.create_revision,
        mod_revision=record.mod_revision,
        version=record.version,
        lease=record.lease,
        value=None,
    )


def _record(kv: object, *, with_value: bool) -> KeyRecord:
    if not isinstance(kv, dict):
        raise EtcdBadAnswer("etcd's answer holds a key that is not an object")
    try:
        return record_from_gateway(kv, with_value=with_value)
    except RecordError as error:
        raise EtcdBadAnswer(str(error)) from None


def _member(item: dict) -> Member:
    return Member(
        id=_int(item.get("ID", 0)),
        name=str(item.get("name", "")),
        peer_urls=tuple(str(url) for url in item.get("peerURLs") or []),
        client_urls=tuple(str(url) for url in item.get("clientURLs") or []),
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


_SAID_BY = "etcd's answer has"
_int = partial(number, said_by=_SAID_BY)
_revision_of = partial(revision_of, said_by=_SAID_BY)
_bytes = key_bytes
