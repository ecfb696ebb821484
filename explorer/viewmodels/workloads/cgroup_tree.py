"""A node's cgroup tree with Kubernetes meaning: kubepods → QoS class → pod → container, as a
Plotly sunburst sized by memory limit or usage, with expected-vs-actual differences marked.

Params: `cluster`, `node`, `size` (`limit` or `usage`). Reads the node's recorded cgroup facts
(`state.node_facts[node]["cgroups"]`, the form of explorer/demo/facts/cgroups.py) through the
cgroup collector's model (tree, pod/container mapping by UID and container ID, compare).

The model:
- `header`: cluster, node, whether facts were found, source, cgroup version and driver, what the
  sizes mean, counts, the cpu.weight mapping that matched.
- `sectors`: id (the cgroup path; `qos:guaranteed` for the level Guaranteed pods sit in, which
  has no cgroup of its own) → `{parent, label, value, colour, hover, kind, path, pod, container,
  container_id, differs}`. `pod` is `namespace/name`, `container` the container's name (the
  sandbox: `(sandbox)`); labels and hover are Plotly pseudo-HTML, cluster strings escaped.
- `differences`: every expected-vs-actual difference (plain strings), against the cluster as it
  was when the tree was taken; `in_flight`: those about pods that were changing then (not
  differences: the node follows a change a little later).
Sizes are MiB on the leaves (`branchvalues: "remainder"`): a cgroup without a memory limit is
drawn at NOMINAL_MIB and says so.
"""

from __future__ import annotations

from typing import Any

from explorer.collectors.cgroups.compare import Difference, compare
from explorer.collectors.cgroups.limits import Limits
from explorer.collectors.cgroups.mapping import PodMapping, map_pods
from explorer.collectors.cgroups.tree import (
    CgroupTree,
    ContainerCgroup,
    PodCgroup,
)
from explorer.lib.quantities import format_bytes
from explorer.state.as_of import InFlight, in_flight, state_as_of
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import (
    CGROUPS,
    NODE_FACTS_KIND,
    PROBE,
    TAKEN_AT,
    passed_over_for,
    taken_moment,
)
from explorer.state.parsed_facts import parsed_fact

from ..base import Params, View, ViewError, on_node
from ..plotly_text import described, plotly_text
from ..sectors import Sector

SIZES = ("limit", "usage")
NOMINAL_MIB = 16
MIB = 1024 * 1024
GUARANTEED_LEVEL = "qos:guaranteed"
QOS_COLOURS = {"guaranteed": "#2ca02c", "burstable": "#ff7f0e", "besteffort": "#9aa5b1"}
CONTAINER_COLOURS = {"guaranteed": "#98df8a", "burstable": "#ffbb78", "besteffort": "#d0d6dd"}
SANDBOX_COLOUR = "#b8c2cc"
KUBEPODS_COLOUR = "#e8edf3"
DIFFERS_COLOUR = "#d62728"


def recorded_tree(state: ClusterState, node: str) -> CgroupTree | None:
    """The node's collected cgroup tree, a copy of its own for this build to map."""
    tree = parsed_fact(state, node, CGROUPS)
    return tree.copy() if tree is not None else None


def pod_cgroups(state: ClusterState, node: str) -> dict[str, PodCgroup]:
    """Pod UID → its pod cgroup (containers within), on one node."""
    tree = recorded_tree(state, node)
    return {pod.uid: pod for pod in tree.pods} if tree is not None else {}


def cgroup_tree(state: ClusterState, params: Params, memo: Any = None) -> dict[str, Any]:
    node, size = params["node"], params["size"]
    if size not in SIZES:
        raise ViewError(f"size must be one of {', '.join(SIZES)}")
    header: dict[str, Any] = {"cluster": state.cluster, "node": node, "size": size}
    tree = recorded_tree(state, node)
    if tree is None:
        reason = "no such node" if state.get("Node", "", node) is None else "no cgroup facts"
        return {
            "header": {**header, "found": False, "reason": reason},
            "sectors": {},
            "differences": [],
        }
    # compared with the cluster as it was when the tree was taken (explorer/state/as_of.py)
    moment = taken_moment(state.node_facts.get(node) or {}, CGROUPS)
    then = state_as_of(state, moment) if moment is not None else state
    flying = in_flight(state, moment) if moment is not None else InFlight()
    pods = then.pods_on_node(node)
    mapping = map_pods(tree, pods)
    comparison = compare(tree, pods, then.get("Node", "", node), mapping=mapping)
    moving = _moving(comparison.differences, tree, flying)
    real = [d for d in comparison.differences if d not in moving]
    differing = _differing(real)
    usage = size == "usage" and _has_usage(tree)
    sectors = _sectors(tree, mapping, differing, usage)
    return {
        "header": {
            **header,
            "found": True,
            "source": tree.source,
            **_collected_by(state, node),
            "version": tree.version,
            "driver": tree.driver,
            "sized_by": _sized_by(size, usage),
            "counts": {
                "pods": len(tree.pods),
                "containers": sum(len(p.containers) for p in tree.pods),
                "checked": comparison.checked,
                "differences": len(real),
                "in_flight": len(moving),
            },
            "weight_mapping": comparison.weight_mapping,
        },
        "sectors": sectors,
        "differences": [_difference(d) for d in real],
        "in_flight": [_difference(d) for d in moving],
    }


def _collected_by(state: ClusterState, node: str) -> dict[str, Any]:
    """The probe that read the tree, when, and why the others that read trees were not used."""
    entry = state.node_facts.get(node) or {}
    fact = entry.get(CGROUPS)
    fact = fact if isinstance(fact, dict) else {}
    return {
        "probe": str(fact.get("probe") or entry.get(PROBE) or ""),
        "taken_at": str(fact.get("taken_at") or entry.get(TAKEN_AT) or ""),
        "passed_over": passed_over_for(entry, CGROUPS),
    }


def _sized_by(size: str, usage: bool) -> str:
    if usage:
        return "memory usage"
    if size == "usage":
        return "memory limit (no usage recorded for this node)"
    return "memory limit"


def _has_usage(tree: CgroupTree) -> bool:
    return any("memory_usage_bytes" in c.limits for p in tree.pods for c in p.containers)


def _moving(differences: list[Difference], tree: CgroupTree, flying: InFlight) -> list:
    """The differences about pods that were changing when the tree was taken (and the QoS
    levels' sums, when any pod of the node was): in flight, not differences."""
    if not flying:
        return []
    uids = [uid for uid in flying.pod_uids if uid]
    paths = {uid.replace("-", "_") for uid in uids} | set(uids)
    node_changing = any(pod.uid in flying.pod_uids for pod in tree.pods) or any(
        kind == "Pod" for kind, _, _ in flying.refs
    )

    def moving(d: Difference) -> bool:
        if d.level in ("kubepods", "qos"):
            return node_changing
        if d.pod and ("Pod", *d.pod.partition("/")[::2]) in flying.refs:
            return True
        return any(uid in (d.path or "") for uid in paths)

    return [d for d in differences if moving(d)]


def _differing(differences: list[Difference]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for d in differences:
        if d.path:
            found.setdefault(d.path, []).append(f"{d.what}: {d.actual}, expected {d.expected}")
    return found


def _difference(d: Any) -> dict[str, str]:
    return {
        "path": d.path or "",
        "level": d.level,
        "what": d.what,
        "expected": d.expected,
        "actual": d.actual,
        "pod": d.pod or "",
        "container": d.container or "",
        "text": str(d),
    }


def _sectors(
    tree: CgroupTree, mapping: PodMapping, differing: dict[str, list[str]], usage: bool
) -> dict[str, Sector]:
    root = tree.kubepods.path if tree.kubepods else "/kubepods"
    sectors: dict[str, Sector] = {
        root: _level(root, "", "kubepods", tree.kubepods.limits if tree.kubepods else {}, differing)
    }
    sectors[root]["colour"] = KUBEPODS_COLOUR
    for qos, level in sorted(tree.qos_levels.items()):
        sectors[level.path] = _level(level.path, root, qos, level.limits, differing)
    for pod in tree.pods:
        parent = _qos_parent(sectors, tree, pod, root)
        owner = mapping.pods.get(pod.path)
        _add_pod(sectors, parent, pod, owner, mapping, differing, usage)
    return sectors


def _qos_parent(sectors: dict[str, Sector], tree: CgroupTree, pod: PodCgroup, root: str) -> str:
    level = tree.qos_levels.get(pod.qos)
    if level is not None:
        return level.path
    if pod.qos == "guaranteed":
        if GUARANTEED_LEVEL not in sectors:
            sectors[GUARANTEED_LEVEL] = {
                "parent": root,
                "label": "guaranteed",
                "value": 0,
                "colour": QOS_COLOURS["guaranteed"],
                **described(
                    "Guaranteed pods",
                    [("cgroup", "none of its own: these pods sit directly under kubepods")],
                ),
                "kind": "qos",
                "path": root,
            }
        return GUARANTEED_LEVEL
    return root


def _level(path: str, parent: str, name: str, limits: Limits, differing: dict) -> Sector:
    return {
        "parent": parent,
        "label": plotly_text(name),
        "value": 0,
        "colour": QOS_COLOURS.get(name, KUBEPODS_COLOUR),
        **described(
            f"{name} cgroup", [("path", path), *_limit_rows(limits), *_diff_rows(path, differing)]
        ),
        "kind": "kubepods" if not parent else "qos",
        "path": path,
        "differs": path in differing,
    }


def _add_pod(
    sectors: dict[str, Sector],
    parent: str,
    pod: PodCgroup,
    owner: dict | None,
    mapping: PodMapping,
    differing: dict[str, list[str]],
    usage: bool,
) -> None:
    name = pod.name or f"unknown pod {pod.uid}"
    rows = [("pod", name), ("uid", pod.uid), ("QoS", pod.qos), ("path", pod.path)]
    if owner is None:
        rows.append(("note", "no pod with this UID on the node"))
    leaf = not pod.containers
    sectors[pod.path] = {
        "parent": parent,
        "label": plotly_text(name.partition("/")[2] or name),
        "value": _value(pod.limits, usage) if leaf else 0,
        "colour": DIFFERS_COLOUR if pod.path in differing else QOS_COLOURS[pod.qos],
        **described(
            f"pod cgroup of {name}",
            [*rows, *_limit_rows(pod.limits), *_diff_rows(pod.path, differing)],
        ),
        "kind": "pod",
        "path": pod.path,
        "pod": pod.name or "",
        "differs": pod.path in differing,
    }
    for container in pod.containers:
        sectors[container.path] = _container(pod, container, mapping, differing, usage)


def _container(
    pod: PodCgroup,
    container: ContainerCgroup,
    mapping: PodMapping,
    differing: dict[str, list[str]],
    usage: bool,
) -> Sector:
    sandbox = container.path in mapping.sandboxes
    name = "(sandbox)" if sandbox else container.name or "unknown container"
    title = "pod sandbox (pause)" if sandbox else f"container {name}"
    rows: list[tuple[str, object]] = [
        ("pod", pod.name or pod.uid),
        ("container ID", container.id),
        ("runtime", container.runtime or "?"),
        ("path", container.path),
    ]
    if sandbox:
        rows.append(("known by", mapping.sandboxes[container.path]))
    differs = container.path in differing
    colour = SANDBOX_COLOUR if sandbox else CONTAINER_COLOURS[pod.qos]
    return {
        "parent": pod.path,
        "label": plotly_text("pause" if sandbox else name),
        "value": _value(container.limits, usage),
        "colour": DIFFERS_COLOUR if differs else colour,
        **described(
            title, [*rows, *_limit_rows(container.limits), *_diff_rows(container.path, differing)]
        ),
        "kind": "sandbox" if sandbox else "container",
        "path": container.path,
        "pod": pod.name or "",
        "container": name,
        "container_id": container.id,
        "differs": differs,
    }


def _value(limits: Limits, usage: bool) -> float:
    if usage:
        return round(max(limits.get("memory_usage_bytes", 0) / MIB, 0.5), 3)
    limit = limits.get("memory_limit_bytes")
    return round(limit / MIB, 3) if limit else NOMINAL_MIB


def _limit_rows(limits: Limits) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = []
    if "memory_limit_bytes" in limits:
        limit = limits["memory_limit_bytes"]
        rows.append(("memory limit", "none (max)" if limit is None else format_bytes(limit)))
    if "memory_usage_bytes" in limits:
        rows.append(("memory usage", format_bytes(limits["memory_usage_bytes"])))
    if "cpu_quota_us" in limits:
        quota, period = limits["cpu_quota_us"], limits.get("cpu_period_us", 100000)
        rows.append(("cpu quota", "none (max)" if quota is None else f"{quota} µs per {period} µs"))
    for key, label in (("cpu_weight", "cpu.weight"), ("cpu_shares", "cpu.shares")):
        if key in limits:
            rows.append((label, limits[key]))  # type: ignore[literal-required]
    if "pids_max" in limits:
        rows.append(
            ("pids limit", "none (max)" if limits["pids_max"] is None else limits["pids_max"])
        )
    return rows


def _diff_rows(path: str, differing: dict[str, list[str]]) -> list[tuple[str, object]]:
    return [("DIFFERS", text) for text in differing.get(path, ())]


VIEW = View(
    "cgroup-tree",
    cgroup_tree,
    frozenset({"Pod", "Node", NODE_FACTS_KIND}),
    params=("cluster", "node", "size"),
    concerns=lambda params, change: change.kind != "Pod" or on_node(change, params["node"]),
)
