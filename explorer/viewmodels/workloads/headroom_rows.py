"""The rows of the headroom heatmap: a node each while they are few, else groups of nodes — by
their node pool's label when the nodes carry one, else sorted by how full they are and binned —
so that a 5,000-node cluster is a couple of hundred rows, not 5,000.

A group's cell is what its nodes request together over what they offer together; its hover
names the fullest node of the group for that resource, so a hot node inside a cool group is
still found."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from explorer.collectors.scheduling.headroom import NodeHeadroom

MAX_ROWS = 60  # rows drawn; more nodes than this are grouped
POOL_LABELS = (
    "cloud.google.com/gke-nodepool",
    "eks.amazonaws.com/nodegroup",
    "kubernetes.azure.com/agentpool",
    "agentpool",
    "karpenter.sh/nodepool",
    "node.kubernetes.io/pool",
)
NO_POOL = "(no pool label)"


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    label: str  # plain text
    members: tuple[NodeHeadroom, ...]


@dataclass(frozen=True, slots=True)
class Grouping:
    by: str  # "node", "pool" or "load"
    label: str  # the pool label read, for "pool"
    rows: tuple[Row, ...]


def fullest(row: NodeHeadroom, resources: Sequence[str]) -> float:
    """The node's highest requested fraction among `resources` (0 when it offers none)."""
    return max((row.fraction(r) or 0.0 for r in resources), default=0.0)


def pool_label(labels_by_node: Mapping[str, Mapping[str, str]]) -> str:
    """The first well-known node pool label most nodes carry, "" when none does."""
    for key in POOL_LABELS:
        carrying = sum(1 for labels in labels_by_node.values() if key in labels)
        if carrying * 2 > len(labels_by_node):
            return key
    return ""


def grouped(
    nodes: Sequence[NodeHeadroom],
    resources: Sequence[str],
    labels_by_node: Mapping[str, Mapping[str, str]],
    max_rows: int | None = None,
) -> Grouping:
    max_rows = max_rows or MAX_ROWS
    if len(nodes) <= max_rows:
        return Grouping("node", "", tuple(Row(n.name, n.name, (n,)) for n in nodes))
    key = pool_label(labels_by_node)
    if key:
        pools: dict[str, list[NodeHeadroom]] = {}
        for node in nodes:
            pool = labels_by_node.get(node.name, {}).get(key, NO_POOL)
            pools.setdefault(pool, []).append(node)
        if 1 < len(pools) <= max_rows:
            rows = (Row(f"pool:{p}", p, tuple(pools[p])) for p in sorted(pools))
            return Grouping("pool", key, tuple(rows))
    ordered = sorted(nodes, key=lambda n: (-fullest(n, resources), n.name))
    size = math.ceil(len(ordered) / max_rows)
    rows = []
    for start in range(0, len(ordered), size):
        members = tuple(ordered[start : start + size])
        end = start + len(members)
        rows.append(Row(f"load:{start}", f"nodes {start + 1} to {end} by load", members))
    return Grouping("load", "", tuple(rows))
