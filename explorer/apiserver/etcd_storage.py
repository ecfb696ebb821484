"""The demo's cluster kept in a real etcd, as kube-apiserver keeps a cluster.

Every change the API server makes is written through, in order, and served with the revision
etcd gave it: an object's resourceVersion is its key's mod_revision. What is written is what
kube-apiserver writes: the key `<prefix>/<resource>/[<namespace>/]<name>`
(explorer/etcd/keys.py), the value `k8s\\x00` + runtime.Unknown protobuf for built-in kinds and
JSON for CustomResourceDefinitions, never a resourceVersion inside a value; Events with a shared
lease of `--event-ttl` plus its margin (event_leases.py); Secrets encrypted at rest with aescbc;
compaction every 5 minutes to the revision of the previous interval, recorded in
`compact_rev_key` (k8s.io/apiserver/pkg/storage/etcd3/compact.go).

etcd expires Events by itself when their lease runs out: a watch of the Events' prefix tells
the store (`ApiStore.expired`), in revision order with the store's own writes — a write whose
revision skips numbers waits (briefly) until the watch has delivered the expiries in between.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import TYPE_CHECKING

import orjson

from explorer.etcd.keys import key_of_object
from explorer.etcd.proto_objects import encode_object
from explorer.lib.objects import meta_of, namespaced_name
from explorer.lib.resources import BY_KIND

from .encryption_at_rest import AescbcKey
from .etcd_writes import EtcdWrites, Put
from .event_leases import EventLeases

if TYPE_CHECKING:
    from .store import ApiStore

log = logging.getLogger(__name__)

COMPACT_REV_KEY = "compact_rev_key"  # outside the prefix, as kube-apiserver writes it
COMPACT_EVERY_SECONDS = 300.0
STORED_AS_JSON = frozenset({"CustomResourceDefinition"})
ENCRYPTED_KINDS = frozenset({"Secret"})
GAP_WAIT_SECONDS = 2.0
LOAD_ONE_BY_ONE = 5_000


class EtcdStorage:
    def __init__(
        self,
        writes: EtcdWrites,
        *,
        prefix: str = "/registry",
        event_ttl: int | None = 3600,
        encryption: AescbcKey | None = None,
        compact_every: float = COMPACT_EVERY_SECONDS,
    ) -> None:
        self._writes = writes
        self.prefix = prefix.rstrip("/")
        self._leases = EventLeases(writes.grant_lease, event_ttl) if event_ttl else None
        self._encryption = encryption or AescbcKey("key1")
        self._compact_every = compact_every
        self._store: ApiStore | None = None
        self._seen = threading.Condition()
        self._seen_revision = 0
        self._expiries: deque[tuple[str, int]] = deque()
        self._stop = threading.Event()
        self._cancel_watch = None
        self._threads: list[threading.Thread] = []
        self._compact_version = 0
        self._compact_from = 0

    # ---- what the store calls (under its lock) -------------------------------------------

    def load(self, objects: list[tuple[str, dict]]) -> list[int]:
        """Each object a write of its own, as a cluster's objects were made — but a big demo's
        in transactions (which give their objects one revision), so that it loads in seconds."""
        if len(objects) <= LOAD_ONE_BY_ONE:  # each Put made as it is written: a lease is fresh
            return [self._writes.put(self._put_of(kind, obj)) for kind, obj in objects]
        return self._writes.put_all([self._put_of(kind, obj) for kind, obj in objects])

    def put(self, kind: str, obj: dict) -> int:
        revision = self._writes.put(self._put_of(kind, obj))
        self._deliver_expiries_before(revision)
        return revision

    def delete(self, kind: str, obj: dict) -> int:
        revision, _ = self._writes.delete(self.key(kind, obj))
        self._deliver_expiries_before(revision)
        return revision

    # ---- running -------------------------------------------------------------------------

    def start(self, store: ApiStore) -> EtcdStorage:
        """Watch for expiries and compact on schedule, telling `store`."""
        self._store = store
        events = f"{self.prefix}/events/"
        # An Event whose lease ran out while a big state was still being written is gone before
        # the revision the watch starts from: drop it before anyone can list it.
        alive = self._writes.keys(events, store.resource_version)
        with store.lock:
            gone = [e for e in store.state.list("Event") if self.key("Event", e) not in alive]
            store.vanished("Event", [namespaced_name(event) for event in gone])
        changes, self._cancel_watch = self._writes.watch_prefix(events, store.resource_version + 1)
        self._seen_revision = store.resource_version
        self._spawn("etcd expiries", self._follow, changes)
        if self._compact_every > 0:
            self._spawn("etcd compaction", self._compact_forever)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._cancel_watch is not None:
            self._cancel_watch()
        for thread in self._threads:
            thread.join(timeout=5)
        self._writes.close()

    def compact_once(self) -> None:
        """kube-apiserver's compaction step: record this interval's revision in
        `compact_rev_key` (if no other API server did since the last step) and compact to the
        revision recorded at the previous step."""
        assert self._store is not None
        with self._store_lock():
            succeeded, revision, version = self._writes.compare_version_and_put(
                COMPACT_REV_KEY, self._compact_version, str(self._compact_from)
            )
            self._deliver_expiries_before(revision)
            self._store.advanced(revision)
            self._compact_version = version
            target, self._compact_from = self._compact_from, revision
            if succeeded and target:
                self._writes.compact(target)
                self._store.compacted(target)

    # ---- the stored form -----------------------------------------------------------------

    def key(self, kind: str, obj: dict) -> str:
        return key_of_object(obj, BY_KIND[kind], self.prefix)

    def value(self, kind: str, obj: dict) -> bytes:
        stored = {**obj, "metadata": {**meta_of(obj)}}
        stored["metadata"].pop("resourceVersion", None)
        raw = orjson.dumps(stored) if kind in STORED_AS_JSON else encode_object(stored)
        return self._encryption.encrypt(raw) if kind in ENCRYPTED_KINDS else raw

    def _put_of(self, kind: str, obj: dict) -> Put:
        lease = self._leases.lease_for_a_write() if kind == "Event" and self._leases else 0
        return Put(self.key(kind, obj), self.value(kind, obj), lease)

    # ---- expiries ------------------------------------------------------------------------

    def _follow(self, changes) -> None:
        try:
            for change in changes:
                with self._seen:
                    self._seen_revision = max(self._seen_revision, change.revision)
                    if change.deleted:
                        self._expiries.append((change.key, change.revision))
                    self._seen.notify_all()
                if change.deleted and self._store is not None:
                    with self._store_lock():
                        self._deliver_expiries_before(None)
        except Exception:  # the watch ends with the server; say why if it was not asked to
            if not self._stop.is_set():
                log.exception("the watch of the demo's etcd ended")

    def _deliver_expiries_before(self, revision: int | None) -> None:
        """Hand the store every expiry etcd made before `revision` (None: all seen so far),
        waiting for the watch to reach `revision - 1` when the revisions skipped some."""
        if self._store is None:
            return
        with self._seen:
            if revision is not None and revision - 1 > self._store.resource_version:
                self._seen.wait_for(
                    lambda: self._seen_revision >= revision - 1, timeout=GAP_WAIT_SECONDS
                )
            due = []
            while self._expiries and (revision is None or self._expiries[0][1] < revision):
                due.append(self._expiries.popleft())
        for key, at in due:
            self._store.expired("Event", key[len(f"{self.prefix}/events/") :], at)

    def _compact_forever(self) -> None:
        while not self._stop.wait(self._compact_every):
            try:
                self.compact_once()
            except Exception:
                log.exception("compacting the demo's etcd failed; trying again next interval")

    def _store_lock(self):
        assert self._store is not None
        return self._store.lock

    def _spawn(self, name: str, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)
