"""The watcher side of a running install: cluster watchers feeding a Publisher.

`start_embedded(clusters)` is what `manage.py serve` (make run) uses: with the in-memory channel
layer the publisher's layer calls run on daphne's event loop, where the consumers live. The team
install runs `manage.py watch`, which calls `start(clusters)`: the publisher gets its own loop
and publishes through the Redis layer to web processes elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypedDict

import redis
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from kubernetes.client import ApiClient

from explorer.kube.config import Cluster
from explorer.kube.reflector import WatchTiming
from explorer.kube.watch import ClusterWatcher
from explorer.lib.resources import RESOURCES, Resource

from .directory import Directory
from .publisher import COALESCE_WINDOW, Publisher

log = logging.getLogger(__name__)
_current: Runtime | None = None
_current_lock = threading.Lock()


@dataclass
class Runtime:
    publisher: Publisher
    watchers: list[ClusterWatcher]
    api_clients: dict[str, ApiClient] = field(default_factory=dict)  # cluster -> its client
    _advertising: threading.Event = field(default_factory=threading.Event)

    def wait_synced(self, timeout: float | None = None) -> bool:
        return all(watcher.wait_synced(timeout) for watcher in self.watchers)

    def stop(self) -> None:
        global _current
        self._advertising.set()
        for watcher in self.watchers:
            watcher.stop()
        self.publisher.stop()
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
    publisher = Publisher(layer or get_channel_layer(), loop, window)
    publisher.start([cluster.name for cluster in clusters])
    resources = tuple(resources)
    watchers = [
        ClusterWatcher(c.api_client, c.name, publisher.sink, resources, timing).start()
        for c in clusters
    ]
    runtime = Runtime(publisher, watchers, {c.name: c.api_client for c in clusters})
    if directory is not None:
        directory.advertise(publisher.clusters, runtime._advertising)
    with _current_lock:
        _current = runtime
    return runtime


def start_embedded(clusters: list[Cluster]) -> Runtime:
    """For one process serving everything: the web server must be daphne, started afterwards
    in this process (its loop is the one the in-memory layer's consumers run on)."""
    layer = get_channel_layer()
    loop = None
    if isinstance(layer, InMemoryChannelLayer):
        from daphne.server import twisted_loop  # installs the asyncio reactor daphne runs on

        loop = twisted_loop
    return start(clusters, layer=layer, loop=loop)


def api_client(cluster: str) -> ApiClient | None:
    """The client of a cluster this process watches (for reads beyond the watch: pod logs)."""
    runtime = current()
    return runtime.api_clients.get(cluster) if runtime is not None else None


def current() -> Runtime | None:
    """The runtime watching clusters in this process, if any (the embedded install's)."""
    with _current_lock:
        return _current


class ClusterInfo(TypedDict):
    name: str
    status: str  # live, connecting, reconnecting or error
    reason: str
    not_visible: dict[str, str]  # kind -> why


def clusters() -> list[ClusterInfo]:
    """The watched clusters with their connection state: those of this process, or in a web
    process of the team install those the watcher process lists in Redis."""
    with _current_lock:
        runtime = _current
    if runtime is not None:
        statuses = runtime.publisher.clusters()
    elif settings.REDIS_URL:
        try:
            statuses = Directory(settings.REDIS_URL).read()
        except redis.RedisError as error:
            log.warning("cannot read the cluster directory: %s", error)
            statuses = []
    else:
        statuses = []
    return [
        ClusterInfo(
            name=s["cluster"], status=s["state"], reason=s["reason"], not_visible=s["not_visible"]
        )
        for s in statuses
    ]
