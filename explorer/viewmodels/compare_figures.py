"""The compare page's figures: the overview and a node's service chain Sankey, each drawn over
both moments at once, with every sector, box and link that appeared, vanished or changed marked.

- `marked_overview(a, b, diff)`: the overview's sectors of B, then those only A has; each
  sector's `mark` is `added` (only in B), `removed` (only in A), `changed` (its object is in the
  diff, or the sector reads differently) or "" — a pod whose own sector is not drawn (a folded
  level of detail) marks the nearest sector that holds it. Ids are the overview's own
  (explorer/viewmodels/overview.py). When A and B fold to different levels the two sets of
  sectors are both drawn: each still says what it holds.
- `marked_chains(a, b, node, service)`: the Sankey model of `service` on `node` (explorer/
  viewmodels/network/service_chain.py) with the boxes and links of both moments, laid out
  again, each with its `mark` (a link whose width changed, a box whose hover changed: changed).
Hover text gets one more line saying the mark; labels and hover stay escaped for Plotly.
"""

from __future__ import annotations

from typing import Any

from explorer.lib.objects import spec_of
from explorer.state.cluster_state import ClusterState
from explorer.state.state_diff import StateDiff

from .network.service_chain import service_chains
from .network.service_chain_layout import arrange
from .overview import node_id, overview
from .unscheduled import UNSCHEDULED

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
MARK_WORDS = {ADDED: "new in B", REMOVED: "gone in B", CHANGED: "changed from A to B"}


def _said(item: dict[str, Any], mark: str) -> dict[str, Any]:
    """The item with its mark, and the mark in its hover (constant words: nothing to escape)."""
    marked = {**item, "mark": mark}
    if mark and "hover" in item:
        marked["hover"] = f"{item['hover']}<br><b>{MARK_WORDS[mark]}</b>"
    return marked


def _merged(
    items_a: dict[str, dict], items_b: dict[str, dict], same: Any
) -> dict[str, dict[str, Any]]:
    """B's items, then A's that B has not; `same(old, new)` says whether one held by both is
    unchanged."""
    merged: dict[str, dict[str, Any]] = {}
    for item_id, item in items_b.items():
        old = items_a.get(item_id)
        mark = ADDED if old is None else "" if same(old, item) else CHANGED
        merged[item_id] = _said(item, mark)
    for item_id, item in items_a.items():
        if item_id not in items_b:
            merged[item_id] = _said(item, REMOVED)
    return merged


# ---- the overview -----------------------------------------------------------------------------

_SECTOR_LOOKS = ("parent", "label", "value", "colour", "hover")


def _same_sector(old: dict, new: dict) -> bool:
    return all(old.get(key) == new.get(key) for key in _SECTOR_LOOKS)


def marked_overview(a: ClusterState, b: ClusterState, diff: StateDiff) -> dict[str, Any]:
    model_a, model_b = overview(a, {}), overview(b, {})
    sectors = _merged(model_a["sectors"], model_b["sectors"], _same_sector)
    for ref in diff["changed"]:
        if ref["kind"] == "Node" and node_id(ref["name"]) in sectors:
            _mark(sectors, node_id(ref["name"]), CHANGED)
    for listed, state in ((diff["added"], b), (diff["removed"], a), (diff["changed"], b)):
        for ref in listed:
            if ref["kind"] == "Pod":
                pod = state.get("Pod", ref["namespace"], ref["name"])
                holder = _holder(sectors, ref["namespace"], ref["name"], pod)
                if holder is not None and not sectors[holder]["mark"]:
                    _mark(sectors, holder, CHANGED)
    return {
        "sectors": sectors,
        "detail": {"a": model_a["header"]["detail"], "b": model_b["header"]["detail"]},
    }


def _mark(sectors: dict[str, dict[str, Any]], sector_id: str, mark: str) -> None:
    sector = sectors[sector_id]
    if not sector["mark"]:
        sectors[sector_id] = _said(sector, mark)


def _holder(sectors: dict, namespace: str, name: str, pod: dict | None) -> str | None:
    """The drawn sector that holds a pod: its own, else its namespace on its node, else its
    node (or the group of pods waiting for one)."""
    node = spec_of(pod).get("nodeName") or ""
    own = f"pod/{namespace}/{name}"
    candidates = [own, f"{node_id(node)}/ns/{namespace}", node_id(node)] if node else [own]
    if not node:
        candidates.append(UNSCHEDULED)
    return next((sector_id for sector_id in candidates if sector_id in sectors), None)


# ---- the service chain Sankey -----------------------------------------------------------------


def _same_box(old: dict, new: dict) -> bool:
    return old.get("hover") == new.get("hover") and old.get("label") == new.get("label")


def _same_link(old: dict, new: dict) -> bool:
    return abs(old["value"] - new["value"]) < 1e-6 and old.get("hover") == new.get("hover")


def marked_chains(a: ClusterState, b: ClusterState, node: str, service: str) -> dict[str, Any]:
    model_a, model_b = service_chains(a, node, service), service_chains(b, node, service)
    boxes = _merged(model_a["nodes"], model_b["nodes"], _same_box)
    links = _merged(model_a["links"], model_b["links"], _same_link)
    model = dict(model_b)
    model["columns"] = arrange(boxes, links) if boxes else []
    model["nodes"], model["links"] = boxes, links
    model["services"] = dict(sorted({**model_a["services"], **model_b["services"]}.items()))
    model["missing"] = model_b["missing"] if not boxes else ""
    model["node"] = node
    return model
