"""ApiStore: a ClusterState served as kube-apiserver serves etcd.

One global resourceVersion counter (as etcd's revision), a bounded history for watches and
consistent pages, keys kept sorted as etcd returns them, and a fan-out to open watches. Writers may
be any thread; every read and write holds one lock. Objects handed out are never mutated
afterwards (a change stores a new dict), so readers may serialise them after releasing the lock.

Events expire `event_ttl` seconds after their last write, as kube-apiserver's `--event-ttl` has
etcd do (the events a store starts with count as written then); an expired Event is deleted, and
watchers are told, by the first read or write after its moment.

Each write's revision comes from the store's `Storage` (storage.py): counted in memory, or — the
demo with etcd — the revision a real etcd gave the write, whose lease expiries and compactions
reach the store through `expired` and `compacted`.
"""

from __future__ import annotations

import heapq
import threading
import time
import uuid
from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from explorer.lib.choices import ADDED, DELETED, MODIFIED
from explorer.lib.deadlines import Deadlines
from explorer.lib.objects import meta_of, namespaced_name, resource_version_of
from explorer.lib.redact import redact
from explorer.lib.resources import BY_KIND, RESOURCES
from explorer.state.cluster_state import ClusterState

from .duration import now_rfc3339
from .history import History, Record
from .selectors import Matcher, match_all
from .status import too_large_resource_version, too_old_resource_version
from .storage import MemoryRevisions, Storage, numeric_rv

DEFAULT_HISTORY = 20_000
_KIND_ORDER = {r.kind: i for i, r in enumerate(RESOURCES)}


class Subscriber(Protocol):
    def deliver(self, record: Record) -> None: ...


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict]
    resource_version: int
    last_key: str | None  # set when more items follow
    remaining: int | None  # items after this page, when cheaply known


def split_key(key: str) -> tuple[str, str]:
    namespace, _, name = key.rpartition("/")
    return namespace, name


class ApiStore:
    def __init__(
        self,
        state: ClusterState | None = None,
        history_limit: int = DEFAULT_HISTORY,
        *,
        event_ttl: float | None = None,
        clock: Callable[[], float] = time.time,
        storage: Storage | None = None,
    ):
        """`event_ttl`: seconds an Event is kept after its last write (None: for ever, or as
        the storage expires them); `clock`: seconds since the epoch, for the expiry of Events;
        `storage`: where writes are kept and numbered (default: counted in memory)."""
        self.state = state if state is not None else ClusterState()
        self._storage: Storage = storage if storage is not None else MemoryRevisions()
        self._lock = threading.RLock()
        self._history = History(history_limit)
        self._rv = 0
        self._keys: dict[str, list[str]] = {}
        self._subscribers: dict[str, set[Subscriber]] = defaultdict(set)
        self._event_ttl = event_ttl
        self._clock = clock
        self._event_deadlines: Deadlines[str] = Deadlines()
        self._adopt()

    # ---- writing -------------------------------------------------------------------------

    @property
    def lock(self) -> threading.RLock:
        """Held by every read and write; a storage's own threads take it to tell the store."""
        return self._lock

    @property
    def resource_version(self) -> int:
        with self._lock:
            return self._rv

    def apply(self, event: dict) -> Record | None:
        """Apply one `{"type", "object"}` event; return the record served to watchers, or None
        when nothing changed (a DELETED of a missing object, an update that changes nothing)."""
        etype = event.get("type")
        obj = event.get("object")
        if etype not in (ADDED, MODIFIED, DELETED) or not isinstance(obj, dict):
            return None
        kind = obj.get("kind")
        if not kind:
            raise ValueError("event object has no kind")
        key = namespaced_name(obj)
        with self._lock:
            self._expire_events()
            if etype == DELETED:
                return self._delete(kind, key)
            old = self.state.get(kind, *split_key(key))
            new = _complete(kind, obj, old)
            if old is not None and _same_apart_from_version(new, old):
                return None
            rv = self._advance(self._storage.put(kind, new))
            new["metadata"]["resourceVersion"] = str(rv)
            self.state.apply({"type": MODIFIED, "object": new}, kind)
            if old is None:
                insort(self._keys.setdefault(kind, []), key)
            self._written(kind, key)
            return self._record(Record(rv, kind, MODIFIED if old else ADDED, key, new, old))

    def _delete(self, kind: str, key: str) -> Record | None:
        old = self.state.get(kind, *split_key(key))
        if old is None:
            return None
        return self._deleted(kind, key, old, self._advance(self._storage.delete(kind, old)))

    def _deleted(self, kind: str, key: str, old: dict, rv: int) -> Record:
        self._remove(kind, key)
        return self._record(Record(rv, kind, DELETED, key, _restamp(old, rv), old))

    def _remove(self, kind: str, key: str) -> None:
        self.state.delete(kind, *split_key(key))
        keys = self._keys.get(kind, [])
        index = bisect_left(keys, key)
        if index < len(keys) and keys[index] == key:
            del keys[index]
        if kind == "Event":
            self._event_deadlines.discard(key)

    def _written(self, kind: str, key: str) -> None:
        if kind == "Event" and self._event_ttl is not None:
            self._event_deadlines.set(key, self._clock() + self._event_ttl)

    def _expire_events(self) -> None:
        if self._event_ttl is None:
            return
        for key in self._event_deadlines.due(self._clock()):
            self._delete("Event", key)

    def apply_many(self, events: Iterable[dict]) -> list[Record]:
        with self._lock:
            return [r for event in events if (r := self.apply(event)) is not None]

    def set_node_facts(self, node: str, facts: dict[str, Any]) -> None:
        with self._lock:
            self.state.set_node_facts(node, facts)

    def node_fact(self, node: str, fact: str) -> Any:
        with self._lock:
            return (self.state.node_facts.get(node) or {}).get(fact)

    def compact(self) -> None:
        """Forget the history: any version older than the current one now gets 410 Gone."""
        with self._lock:
            self._history.compact(self._rv)

    # ---- what the storage tells ----------------------------------------------------------

    def expired(self, kind: str, key: str, revision: int) -> Record | None:
        """The storage deleted an object by itself at `revision` (an etcd lease ran out):
        watchers are told, unless the object was written again since."""
        with self._lock:
            old = self.state.get(kind, *split_key(key))
            if old is None or numeric_rv(old) >= revision:
                return None
            return self._deleted(kind, key, old, self._advance(revision))

    def vanished(self, kind: str, keys: Iterable[str]) -> None:
        """The storage no longer held these objects at the store's revision, before anyone
        could watch (an Event whose lease ran out while a big state was being loaded): they
        are dropped without a watch event, as if they had never been listed."""
        with self._lock:
            for key in keys:
                self._remove(kind, key)

    def advanced(self, revision: int) -> None:
        """The storage's revision moved without a change to an object (etcd's compaction
        key is written outside the objects' prefix)."""
        with self._lock:
            self._advance(revision)

    def compacted(self, revision: int) -> None:
        """The storage forgot the versions up to `revision`: they get 410 Gone."""
        with self._lock:
            self._history.compact(min(revision, self._rv))

    # ---- reading -------------------------------------------------------------------------

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        with self._lock:
            self._expire_events()
            return self.state.get(kind, namespace, name)

    def check_version(self, rv: int) -> None:
        """Raise 504 for a version the store has not reached (a real server waits, then does)."""
        with self._lock:
            if rv > self._rv:
                raise too_large_resource_version(rv, self._rv)

    def page(
        self,
        kind: str,
        namespace: str | None,
        matcher: Matcher = match_all,
        limit: int = 0,
        start_after: str = "",
        at_rv: int | None = None,
    ) -> Page:
        """Up to `limit` (0: all) matching objects in key order after `start_after`, as they
        were at `at_rv` (None: now). 410 Gone when `at_rv` is older than the history."""
        with self._lock:
            self._expire_events()
            overlay: dict[str, dict | None] = {}
            if at_rv is None or at_rv == self._rv:
                read_rv = self._rv
            else:
                if at_rv > self._rv:
                    raise too_large_resource_version(at_rv, self._rv)
                if not self._history.retains(at_rv):
                    raise too_old_resource_version(at_rv, self._history.compacted_rv + 1)
                read_rv = at_rv
                overlay = self._overlay(kind, at_rv)
            keys = self._keys.get(kind, [])
            prefix = f"{namespace}/" if namespace else ""
            low = bisect_left(keys, prefix)
            if start_after:
                low = max(low, bisect_right(keys, start_after))
            high = bisect_left(keys, prefix[:-1] + "0") if prefix else len(keys)  # "/"+1 is "0"
            items: list[dict] = []
            last_key = items_last_key = None
            for key in self._merged_keys(keys, low, high, overlay, prefix, start_after):
                obj = overlay[key] if key in overlay else self.state.get(kind, *split_key(key))
                if obj is None or not matcher(obj):
                    continue
                if limit and len(items) == limit:
                    last_key = items_last_key
                    break
                items.append(obj)
                items_last_key = key
            remaining = None
            if last_key is not None and not overlay and matcher is match_all:
                remaining = high - bisect_right(keys, last_key)
            return Page(items, read_rv, last_key, remaining)

    @staticmethod
    def _merged_keys(
        keys: list[str],
        low: int,
        high: int,
        overlay: dict[str, dict | None],
        prefix: str,
        start_after: str,
    ) -> Iterator[str]:
        current = (keys[i] for i in range(low, high))
        if not overlay:
            yield from current
            return
        extra = sorted(
            k for k in overlay if k.startswith(prefix) and (not start_after or k > start_after)
        )
        previous = None
        for key in heapq.merge(current, extra):
            if key != previous:
                yield key
            previous = key

    def _overlay(self, kind: str, at_rv: int) -> dict[str, dict | None]:
        """What differs between now and `at_rv`: key -> the object then (None: absent then)."""
        then: dict[str, dict | None] = {}
        for record in self._history.since(at_rv, kind):
            then.setdefault(record.key, record.old)
        return then

    # ---- watching ------------------------------------------------------------------------

    def watch_since(self, kind: str, rv: int, subscriber: Subscriber) -> list[Record]:
        """Subscribe, and return the records of `kind` after `rv` (410 Gone if forgotten)."""
        with self._lock:
            if rv > self._rv:
                raise too_large_resource_version(rv, self._rv)
            if not self._history.retains(rv):
                raise too_old_resource_version(rv, self._history.compacted_rv + 1)
            self._expire_events()
            self._subscribers[kind].add(subscriber)
            return self._history.since(rv, kind)

    def watch_now(self, kind: str, namespace: str | None, subscriber: Subscriber) -> Page:
        """Subscribe, and return every object of `kind` now (the initial events of a watch)."""
        with self._lock:
            self._expire_events()  # before subscribing: the page and the watch agree
            self._subscribers[kind].add(subscriber)
            return self.page(kind, namespace)

    def unsubscribe(self, kind: str, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers[kind].discard(subscriber)

    def watcher_count(self) -> int:
        with self._lock:
            return sum(len(s) for s in self._subscribers.values())

    # ---- internals -----------------------------------------------------------------------

    def _advance(self, revision: int) -> int:
        self._rv = max(self._rv, revision)
        return revision

    def _record(self, record: Record) -> Record:
        self._history.append(record)
        for subscriber in tuple(self._subscribers.get(record.kind, ())):
            subscriber.deliver(record)
        return record

    def _adopt(self) -> None:
        """Give every object of the wrapped state a version, uid, creationTimestamp and
        apiVersion; objects already carrying a numeric version keep it."""
        held = [(kind, obj) for kind in self.state.kinds() for obj in self.state.list(kind)]
        held.sort(
            key=lambda item: (_KIND_ORDER.get(item[0], len(_KIND_ORDER)), namespaced_name(item[1]))
        )
        completed = [(kind, _complete(kind, obj, None)) for kind, obj in held]
        revisions = self._storage.load(completed)
        self._rv = max(revisions, default=0)
        for (kind, obj), (_, complete), revision in zip(held, completed, revisions, strict=True):
            complete["metadata"]["resourceVersion"] = str(revision)
            if complete != obj:
                self.state.apply({"type": MODIFIED, "object": complete}, kind)
            self._keys.setdefault(kind, []).append(namespaced_name(obj))
            self._written(kind, namespaced_name(obj))
        for keys in self._keys.values():
            keys.sort()
        self._history.compact(self._rv)


def _complete(kind: str, obj: dict, old: dict | None) -> dict:
    """A copy of `obj` with what a served object always carries, and no Secret value."""
    new = dict(obj)
    meta = new["metadata"] = dict(meta_of(obj))
    if isinstance(meta.get("annotations"), dict):
        meta["annotations"] = dict(meta["annotations"])
    new["kind"] = kind
    resource = BY_KIND.get(kind)
    if resource is not None:
        new.setdefault("apiVersion", resource.api_version)
    old_meta = meta_of(old)
    if not meta.get("uid"):
        meta["uid"] = old_meta.get("uid") or str(uuid.uuid4())
    if not meta.get("creationTimestamp"):
        meta["creationTimestamp"] = old_meta.get("creationTimestamp") or now_rfc3339()
    return redact(new)


def _restamp(obj: dict, rv: int) -> dict:
    gone = dict(obj)
    gone["metadata"] = {**obj.get("metadata", {}), "resourceVersion": str(rv)}
    return gone


def _same_apart_from_version(new: dict, old: dict) -> bool:
    meta = new["metadata"]
    mine = meta.get("resourceVersion")
    meta["resourceVersion"] = resource_version_of(old)
    same = new == old
    meta["resourceVersion"] = mine
    return same
