"""Proxy mode: how each node turns Service addresses into pods — kube-proxy in iptables,
nftables or IPVS mode, or no kube-proxy at all — and the evidence for it.

`node_modes(state)` is shared with the drift and packet-trace views: a node whose mode the
explorer cannot read is reported as such by them, never as "everything missing".
"""

from __future__ import annotations

from typing import Any

from explorer.collectors.kubeproxy.mode import ProxyMode, proxy_modes
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import NODE_FACTS_KIND
from explorer.state.records import pod_records_on

from ..base import Params, View


def node_modes(state: ClusterState, only: str | None = None) -> dict[str, ProxyMode]:
    """Every node's mode (known nodes and nodes with facts), or only the one named."""
    known = {n["metadata"]["name"] for n in state.list("Node", "")} | set(state.node_facts)
    names = [only] if only is not None else sorted(known)
    pods = None if "Pod" in state.not_visible else {n: _named(state, n) for n in names}
    found = proxy_modes(
        names,
        pods,
        list(state.list("ConfigMap", "kube-system")),
        list(state.list("DaemonSet", "kube-system")),
        state.node_facts,
    )
    return {mode["node"]: mode for mode in found}


def _named(state: ClusterState, node: str) -> list[dict]:
    """The pods on `node` as far as telling kube-proxy's goes (their names and labels), read
    from their records: every node's pods, unpacked, took seconds at 5,000 nodes."""
    return [
        {"metadata": {"namespace": pod.namespace, "name": pod.name, "labels": pod.labels}}
        for pod in pod_records_on(state, node)
    ]


def proxy_mode(state: ClusterState) -> dict[str, Any]:
    modes = list(node_modes(state).values())
    counts: dict[str, int] = {}
    for mode in modes:
        counts[mode["mode"]] = counts.get(mode["mode"], 0) + 1
    return {"nodes": modes, "counts": counts}


def _build(state: ClusterState, params: Params, memo: Any) -> dict[str, Any]:
    return proxy_mode(state)


VIEW = View(
    name="proxy-mode",
    build=_build,
    kinds=frozenset({NODE_FACTS_KIND, "Node", "Pod", "ConfigMap", "DaemonSet"}),
)
