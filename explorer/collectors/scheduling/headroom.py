"""Headroom: each node's allocatable against what the pods bound to it request and limit, and
where a pod of a given size still fits.

Per node (`node_headroom`): `status.allocatable` against the sums, over the pods bound to it
that have not finished (Succeeded and Failed pods hold nothing, as in the scheduler's cache),
of their requests and of their limits — each pod counted by `resources.py`
(`counted_requests`, `counted_limits`: init containers as the max against the regular sum,
sidecars beside them, the overhead added), never summed another way. "pods" is the count of
those pods against the node's `pods` allocatable. The resources are cpu, memory, pods,
ephemeral-storage and every scalar one (`nvidia.com/gpu`, `hugepages-*`) that some node offers
or some pod asks for (`resources_present`).

Where a pod fits (`where_it_fits`): a pod of the size asked (`PodSize`: requests, a
nodeSelector, a taint it tolerates) run through the scheduler's filters that such a pod meets —
NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit, in the scheduler's order
(`filters.py`), so the reasons are the scheduler's own strings (`Insufficient cpu`, `Too many
pods`, `node(s) had untolerated taint {key: value}`, …). A node is rejected by the first that
fails, which may give several reasons (NodeResourcesFit names every resource short).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from explorer.lib.objects import name_of

from . import filters as f
from . import resources as res
from .versions import Version

FIRST = (res.CPU, res.MEMORY, res.PODS, res.EPHEMERAL_STORAGE)  # the columns that always show


@dataclass(frozen=True, slots=True)
class NodeHeadroom:
    """One node's room, in the scheduler's units (cpu in millicores, the rest in whole units;
    "pods" a count). A resource absent from `limits` is limited by no pod on the node."""

    name: str
    allocatable: Mapping[str, int]
    requested: Mapping[str, int]
    limits: Mapping[str, int]
    unlimited: Mapping[str, int] = field(default_factory=dict)  # pods with no limit, per resource

    def fraction(self, resource: str) -> float | None:
        """requested / allocatable; None when the node offers none of it."""
        room = self.allocatable.get(resource, 0)
        if room <= 0:
            return None
        return self.requested.get(resource, 0) / room

    def free(self, resource: str) -> int:
        return self.allocatable.get(resource, 0) - self.requested.get(resource, 0)


def _active(pods: Iterable[Mapping]) -> list[Mapping]:
    return [pod for pod in pods if not res.is_terminal(pod)]


def node_headroom(
    node: Mapping, pods: Iterable[Mapping], *, pod_level: bool = True
) -> NodeHeadroom:
    """A node's headroom from the pods bound to it (terminal ones are left out here)."""
    active = _active(pods)
    requested: dict[str, int] = {res.PODS: len(active)}
    limits: dict[str, int] = {}
    limited: Counter[str] = Counter()
    for pod in active:
        for name, amount in res.counted_requests(pod, pod_level_resources=pod_level).items():
            requested[name] = requested.get(name, 0) + amount
        for name, amount in res.counted_limits(pod, pod_level_resources=pod_level).items():
            limits[name] = limits.get(name, 0) + amount
            limited[name] += 1
    unlimited = {
        name: len(active) - limited[name]
        for name in (res.CPU, res.MEMORY)
        if len(active) - limited[name] > 0
    }
    return NodeHeadroom(name_of(node), res.allocatable(node), requested, limits, unlimited)


def cluster_headroom(
    nodes: Iterable[Mapping],
    pods_on: Callable[[str], Iterable[Mapping]],
    *,
    pod_level: bool = True,
) -> list[NodeHeadroom]:
    """Every node's headroom, by name (`pods_on(name)`: the pods bound to that node)."""
    rows = [node_headroom(n, pods_on(name_of(n)), pod_level=pod_level) for n in nodes]
    return sorted(rows, key=lambda row: row.name)


def resources_present(rows: Sequence[NodeHeadroom]) -> tuple[list[str], list[str]]:
    """The resources to show — cpu, memory, pods, ephemeral-storage, then every scalar resource
    some node offers or some pod requests, by name — and the scalar ones every node lists at 0
    and no pod asks for (left out, and said to be)."""
    offered: set[str] = set()
    listed: set[str] = set()
    for row in rows:
        listed.update(row.allocatable)
        offered.update(name for name, amount in row.allocatable.items() if amount > 0)
        offered.update(name for name, amount in row.requested.items() if amount > 0)
    scalar = sorted(name for name in offered if res.is_scalar_resource(name))
    idle = sorted(name for name in listed - offered if res.is_scalar_resource(name))
    return [*FIRST, *scalar], idle


def totals(rows: Iterable[NodeHeadroom], resources: Sequence[str]) -> dict[str, dict[str, int]]:
    """The cluster's allocatable, requested and limits per resource, summed over the nodes."""
    found = {name: {"allocatable": 0, "requested": 0, "limits": 0} for name in resources}
    for row in rows:
        for name in resources:
            found[name]["allocatable"] += row.allocatable.get(name, 0)
            found[name]["requested"] += row.requested.get(name, 0)
            found[name]["limits"] += row.limits.get(name, 0)
    return found


# --- where a pod of a given size fits ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PodSize:
    """What is asked: requests as the API writes them (`{"cpu": "500m", "memory": "1Gi"}`), a
    nodeSelector, and optionally the key of a taint the pod tolerates (any value and effect)."""

    requests: Mapping[str, str]
    node_selector: Mapping[str, str] = field(default_factory=dict)
    tolerates: str = ""


def pod_of_size(size: PodSize) -> dict:
    """A pod of that size, not yet scheduled, as the API server would keep it."""
    spec: dict = {
        "containers": [{"name": "sized", "resources": {"requests": dict(size.requests)}}],
    }
    if size.node_selector:
        spec["nodeSelector"] = dict(size.node_selector)
    if size.tolerates:
        spec["tolerations"] = [{"key": size.tolerates, "operator": "Exists"}]
    return {
        "kind": "Pod",
        "metadata": {"name": "a-pod-of-this-size", "namespace": "default"},
        "spec": spec,
        "status": {"phase": "Pending"},
    }


FIT_FILTERS: tuple[f.Filter, ...] = (
    f.node_unschedulable,
    f.taint_toleration,
    f.node_affinity,
    f.node_resources_fit,
)


@dataclass(frozen=True, slots=True)
class Rejection:
    node: str
    plugin: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FitAnswer:
    fits: tuple[str, ...]  # the nodes it fits on now, by name
    rejected: tuple[Rejection, ...]  # the others, each with the first filter that failed
    reasons: Mapping[str, int]  # reason -> nodes, as the scheduler's histogram counts them


def verdict_on(
    pod: Mapping, node: Mapping, pods: Sequence[Mapping], version: Version
) -> Rejection | None:
    """The first of FIT_FILTERS that turns `pod` away from `node` (`pods`: those bound to it),
    or None when it fits there. These filters read the node and its own pods only."""
    view = f.ClusterView([node], pods, version)
    for check in FIT_FILTERS:
        verdict = check(pod, node, view)
        if verdict.passed is False:
            return Rejection(name_of(node), verdict.plugin, verdict.reasons)
    return None


def answer_of(verdicts: Mapping[str, Rejection | None]) -> FitAnswer:
    """The answer from each node's verdict (node name -> rejection, None where it fits)."""
    fits = tuple(name for name in sorted(verdicts) if verdicts[name] is None)
    rejected = tuple(verdicts[name] for name in sorted(verdicts) if verdicts[name] is not None)
    reasons = Counter(reason for r in rejected for reason in r.reasons)  # type: ignore[union-attr]
    return FitAnswer(fits, rejected, dict(sorted(reasons.items())))  # type: ignore[arg-type]


def where_it_fits(
    size: PodSize,
    nodes: Iterable[Mapping],
    pods_on: Callable[[str], Iterable[Mapping]],
    version: Version,
) -> FitAnswer:
    """The nodes a pod of `size` fits on now, and why each other node turns it away
    (`pods_on(name)`: the pods bound to that node)."""
    pod = pod_of_size(size)
    verdicts = {
        name_of(node): verdict_on(pod, node, list(pods_on(name_of(node))), version)
        for node in nodes
    }
    return answer_of(verdicts)
