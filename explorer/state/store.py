"""ClusterStates: the state of every cluster this process watches, each behind its own lock.

- Watchers write: the store is their `kube` WatchSink (lists, events, what each kind is doing),
  one thread per resource, serialised per cluster by that cluster's lock.
- Collections put node facts (`put_node_facts`): their texts are parsed first, outside any lock
  (explorer/state/parsed_facts.py), then merged into the state, and saved when the store keeps
  them (explorer/state/saved_facts.py: a restart starts from each node's last facts).
- Readers — the publisher, pages, jobs — read a cluster's state under its lock: `with
  states.read(cluster) as state: ...`. What they take out must be taken before the block ends.
- With a `Retention`, each cluster keeps a change log (explorer/state/change_log.py): every
  change, node-facts collection and visibility change, stamped when applied, under the
  cluster's lock (so in the order applied); with a directory, also a checkpoint of the whole
  state at intervals, taken under the lock in its place among them — the first once the
  cluster's first lists are in (`_record_checkpoint`).
- Listeners (`listen`) hear what changed, in the order it was applied, after the lock is let go:
  object changes, node facts put, and watcher statuses.

The process's own store, if it watches clusters, is `watched()` (set by the process wiring,
explorer/runtime/process.py): pages and jobs ask it, and fall back to other ways when it is None.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from explorer.lib.choices import LISTING, NOT_VISIBLE
from explorer.lib.heap import give_back_free_heap

from .change_log import ChangeLog, Retention
from .cluster_state import Change, ClusterState
from .node_facts import NodeFacts, merged
from .parsed_facts import PARSED_FACTS
from .saved_facts import SavedFacts
from .state_dump import captured

log = logging.getLogger(__name__)

GIVE_BACK_AFTER = 1000  # objects in a list after which freed memory is given back (lib/heap.py)


class Listener(Protocol):
    """Told what changed in a cluster's state; called on the writer's thread, no lock held."""

    def changed(self, cluster: str, changes: list[Change]) -> None: ...

    def node_facts_put(self, cluster: str, node: str) -> None: ...

    def status_changed(self, cluster: str, kind: str, status: str, reason: str) -> None: ...


class UnknownCluster(KeyError):
    """A cluster this store does not hold."""


class ClusterStates:
    """One ClusterState per cluster, each with its lock, and who listens to them."""

    def __init__(
        self,
        clusters: Iterable[str] = (),
        retention: Retention | None = None,
        saved_facts: SavedFacts | None = None,
    ) -> None:
        """`retention`: keep a change log of each cluster (explorer/state/change_log.py);
        `saved_facts`: keep each node's last facts on disk, and start from them."""
        self.retention = retention
        self.saved_facts = saved_facts
        self._guard = threading.Lock()  # over the maps below, never held while a state is
        self._states: dict[str, ClusterState] = {}
        self._locks: dict[str, threading.RLock] = {}
        self._statuses: dict[str, dict[str, tuple[str, str]]] = {}
        self._listed: dict[str, set[str]] = {}  # kinds whose first list is in
        self._listeners: list[Listener] = []
        for cluster in clusters:
            self.add(cluster)

    # ---- which clusters ------------------------------------------------------------------

    def add(self, cluster: str, state: ClusterState | None = None) -> None:
        """Hold `cluster` (empty, or as `state` when given: a loaded bundle, a test's)."""
        with self._guard:
            if cluster not in self._states:
                held = state if state is not None else ClusterState.compact(cluster)
                if self.retention is not None and held.change_log is None:
                    held.change_log = ChangeLog(cluster, self.retention)
                self._states[cluster] = held
                self._locks[cluster] = threading.RLock()
                self._statuses[cluster] = {}
                self._listed[cluster] = set()
                added = True
            else:
                added = False
        if added and self.saved_facts is not None:
            self._restore_facts(cluster)

    def clusters(self) -> list[str]:
        with self._guard:
            return list(self._states)

    def __contains__(self, cluster: object) -> bool:
        with self._guard:
            return cluster in self._states

    # ---- reading -------------------------------------------------------------------------

    @contextmanager
    def read(self, cluster: str) -> Iterator[ClusterState]:
        """The cluster's state, its lock held for the block (UnknownCluster if not held here)."""
        state, lock = self._entry(cluster)
        with lock:
            yield state

    def statuses(self, cluster: str) -> dict[str, tuple[str, str]]:
        """kind -> (status, reason) as the cluster's watcher last reported it."""
        with self._guard:
            return dict(self._statuses.get(cluster, {}))

    def listen(self, listener: Listener) -> None:
        with self._guard:
            self._listeners.append(listener)

    def unlisten(self, listener: Listener) -> None:
        with self._guard:
            if listener in self._listeners:
                self._listeners.remove(listener)

    # ---- writing: what a watcher sees (the kube WatchSink) --------------------------------

    def takes_json(self, cluster: str, kind: str) -> bool:
        state, _ = self._entry(cluster)
        return state.takes_json(kind)  # what a state packs is set when it is made

    def page(self, cluster: str, kind: str, objects: list[Any]) -> None:
        state, lock = self._entry(cluster)
        if kind in state.packed:
            state.pack_page(kind, objects)  # without the lock: see ClusterState.pack_page
        with lock:
            state.share_page(kind, objects)

    def replace(self, cluster: str, kind: str, objects: list[dict], resource_version: str) -> None:
        with self.read(cluster) as state:
            first_list = kind not in state.resource_versions  # no earlier moment to go back to
            seen = state.resource_versions.get(kind)
            changes = state.replace(kind, objects, resource_version)
            log.debug("cluster %s: %s listed, %d objects", cluster, kind, len(objects))
            with self._guard:
                self._listed[cluster].add(kind)
            recorder = state.change_log
            if recorder is not None:
                if first_list:
                    recorder.unanchor()  # its objects are not changes: a checkpoint holds them
                else:
                    recorder.record(changes, versions=_moved(state, kind, seen))
                self._record_checkpoint(cluster, state)
        if changes:
            for listener in self._listening():
                listener.changed(cluster, changes)
        if len(objects) >= GIVE_BACK_AFTER:  # what parsing the list took is free now
            give_back_free_heap()

    def event(self, cluster: str, kind: str, event: dict) -> None:
        with self.read(cluster) as state:
            seen = state.resource_versions.get(kind)
            change = state.apply(event, kind)
            if state.change_log is not None:
                changes = [change] if change is not None else []
                state.change_log.record(changes, versions=_moved(state, kind, seen))
                self._record_checkpoint(cluster, state)
        if change is not None:
            for listener in self._listening():
                listener.changed(cluster, [change])

    def status(self, cluster: str, kind: str, status: str, reason: str = "") -> None:
        """What a kind's watcher is doing. Without the cluster's lock when nothing under it
        changes (what is not visible stays as it is, no checkpoint is due): a reader holding
        the state for seconds — a view built over 165,000 pods right after their list went in —
        must not keep the cluster from being told live (`_quiet`)."""
        state, lock = self._entry(cluster)
        with self._guard:
            self._statuses[cluster][kind] = (status, reason)
        if not self._quiet(cluster, state, kind, status):
            with lock:
                hidden = dict(state.not_visible)
                if status == NOT_VISIBLE:
                    state.not_visible[kind] = reason or NOT_VISIBLE
                else:
                    state.not_visible.pop(kind, None)
                if state.change_log is not None:
                    if state.not_visible != hidden:
                        state.change_log.record_not_visible(state.not_visible)
                    self._record_checkpoint(cluster, state)
        log.debug("cluster %s: %s %s %s", cluster, kind, status, reason)
        for listener in self._listening():
            listener.status_changed(cluster, kind, status, reason)

    def not_visible(self, cluster: str) -> dict[str, str]:
        """kind -> why it cannot be seen, without waiting for the cluster's lock: only `status`
        changes it, under that lock, and a dict is copied whole under the GIL."""
        state, _ = self._entry(cluster)
        return dict(state.not_visible)

    def _quiet(self, cluster: str, state: ClusterState, kind: str, status: str) -> bool:
        """Whether reporting `status` of `kind` leaves the state and its log as they are."""
        if status == NOT_VISIBLE or kind in state.not_visible:
            return False
        recorder = state.change_log
        if recorder is None or not recorder.checkpoint_due():
            return True
        return not (recorder.checkpointed or self._lists_done(cluster))

    # ---- writing: what a collection brings -----------------------------------------------

    def put_node_facts(self, cluster: str, collected: NodeFacts) -> bool:
        """Merge a node's collected facts into the cluster's state (parsed first, outside the
        lock); False when this store does not hold the cluster."""
        if cluster not in self:
            return False
        PARSED_FACTS.parse_all(collected["facts"])
        node = collected["node"]
        with self.read(cluster) as state:
            entry = state.node_facts[node] = merged(state.node_facts.get(node) or {}, collected)
            if state.change_log is not None:
                state.change_log.record_facts(node, entry)
                self._record_checkpoint(cluster, state)
        if self.saved_facts is not None:
            self.saved_facts.save(cluster, node, entry)
        for listener in self._listening():
            listener.node_facts_put(cluster, node)
        return True

    def _restore_facts(self, cluster: str) -> None:
        assert self.saved_facts is not None
        restored = self.saved_facts.load(cluster)
        for entry in restored.values():
            PARSED_FACTS.parse_all(entry)
        with self.read(cluster) as state:
            for node, entry in restored.items():
                state.node_facts.setdefault(node, entry)

    def close(self) -> None:
        """Write out and close the change logs."""
        with self._guard:
            states = list(self._states.values())
        for state in states:
            if state.change_log is not None:
                state.change_log.close()

    # ---- internals -----------------------------------------------------------------------

    def _record_checkpoint(self, cluster: str, state: ClusterState) -> None:
        """Under the cluster's lock: a checkpoint when one is due — the first once no kind is
        still in its first list (later first lists do not wait)."""
        log = state.change_log
        if log.checkpoint_due() and (log.checkpointed or self._lists_done(cluster)):
            log.checkpoint(captured(state))

    def _lists_done(self, cluster: str) -> bool:
        with self._guard:
            listed = self._listed[cluster]
            statuses = self._statuses[cluster]
            return not any(s == LISTING and k not in listed for k, (s, _) in statuses.items())

    def _entry(self, cluster: str) -> tuple[ClusterState, threading.RLock]:
        with self._guard:
            try:
                return self._states[cluster], self._locks[cluster]
            except KeyError:
                raise UnknownCluster(cluster) from None

    def _listening(self) -> list[Listener]:
        with self._guard:
            return list(self._listeners)


def _moved(state: ClusterState, kind: str, seen: str | None) -> dict[str, str] | None:
    """The kind's resourceVersion, when it moved from `seen`."""
    now = state.resource_versions.get(kind)
    return {kind: now} if now is not None and now != seen else None


_watched: ClusterStates | None = None
_watched_lock = threading.Lock()


def install(states: ClusterStates) -> None:
    """Make `states` this process's watched store (the process wiring does, when it starts)."""
    global _watched
    with _watched_lock:
        _watched = states


def uninstall(states: ClusterStates) -> None:
    global _watched
    with _watched_lock:
        if _watched is states:
            _watched = None


def watched() -> ClusterStates | None:
    """The store of the clusters this process watches, or None (it watches none: a web process
    or a worker of the team install)."""
    with _watched_lock:
        return _watched
