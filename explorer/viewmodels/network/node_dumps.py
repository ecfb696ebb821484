"""A node's recorded networking facts (explorer.state.node_facts) as the network views read
them: which dump to show, and where and when it was taken. Their parses come from
explorer.state.parsed_facts (each text parsed once, when it was put into the state).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import ERRORS, IPTABLES, NFT, PROBE, TAKEN_AT, passed_over_for

# Text that shows kube-proxy wrote rules in a dump of that kind.
_KUBE_PROXY_MARKS = {IPTABLES: "KUBE-SERVICES", NFT: "kube-proxy"}


@dataclass
class FoundDump:
    fact: str  # the fact chosen (iptables-save, nft, …), or "" when none is there
    text: str | None
    source: dict[str, Any]  # node, fact, and its collection_of: for the page to say
    missing: str  # why there is nothing to show ("" when there is)


def collection_of(facts: dict[str, Any]) -> dict[str, Any]:
    """How a node's rules were collected: when, by which probe, what failed, and why each
    other probe that reads them was not used."""
    return {
        "taken_at": str(facts.get(TAKEN_AT) or ""),
        "probe": str(facts.get(PROBE) or ""),
        "errors": {str(k): str(v) for k, v in (facts.get(ERRORS) or {}).items()},
        "passed_over": passed_over_for(facts, IPTABLES),
    }


def node_source(state: ClusterState, node: str, fact: str) -> dict[str, Any]:
    return {"node": node, "fact": fact, **collection_of(state.node_facts.get(node) or {})}


def dump_source(state: ClusterState, node: str, facts_in_order: tuple[str, ...]) -> FoundDump:
    """The first of `facts_in_order` the node has where kube-proxy wrote rules, else the first
    it has at all, else why there is none."""
    facts = state.node_facts.get(node) or {}
    present = [f for f in facts_in_order if isinstance(facts.get(f), str) and facts[f].strip()]
    marked = [f for f in present if _KUBE_PROXY_MARKS.get(f, "\0") in facts[f]]
    chosen = (marked or present or [""])[0]
    source = node_source(state, node, chosen)
    if chosen:  # what failed to be read besides is not this page's business
        return FoundDump(chosen, facts[chosen], {**source, "errors": {}}, "")
    if state.get("Node", "", node) is None and node not in state.node_facts:
        return FoundDump("", None, source, f"There is no node {node!r} in this cluster.")
    wanted = " or ".join(facts_in_order)
    errors = "; ".join(f"{k}: {v}" for k, v in source["errors"].items() if k in facts_in_order)
    why = f" The last collection said: {errors}." if errors else ""
    return FoundDump("", None, source, f"No {wanted} has been collected from node {node} yet.{why}")
