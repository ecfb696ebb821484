"""A node's recorded networking facts (explorer.collectors.probes.facts) as the network views
read them: which dump to show, where and when it was taken, and a cache of its parse.

Parsing a big dump takes longer than building a model from it, and a node's facts change far
less often than its pods, so a subscription keeps the last parse of each fact (`ParsedDumps`,
the view's memo) and parses again only when the text changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from explorer.collectors.probes.facts import ERRORS, IPTABLES, NFT, PROBE, TAKEN_AT
from explorer.state.cluster import ClusterState

# Text that shows kube-proxy wrote rules in a dump of that kind.
_KUBE_PROXY_MARKS = {IPTABLES: "KUBE-SERVICES", NFT: "kube-proxy"}


@dataclass
class FoundDump:
    fact: str  # the fact chosen (iptables-save, nft, …), or "" when none is there
    text: str | None
    source: dict[str, Any]  # node, fact, taken_at, probe, errors: for the page to say
    missing: str  # why there is nothing to show ("" when there is)


def node_source(state: ClusterState, node: str, fact: str) -> dict[str, Any]:
    facts = state.node_facts.get(node) or {}
    return {
        "node": node,
        "fact": fact,
        "taken_at": str(facts.get(TAKEN_AT) or ""),
        "probe": str(facts.get(PROBE) or ""),
        "errors": {str(k): str(v) for k, v in (facts.get(ERRORS) or {}).items()},
    }


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


class ParsedDumps:
    """The last parse of each fact's text (a view memo: one per subscription)."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[str, Any]] = {}

    def get(self, fact: str, text: str, parse: Callable[[str], Any]) -> Any:
        cached = self._cache.get(fact)
        if cached is not None and (cached[0] is text or cached[0] == text):
            return cached[1]
        result = parse(text)
        self._cache[fact] = (text, result)
        return result
