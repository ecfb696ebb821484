"""The wiring of a running process: cluster watchers feed the cluster states, and a publisher
listens to them.

    kube (ClusterWatcher) ──► state (ClusterStates) ──► streaming (Publisher) ──► browsers

`start_embedded(clusters)` is what `manage.py serve` (make run) uses: with the in-memory channel
layer the publisher's layer calls run on daphne's event loop, where the consumers live. The team
install runs `manage.py watch`, which calls `start(clusters)`: the publisher gets its own loop
and publishes through the Redis layer to web processes elsewhere.

Each cluster's changes are kept in a change log (settings EXPLORER_STATE_DIR,
EXPLORER_CHANGE_LOG_HOURS, EXPLORER_CHANGE_LOG_MB), so that node facts are compared with the
cluster as it was when they were taken.

While it runs, the process's states are `explorer.state.store.watched()` (pages and jobs read
them), each cluster's client is `explorer.kube.connections.client_of(cluster)`, and each
cluster's etcd reader, where there is a way to its etcd, is registered
(explorer/runtime/etcd_readers.py).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings

from explorer.kube import connections
from explorer.kube.cluster_watcher import ClusterWatcher
from explorer.kube.config import Cluster
from explorer.kube.reflector import WatchTiming
from explorer.lib.resources import RESOURCES, Resource
from explorer.runtime.etcd_readers import register_etcd_readers, unregister_etcd_readers
from explorer.snapshots.moments import recorder_directory
from explorer.state import store
from explorer.state.change_log import Retention
from explorer.state.parsed_facts import MB, PARSED_FACTS
from explorer.state.saved_facts import SavedFacts
from explorer.state.store import ClusterStates
from explorer.streaming.directory import Directory
from explorer.streaming.publisher import COALESCE_WINDOW, Publisher

_current: Runtime | None = None
_current_lock = threading.Lock()


@dataclass
class Runtime:
    states: ClusterStates
    publisher: Publisher
    watchers: list[ClusterWatcher]
    clusters: list[Cluster]
    etcd_readers: dict[str, str] = field(default_factory=dict)  # cluster -> how etcd is read
    _advertising: threading.Event = field(default_factory=threading.Event)

    def wait_synced(self, timeout: float | None = None) -> bool:
        return all(watcher.wait_synced(timeout) for watcher in self.watchers)

    def stop(self) -> None:
        global _current
        self._advertising.set()
        for watcher in self.watchers:
            watcher.stop()
        self.publisher.stop()
        for cluster in self.clusters:
            connections.unregister(cluster.name, cluster.api_client)
        unregister_etcd_readers(self.etcd_readers)
        self.states.close()
        store.uninstall(self.states)
        with _current_lock:
            if _current is self:
                _current = None


def start(
    clusters: list[Cluster],
    *,
    layer: object | None = None,
    loop: asyncio.AbstractEventLoop | None = None,
    window: float = COALESCE_WINDOW,
    resources: Iterable[Resource] = RESOURCES,
    timing: WatchTiming | None = None,
    directory: Directory | None = None,
) -> Runtime:
    """Watch `clusters` and publish their views through `layer` (default: the configured one);
    with a `directory`, tell web processes elsewhere which clusters are watched."""
    global _current
    # first: a setting that names no cluster stops start-up before anything runs
    etcd_readers = register_etcd_readers([c.name for c in clusters])
    PARSED_FACTS.budget = settings.EXPLORER_PARSED_FACTS_MB * MB
    kept = Path(settings.EXPLORER_STATE_DIR)
    states = ClusterStates(
        (cluster.name for cluster in clusters),
        change_log_retention(),
        SavedFacts(kept / "facts"),
    )
    store.install(states)
    for cluster in clusters:
        connections.register(cluster.name, cluster.api_client)
    publisher = Publisher(states, layer or get_channel_layer(), loop, window).start()
    resources = tuple(resources)
    watchers = [
        ClusterWatcher(c.api_client, c.name, states, resources, timing).start() for c in clusters
    ]
    runtime = Runtime(states, publisher, watchers, list(clusters), etcd_readers)
    if directory is not None:
        directory.advertise(publisher.clusters, runtime._advertising)
    with _current_lock:
        _current = runtime
    return runtime


def change_log_retention() -> Retention:
    """What the settings keep of each cluster's changes — its flight recorder
    (explorer/state/change_log.py)."""
    return Retention(
        directory=recorder_directory(),
        keep_seconds=settings.EXPLORER_CHANGE_LOG_HOURS * 3600,
        max_bytes=settings.EXPLORER_CHANGE_LOG_MB * MB,
        in_flight_seconds=settings.EXPLORER_IN_FLIGHT_SECONDS,
        checkpoint_seconds=settings.EXPLORER_CHECKPOINT_MINUTES * 60,
    )


def start_embedded(clusters: list[Cluster]) -> Runtime:
    """For one process serving everything: the web server must be daphne, started afterwards
    in this process (its loop is the one the in-memory layer's consumers run on)."""
    layer = get_channel_layer()
    loop = None
    if isinstance(layer, InMemoryChannelLayer):
        from daphne.server import twisted_loop  # installs the asyncio reactor daphne runs on

        loop = twisted_loop
    return start(clusters, layer=layer, loop=loop)


def current() -> Runtime | None:
    """The runtime watching clusters in this process, if any (the embedded install's)."""
    with _current_lock:
        return _current
