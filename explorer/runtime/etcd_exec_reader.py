"""`ExecEtcdReader`: a cluster's etcd read with `etcdctl` through exec in its etcd static pod
(explorer/kube/etcd_exec.py), the opt-in `etcd-exec` way. Every call is one or more etcdctl
reads (`get`, `endpoint status`, `member list`, `lease list`, `lease timetolive`), `-w json`,
parsed as etcd's own records (explorer/etcd/records.py).

What is read, and what is not:
- keys: `get FROM END --keys-only --limit N --rev R`, page after page at the first page's
  revision (each page starts at the last key of the one before, read again and skipped:
  an argument list cannot carry the key's successor, which ends in a NUL byte);
- sizes, for the pages: a page of keys `--keys-only` at one revision, then the values of its
  runs of keys that are not a Secret's (`get FIRST END --limit=len(run) --rev R`, END the
  Secret's key that ends the run: at one revision the same keys come back), each reduced to its
  size and encryption as it is parsed — two execs a page of SIZES_PAGE keys when it holds no
  Secret. What it cannot size: a Secret's value (below), so every Secret's size is None —
  unknown, counted unsized, and said so on the page — and its encryption unknown too;
- a value: `get KEY [--rev R]` with its value — except under `<prefix>/secrets/` (or any key
  with a `/secrets/` segment, should kube-apiserver's --etcd-prefix not be the one assumed):
  exec would bring a Secret's value into this process, so such a key is only ever read
  `--keys-only`
  (revisions, version, lease). etcd has no read that gives a value's size or first bytes
  without the value, so over exec a Secret's size is UNKNOWN_SIZE and its encryption None
  (not known; the node agent's way computes both on the node);
- history: reads at `--rev` (the revision before each version found) back to version 1 or
  the compaction point, as EtcdClient.history;
- counts and the revision: keys-only reads of one key (etcd counts the whole range);
- status: `endpoint status` and `member list`; the compact revision from `compact_rev_key`,
  else by bisecting such reads at earlier revisions (about log2(revision) execs);
- leases: `lease list`, `lease timetolive ID --keys`;
- no watch: an exec is request and response (the node agent's way relays a watch).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import orjson

from explorer.etcd.answers import key_bytes, number, revision_of
from explorer.etcd.client import (
    COMPACT_REV_KEY,
    MAX_HISTORY,
    MAX_KEYS,
    MAX_LEASES,
    PAGE_LIMIT,
    EtcdStatus,
    KeyHistory,
    KeySize,
    LeaseInfo,
    StoredValue,
    prefix_end,
)
from explorer.etcd.encryption import encryption_of
from explorer.etcd.errors import (
    AnswerTooLarge,
    EtcdBadAnswer,
    EtcdError,
    EtcdRefused,
    EtcdUnreachable,
    FutureRevision,
    RevisionCompacted,
)
from explorer.etcd.records import KeyRecord, Member, RecordError, record_from_gateway
from explorer.etcd.sealed import is_secret_key
from explorer.kube.etcd_exec import EtcdctlError, EtcdPod, etcd_pod, run_etcdctl
from explorer.kube.transport import ApiError
from explorer.probes.node_sources import api_client

# a read for its header and count only (etcd counts the whole range whatever the limit);
# etcdctl 3.4 has no --count-only
COUNTING = ("--keys-only", "--limit=1")
UNKNOWN_SIZE = -1  # a Secret's size over exec: not known without reading its value
KEYS_PAGE = 5_000
SIZES_PAGE = 2_000  # keys of a sizes page; its values are read in one exec (~3 MB at 1 KB each)
DEFAULT_PREFIX = "/registry"


class ExecEtcdReader:
    """EtcdReader (explorer/etcd/readers.py) through etcdctl in the etcd pod of `cluster`."""

    def __init__(self, cluster: str, prefix: str = DEFAULT_PREFIX) -> None:
        self.cluster = cluster
        self.prefix = prefix
        self._pod: EtcdPod | None = None

    # -- the key space ---------------------------------------------------------------------

    def revision(self) -> int:
        return _revision_of(self._get(COMPACT_REV_KEY, *COUNTING))

    def count(self, prefix: str | bytes | None = None) -> int:
        start = self._start(prefix)
        return _int(self._get(start, _text(prefix_end(start)), *COUNTING).get("count", 0))

    def keys_page(
        self,
        prefix: str | bytes | None = None,
        after: bytes | None = None,
        limit: int = 1000,
        *,
        revision: int | None = None,
    ) -> tuple[list[KeyRecord], bool]:
        records, more, _ = self._page(prefix, after, limit, revision)
        return records, more

    def keys(
        self, prefix: str | bytes | None = None, *, page: int = KEYS_PAGE, max_keys: int = MAX_KEYS
    ) -> Iterator[KeyRecord]:
        after: bytes | None = None
        revision: int | None = None
        seen = 0
        while True:
            records, more, revision = self._page(prefix, after, page, revision)
            seen += len(records)
            if seen > max_keys:
                raise EtcdBadAnswer(f"more than {max_keys:,} keys under the prefix: stopped")
            yield from records
            if not more or not records:
                return
            after = records[-1].key

    def sizes(
        self,
        prefix: str | bytes | None = None,
        *,
        after: bytes | None = None,
        page: int = SIZES_PAGE,
        max_keys: int = MAX_KEYS,
    ) -> Iterator[KeySize]:
        """Every key under `prefix` after `after` with its value's size and encryption, at the
        first page's revision; a Secret's (any `/secrets/` segment) with size None: its value is
        never read here."""
        end = _text(prefix_end(self._start(prefix)))
        revision: int | None = None
        seen = 0
        while True:
            records, more, revision = self._page(prefix, after, page, revision)
            seen += len(records)
            if seen > max_keys:
                raise EtcdBadAnswer(f"more than {max_keys:,} keys under the prefix: stopped")
            yield from self._sized(records, end, revision)
            if not more or not records:
                return
            after = records[-1].key

    def _sized(self, records: list[KeyRecord], end: str, revision: int) -> Iterator[KeySize]:
        """The page's keys with their sizes: a Secret's unsized, the runs between read."""
        run: list[KeyRecord] = []
        for record in records:
            if not self._may_be_secret(record.key):
                run.append(record)
                continue
            if run:
                yield from self._run_sizes(run, _text(record.key), revision)
                run = []
            yield KeySize(record, None, None, secret=True)
        if run:
            yield from self._run_sizes(run, end, revision)

    def _run_sizes(self, run: list[KeyRecord], end: str, revision: int) -> list[KeySize]:
        """The sizes of `run` (consecutive keys, none a Secret's, `end` the key after the
        last or the prefix's end), read with their values; halved while over the output limit."""
        try:
            limit, at = f"--limit={len(run)}", f"--rev={revision}"
            answer = self._get(run[0].key, end, limit, at, revision=revision)
        except AnswerTooLarge:
            if len(run) == 1:
                raise
            half = len(run) // 2
            return [
                *self._run_sizes(run[:half], _text(run[half].key), revision),
                *self._run_sizes(run[half:], end, revision),
            ]
        kvs = answer.get("kvs") or []
        if len(kvs) != len(run):
            raise EtcdBadAnswer("etcdctl read other keys with values than it listed")
        sized = []
        for listed, kv in zip(run, kvs, strict=True):
            record = _record(kv, with_value=True)
            if record.key != listed.key:
                raise EtcdBadAnswer("etcdctl read other keys with values than it listed")
            value = record.value or b""
            sized.append(KeySize(listed, len(value), encryption_of(value), secret=False))
        return sized

    def _may_be_secret(self, key: bytes) -> bool:
        return is_secret_key(key, self.prefix) or b"/secrets/" in key

    def value(self, key: str | bytes, revision: int | None = None) -> StoredValue | None:
        raw = _bytes(key)
        at = [f"--rev={revision}"] if revision else []
        # never a Secret's value: keys-only (any `/secrets/` segment: the prefix may be wrong)
        if self._may_be_secret(raw):
            kvs = self._get(raw, "--keys-only", *at, revision=revision).get("kvs") or []
            if not kvs:
                return None
            record = _record(kvs[0], with_value=False)
            return StoredValue(record=record, size=UNKNOWN_SIZE, encryption=None, withheld=True)
        kvs = self._get(raw, *at, revision=revision).get("kvs") or []
        if not kvs:
            return None
        record = _record(kvs[0], with_value=True)
        value = record.value or b""
        return StoredValue(record, len(value), encryption_of(value), withheld=False)

    def history(self, key: str | bytes, *, max_versions: int = MAX_HISTORY) -> KeyHistory:
        raw = _bytes(key)
        current = self.value(raw)
        if current is None:
            return KeyHistory(raw, (), compacted=0, not_read=0)
        versions = [current]
        while versions[-1].record.version > 1 and len(versions) < max_versions:
            older = versions[-1].record
            try:
                found = self.value(raw, revision=older.mod_revision - 1)
            except RevisionCompacted:
                return KeyHistory(raw, tuple(versions), compacted=older.version - 1, not_read=0)
            if found is None or found.record.create_revision != older.create_revision:
                break
            versions.append(found)
        left = versions[-1].record.version - 1
        return KeyHistory(raw, tuple(versions), compacted=0, not_read=max(left, 0))

    # -- the db ----------------------------------------------------------------------------

    def status(self) -> EtcdStatus:
        statuses = self._run("endpoint", "status")
        if not isinstance(statuses, list) or not statuses or not isinstance(statuses[0], dict):
            raise EtcdBadAnswer("etcdctl endpoint status answered no status")
        answer = statuses[0].get("Status") or {}
        listed = _object(self._run("member", "list"))
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
            members=tuple(
                Member(
                    id=_int(m.get("ID", 0)),
                    name=str(m.get("name", "")),
                    peer_urls=tuple(str(u) for u in m.get("peerURLs") or []),
                    client_urls=tuple(str(u) for u in m.get("clientURLs") or []),
                    is_learner=bool(m.get("isLearner")),
                )
                for m in listed.get("members") or []
                if isinstance(m, dict)
            ),
        )

    def compact_revision(self) -> tuple[int, str]:
        answer = self._get(COMPACT_REV_KEY)
        kvs = answer.get("kvs") or []
        if kvs:
            text = _record(kvs[0], with_value=True).value or b""
            if text.isdigit() and len(text) < 20:
                return int(text), "compact_rev_key"
        low, high = 1, max(_revision_of(answer), 1)
        while low < high:
            middle = (low + high) // 2
            try:
                self._get(COMPACT_REV_KEY, *COUNTING, f"--rev={middle}", revision=middle)
                high = middle
            except RevisionCompacted:
                low = middle + 1
        return (0 if low <= 1 else low), "bisection"

    # -- leases ----------------------------------------------------------------------------

    def leases(self, *, max_leases: int = MAX_LEASES) -> list[LeaseInfo]:
        listed = _object(self._run("lease", "list")).get("leases") or []
        ids = [_int(item.get("id", 0)) for item in listed if isinstance(item, dict)]
        if len(ids) > max_leases:
            raise EtcdBadAnswer(f"{len(ids):,} leases, over the {max_leases:,} limit")
        found = (self.lease(lease_id) for lease_id in ids)
        return [lease for lease in found if lease is not None]

    def lease(self, lease_id: int) -> LeaseInfo | None:
        answer = _object(self._run("lease", "timetolive", f"{lease_id:x}", "--keys"))
        remaining = _int(answer.get("ttl", -1))
        if remaining < 0:
            return None
        keys = []
        for item in answer.get("keys") or []:
            try:
                keys.append(record_from_gateway({"key": item}, with_value=False).key)
            except RecordError:
                raise EtcdBadAnswer("etcdctl's lease answer has a key that is not base64") from None
        return LeaseInfo(
            lease_id, _int(answer.get("granted-ttl", 0)), remaining, tuple(sorted(keys))
        )

    def watch(self, prefix: str | bytes | None = None, start_revision: int | None = None):
        raise EtcdError(
            "etcdctl through exec cannot watch (an exec is request and response): the node "
            "agent's way (etcd-agent) relays a live watch"
        )

    # -- helpers ---------------------------------------------------------------------------

    def _page(
        self, prefix: str | bytes | None, after: bytes | None, limit: int, revision: int | None
    ) -> tuple[list[KeyRecord], bool, int]:
        if not 1 <= limit < PAGE_LIMIT:
            raise ValueError(f"a page holds 1 to {PAGE_LIMIT - 1:,} keys, not {limit}")
        start = self._start(prefix)
        first = after if after is not None and after >= start else start
        skip = first == after  # the page starts at `after` itself: read again, left out
        args = ["--keys-only", f"--limit={limit + skip}"]
        if revision:
            args.append(f"--rev={revision}")
        answer = self._get(first, _text(prefix_end(start)), *args, revision=revision)
        records = [_record(kv, with_value=False) for kv in answer.get("kvs") or []]
        if skip and records and records[0].key == after:
            records = records[1:]
        return records[:limit], bool(answer.get("more")), revision or _revision_of(answer)

    def _start(self, prefix: str | bytes | None) -> bytes:
        start = self.prefix.encode() + b"/" if prefix is None else _bytes(prefix)
        if not start:
            raise ValueError("an empty prefix would be the whole key space: name one")
        return start

    def _get(self, key: bytes, *args: str, revision: int | None = None) -> dict:
        return _object(self._run("get", _text(key), *args, revision=revision))

    def _run(self, *args: str, revision: int | None = None) -> object:
        try:
            with api_client(self.cluster) as client:
                if self._pod is None:
                    self._pod = etcd_pod(client)
                output = run_etcdctl(client, self._pod, args)
        except EtcdctlError as error:
            raise _etcd_error(error, revision) from None
        except ApiError as error:
            if error.forbidden:
                raise EtcdRefused(f"exec in the etcd pod is forbidden: {error.message}") from None
            raise EtcdUnreachable(f"exec in the etcd pod failed: {error}") from None
        except Exception as error:  # no connection to the cluster: one line
            raise EtcdUnreachable(f"cannot reach {self.cluster}: {str(error)[:200]}") from None
        try:
            return orjson.loads(output)
        except orjson.JSONDecodeError:
            raise EtcdBadAnswer("etcdctl printed something that is not JSON") from None


def _etcd_error(error: EtcdctlError, revision: int | None) -> EtcdError:
    if error.too_large:
        return AnswerTooLarge(str(error))
    said = error.stderr.lower()
    if "required revision has been compacted" in said:
        return RevisionCompacted(revision or 0)
    if "required revision is a future revision" in said:
        return FutureRevision(revision or 0)
    if "certificate" in said or "permission denied" in said or "authentication" in said:
        return EtcdRefused(str(error))
    if "deadline exceeded" in said or "connection refused" in said or "unavailable" in said:
        return EtcdUnreachable(str(error))
    return EtcdBadAnswer(str(error))


def _record(kv: object, *, with_value: bool) -> KeyRecord:
    if not isinstance(kv, dict):
        raise EtcdBadAnswer("etcdctl's answer holds a key that is not an object")
    try:
        return record_from_gateway(kv, with_value=with_value)
    except RecordError as error:
        raise EtcdBadAnswer(str(error)) from None


def _object(raw: object) -> dict:
    if not isinstance(raw, dict):
        raise EtcdBadAnswer("etcdctl answered something other than a JSON object")
    return raw


def _text(key: bytes) -> str:
    """A key as an argument: Kubernetes writes ASCII keys; others cannot pass through argv."""
    try:
        text = key.decode()
    except UnicodeDecodeError:
        raise ValueError("etcdctl through exec reads UTF-8 keys only") from None
    if "\x00" in text:
        raise ValueError("a key with a NUL byte cannot pass through an argument list")
    return text


_SAID_BY = "etcdctl printed"
_int = partial(number, said_by=_SAID_BY)
_revision_of = partial(revision_of, said_by=_SAID_BY)
_bytes = key_bytes
