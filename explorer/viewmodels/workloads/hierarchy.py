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
controllers, the rest folded into one "… more" sector). Pick a namespace to see it finer.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from explorer.lib.quantities import format_bytes, format_millicores
from explorer.state.cluster_state import Change, ClusterState

from ..base import Params, View, ViewError
from ..links import object_link
from ..plotly_text import hover_lines, labelled
from ..pod_summary import STATE_COLOURS, worst
from ..sectors import Sector
from .pod_facts import (
    BARE,
    CONTAINER_COLOURS,
    SANDBOX_COLOUR,
    ContainerFacts,
    Owner,
    PodFacts,
    WorkloadFacts,
    lineage,
)

MAX_SECTORS = 3000
ALL = "*"
SIZES = ("count", "cpu", "memory")
CONTAINERS, PODS, GROUPS, CONTROLLERS, TOP = "containers", "pods", "groups", "controllers", "top"
NAMESPACE_COLOUR = "#eef1f5"
MORE_COLOUR = "#d9dee6"
MIB = 1024 * 1024
KINDS = frozenset(
    {"Pod", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Namespace"}
)


@dataclass
class _Group:
    """One controller (or middle owner) and what hangs under it."""

    owner: Owner
    pods: list[PodFacts] = field(default_factory=list)
    middles: dict[tuple[str, str], _Group] = field(default_factory=dict)

    def all_pods(self) -> list[PodFacts]:
        return self.pods + [p for m in self.middles.values() for p in m.pods]


def hierarchy(state: ClusterState, params: Params, memo: WorkloadFacts | None = None) -> dict:
    namespace, size = params["namespace"], params["size"]
    if size not in SIZES:
        raise ViewError(f"size must be one of {', '.join(SIZES)}")
    source = state.list("Pod") if namespace == ALL else state.list("Pod", namespace)
    pods = (memo or WorkloadFacts()).of(source)
    tree = _tree(state, pods)
    level = detail_level(tree, pods)
    sectors: dict[str, Sector] = {}
    sizer = _Sizer(size)
    for ns in sorted(tree):
        _add_namespace(sectors, ns, tree[ns], level, sizer, len(tree))
    states = Counter(p.summary.state for p in pods)
    return {
        "header": {
            "cluster": state.cluster,
            "namespace": namespace,
            "size": size,
            "detail": level,
            "counts": {
                "namespaces": len(tree),
                "controllers": sum(len(groups) for groups in tree.values()),
                "pods": len(pods),
                "sectors": len(sectors),
            },
            "states": {s: states[s] for s in STATE_COLOURS if states[s]},
        },
        "legend": {
            "pods": [{"state": s, "colour": c} for s, c in STATE_COLOURS.items()],
            "containers": [{"condition": s, "colour": c} for s, c in CONTAINER_COLOURS.items()]
            + [{"condition": "pod sandbox (pause)", "colour": SANDBOX_COLOUR}],
        },
        "sectors": sectors,
    }


Tree = dict[str, dict[tuple[str, str], _Group]]  # namespace → (kind, name) → group


def _tree(state: ClusterState, pods: list[PodFacts]) -> Tree:
    tree: Tree = defaultdict(dict)
    cache: dict[str, Owner | None] = {}
    for pod in pods:
        top, middle = lineage(state, pod, cache)
        groups = tree[pod.summary.namespace]
        group = groups.setdefault((top.kind, top.name), _Group(top))
        if middle is None:
            group.pods.append(pod)
        else:
            group.middles.setdefault((middle.kind, middle.name), _Group(middle)).pods.append(pod)
    return tree


def detail_level(tree: Tree, pods: list[PodFacts]) -> str:
    namespaces = len(tree)
    controllers = sum(len(groups) for groups in tree.values())
    middles = sum(len(g.middles) for groups in tree.values() for g in groups.values())
    upper = namespaces + controllers + middles
    if upper + len(pods) + sum(len(p.containers) + 1 for p in pods) <= MAX_SECTORS:
        return CONTAINERS
    if upper + len(pods) <= MAX_SECTORS:
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

    def pod(self, pod: PodFacts) -> float:
        return 1 if self.size == "count" else round(sum(self.children(pod)), 3)

    def pods(self, pods: list[PodFacts]) -> float:
        return round(sum(self.pod(p) for p in pods), 3)


def _add_namespace(
    sectors: dict[str, Sector],
    ns: str,
    groups: dict[tuple[str, str], _Group],
    level: str,
    sizer: _Sizer,
    namespaces: int,
) -> None:
    ns_id = f"ns/{ns}"
    pods = [p for g in groups.values() for p in g.all_pods()]
    sectors[ns_id] = {
        "parent": "",
        **labelled(ns),
        "value": 0,
        "colour": NAMESPACE_COLOUR,
        "hover": hover_lines(f"namespace {ns}", _pod_rows(pods, sizer)),
        "kind": "namespace",
        "link": object_link("Namespace", "", ns),
    }
    ordered = sorted(
        groups.values(), key=lambda g: (-len(g.all_pods()), g.owner.kind, g.owner.name)
    )
    if level == TOP:
        keep = max(1, (MAX_SECTORS - 2 * namespaces) // max(namespaces, 1) - 1)
        ordered, rest = ordered[:keep], ordered[keep:]
        if rest:
            folded = [p for g in rest for p in g.all_pods()]
            sectors[f"{ns_id}/more"] = {
                "parent": ns_id,
                **labelled(f"{len(rest)} more controllers"),
                "value": sizer.pods(folded),
                "colour": MORE_COLOUR,
                "hover": hover_lines(
                    f"{len(rest)} smaller controllers, folded",
                    [("hint", "pick this namespace to see them"), *_pod_rows(folded, sizer)],
                ),
                "kind": "more",
            }
    for group in ordered:
        _add_group(sectors, ns_id, ns, group, level, sizer, top=True)


def _add_group(
    sectors: dict[str, Sector],
    parent: str,
    ns: str,
    group: _Group,
    level: str,
    sizer: _Sizer,
    top: bool,
) -> None:
    owner = group.owner
    group_id = f"{parent}/{owner.kind}/{owner.name}" if owner.kind != BARE else f"{parent}/bare"
    pods = group.all_pods()
    leaf = level in (CONTROLLERS, TOP) and top
    title = "pods without a controller" if owner.kind == BARE else f"{owner.kind} {owner.name}"
    label = "bare pods" if owner.kind == BARE else f"{owner.kind} {owner.name}"
    sectors[group_id] = {
        "parent": parent,
        **labelled(label + (f" \u00d7{len(pods)}" if leaf else "")),
        "value": sizer.pods(pods) if leaf else 0,
        "colour": STATE_COLOURS[worst([p.summary.state for p in pods])],
        "hover": hover_lines(title, _pod_rows(pods, sizer)),
        "kind": "controller" if top else "owner",
    }
    if owner.kind != BARE:
        sectors[group_id]["link"] = object_link(owner.kind, ns, owner.name)
    if leaf:
        return
    for middle in sorted(group.middles.values(), key=lambda g: g.owner.name):
        _add_group(sectors, group_id, ns, middle, level, sizer, top=False)
    if not group.pods:
        return
    if level == GROUPS and len(group.pods) > 1:
        sectors[f"{group_id}/pods"] = _folded(group_id, group.pods, sizer)
        return
    for pod in sorted(group.pods, key=lambda p: p.summary.name):
        _add_pod(sectors, group_id, pod, level, sizer)


def _folded(parent: str, pods: list[PodFacts], sizer: _Sizer) -> Sector:
    return {
        "parent": parent,
        **labelled(f"{len(pods)} pods"),
        "value": sizer.pods(pods),
        "colour": STATE_COLOURS[worst([p.summary.state for p in pods])],
        "hover": hover_lines(f"{len(pods)} pods, folded", _pod_rows(pods, sizer)),
        "kind": "pods",
    }


def _add_pod(sectors: dict[str, Sector], parent: str, pod: PodFacts, level: str, sizer: _Sizer):
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
        "value": sizer.pod(pod) if leaf else 0,
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


def _pod_rows(pods: list[PodFacts], sizer: _Sizer) -> list[tuple[str, object]]:
    states = Counter(p.summary.state for p in pods)
    rows: list[tuple[str, object]] = [("pods", len(pods))]
    rows += [(state, states[state]) for state in STATE_COLOURS if states[state]]
    if sizer.size != "count":
        cpu = sum(p.cpu_request for p in pods)
        memory = sum(p.memory_request for p in pods)
        rows.append(("requests", _requests(cpu, memory)))
    return rows


def _concerns(params: Params, change: Change) -> bool:
    """One namespace's hierarchy reads only that namespace's objects (and Namespaces)."""
    return params["namespace"] in (ALL, change.namespace) or change.kind == "Namespace"


VIEW = View(
    "hierarchy",
    hierarchy,
    KINDS,
    params=("cluster", "namespace", "size"),
    memo=WorkloadFacts,
    concerns=_concerns,
)
