"""Drift: on each node, what kube-proxy should have programmed (from Services and
EndpointSlices, filtered for that node as kube-proxy filters them) against the rules the node
has (its recorded iptables-save or nft ruleset) — missing Services, missing and stale
endpoints, wrong shares, leftover chains — with the node, Service port, chain and endpoint of
each finding. A node in a mode the explorer cannot read, or whose rules were not collected,
says so instead.

The rules are compared with the cluster as it was when they were taken (explorer/state/as_of.py),
not as it is now; a finding about a Service, endpoint or pod that was changing then (within the
change log's in-flight seconds) is listed apart as in flight, not counted as drift.
"""

from __future__ import annotations

from typing import Any, TypedDict

from explorer.collectors.kubeproxy import drift
from explorer.collectors.kubeproxy.expected import expected_ports, index_slices
from explorer.collectors.kubeproxy.mode import IPTABLES, IPVS, NFTABLES, NONE, ProxyMode
from explorer.state.as_of import InFlight, in_flight, state_as_of
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import NODE_FACTS_KIND, taken_moment
from explorer.state.parsed_facts import parsed_fact

from ..base import Params, View
from .node_dumps import node_source
from .proxy_mode import node_modes

CHECKED, NOT_COLLECTED, UNREADABLE, NO_PROXY, UNKNOWN_MODE = (
    "checked",
    "not collected",
    "mode not readable",
    "no kube-proxy",
    "mode unknown",
)


class NodeDrift(TypedDict):
    node: str
    mode: str
    status: str
    reason: str
    source: dict[str, Any]
    counts: dict[str, int]
    items: list[drift.DriftItem]
    in_flight: list[drift.DriftItem]  # findings about objects changing when the rules were taken


def _unchecked(mode: ProxyMode) -> tuple[str, str] | None:
    """Why a node's rules cannot be compared, or None when they can."""
    if mode["mode"] == NONE:
        return NO_PROXY, (
            "No kube-proxy runs on this node (for example an eBPF dataplane replaces it): "
            "there are no kube-proxy rules to compare."
        )
    if mode["mode"] == IPVS:
        return UNREADABLE, "IPVS mode: drift is checked for iptables and nftables rules only."
    if mode["mode"] not in (IPTABLES, NFTABLES):
        return UNKNOWN_MODE, "The proxy mode of this node is unknown: nothing to compare with."
    if mode["data"] is None:
        fact = "iptables-save" if mode["mode"] == IPTABLES else "nft ruleset"
        return NOT_COLLECTED, f"No {fact} has been collected from this node yet."
    return None


def node_drift(
    state: ClusterState, node: str, mode: ProxyMode, slices: Any, flying: InFlight | None = None
) -> NodeDrift:
    fact = mode["data"] or ""
    result: NodeDrift = {
        "node": node,
        "mode": mode["mode"],
        "status": CHECKED,
        "reason": "",
        "source": node_source(state, node, fact),
        "counts": drift.counts([]),
        "items": [],
        "in_flight": [],
    }
    unchecked = _unchecked(mode)
    if unchecked is not None:
        result["status"], result["reason"] = unchecked
        return result
    expected = expected_ports(state.list("Service"), slices, node)
    try:
        rules = parsed_fact(state, node, fact)
        if mode["mode"] == IPTABLES:
            items = drift.iptables_drift(node, expected, rules.iptables)
        else:
            items = drift.nft_drift(node, expected, rules.nft)
    except ValueError as error:
        result["status"] = UNREADABLE
        result["reason"] = f"The recorded {fact} could not be read: {error}"
        return result
    flying = flying or InFlight()
    result["in_flight"] = [item for item in items if _in_flight(item, flying)]
    result["items"] = [item for item in items if not _in_flight(item, flying)]
    result["counts"] = drift.counts(result["items"])
    return result


def _in_flight(item: drift.DriftItem, flying: InFlight) -> bool:
    if not flying:
        return False
    service = (item["service"] or "").rpartition(":")[0]
    endpoint = (item["endpoint"] or "").rpartition(":")[0].strip("[]")
    pod = tuple((item["pod"] or "").partition("/")[::2])
    return service in flying.services or endpoint in flying.pod_ips or ("Pod", *pod) in flying.refs


def drift_model(state: ClusterState) -> dict[str, Any]:
    """Each node's rules against the cluster as it was when they were taken."""
    slices_at: dict[float | None, Any] = {}
    nodes = []
    for node, mode in node_modes(state).items():
        moment = taken_moment(state.node_facts.get(node) or {})
        then = state_as_of(state, moment) if moment is not None else state
        if moment not in slices_at:
            slices_at[moment] = index_slices(then.list("EndpointSlice"))
        flying = in_flight(state, moment) if moment is not None else None
        nodes.append(node_drift(then, node, mode, slices_at[moment], flying))
    totals = drift.counts(item for node in nodes for item in node["items"])
    return {
        "nodes": nodes,
        "totals": totals,
        "checked": sum(1 for n in nodes if n["status"] == CHECKED),
        "clean": [n["node"] for n in nodes if n["status"] == CHECKED and not n["items"]],
        "in_flight": sum(len(n["in_flight"]) for n in nodes),
    }


def _build(state: ClusterState, params: Params, memo: None) -> dict[str, Any]:
    return drift_model(state)


VIEW = View(
    name="drift",
    build=_build,
    kinds=frozenset(
        {NODE_FACTS_KIND, "Node", "Pod", "Service", "EndpointSlice", "ConfigMap", "DaemonSet"}
    ),
)
