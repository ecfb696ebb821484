"""ClusterWatcher: every catalogue resource of one cluster listed and watched, one thread each."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Iterable

from kubernetes.client import ApiClient, Configuration

from explorer.lib.resources import RESOURCES, Resource

from .reflector import Reflector, WatchTiming
from .sink import WatchSink

_SPARE_CONNECTIONS = 4  # discovery, access checks and the like, beside one watch per resource


class ClusterWatcher:
    """Lists then watches `resources` of the cluster behind `api_client` into `sink`.

    Objects and events reach the sink with the cluster's name (its kubeconfig context).
    """

    def __init__(
        self,
        api_client: ApiClient,
        cluster: str,
        sink: WatchSink,
        resources: Iterable[Resource] = RESOURCES,
        timing: WatchTiming | None = None,
    ) -> None:
        self.cluster = cluster
        self.resources = tuple(resources)
        self._api_client = _sized_for(api_client, len(self.resources) + _SPARE_CONNECTIONS)
        self._stop = threading.Event()
        self._reflectors = [
            Reflector(self._api_client, cluster, r, sink, self._stop, timing)
            for r in self.resources
        ]
        self._threads: list[threading.Thread] = []

    def start(self) -> ClusterWatcher:
        if self._threads:
            raise RuntimeError("this watcher has already been started")
        for reflector in self._reflectors:
            thread = threading.Thread(
                target=reflector.run,
                name=f"watch {self.cluster}/{reflector.kind}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def wait_synced(self, timeout: float | None = None) -> bool:
        """True once every resource has been listed (or found not visible) within `timeout`."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for reflector in self._reflectors:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not reflector.synced.wait(remaining):
                return False
        return True

    def resource_versions(self) -> dict[str, str]:
        """kind -> the last resourceVersion seen (list, event or bookmark)."""
        return {r.kind: r.resource_version for r in self._reflectors if r.resource_version}

    def stop(self, timeout: float = 5.0) -> None:
        """Stop every thread, aborting reads in progress; returns within about `timeout`."""
        self._stop.set()
        for reflector in self._reflectors:
            reflector.abort()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if self._api_client is not None:
            self._api_client.rest_client.close()

    def __enter__(self) -> ClusterWatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _sized_for(api_client: ApiClient, connections: int) -> ApiClient:
    """A client on the same configuration whose pool keeps one connection per thread."""
    configuration = copy.deepcopy(api_client.configuration)
    configuration.connection_pool_maxsize = max(
        connections, api_client.configuration.connection_pool_maxsize or 0
    )
    refresh = configuration.refresh_api_key_hook
    if refresh is not None:
        # One exec-plugin run when a token expires, not one per watching thread.
        lock = threading.Lock()

        def refresh_once(config: Configuration) -> None:
            with lock:
                refresh(config)

        configuration.refresh_api_key_hook = refresh_once
    client = ApiClient(configuration)
    client.default_headers.update(api_client.default_headers)
    return client
