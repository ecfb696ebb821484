"""The columns of the service chain Sankey, their headers, and each box's place in its column.

Every box stands in one column, by what it is: the Service port, the way in, kube-proxy's
firewall, external and service chains, the endpoint chain, the endpoint address, its pod, the
node. Links only go rightwards, so a column's boxes are ordered by where the Service ports
feeding them stand (the mean of their places in the first column): a Service's boxes stay
together and few links cross. The page
puts the columns at fixed places and the boxes at their order (static/js/network/service_chain.js).
"""

from __future__ import annotations

from typing import Any, TypedDict

from ..plotly_text import plotly_text

COLUMNS = ("service", "entry", "firewall", "external", "chain", "sep", "endpoint", "pod", "node")
HEADERS = {
    "service": "Service port",
    "entry": "way in",
    "firewall": "KUBE-FW",
    "external": "KUBE-EXT",
    "chain": "KUBE-SVC",
    "sep": "KUBE-SEP",
    "endpoint": "endpoint",
    "pod": "pod",
    "node": "node",
}
_NAMED_BY_CHAINS = frozenset({"firewall", "external", "chain", "sep"})


class Column(TypedDict):
    id: str
    header: str  # escaped for Plotly (an annotation)


def chain_family(chain: str) -> str:
    """`KUBE-SVC-ABC…` → `KUBE-SVC`; nftables' `service-ABC-ns/name/tcp/p` → `service-…`."""
    if chain.startswith("KUBE-"):
        return "-".join(chain.split("-", 2)[:2])
    return chain.split("-", 1)[0] + "-…"


def arrange(boxes: dict[str, Any], links: dict[str, Any]) -> list[Column]:
    """Set each box's `order` in its column; return the columns in use, left to right."""
    used = [c for c in COLUMNS if any(box["column"] == c for box in boxes.values())]
    sources: dict[str, list[str]] = {}
    for link in links.values():
        sources.setdefault(link["target"], []).append(link["source"])
    rank: dict[str, float] = {}  # where a box's Service ports stand in the first column
    for column in used:
        ids = [box_id for box_id, box in boxes.items() if box["column"] == column]
        for box_id in ids:
            fed = [rank[s] for s in sources.get(box_id, ()) if s in rank]
            rank[box_id] = sum(fed) / len(fed) if fed else float(len(rank))
        ranked = sorted(range(len(ids)), key=lambda i: (rank[ids[i]], i))
        for order, i in enumerate(ranked):
            boxes[ids[i]]["order"] = order
    return [{"id": c, "header": plotly_text(_header(c, boxes))} for c in used]


def _header(column: str, boxes: dict[str, Any]) -> str:
    if column not in _NAMED_BY_CHAINS:
        return HEADERS[column]
    families = [
        chain_family(box_id)
        for box_id, box in boxes.items()
        if box["column"] == column and not box_id.startswith("reject:")
    ]
    return "/".join(dict.fromkeys(families)) or HEADERS[column]
