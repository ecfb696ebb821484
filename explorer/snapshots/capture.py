"""A copy of one cluster's state for a job, from wherever it is available.

- Embedded install (`make run`): the watcher runs in this process, and so does the job (on a
  thread). The copy is taken from the watched state (explorer.state.store.watched()), one kind
  at a time under its cluster's lock — the very state the pages show.
- Team install: the watcher is another process, and its state is not shared with workers. A
  worker has the same kubeconfig (or service account) as the watcher, so it lists the cluster
  itself: a ClusterWatcher over every catalogue resource, stopped once each has been listed (or
  found not visible). Lists go through the same ingest as the watcher's, so Secrets are metadata
  only and carry no values either way. Node facts come from where the watcher saves each node's
  last ones (explorer/state/saved_facts.py, under the EXPLORER_STATE_DIR the team install's
  processes share).

Both report each kind as it is done, through `on_kind(kind, objects of that kind, kinds done,
kinds in all)`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings

from explorer.kube.cluster_watcher import ClusterWatcher
from explorer.kube.config import Cluster, KubeConfigError, connect_to
from explorer.lib.choices import NOT_VISIBLE
from explorer.lib.resources import RESOURCES, Resource
from explorer.state.cluster_state import ClusterState
from explorer.state.packed import PACKED_KINDS
from explorer.state.saved_facts import SavedFacts
from explorer.state.store import ClusterStates, watched

OnKind = Callable[[str, int, int, int], None]
LIST_TIMEOUT = 300.0


class StateUnavailable(Exception):
    """The cluster's state cannot be had; str() is one line for the page."""


def cluster_state(
    cluster: str,
    on_kind: OnKind,
    resources: Iterable[Resource] = RESOURCES,
    timeout: float = LIST_TIMEOUT,
) -> ClusterState:
    resources = tuple(resources)
    states = watched()
    if states is not None and cluster in states:
        return _copy_watched(states, cluster, resources, on_kind)
    try:
        connected = connect_to(cluster)
    except KubeConfigError as error:
        raise StateUnavailable(str(error)) from None
    state = _list_cluster(connected, resources, on_kind, timeout)
    for node, facts in (
        SavedFacts(Path(settings.EXPLORER_STATE_DIR) / "facts").load(cluster).items()
    ):
        state.set_node_facts(node, facts)
    return state


_PAGE = 1000


def _copy_watched(
    states: ClusterStates, cluster: str, resources: tuple[Resource, ...], on_kind: OnKind
) -> ClusterState:
    # The watched objects are referenced, not copied (a held object is never changed), and the
    # packed kinds packed again page by page: 165,000 pods unpacked at once took gigabytes.
    snapshot = ClusterState(cluster, pack=PACKED_KINDS)
    for done, resource in enumerate(resources, 1):
        with states.read(cluster) as held:
            objects = held.held(resource.kind)  # a packed kind stays packed until read
            version = held.resource_versions.get(resource.kind, "")
        if resource.kind in PACKED_KINDS:
            taken: list = []
            for start in range(0, len(objects), _PAGE):
                page = list(objects[start : start + _PAGE])
                snapshot.share_page(resource.kind, page)  # packs each in place
                taken += page
            objects = taken
        snapshot.replace(resource.kind, objects, version)
        on_kind(resource.kind, snapshot.count(resource.kind), done, len(resources))
    with states.read(cluster) as held:
        snapshot.not_visible.update(held.not_visible)
        for node, facts in held.node_facts.items():
            snapshot.set_node_facts(node, dict(facts))
    return snapshot


class _ListingSink:
    """A kube WatchSink that keeps each kind's first list and counts kinds done."""

    def __init__(self, cluster: str, total: int, on_kind: OnKind) -> None:
        self.state = ClusterState(cluster)
        self._total = total
        self._on_kind = on_kind
        self._lock = threading.Lock()
        self._done: set[str] = set()

    def page(self, cluster: str, kind: str, objects: list[dict]) -> None:
        """A copy taken once holds its objects as listed."""

    def replace(self, cluster: str, kind: str, objects: list[dict], resource_version: str) -> None:
        with self._lock:
            if kind in self._done:
                return  # a relist: the first one is what this copy holds
            self.state.replace(kind, objects, resource_version)
            self._finish(kind)

    def event(self, cluster: str, kind: str, event: dict) -> None:
        """Changes after the list are not part of this copy."""

    def status(self, cluster: str, kind: str, status: str, reason: str = "") -> None:
        if status == NOT_VISIBLE:
            with self._lock:
                self.state.not_visible[kind] = reason or NOT_VISIBLE
                if kind not in self._done:
                    self._finish(kind)

    def missing(self, kinds: Iterable[str]) -> list[str]:
        with self._lock:
            return [kind for kind in kinds if kind not in self._done]

    def _finish(self, kind: str) -> None:
        self._done.add(kind)
        self._on_kind(kind, self.state.count(kind), len(self._done), self._total)


def _list_cluster(
    cluster: Cluster, resources: tuple[Resource, ...], on_kind: OnKind, timeout: float
) -> ClusterState:
    sink = _ListingSink(cluster.name, len(resources), on_kind)
    try:
        with ClusterWatcher(cluster.api_client, cluster.name, sink, resources) as watcher:
            listed = watcher.wait_synced(timeout)
    finally:
        cluster.api_client.close()
    if not listed:
        missing = ", ".join(sink.missing(r.kind for r in resources))
        raise StateUnavailable(f"cluster {cluster.name!r}: not listed in {timeout:.0f}s: {missing}")
    return sink.state
