"""What the network pages offer to pick from: nodes (with which networking facts were collected
from each, when and how), Services, and pods (with their node).

The model: `nodes` (name → {facts, taken_at, probe, errors, passed_over}), `services`
(ns/name → {type, cluster_ip}), `pods` (ns/name → node; at most MAX_PODS, `pods_truncated` says
when more exist), read from the pods' records (explorer/state/records.py), none unpacked.
Plain strings: pages put them in the DOM as text.
"""

from __future__ import annotations

from typing import Any

from explorer.lib.objects import namespaced_name, spec_of
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import FACTS, NODE_FACTS_KIND
from explorer.state.records import records

from ..base import Params, View
from .node_dumps import collection_of

MAX_PODS = 5000
NETWORK_FACTS = (*FACTS, "corefile")


def node_entry(facts: dict[str, Any]) -> dict[str, Any]:
    return {
        "facts": [f for f in NETWORK_FACTS if isinstance(facts.get(f), str) and facts[f]],
        **collection_of(facts),
    }


def network_index(state: ClusterState) -> dict[str, Any]:
    names = sorted({n["metadata"]["name"] for n in state.list("Node", "")} | set(state.node_facts))
    nodes = {name: node_entry(state.node_facts.get(name) or {}) for name in names}
    services = {
        namespaced_name(svc): {
            "type": str(spec_of(svc).get("type") or "ClusterIP"),
            "cluster_ip": str(spec_of(svc).get("clusterIP") or ""),
        }
        for svc in state.list("Service")
    }
    all_pods = list(records(state, "Pod"))
    pods = {
        f"{pod.namespace}/{pod.name}" if pod.namespace else pod.name: pod.node
        for pod in all_pods[:MAX_PODS]
    }
    return {
        "cluster": state.cluster,
        "nodes": nodes,
        "services": dict(sorted(services.items())),
        "pods": dict(sorted(pods.items())),
        "pods_truncated": len(all_pods) > MAX_PODS,
    }


def _build(state: ClusterState, params: Params, memo: Any) -> dict[str, Any]:
    return network_index(state)


VIEW = View(
    name="network-index",
    build=_build,
    kinds=frozenset({NODE_FACTS_KIND, "Node", "Service", "Pod"}),
)
