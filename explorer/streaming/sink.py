"""Feeds what a cluster watcher receives into a ClusterState, and tells listeners what changed.

The watcher (`explorer.kube`) runs one thread per resource; this sink serialises their writes
with one lock, so the state stays consistent and listeners see changes in the order applied.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from explorer.state.cluster import Change, ClusterState

log = logging.getLogger(__name__)

ChangeListener = Callable[[str, list[Change]], None]
# (cluster, kind, status, reason), called after a watcher reports a new status for a kind.
StatusListener = Callable[[str, str, str, str], None]

NOT_VISIBLE = "not visible"


class StateSink:
    """A `kube` WatchSink that applies lists and events to one ClusterState per cluster."""

    def __init__(
        self,
        listener: ChangeListener | None = None,
        status_listener: StatusListener | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.states: dict[str, ClusterState] = {}
        self.statuses: dict[str, dict[str, tuple[str, str]]] = {}
        self._listener = listener
        self._status_listener = status_listener

    def state(self, cluster: str) -> ClusterState:
        with self.lock:
            if cluster not in self.states:
                self.states[cluster] = ClusterState(cluster)
                self.statuses[cluster] = {}
            return self.states[cluster]

    def replace(self, cluster: str, kind: str, objects: list[dict], resource_version: str) -> None:
        with self.lock:
            changes = self.state(cluster).replace(kind, objects, resource_version)
        self._notify(cluster, changes)

    def event(self, cluster: str, kind: str, event: dict) -> None:
        with self.lock:
            state = self.state(cluster)
            change = state.apply(event, kind)
            version = ((event.get("object") or {}).get("metadata") or {}).get("resourceVersion")
            if version:
                state.resource_versions[kind] = version
        if change is not None:
            self._notify(cluster, [change])

    def status(self, cluster: str, kind: str, status: str, reason: str = "") -> None:
        with self.lock:
            state = self.state(cluster)
            self.statuses[cluster][kind] = (status, reason)
            if status == NOT_VISIBLE:
                state.not_visible[kind] = reason or NOT_VISIBLE
            else:
                state.not_visible.pop(kind, None)
        log.debug("cluster %s: %s %s %s", cluster, kind, status, reason)
        if self._status_listener is not None:
            self._status_listener(cluster, kind, status, reason)

    def _notify(self, cluster: str, changes: list[Change]) -> None:
        if changes and self._listener is not None:
            self._listener(cluster, changes)
