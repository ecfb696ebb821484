"""The overview: every node with its pods, as a treemap node → namespace → pod coloured by state.

The model:
- `header`: the cluster's name, counts, pods per state, the kinds the user may not see (kind →
  why) and the level of detail chosen — all plain strings, to be put in a page as text only.
- `legend`: `[{"state", "colour"}]`, worst state first.
- `sectors`: sector id → `{parent, label, value, colour, hover, kind, ...}`, ready for a Plotly
  treemap (`ids` are the keys; `parents`, `labels`, `values`, `marker.colors`, `hovertext` the
  fields). Labels and hover text are Plotly pseudo-HTML: cluster strings in them are escaped.
  Pod sectors also carry `phase`, `state`, `ready`, `qos` and `restarts`.
Keyed by id (not parallel arrays) so that a change to one pod is a change to one entry.

Level of detail: a big cluster would make a treemap of tens of thousands of sectors that no
browser draws quickly nor anyone reads. The finest level that fits MAX_SECTORS is chosen: one
sector per pod; pods of one owner on one node folded into one sector; one sector per namespace
on a node; one per node. At pod level a node with more than MAX_PODS_PER_NODE pods has its pods
folded by owner anyway.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any, TypedDict

from explorer.state.cluster import ClusterState

from .pods import STATE_COLOURS, PodSummary, Summaries, worst
from .registry import Params, View
from .text import hover_lines, plotly_text

MAX_SECTORS = 3000
MAX_PODS_PER_NODE = 60
PODS, OWNERS, NAMESPACES, NODES = "pods", "owners", "namespaces", "nodes"
UNSCHEDULED = "unscheduled"  # the id of the pseudo-node holding pods not yet on a node
NODE_COLOUR, NODE_NOT_READY_COLOUR, NAMESPACE_COLOUR = "#e8edf3", "#f4c7c3", "#f7f7f7"


class Sector(TypedDict, total=False):
    parent: str
    label: str
    value: int
    colour: str
    hover: str
    kind: str  # node, namespace, pod or pods (a folded group)
    phase: str
    state: str
    ready: str
    qos: str
    restarts: int


def overview(
    state: ClusterState, params: Params, summaries: Summaries | None = None
) -> dict[str, Any]:
    """The model; `summaries` (owned by the caller, one per subscription) saves recomputing
    the summary of every unchanged pod when the model is rebuilt after a change."""
    pods = (summaries or Summaries()).of(state.list("Pod"))
    nodes = sorted(state.list("Node", ""), key=_name)
    level = detail_level(pods)
    sectors: dict[str, Sector] = {}
    by_node: dict[str, list[PodSummary]] = defaultdict(list)
    for pod in pods:
        by_node[pod.node].append(pod)
    for node in nodes:
        name = _name(node)
        sectors[node_id(name)] = _node_sector(node, by_node.get(name, []), level)
    if by_node.get(""):
        sectors[node_id("")] = _unscheduled_sector(by_node[""], level)
    for node_name in sorted(by_node):
        if node_id(node_name) not in sectors:  # a pod on a node not (yet) seen
            unseen = {"metadata": {"name": node_name}}
            sectors[node_id(node_name)] = _node_sector(unseen, by_node[node_name], level)
        _add_pods(sectors, node_name, by_node[node_name], level)
    states = Counter(pod.state for pod in pods)
    return {
        "header": {
            "cluster": state.cluster,
            "counts": {
                "nodes": len(nodes),
                "pods": len(pods),
                "namespaces": state.count("Namespace"),
            },
            "states": {s: states[s] for s in STATE_COLOURS if states[s]},
            "not_visible": dict(sorted(state.not_visible.items())),
            "detail": level,
        },
        "legend": [{"state": s, "colour": c} for s, c in STATE_COLOURS.items()],
        "sectors": sectors,
    }


def detail_level(pods: list[PodSummary]) -> str:
    """The finest level of detail whose sector count fits MAX_SECTORS."""
    if len(pods) <= MAX_SECTORS:
        return PODS
    if _fits((p.node, p.namespace, p.owner or p.name) for p in pods):
        return OWNERS
    if _fits((p.node, p.namespace) for p in pods):
        return NAMESPACES
    return NODES


def _fits(sector_keys: Iterable[tuple[str, ...]]) -> bool:
    """Whether the keys hold at most MAX_SECTORS distinct ones; stops counting beyond that (a
    big cluster's model is rebuilt several times a second)."""
    seen: set[tuple[str, ...]] = set()
    for key in sector_keys:
        seen.add(key)
        if len(seen) > MAX_SECTORS:
            return False
    return True


def node_id(node: str) -> str:
    return f"node/{node}" if node else UNSCHEDULED


def treemap_trace(model: dict[str, Any]) -> dict[str, Any]:
    """The Plotly trace a page draws from a model (what static/js/overview.js builds)."""
    sectors = model["sectors"]
    return {
        "type": "treemap",
        "ids": list(sectors),
        "parents": [s["parent"] for s in sectors.values()],
        "labels": [s["label"] for s in sectors.values()],
        "values": [s["value"] for s in sectors.values()],
        "marker": {"colors": [s["colour"] for s in sectors.values()]},
        "hovertext": [s["hover"] for s in sectors.values()],
        "branchvalues": "remainder",
    }


def _add_pods(sectors: dict[str, Sector], node: str, pods: list[PodSummary], level: str) -> None:
    if level == NODES:
        return
    parent = node_id(node)
    groups: dict[str, list[PodSummary]] = defaultdict(list)
    for pod in pods:
        groups[pod.namespace].append(pod)
    fold = level == OWNERS or (level == PODS and len(pods) > MAX_PODS_PER_NODE)
    for namespace in sorted(groups):
        ns_id = f"{parent}/ns/{namespace}"
        members = groups[namespace]
        sectors[ns_id] = _namespace_sector(parent, namespace, members, level == NAMESPACES)
        if level == NAMESPACES:
            continue
        if not fold:
            for pod in sorted(members, key=lambda p: p.name):
                sectors[f"pod/{namespace}/{pod.name}"] = _pod_sector(ns_id, pod)
            continue
        owned: dict[str, list[PodSummary]] = defaultdict(list)
        for pod in members:
            owned[pod.owner or f"Pod/{pod.name}"].append(pod)
        for owner in sorted(owned):
            group = owned[owner]
            if len(group) == 1:
                sectors[f"pod/{namespace}/{group[0].name}"] = _pod_sector(ns_id, group[0])
            else:
                sectors[f"{ns_id}/owner/{owner}"] = _group_sector(ns_id, owner, group)


def _node_sector(node: dict, pods: list[PodSummary], level: str) -> Sector:
    meta = node.get("metadata") or {}
    status = node.get("status") or {}
    ready = _condition(status, "Ready")
    labels = meta.get("labels") or {}
    roles = sorted(
        key.removeprefix("node-role.kubernetes.io/")
        for key in labels
        if key.startswith("node-role.kubernetes.io/")
    )
    allocatable = status.get("allocatable") or {}
    name = meta.get("name") or ""
    rows: list[tuple[str, object]] = [
        ("ready", ready or "unknown"),
        ("roles", ", ".join(roles) or "none"),
        ("kubelet", (status.get("nodeInfo") or {}).get("kubeletVersion", "?")),
        (
            "allocatable",
            f"cpu {allocatable.get('cpu', '?')}, memory {allocatable.get('memory', '?')}",
        ),
        ("pods", len(pods)),
        *_by_state(Counter(pod.state for pod in pods)),
    ]
    return {
        "parent": "",
        "label": plotly_text(name),
        "value": _own_value(len(pods), level),
        "colour": _node_colour(ready, pods, level),
        "hover": hover_lines(f"node {name}", rows),
        "kind": "node",
    }


def _unscheduled_sector(pods: list[PodSummary], level: str) -> Sector:
    rows = [("pods", len(pods)), *_by_state(Counter(pod.state for pod in pods))]
    return {
        "parent": "",
        "label": "not scheduled",
        "value": _own_value(len(pods), level),
        "colour": NODE_NOT_READY_COLOUR,
        "hover": hover_lines("pods not yet on a node", rows),
        "kind": "node",
    }


def _node_colour(ready: str, pods: list[PodSummary], level: str) -> str:
    """A node whose pods are not drawn takes the colour of its worst pod."""
    if ready not in ("True", ""):
        return NODE_NOT_READY_COLOUR
    if level == NODES and pods:
        return STATE_COLOURS[worst([pod.state for pod in pods])]
    return NODE_COLOUR


def _own_value(pods: int, level: str) -> int:
    """A node's own area: its pod count when its pods are not drawn, 1 to keep an empty node."""
    if level == NODES:
        return max(pods, 1)
    return 0 if pods else 1


def _namespace_sector(parent: str, namespace: str, pods: list[PodSummary], leaf: bool) -> Sector:
    states = Counter(pod.state for pod in pods)
    return {
        "parent": parent,
        "label": plotly_text(namespace),
        "value": len(pods) if leaf else 0,
        "colour": STATE_COLOURS[worst(list(states))] if leaf else NAMESPACE_COLOUR,
        "hover": hover_lines(f"namespace {namespace}", [("pods", len(pods)), *_by_state(states)]),
        "kind": "namespace",
    }


def _pod_sector(parent: str, pod: PodSummary) -> Sector:
    rows: list[tuple[str, object]] = [
        ("namespace", pod.namespace),
        ("state", f"{pod.state} ({pod.reason})" if pod.reason else pod.state),
        ("ready", pod.readiness),
        ("restarts", pod.restarts),
        ("QoS", pod.qos),
        ("owner", pod.owner or "none"),
        ("labels", pod.labels or "none"),
    ]
    return {
        "parent": parent,
        "label": plotly_text(pod.name),
        "value": 1,
        "colour": STATE_COLOURS[pod.state],
        "hover": hover_lines(f"pod {pod.name}", rows),
        "kind": "pod",
        "phase": pod.phase,
        "state": pod.state,
        "ready": pod.readiness,
        "qos": pod.qos,
        "restarts": pod.restarts,
    }


def _group_sector(parent: str, owner: str, pods: list[PodSummary]) -> Sector:
    states = Counter(pod.state for pod in pods)
    restarts = sum(pod.restarts for pod in pods)
    rows = [("pods", len(pods)), *_by_state(states), ("restarts", restarts)]
    return {
        "parent": parent,
        "label": f"{plotly_text(owner.partition('/')[2])} \u00d7{len(pods)}",
        "value": len(pods),
        "colour": STATE_COLOURS[worst(list(states))],
        "hover": hover_lines(f"{owner}: {len(pods)} pods", rows),
        "kind": "pods",
        "restarts": restarts,
    }


def _by_state(states: Counter[str]) -> list[tuple[str, object]]:
    return [(state, states[state]) for state in STATE_COLOURS if states[state]]


def _condition(status: dict, kind: str) -> str:
    for condition in status.get("conditions") or ():
        if isinstance(condition, dict) and condition.get("type") == kind:
            return str(condition.get("status") or "")
    return ""


def _name(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("name") or ""


VIEW = View("overview", overview, frozenset({"Pod", "Node", "Namespace"}), memo=Summaries)
