"""The connections this process keeps to the clusters it watches, by cluster name: reads beyond
the watch (a pod's log) reuse the watcher's client instead of opening one of their own."""

from __future__ import annotations

import threading

from kubernetes.client import ApiClient

_clients: dict[str, ApiClient] = {}
_lock = threading.Lock()


def register(cluster: str, client: ApiClient) -> None:
    with _lock:
        _clients[cluster] = client


def unregister(cluster: str, client: ApiClient) -> None:
    with _lock:
        if _clients.get(cluster) is client:
            del _clients[cluster]


def client_of(cluster: str) -> ApiClient | None:
    """The client of a cluster this process watches, or None."""
    with _lock:
        return _clients.get(cluster)
