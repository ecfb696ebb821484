"""Where a collection finds a cluster's nodes, and reaches them without an agent.

- The node names: the watched state when this process watches the cluster (embedded install),
  else a list of Nodes through the cluster's connection.
- The connection (for the node list and the exec probe): a kubeconfig registered for the
  cluster (the demo cluster registers its own), else the cluster's kubeconfig context or the
  service account (explorer.kube.config.connect_to).
- Recorded facts (for the recorded probe): registered by whatever holds them in this process —
  the demo cluster (its store's node_facts), a loaded bundle (with the time it was made).
- The privileged ways a cluster turns on for itself (the demo's own API server).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubernetes.client import ApiClient

from explorer.kube.config import connect_to, load_kubeconfig
from explorer.kube.transport import METADATA_LIST, get_json
from explorer.state.store import watched

NodeFactsMap = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class NodeSource:
    kubeconfig: Path | None = None  # its current context is the cluster
    recorded: Callable[[], NodeFactsMap] | None = None  # ClusterState.node_facts, or a copy
    recorded_at: str | None = None  # RFC 3339: when the recorded facts were taken, if known
    # privileged ways (explorer/lib/choices.py NODE_ACCESS) this cluster turns on for itself,
    # beside the operator's EXPLORER_NODE_ACCESS: the demo cluster, whose API server is ours
    node_access: frozenset[str] = frozenset()


_sources: dict[str, NodeSource] = {}
_lock = threading.Lock()


def register(cluster: str, source: NodeSource) -> None:
    with _lock:
        _sources[cluster] = source


def unregister(cluster: str) -> None:
    with _lock:
        _sources.pop(cluster, None)


def source_of(cluster: str) -> NodeSource:
    with _lock:
        return _sources.get(cluster) or NodeSource()


@contextmanager
def api_client(cluster: str) -> Iterator[ApiClient]:
    """A connection of this process's own to `cluster` (KubeConfigError when there is none),
    closed on leaving."""
    registered = source_of(cluster).kubeconfig
    connected = load_kubeconfig(str(registered)).connect() if registered else connect_to(cluster)
    try:
        yield connected.api_client
    finally:
        connected.api_client.close()


def node_names(cluster: str) -> list[str]:
    states = watched()
    if states is not None and cluster in states:
        with states.read(cluster) as state:
            return sorted(n["metadata"]["name"] for n in state.list("Node"))
    with api_client(cluster) as client:
        listed = get_json(client, "/api/v1/nodes", accept=METADATA_LIST)
    return sorted(item["metadata"]["name"] for item in listed.get("items") or ())
