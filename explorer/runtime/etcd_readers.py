"""Which etcd reader each cluster gets, registered at start-up (explorer/etcd/readers.py) in every
process that shows pages: the embedded install's `serve`, the team install's `watch` and `web`.

In this order, a cluster taking the first that applies:
1. EXPLORER_ETCD_* (endpoints and TLS files in the settings): an `EtcdClient`, for the cluster
   EXPLORER_ETCD_CLUSTER names — by default the only cluster, else the kubeconfig's current
   context.
2. A reader registered already (the demo's own etcd).
3. `etcd-agent` in EXPLORER_NODE_ACCESS: the node agent on the cluster's control-plane node
   (explorer/jobs/etcd_reader.py); needs the broker and the channel layer (REDIS_URL).
4. `etcd-exec` in EXPLORER_NODE_ACCESS: `etcdctl` through exec in the etcd static pod
   (explorer/runtime/etcd_exec_reader.py).
A cluster with none shows the key space derived from its objects (explorer/etcd/derived.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings

from explorer.etcd import readers
from explorer.etcd.access import EtcdAccess
from explorer.etcd.client import EtcdClient
from explorer.kube.config import (
    IN_CLUSTER,
    KubeConfigError,
    in_cluster_available,
    kubeconfig_exists,
    load_kubeconfig,
)
from explorer.lib.choices import ETCD_AGENT, ETCD_EXEC

log = logging.getLogger(__name__)

CLUSTER_SETTING = "EXPLORER_ETCD_CLUSTER"


class EtcdReadersError(ValueError):
    """The settings do not say which cluster's etcd they reach; str() is one line."""


def etcd_cluster(named: str, clusters: Sequence[str], current: str | None) -> str:
    """The cluster EXPLORER_ETCD_* belong to: `named`, else the only one of `clusters`, else the
    kubeconfig's `current` context."""
    if named:
        if clusters and named not in clusters:
            raise EtcdReadersError(
                f"{CLUSTER_SETTING}: {named!r} is not a cluster here ({', '.join(clusters)})"
            )
        return named
    if len(clusters) == 1:
        return clusters[0]
    if current and (current in clusters or not clusters):
        return current
    raise EtcdReadersError(
        f"EXPLORER_ETCD_ENDPOINTS is set, but not for which cluster: set {CLUSTER_SETTING} "
        f"to a kubeconfig context ({', '.join(clusters) or 'none known here'})"
    )


def register_etcd_readers(clusters: Sequence[str], current: str | None = None) -> dict[str, str]:
    """Register a reader for each cluster that has a way to its etcd; cluster -> how it is read.
    EtcdReadersError when the etcd of the settings belongs to no cluster that can be named."""
    registered: dict[str, str] = {}
    access: EtcdAccess | None = settings.EXPLORER_ETCD
    if access is not None:
        named = settings.EXPLORER_ETCD_CLUSTER
        if current is None and not named and len(clusters) != 1:
            current = current_context()
        cluster = etcd_cluster(named, clusters, current)
        way = f"etcd at {', '.join(access.endpoints)} (EXPLORER_ETCD_ENDPOINTS)"
        readers.register(cluster, way, lambda: EtcdClient(access))
        registered[cluster] = way
    ways = settings.EXPLORER_NODE_ACCESS
    if not ways & {ETCD_AGENT, ETCD_EXEC}:
        return registered
    for cluster in clusters:
        if cluster in registered or readers.reader_for(cluster) is not None:
            continue
        if ETCD_AGENT in ways:
            if not settings.REDIS_URL:
                log.warning("etcd-agent is on, but without REDIS_URL there is no agent to ask")
            else:
                registered[cluster] = _register_agent(cluster)
                continue
        if ETCD_EXEC in ways:
            registered[cluster] = _register_exec(cluster)
    return registered


def unregister_etcd_readers(registered: dict[str, str]) -> None:
    for cluster in registered:
        readers.unregister(cluster)


def clusters_of_this_process() -> tuple[list[str], str | None]:
    """A web process watches nothing: the clusters it may show are the kubeconfig's contexts (or
    its own, in a pod), and the current context."""
    if kubeconfig_exists():
        kubeconfig = load_kubeconfig()
        return kubeconfig.contexts, kubeconfig.current_context
    if in_cluster_available():
        return [IN_CLUSTER], IN_CLUSTER
    return [], None


def current_context() -> str | None:
    """The kubeconfig's current context, if there is a usable kubeconfig."""
    try:
        return load_kubeconfig().current_context if kubeconfig_exists() else None
    except KubeConfigError:
        return None


def _register_agent(cluster: str) -> str:
    from explorer.jobs.etcd_reader import AgentEtcdReader

    node = settings.EXPLORER_ETCD_AGENT_NODE
    way = f"the node agent on {node}" if node else "the node agent on a control-plane node"
    readers.register(cluster, way, lambda: AgentEtcdReader(cluster))
    return way


def _register_exec(cluster: str) -> str:
    from explorer.runtime.etcd_exec_reader import ExecEtcdReader

    way = "etcdctl through exec in the etcd pod"
    readers.register(cluster, way, lambda: ExecEtcdReader(cluster))
    return way
