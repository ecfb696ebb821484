"""The overview: every node with its pods, as a treemap node → namespace → pod coloured by state.

The model:
- `header`: the cluster's name, counts, pods per state, the kinds the user may not see (kind →
  why) and the level of detail chosen — all plain strings, to be put in a page as text only.
- `legend`: `pods`: `[{"state", "colour"}]`, worst state first; `boxes`: `[{"what", "colour"}]`,
  what the boxes around the pods are.
- `sectors`: sector id → `{parent, label, value, colour, hover, kind, ...}`, ready for a Plotly
  treemap (`ids` are the keys; `parents`, `labels`, `values`, `marker.colors`, `hovertext` the
  fields). Labels and hover text are Plotly pseudo-HTML: cluster strings in them are escaped.
  Pod sectors also carry `phase`, `state`, `ready`, `qos` and `restarts`.
Keyed by id (not parallel arrays) so that a change to one pod is a change to one entry.

Level of detail: a big cluster would make a treemap of tens of thousands of sectors that no
browser draws quickly nor anyone reads. The finest level that fits MAX_SECTORS is chosen: one
sector per pod; pods of one owner on one node folded into one sector; one sector per namespace
on a node; one per node; one per run of nodes neighbours by name (explorer/viewmodels/
node_groups.py), whose click shows the overview of that run alone (the `first` and `last`
parameters), so that no model grows with the cluster. At pod level a node with more than
MAX_PODS_PER_NODE pods has its pods folded by owner anyway. Pods no node runs yet are a group of
their own, sized to be read at any level (explorer/viewmodels/unscheduled.py).

Clicks: a pod's, a node's and a folded group's sector carry the `link` of the page they open
(the pod, the node, the owner); a namespace's zooms the figure.

Live: each node draws its own sectors, so after a change only the nodes whose pods (or own
object) changed are drawn again (`update_overview`); the level of detail is kept from counts
the pod index keeps as pods come and go, and when it changes every node is drawn again. The
group of pods not yet scheduled is drawn again after every change: its size follows the count
of all the others.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from explorer.lib.objects import meta_of, name_of, status_of
from explorer.state.cluster_state import Change, ClusterState

from .base import Params, View
from .links import object_link
from .node_groups import (
    NodeRange,
    group_id,
    group_sector,
    in_name_order,
    node_range,
    runs,
)
from .plotly_text import hover_lines, plotly_text
from .pod_summary import STATE_COLOURS, PodSummary, pod_sector, states_of, worst
from .pods_by_node import PodIndex
from .sectors import Sector
from .unscheduled import UNSCHEDULED, UNSCHEDULED_COLOUR, unscheduled_sectors

MAX_SECTORS = 3000
MAX_PODS_PER_NODE = 60
PODS, OWNERS, NAMESPACES, NODES, GROUPS = "pods", "owners", "namespaces", "nodes", "node groups"
NODE_COLOUR, NODE_NOT_READY_COLOUR, NAMESPACE_COLOUR = "#e8edf3", "#f4c7c3", "#f7f7f7"
BOXES = (
    ("a node (click: its page)", NODE_COLOUR),
    ("a node that is not Ready", NODE_NOT_READY_COLOUR),
    ("a namespace on a node (click: zoom in)", NAMESPACE_COLOUR),
    ("pods waiting for a node", UNSCHEDULED_COLOUR),
)


class OverviewMemo:
    """What one subscription keeps between builds: the pods by node, the sectors drawn and
    which node drew which, so that a change redraws only the nodes it touches."""

    def __init__(self) -> None:
        self.pods = PodIndex()
        self.sectors: dict[str, Sector] = {}
        # node name (a run's id at the level of runs) -> ids of the sectors it drew
        self.drawn: dict[str, tuple[str, ...]] = {}
        self.level: str | None = None  # None until a full build has completed
        self.range: NodeRange | None = None  # the nodes shown; None: all, and the waiting pods
        self.names: list[str] = []  # the nodes shown, in name order, as last drawn
        self.run_of: dict[str, str] = {}  # at the level of runs: node name -> its run's id


def overview(
    state: ClusterState, params: Params, memo: OverviewMemo | None = None
) -> dict[str, Any]:
    """The model, built from every pod; `memo` (owned by the caller, one per subscription)
    saves resummarising unchanged pods and lets `update_overview` follow changes from here."""
    memo = memo or OverviewMemo()
    memo.level = None
    memo.range = node_range(params)
    if memo.range is None:
        memo.pods.load(state)
    else:
        nodes = _node_names(state, state.nodes_named_by_pods())
        memo.pods.load(state, [name for name in nodes if name in memo.range])
    names = _names(state, memo)
    _draw_all(state, memo, names, detail_level(memo.pods, names, memo.range))
    return _model(state, memo)


def update_overview(
    state: ClusterState, params: Params, memo: OverviewMemo, changes: Iterable[Change]
) -> dict[str, Any] | None:
    """The model after `changes` (already applied to `state`), redrawing only the nodes they
    touch; None when `memo` holds no complete build to start from. Reads every touched object
    from the state, so a change seen twice, or already in the last build, does no harm."""
    if memo.level is None:
        return None
    touched: set[str] = {""}  # the pods not yet scheduled: sized by every other pod's count
    for change in changes:
        if change.kind == "Pod":
            touched |= memo.pods.touch(state, change.namespace, change.name)
        elif change.kind == "Node":
            touched.add(change.name)
    names = _names(state, memo)
    level = detail_level(memo.pods, names, memo.range)
    if level != memo.level or (level == GROUPS and names != memo.names):
        _draw_all(state, memo, names, level)
    elif level == GROUPS:
        ids = {memo.run_of[name] for name in touched if name in memo.run_of}
        _redraw_runs(state, memo, ids | ({""} if memo.range is None else set()))
    else:
        _redraw(state, memo, {name for name in touched if _shown(name, memo)}, level)
    memo.names = names
    return _model(state, memo)


def detail_level(pods: PodIndex, names: list[str], shown: NodeRange | None = None) -> str:
    """The finest level of detail whose sector count fits MAX_SECTORS, for the nodes `names`
    (with the pods waiting for a node, "", when it is among them) — all of them unless `shown`."""
    nodes = len([name for name in names if name])
    if nodes > MAX_SECTORS:  # every finer level draws each node
        return GROUPS
    if shown is None:
        counts = (len(pods), len(pods.owner_groups), len(pods.namespace_groups))
    else:
        counts = pods.counts_on(names)
    on_nodes, owners, namespaces = counts  # each level draws its boxes in namespace boxes
    for level, count in ((PODS, on_nodes), (OWNERS, owners), (NAMESPACES, 0)):
        if count + namespaces + nodes <= MAX_SECTORS:
            return level
    return NODES


def _names(state: ClusterState, memo: OverviewMemo) -> list[str]:
    """The nodes shown, in name order: those held and those pods name, "" (the pods waiting for
    a node) first when every node is shown."""
    names = _node_names(state, memo.pods.nodes())
    return in_name_order({name for name in names if _shown(name, memo)})


def _node_names(state: ClusterState, named_by_pods: set[str]) -> set[str]:
    """The nodes held, and those pods name though no Node is held for them."""
    return {name_of(node) for node in state.list("Node", "")} | named_by_pods


def _shown(name: str, memo: OverviewMemo) -> bool:
    return name in memo.range if memo.range is not None else True


def _draw_all(state: ClusterState, memo: OverviewMemo, names: list[str], level: str) -> None:
    memo.level = None
    memo.sectors, memo.drawn, memo.run_of = {}, {}, {}
    memo.names = names
    if level == GROUPS:
        for run in runs([name for name in names if name]):
            memo.run_of.update(dict.fromkeys(run, group_id(run)))
            memo.drawn[group_id(run)] = (group_id(run),)
        waiting = {""} if names and not names[0] else set()
        _redraw_runs(state, memo, {*memo.drawn, *waiting})
        memo.level = level
        return
    for name in names:
        sectors = _node_sectors(state, name, memo.pods, level)
        if sectors:
            memo.drawn[name] = tuple(sectors)
            memo.sectors.update(sectors)
    memo.level = level


def _redraw_runs(state: ClusterState, memo: OverviewMemo, ids: set[str]) -> None:
    """Redraw some runs of nodes (and the pods waiting for a node, "", when among them)."""
    if "" in ids:
        _redraw(state, memo, {""}, GROUPS)
    members: dict[str, list[str]] = {}
    for name, run in memo.run_of.items():
        if run in ids:
            members.setdefault(run, []).append(name)
    for run, names in members.items():
        memo.sectors[run] = group_sector(names, memo.pods.pods_on, _not_ready(state, names))


def _not_ready(state: ClusterState, names: list[str]) -> set[str]:
    return {
        name
        for name in names
        if (node := state.get("Node", "", name)) is not None
        and _condition(status_of(node), "Ready") not in ("True", "")
    }


def _redraw(state: ClusterState, memo: OverviewMemo, names: set[str], level: str) -> None:
    """Redraw some nodes in place: sectors keep their places, so a fresh full model lists them
    in the same order as before."""
    fresh: dict[str, Sector] = {}
    drawn: dict[str, tuple[str, ...]] = {}
    for name in names:
        sectors = _node_sectors(state, name, memo.pods, level)
        drawn[name] = tuple(sectors)
        fresh.update(sectors)
    for name in names:  # after drawing them all: a pod may have moved between two of them
        for sector_id in memo.drawn.pop(name, ()):
            if sector_id not in fresh:
                del memo.sectors[sector_id]
        if drawn[name]:
            memo.drawn[name] = drawn[name]
    memo.sectors.update(fresh)


def _node_sectors(state: ClusterState, name: str, index: PodIndex, level: str) -> dict[str, Sector]:
    """The sectors one node draws (its own, its namespaces', its pods'); "" is the group of pods
    not yet scheduled, and a node not (yet) seen is drawn while pods name it."""
    pods = index.pods_on(name)
    if not name:
        return unscheduled_sectors(pods, len(index) - len(pods), leaf=level in (NODES, GROUPS))
    sectors: dict[str, Sector] = {}
    node = state.get("Node", "", name)
    if node is None and not pods:
        return sectors
    sectors[node_id(name)] = _node_sector(node or {"metadata": {"name": name}}, pods, level)
    if pods:
        _add_pods(sectors, name, pods, level)
    return sectors


def _model(state: ClusterState, memo: OverviewMemo) -> dict[str, Any]:
    pods, states = len(memo.pods), memo.pods.states
    if memo.range is not None:  # the pods of the nodes shown
        shown = [pod for name in memo.names for pod in memo.pods.pods_on(name)]
        pods, states = len(shown), states_of(shown)
    return {
        "header": {
            "cluster": state.cluster,
            "counts": {
                "nodes": state.count("Node"),
                "pods": pods,
                "namespaces": state.count("Namespace"),
            },
            "states": {s: states[s] for s in STATE_COLOURS if states[s]},
            "not_visible": dict(sorted(state.not_visible.items())),
            "detail": memo.level,
            **_range_shown(memo),
        },
        "legend": {
            "pods": [{"state": s, "colour": c} for s, c in STATE_COLOURS.items()],
            "boxes": [{"what": what, "colour": colour} for what, colour in BOXES],
        },
        "sectors": dict(memo.sectors),  # a copy: the memo's own goes on changing
    }


def _range_shown(memo: OverviewMemo) -> dict[str, Any]:
    """The run of nodes shown alone and how many nodes that is; nothing when every node is."""
    if memo.range is None:
        return {}
    nodes = len([name for name in memo.names if name])
    return {"range": {"first": memo.range.first, "last": memo.range.last, "nodes": nodes}}


def node_id(node: str) -> str:
    return f"node/{node}" if node else UNSCHEDULED


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
    meta = meta_of(node)
    status = status_of(node)
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
        *_by_state(states_of(pods)),
        ("click", "open the node's page"),
    ]
    return {
        "parent": "",
        "label": plotly_text(name),
        "value": _own_value(len(pods), level),
        "colour": _node_colour(ready, pods, level),
        "hover": hover_lines(f"node {name}", rows),
        "kind": "node",
        "link": object_link("Node", "", name),
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
    states = states_of(pods)
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
        ("click", "open the pod's page"),
    ]
    return {
        "parent": parent,
        "label": plotly_text(pod.name),
        "value": 1,
        "colour": STATE_COLOURS[pod.state],
        "hover": hover_lines(f"pod {pod.name}", rows),
        **pod_sector(pod),
    }


def _group_sector(parent: str, owner: str, pods: list[PodSummary]) -> Sector:
    states = states_of(pods)
    restarts = sum(pod.restarts for pod in pods)
    kind, _, name = owner.partition("/")
    rows = [("pods", len(pods)), *_by_state(states), ("restarts", restarts)]
    return {
        "parent": parent,
        "label": f"{plotly_text(name)} \u00d7{len(pods)}",
        "value": len(pods),
        "colour": STATE_COLOURS[worst(list(states))],
        "hover": hover_lines(f"{owner}: {len(pods)} pods", [*rows, ("click", f"open {owner}")]),
        "kind": "pods",
        "restarts": restarts,
        "link": object_link(kind, pods[0].namespace, name),
    }


def _by_state(states: Counter[str]) -> list[tuple[str, object]]:
    return [(state, states[state]) for state in STATE_COLOURS if states[state]]


def _condition(status: dict, kind: str) -> str:
    for condition in status.get("conditions") or ():
        if isinstance(condition, dict) and condition.get("type") == kind:
            return str(condition.get("status") or "")
    return ""


VIEW = View(
    "overview",
    overview,
    frozenset({"Pod", "Node", "Namespace"}),
    optional=("first", "last"),
    memo=OverviewMemo,
    update=update_overview,
)
