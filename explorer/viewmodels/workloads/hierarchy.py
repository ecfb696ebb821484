"""The workload hierarchy: namespace → controller → ReplicaSet/Job → pod → containers and the
pod sandbox, as a Plotly sunburst with drill-down.

Params: `cluster`, `namespace` (`*` for every one) and `size`: `count` (every pod the same),
`cpu` or `memory` (what the containers request; a container requesting nothing is drawn as a
sliver of 1 millicore or 1 MiB, so it stays visible).

The model:
- `header`: cluster, namespace, size, the level of detail chosen, counts; plain strings.
- `legend`: `[{"state", "colour"}]` for pods and `[{"condition", "colour"}]` for containers.
- `sectors`: id → `{parent, label, value, colour, hover, kind, ...}` (Plotly ids/parents/labels/
  values/marker.colors/hovertext, `branchvalues: "remainder"`: a parent's own value is 0).
  Pod sectors carry `pod: "<namespace>/<name>"`, container sectors `pod` and `container`, the
  sandbox `pod` and `sandbox: true`, so a page can link a click to the pod's page; namespace,
  controller and owner sectors the `link` to their object page (explorer/viewmodels/links.py).
Labels and hover text are Plotly pseudo-HTML with every cluster string escaped.

Level of detail (the finest whose sector count fits MAX_SECTORS): `containers` (everything),
`pods` (down to pods), `groups` (the pods of one ReplicaSet/Job/controller folded into one
sector with a count), `controllers` (controllers as leaves), `top` (per namespace the biggest
controllers, the rest folded into one "… more" sector). A sector that stands for what the model
does not draw says `folded: true`.

An optional param, `root` (a sector id of the whole model, a folded one as a click sends it),
makes the model that sector's subtree at the finest level that fits, under the sectors above it
(ids and path as in the whole model), reading only the root's namespace; `header.root` is the
root drawn, the nearest sector still there when `root` is gone ("" for the whole). A group's
pods too many to draw one by one come as ranges of CHUNK pods by name (`kind: "range"`, folded,
ids `<group>/pods/<n>`), and a range as root draws its pods; likewise a namespace's "more" of
more controllers than fit, as ranges of controllers (`<namespace>/more/<n>`).

Costs: the memo (`HierarchyIndex`) reads each pod's record (explorer/state/records.py) once into
a `Slim` and keeps the tree; a pod is unpacked, and its full facts (containers, readiness, …)
read, only for the pods drawn one by one. `update` follows pod changes and draws again only the
namespaces they touch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from operator import attrgetter

from explorer.lib.quantities import format_bytes, format_millicores
from explorer.state.cluster_state import Change, ClusterState
from explorer.state.records import records

from ..base import Params, View, ViewError
from ..links import object_link
from ..plotly_text import hover_lines, labelled
from ..pod_summary import STATE_COLOURS, worst
from ..sectors import Sector
from .hierarchy_index import Group, HierarchyIndex, Slim, Tree
from .pod_facts import (
    BARE,
    CONTAINER_COLOURS,
    SANDBOX_COLOUR,
    ContainerFacts,
    PodFacts,
)

MAX_SECTORS = 3000
CHUNK = 500  # pods per sector when a zoomed group of pods is still too many to draw one by one
ALL = "*"
SIZES = ("count", "cpu", "memory")
CONTAINERS, PODS, GROUPS, CONTROLLERS, TOP = "containers", "pods", "groups", "controllers", "top"
NAMESPACE_COLOUR = "#eef1f5"
MORE_COLOUR = "#d9dee6"
MIB = 1024 * 1024
KINDS = frozenset(
    {"Pod", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Namespace"}
)


def hierarchy(state: ClusterState, params: Params, memo: HierarchyIndex | None = None) -> dict:
    if params["size"] not in SIZES:
        raise ViewError(f"size must be one of {', '.join(SIZES)}")
    index = memo if isinstance(memo, HierarchyIndex) else HierarchyIndex()
    scope = _scope(params)
    if scope == ALL:
        pods: Iterable = records(state, "Pod")
    else:  # by name, as a namespace's pods were listed: the sizes add up in the same order
        pods = sorted(records(state, "Pod", scope), key=attrgetter("name"))
    index.load(state, pods, params["size"])
    return _model(state, params, index, None)


def _scope(params: Params) -> str:
    """The namespace whose pods the model reads: a zoomed model's root's, else the param's."""
    steps = params.get("root", "").split("/")
    if len(steps) > 1 and steps[0] == "ns" and params["namespace"] in (ALL, steps[1]):
        return steps[1]
    return params["namespace"]


def update_hierarchy(
    state: ClusterState, params: Params, memo: HierarchyIndex, changes: Sequence[Change]
) -> dict | None:
    """The model after `changes` (already in `state`), drawing again only the namespaces whose
    pods changed; None (build it whole) without a complete build to start from, or when a
    ReplicaSet or Job changed its own controller."""
    if not memo.complete or memo.size != params["size"]:
        return None
    try:
        touched = memo.follow(state, changes, _scope(params))
    except LookupError:
        return None
    return _model(state, params, memo, touched)


def _model(state: ClusterState, params: Params, index: HierarchyIndex, touched) -> dict:
    tree, sizer = index.tree, _Sizer(params["size"])
    root = params.get("root", "")
    if root:
        sectors, level, root = _zoomed(index, sizer, root)
    else:
        level = detail_level(tree, index.parts)
        if level != index.level or touched is None or len(tree) != len(index.namespace_sectors):
            touched = set(tree)
        drawn = {ns: index.namespace_sectors.get(ns) for ns in sorted(tree)}
        for ns in touched & tree.keys():
            part: dict[str, Sector] = {}
            _add_namespace(part, ns, tree[ns], level, sizer, len(tree), index)
            drawn[ns] = part
        index.namespace_sectors, index.level = drawn, level  # type: ignore[assignment]
        sectors = {k: v for part in drawn.values() for k, v in part.items()}  # type: ignore[union-attr]
    index.drawn()
    states: Counter[str] = Counter()
    pods = controllers = 0
    for groups in tree.values():
        controllers += len(groups)
        for group in groups.values():
            for pod in group.all_pods():
                states[pod.state] += 1
                pods += 1
    header = {
        "cluster": state.cluster,
        "namespace": params["namespace"],
        "size": params["size"],
        "detail": level,
        "counts": {
            "namespaces": len(tree),
            "controllers": controllers,
            "pods": pods,
            "sectors": len(sectors),
        },
        "states": {s: states[s] for s in STATE_COLOURS if states[s]},
    }
    if "root" in params:
        header["root"] = root
    return {
        "header": header,
        "legend": {
            "pods": [{"state": s, "colour": c} for s, c in STATE_COLOURS.items()],
            "containers": [{"condition": s, "colour": c} for s, c in CONTAINER_COLOURS.items()]
            + [{"condition": "pod sandbox (pause)", "colour": SANDBOX_COLOUR}],
        },
        "sectors": sectors,
    }


def detail_level(tree: Tree, parts: int) -> str:
    """The finest level whose sector count fits MAX_SECTORS; `parts`: the sectors every pod,
    its containers and its sandbox would draw."""
    namespaces = len(tree)
    controllers = sum(len(groups) for groups in tree.values())
    middles = sum(len(g.middles) for groups in tree.values() for g in groups.values())
    upper = namespaces + controllers + middles
    if upper + parts <= MAX_SECTORS:
        return CONTAINERS
    pods = sum(
        len(g.pods) + sum(len(m.pods) for m in g.middles.values())
        for groups in tree.values()
        for g in groups.values()
    )
    if upper + pods <= MAX_SECTORS:
        return PODS
    leaves = sum(
        (1 if g.pods else 0) + len(g.middles) for groups in tree.values() for g in groups.values()
    )
    if upper + leaves <= MAX_SECTORS:
        return GROUPS
    if namespaces + controllers <= MAX_SECTORS:
        return CONTROLLERS
    return TOP


class _Sizer:
    def __init__(self, size: str) -> None:
        self.size = size

    def container(self, container: ContainerFacts) -> float:
        if self.size == "cpu":
            return max(container.cpu_request, 1)
        if self.size == "memory":
            return max(container.memory_request / MIB, 1)
        return 1

    def children(self, pod: PodFacts) -> list[float]:
        """Values of the pod's drawn children: its containers, then its sandbox."""
        if self.size == "count":
            share = 1 / (len(pod.containers) + 1)
            return [share] * (len(pod.containers) + 1)
        return [self.container(c) for c in pod.containers] + [1]

    def pods(self, pods: Iterable[Slim]) -> float:
        return round(sum(p.value for p in pods), 3)


# -- zooming: one sector's subtree, itself bounded ------------------------------------------


def _zoomed(index: HierarchyIndex, sizer: _Sizer, root: str) -> tuple[dict, str, str]:
    """The sectors of `root`'s subtree (with the sectors above it, so that its id and path stay
    those of the whole model), the level it is drawn at and the root drawn: the nearest sector
    that still exists when `root` no longer does (or "" for the whole model)."""
    steps = root.split("/")
    ns = steps[1] if len(steps) > 1 and steps[0] == "ns" else ""
    if ns not in index.tree:
        return _whole(index, sizer), detail_level(index.tree, index.parts), ""
    groups, ns_id, sectors = index.tree[ns], f"ns/{ns}", {}
    rest = steps[2:]
    top = _group_at(groups, rest)
    if top is None:  # the namespace, its folded "more" or a group that is gone
        pruned = {ns: groups}
        level = detail_level(
            pruned, sum(p.parts + 1 for g in groups.values() for p in g.all_pods())
        )
        if level == TOP and rest[:1] == ["more"]:
            chunk = rest[1] if len(rest) > 1 else ""
            return (sectors, CONTROLLERS, _add_more_zoomed(sectors, ns, groups, sizer, chunk))
        _add_namespace(sectors, ns, groups, level, sizer, 1, index)
        return sectors, level, ns_id
    group, used = top
    rest = rest[used:]
    middle = _group_at(group.middles, rest) if rest and rest[0] != "pods" else None
    if middle is not None:
        shown = Group(
            group.owner, middles={(middle[0].owner.kind, middle[0].owner.name): middle[0]}
        )
        rest = rest[middle[1] :]
    else:
        shown = group
    _add_namespace_sector(sectors, ns, groups, sizer)
    if rest and rest[0] == "pods":
        owner = middle[0] if middle is not None else group
        group_id = _group_id(ns_id, group)
        if middle is not None:
            group_id = _group_id(group_id, middle[0])
            _add_group_sector(sectors, ns_id, ns, group, sizer, top=True, leaf=False)
        parent = group_id.rsplit("/", 2)[0] if middle is not None else ns_id
        _add_group_sector(sectors, parent, ns, owner, sizer, top=middle is None, leaf=False)
        chunk = rest[1] if len(rest) > 1 else ""
        level, drawn = _add_pods_zoomed(
            sectors, group_id, list(owner.pods.values()), sizer, chunk, index
        )
        return sectors, level, drawn
    pruned = {ns: {(group.owner.kind, group.owner.name): shown}}
    pods = shown.all_pods()
    level = detail_level(pruned, sum(p.parts + 1 for p in pods))
    level = GROUPS if level in (CONTROLLERS, TOP) else level
    _add_group(sectors, ns_id, ns, shown, level, sizer, top=True, index=index)
    drawn = _group_id(ns_id, group)
    if middle is not None:
        drawn = _group_id(drawn, middle[0])
    return sectors, level, drawn


def _whole(index: HierarchyIndex, sizer: _Sizer) -> dict:
    level = detail_level(index.tree, index.parts)
    sectors: dict[str, Sector] = {}
    for ns in sorted(index.tree):
        _add_namespace(sectors, ns, index.tree[ns], level, sizer, len(index.tree), index)
    return sectors


def _group_at(groups: dict[tuple[str, str], Group], steps: list[str]) -> tuple[Group, int] | None:
    """The group that `steps` (what follows its parent's id) names, and how many steps it took."""
    if steps[:1] == [BARE]:
        found = groups.get((BARE, ""))
        return (found, 1) if found is not None else None
    if len(steps) >= 2 and steps[0] != "more":
        found = groups.get((steps[0], steps[1]))
        return (found, 2) if found is not None else None
    return None


def _add_pods_zoomed(
    sectors: dict[str, Sector],
    group_id: str,
    pods: list[Slim],
    sizer: _Sizer,
    chunk: str,
    index: HierarchyIndex,
) -> tuple[str, str]:
    """A group's own pods under their folded sector: one by one when they fit, else in ranges
    of CHUNK pods by name, and one range's pods one by one when `chunk` names it."""
    fold_id = f"{group_id}/pods"
    pods = sorted(pods, key=lambda p: p.name)
    sectors[fold_id] = {**_folded(group_id, pods, sizer), "value": 0}
    size = max(CHUNK, -(-len(pods) // (MAX_SECTORS - 10)))
    if len(pods) + 10 > MAX_SECTORS:
        ranges = [pods[i : i + size] for i in range(0, len(pods), size)]
        if chunk.isdigit() and int(chunk) < len(ranges):
            chosen, range_id = ranges[int(chunk)], f"{fold_id}/{int(chunk)}"
            sectors[range_id] = {**_range(fold_id, chosen, sizer), "value": 0}
            level = CONTAINERS if sum(p.parts + 1 for p in chosen) + 10 <= MAX_SECTORS else PODS
            for pod in chosen:
                _add_pod(sectors, range_id, index.facts(pod), pod, level, sizer)
            return level, range_id
        for number, part in enumerate(ranges):
            sectors[f"{fold_id}/{number}"] = {**_range(fold_id, part, sizer), "folded": True}
        return GROUPS, fold_id
    level = CONTAINERS if sum(p.parts + 1 for p in pods) + 10 <= MAX_SECTORS else PODS
    for pod in pods:
        _add_pod(sectors, fold_id, index.facts(pod), pod, level, sizer)
    return level, fold_id


def _range(parent: str, pods: list[Slim], sizer: _Sizer) -> Sector:
    first, last = pods[0].name, pods[-1].name
    stats = _Stats(pods, sizer)
    return {
        "parent": parent,
        **labelled(f"{first} … {last}" if first != last else first),
        "value": stats.value,
        "colour": stats.colour,
        "hover": hover_lines(
            _counted(stats), [("click", "show these pods"), *_pod_rows(stats, sizer)]
        ),
        "kind": "range",
    }


def _counted(stats: _Stats) -> str:
    """ "412 pods: 400 Running, 12 Pending"."""
    states = stats.states
    shown = ", ".join(f"{states[s]} {s}" for s in STATE_COLOURS if states[s])
    return f"{stats.pods} pods: {shown}"


# -- the sectors ----------------------------------------------------------------------------


def _add_namespace_sector(
    sectors: dict[str, Sector], ns: str, groups: dict[tuple[str, str], Group], sizer: _Sizer
) -> str:
    """The namespace's own sector, its hover counting the pods of all its `groups`."""
    pods = [p for g in groups.values() for p in g.all_pods()]
    ns_id = f"ns/{ns}"
    sectors[ns_id] = {
        "parent": "",
        **labelled(ns),
        "value": 0,
        "colour": NAMESPACE_COLOUR,
        "hover": hover_lines(f"namespace {ns}", _pod_rows(_Stats(pods, sizer), sizer)),
        "kind": "namespace",
        "link": object_link("Namespace", "", ns),
    }
    return ns_id


def _add_namespace(
    sectors: dict[str, Sector],
    ns: str,
    groups: dict[tuple[str, str], Group],
    level: str,
    sizer: _Sizer,
    namespaces: int,
    index: HierarchyIndex,
) -> None:
    ns_id = _add_namespace_sector(sectors, ns, groups, sizer)
    ordered = _ordered(groups)
    if level == TOP:
        keep = max(1, (MAX_SECTORS - 2 * namespaces) // max(namespaces, 1) - 1)
        ordered, rest = ordered[:keep], ordered[keep:]
        if rest:
            folded = _Stats([p for _key, g in rest for p in g.all_pods()], sizer)
            sectors[f"{ns_id}/more"] = {
                "parent": ns_id,
                **labelled(f"{len(rest)} more controllers"),
                "value": folded.value,
                "colour": MORE_COLOUR,
                "hover": hover_lines(
                    f"{len(rest)} smaller controllers, folded",
                    [("hint", "click to see them"), *_pod_rows(folded, sizer)],
                ),
                "kind": "more",
                "folded": True,
            }
    for _key, group in ordered:
        _add_group(sectors, ns_id, ns, group, level, sizer, top=True, index=index)


def _ordered(groups: dict[tuple[str, str], Group]) -> list[tuple[tuple[str, str], Group]]:
    """A namespace's controllers, the most pods first."""
    counted = {
        key: len(g.pods) + sum(len(m.pods) for m in g.middles.values()) for key, g in groups.items()
    }
    return sorted(
        groups.items(), key=lambda item: (-counted[item[0]], item[1].owner.kind, item[1].owner.name)
    )


def _add_more_zoomed(
    sectors: dict[str, Sector],
    ns: str,
    groups: dict[tuple[str, str], Group],
    sizer: _Sizer,
    chunk: str,
) -> str:
    """A namespace of more controllers than a model can draw, opened at its "more" sector: its
    controllers (as leaves) in ranges of CHUNK, and one range's controllers when `chunk` names
    it; the root drawn."""
    ns_id = _add_namespace_sector(sectors, ns, groups, sizer)
    more_id = drawn = f"{ns_id}/more"
    ordered = [g for _key, g in _ordered(groups)]
    sectors[more_id] = {
        "parent": ns_id,
        **labelled(f"{len(ordered)} controllers"),
        "value": 0,
        "colour": MORE_COLOUR,
        "hover": hover_lines(f"{len(ordered)} controllers", [("hint", "click a range")]),
        "kind": "more",
    }
    size = max(CHUNK, -(-len(ordered) // (MAX_SECTORS - 10)))
    ranges = [ordered[i : i + size] for i in range(0, len(ordered), size)]
    for number, part in enumerate(ranges):
        range_id = f"{more_id}/{number}"
        chosen = chunk == str(number)
        if chunk.isdigit() and int(chunk) < len(ranges) and not chosen:
            continue  # one range opened: only its controllers
        stats = _Stats([p for g in part for p in g.all_pods()], sizer)
        sectors[range_id] = {
            "parent": more_id,
            **labelled(f"controllers {number * size + 1} to {number * size + len(part)}"),
            "value": 0 if chosen else stats.value,
            "colour": MORE_COLOUR,
            "hover": hover_lines(
                f"{len(part)} controllers", [("click", "show them"), *_pod_rows(stats, sizer)]
            ),
            "kind": "range",
            **({} if chosen else {"folded": True}),
        }
        if chosen:
            for group in part:
                _add_group_sector(sectors, range_id, ns, group, sizer, top=True, leaf=True)
            drawn = range_id
    return drawn


def _group_id(parent: str, group: Group) -> str:
    owner = group.owner
    return f"{parent}/{owner.kind}/{owner.name}" if owner.kind != BARE else f"{parent}/bare"


def _add_group_sector(
    sectors: dict[str, Sector],
    parent: str,
    ns: str,
    group: Group,
    sizer: _Sizer,
    top: bool,
    leaf: bool,
) -> str:
    owner = group.owner
    group_id = _group_id(parent, group)
    stats = _Stats(group.all_pods(), sizer)
    title = "pods without a controller" if owner.kind == BARE else f"{owner.kind} {owner.name}"
    label = "bare pods" if owner.kind == BARE else f"{owner.kind} {owner.name}"
    sectors[group_id] = {
        "parent": parent,
        **labelled(label + (f" \u00d7{stats.pods}" if leaf else "")),
        "value": stats.value if leaf else 0,
        "colour": stats.colour,
        "hover": hover_lines(title, _pod_rows(stats, sizer)),
        "kind": "controller" if top else "owner",
    }
    if owner.kind != BARE:
        sectors[group_id]["link"] = object_link(owner.kind, ns, owner.name)
    if leaf:
        sectors[group_id]["folded"] = True
    return group_id


def _add_group(
    sectors: dict[str, Sector],
    parent: str,
    ns: str,
    group: Group,
    level: str,
    sizer: _Sizer,
    top: bool,
    index: HierarchyIndex,
) -> None:
    leaf = level in (CONTROLLERS, TOP) and top
    group_id = _add_group_sector(sectors, parent, ns, group, sizer, top, leaf)
    if leaf:
        return
    for middle in sorted(group.middles.values(), key=lambda g: g.owner.name):
        _add_group(sectors, group_id, ns, middle, level, sizer, top=False, index=index)
    if not group.pods:
        return
    pods = list(group.pods.values())
    if level == GROUPS and len(pods) > 1:
        sectors[f"{group_id}/pods"] = {**_folded(group_id, pods, sizer), "folded": True}
        return
    for pod in sorted(pods, key=lambda p: p.name):
        _add_pod(sectors, group_id, index.facts(pod), pod, level, sizer)


def _folded(parent: str, pods: list[Slim], sizer: _Sizer) -> Sector:
    stats = _Stats(pods, sizer)
    return {
        "parent": parent,
        **labelled(f"{stats.pods} pods"),
        "value": stats.value,
        "colour": stats.colour,
        "hover": hover_lines(_counted(stats), _pod_rows(stats, sizer)),
        "kind": "pods",
    }


def _add_pod(
    sectors: dict[str, Sector], parent: str, pod: PodFacts, slim: Slim, level: str, sizer: _Sizer
) -> None:
    s = pod.summary
    pod_id = f"pod/{s.namespace}/{s.name}"
    leaf = level != CONTAINERS
    rows: list[tuple[str, object]] = [
        ("state", f"{s.state} ({s.reason})" if s.reason else s.state),
        ("ready", s.readiness),
        ("restarts", s.restarts),
        ("QoS", s.qos),
        ("node", s.node or "not scheduled"),
        ("requests", _requests(pod.cpu_request, pod.memory_request)),
        ("click", "open the pod's page"),
    ]
    sectors[pod_id] = {
        "parent": parent,
        **labelled(s.name),
        "value": slim.value if leaf else 0,
        "colour": STATE_COLOURS[s.state],
        "hover": hover_lines(f"pod {s.name}", rows),
        "kind": "pod",
        "pod": f"{s.namespace}/{s.name}",
        "state": s.state,
    }
    if leaf:
        return
    values = sizer.children(pod)
    for container, value in zip(pod.containers, values, strict=False):
        sectors[f"{pod_id}/{container.role}/{container.name}"] = {
            "parent": pod_id,
            **labelled(_container_label(container)),
            "value": round(value, 4),
            "colour": CONTAINER_COLOURS[container.condition],
            "hover": hover_lines(f"{container.role} container {container.name}", _rows(container)),
            "kind": "container",
            "pod": f"{s.namespace}/{s.name}",
            "container": container.name,
        }
    sectors[f"{pod_id}/sandbox"] = {
        "parent": pod_id,
        **labelled("pause"),
        "value": round(values[-1], 4),
        "colour": SANDBOX_COLOUR,
        "hover": hover_lines(
            "pod sandbox (the pause container)",
            [("holds", "the pod's network namespace and IP; the containers join it")],
        ),
        "kind": "sandbox",
        "pod": f"{s.namespace}/{s.name}",
        "sandbox": True,
    }


def _container_label(container: ContainerFacts) -> str:
    return {"init": "init: ", "ephemeral": "debug: "}.get(container.role, "") + container.name


def _rows(container: ContainerFacts) -> list[tuple[str, object]]:
    state = container.condition + (f" ({container.detail})" if container.detail else "")
    return [
        ("image", container.image),
        ("state", state),
        ("restarts", container.restarts),
        ("requests", _requests(container.cpu_request, container.memory_request)),
    ]


def _requests(cpu: int, memory: int) -> str:
    if not cpu and not memory:
        return "none"
    return f"cpu {format_millicores(cpu)}, memory {format_bytes(memory)}"


class _Stats:
    """What a sector of many pods says of them, read in one pass over them."""

    __slots__ = ("colour", "cpu", "memory", "pods", "states", "value")

    def __init__(self, pods: list[Slim], sizer: _Sizer) -> None:
        self.pods = len(pods)
        self.states = Counter(p.state for p in pods)
        self.value = sizer.pods(pods)
        self.colour = STATE_COLOURS[worst(list(self.states))] if pods else MORE_COLOUR
        counted = sizer.size != "count"
        self.cpu = sum(p.cpu_request for p in pods) if counted else 0
        self.memory = sum(p.memory_request for p in pods) if counted else 0


def _pod_rows(stats: _Stats, sizer: _Sizer) -> list[tuple[str, object]]:
    states = stats.states
    rows: list[tuple[str, object]] = [("pods", stats.pods)]
    rows += [(state, states[state]) for state in STATE_COLOURS if states[state]]
    if sizer.size != "count":
        rows.append(("requests", _requests(stats.cpu, stats.memory)))
    return rows


def _concerns(params: Params, change: Change) -> bool:
    """One namespace's hierarchy reads only that namespace's objects (and Namespaces)."""
    return _scope(params) in (ALL, change.namespace) or change.kind == "Namespace"


VIEW = View(
    "hierarchy",
    hierarchy,
    KINDS,
    params=("cluster", "namespace", "size"),
    optional=("root",),  # a sector id: that sector's subtree (a folded one opened)
    memo=HierarchyIndex,
    update=update_hierarchy,
    concerns=_concerns,
)
