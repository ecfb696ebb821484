"""The cluster's headroom: a heatmap of nodes (or groups of nodes, `headroom_rows.py`) against
resources, each cell what the pods bound there request over what the node offers, from
`collectors/scheduling/headroom.py` (every pod counted by `resources.py`).

Params: `cluster`. The model: `resources` (the columns), `idle` (scalar resources every node
lists at zero, left out), `grouping` (how the rows were made, in words), `rows` keyed by id with
`order` (so a pod change is a change to its node's row only): each row's `label` (escaped for
Plotly) and `text` (plain), `z` (percent requested per column, None where nothing is offered)
and `hover` (the numbers in words, escaped); `totals` per resource for the whole cluster and
`fullest`, the nodes with the least room left (plain text, with links to their pages).

Every pod is read by its record (explorer/state/records.py: its phase and its sizing, shared by
the pods of one template, counted once per sizing by `Counts`): no pod is unpacked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

from explorer.collectors.scheduling import resources as res
from explorer.collectors.scheduling.headroom import (
    Counts,
    NodeHeadroom,
    Sized,
    cluster_sized_headroom,
    resources_present,
    sized_headroom,
    totals,
)
from explorer.collectors.scheduling.versions import Version
from explorer.lib.objects import labels_of, name_of, spec_of
from explorer.state.cluster_state import Change, ClusterState
from explorer.state.records import pod_records_on

from ..base import Params, View
from ..links import Link, object_link
from ..plotly_text import hover_lines, plotly_text
from .headroom_rows import Grouping, Row, fullest, grouped
from .scheduling import cluster_version

FULLEST_SHOWN = 15
BYTES = (res.MEMORY, res.EPHEMERAL_STORAGE)


def amount_words(resource: str, amount: int) -> str:
    """An amount in the scheduler's units, as a person reads it."""
    if resource == res.CPU:
        return f"{amount / 1000:g} cores" if amount % 10 == 0 else f"{amount}m"
    if resource in BYTES or resource.startswith("hugepages-"):
        for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
            if abs(amount) >= size:
                return f"{amount / size:.1f} {unit}"
        return f"{amount} bytes"
    return f"{amount:,}"


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole > 0 else None


class HeadroomRow(TypedDict):
    label: str
    text: str
    nodes: int
    link: Link | None
    z: list[float | None]
    hover: list[str]


def _sum(members: Sequence[NodeHeadroom], field: str, resource: str) -> int:
    return sum(getattr(m, field).get(resource, 0) for m in members)


def _cell_lines(row: Row, resource: str) -> list[tuple[str, object]]:
    members = row.members
    offered = _sum(members, "allocatable", resource)
    asked = _sum(members, "requested", resource)
    lines: list[tuple[str, object]] = []
    if offered <= 0:
        lines.append(("allocatable", "none offered"))
        if asked:
            lines.append(("requested", amount_words(resource, asked)))
        return lines
    share = percent(asked, offered)
    lines.append(
        (
            "requested",
            f"{amount_words(resource, asked)} of {amount_words(resource, offered)} ({share}%)",
        )
    )
    lines.append(("free", amount_words(resource, offered - asked)))
    if resource != res.PODS:
        limits = _sum(members, "limits", resource)
        lines.append(("limits", f"{amount_words(resource, limits)} ({percent(limits, offered)}%)"))
        unlimited = sum(m.unlimited.get(resource, 0) for m in members)
        if unlimited:
            lines.append(("pods without a limit", f"{unlimited:,}"))
    if len(members) > 1:
        top = max(members, key=lambda m: m.fraction(resource) or 0.0)
        top_share = round(100 * (top.fraction(resource) or 0.0), 1)
        lines.append(("fullest node", f"{top.name} ({top_share}%)"))
    return lines


def _row(row: Row, resources: Sequence[str]) -> HeadroomRow:
    title = row.label if len(row.members) == 1 else f"{row.label} ({len(row.members)} nodes)"
    z = []
    for resource in resources:
        z.append(
            percent(
                _sum(row.members, "requested", resource), _sum(row.members, "allocatable", resource)
            )
        )
    return HeadroomRow(
        label=plotly_text(row.label),
        text=row.label,
        nodes=len(row.members),
        link=object_link("Node", "", row.members[0].name) if len(row.members) == 1 else None,
        z=z,
        hover=[
            hover_lines(f"{title} · {resource}", _cell_lines(row, resource))
            for resource in resources
        ],
    )


def _grouping_words(grouping: Grouping, nodes: int) -> str:
    if grouping.by == "node":
        return f"one row per node ({nodes})"
    if grouping.by == "pool":
        rows = len(grouping.rows)
        return f"{nodes:,} nodes grouped by their {grouping.label} label into {rows} rows"
    size = len(grouping.rows[0].members) if grouping.rows else 0
    return (
        f"{nodes:,} nodes sorted by their fullest resource and binned, {size} to a row, "
        f"into {len(grouping.rows)} rows (no node pool label to group them by)"
    )


def _totals(rows: Sequence[NodeHeadroom], resources: Sequence[str]) -> list[dict[str, Any]]:
    found = []
    for resource, sums in totals(rows, resources).items():
        offered, asked, limits = sums["allocatable"], sums["requested"], sums["limits"]
        found.append(
            {
                "resource": resource,
                "allocatable": amount_words(resource, offered),
                "requested": amount_words(resource, asked),
                "free": amount_words(resource, offered - asked),
                "limits": "" if resource == res.PODS else amount_words(resource, limits),
                "percent": percent(asked, offered),
                "limits_percent": None if resource == res.PODS else percent(limits, offered),
            }
        )
    return found


def _fullest(rows: Sequence[NodeHeadroom], resources: Sequence[str]) -> list[dict[str, Any]]:
    ordered = sorted(rows, key=lambda n: (-fullest(n, resources), n.name))[:FULLEST_SHOWN]
    found = []
    for node in ordered:
        shares = {r: node.fraction(r) for r in resources}
        worst = max(resources, key=lambda r: shares[r] or 0.0)
        found.append(
            {
                "node": node.name,
                "link": object_link("Node", "", node.name),
                "resource": worst,
                "percent": round(100 * (shares[worst] or 0.0), 1),
                "free": {
                    r: amount_words(r, node.free(r)) for r in resources if shares[r] is not None
                },
            }
        )
    return found


def sized_on(state: ClusterState, node: str) -> list[Sized]:
    """The (phase, sizing) of the pods bound to `node`, from their records."""
    return [(pod.phase, pod.sizing) for pod in pod_records_on(state, node)]


def headroom_rows(state: ClusterState) -> tuple[list[NodeHeadroom], Version]:
    """Every node's headroom in `state`, counted for the cluster's version."""
    version, _ = cluster_version(state)
    nodes = list(state.list("Node"))
    counts = Counts(pod_level=version >= Version(1, 34))
    rows = cluster_sized_headroom(nodes, lambda name: sized_on(state, name), counts)
    return rows, version


@dataclass
class HeadroomMemo:
    """What a subscription keeps between builds: each node's headroom and labels, so that a
    change is counted again on the nodes it touches only."""

    version: Version | None = None
    nodes: dict[str, NodeHeadroom] = field(default_factory=dict)
    labels: dict[str, Mapping[str, str]] = field(default_factory=dict)
    counts: Counts = field(default_factory=Counts)  # per sizing, for the version's rule


def _count_node(state: ClusterState, memo: HeadroomMemo, name: str) -> None:
    node = state.get("Node", "", name)
    if node is None:
        memo.nodes.pop(name, None)
        memo.labels.pop(name, None)
        return
    memo.nodes[name] = sized_headroom(node, sized_on(state, name), memo.counts)
    memo.labels[name] = labels_of(node)


def headroom(
    state: ClusterState, params: Params, memo: HeadroomMemo | None = None
) -> dict[str, Any]:
    memo = memo if memo is not None else HeadroomMemo()
    memo.version, _ = cluster_version(state)
    memo.nodes, memo.labels = {}, {}
    memo.counts = Counts(pod_level=memo.version >= Version(1, 34))
    for node in state.list("Node"):
        _count_node(state, memo, name_of(node))
    return _model(state, memo)


def update_headroom(
    state: ClusterState, params: Params, memo: HeadroomMemo, changes: Iterable[Change]
) -> dict[str, Any] | None:
    """The model after `changes`, counting again only the nodes they touch (a pod's old and
    new node, a changed node); None before a first build."""
    if memo.version is None:
        return None
    touched: set[str] = set()
    for change in changes:
        if change.kind == "Pod":
            touched.update(
                name
                for held in (change.object, change.old)
                if (name := spec_of(held).get("nodeName"))
            )
        elif change.kind == "Node":
            touched.add(change.name)
    for name in touched:
        _count_node(state, memo, name)
    return _model(state, memo)


def _model(state: ClusterState, memo: HeadroomMemo) -> dict[str, Any]:
    rows = [memo.nodes[name] for name in sorted(memo.nodes)]
    resources, idle = resources_present(rows)
    grouping = grouped(rows, resources, memo.labels)
    return {
        "cluster": state.cluster,
        "version": str(memo.version),
        "nodes": len(rows),
        "resources": resources,
        "columns": [plotly_text(r) for r in resources],
        "idle": idle,
        "grouping": {"by": grouping.by, "words": _grouping_words(grouping, len(rows))},
        "order": [row.id for row in grouping.rows],
        "rows": {row.id: _row(row, resources) for row in grouping.rows},
        "totals": _totals(rows, resources),
        "fullest": _fullest(rows, resources),
    }


VIEW = View(
    "headroom",
    headroom,
    frozenset({"Node", "Pod"}),
    memo=HeadroomMemo,
    update=update_headroom,
)
