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

A node's pods may be given as (phase, sizing) pairs (`sized_headroom`, `verdict_on_counted`):
the sizing is the pod, or what a page keeps of it shaped like a pod as far as its size goes
(the state's pod records, shared by the pods of one template), so a walk over every node reads
no whole pod; `Counts` counts each sizing object once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from explorer.lib.objects import name_of, status_of

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


# (status.phase, the pod or its sizing): what a node's headroom reads of each of its pods
Sized = tuple[str, Mapping]


class Counts:
    """Each sizing's counted requests and limits (`resources.py`: `pod_requests`, the limits in
    the scheduler's units), worked out once per sizing object — the pods of one template share
    one — and kept with the object, so that its id is not another's. Emptied past `LIMIT`
    objects (sizings not shared, as a bundle's records make them, are one per pod)."""

    LIMIT = 50_000

    def __init__(self, pod_level: bool = True) -> None:
        self.pod_level = pod_level
        self._counted: dict[int, tuple[Mapping, dict[str, int], dict[str, int]]] = {}

    def __len__(self) -> int:
        return len(self._counted)

    def of(self, sizing: Mapping) -> tuple[dict[str, int], dict[str, int]]:
        """(requests, limits) of a pod of that sizing. Do not change the dicts."""
        found = self._counted.get(id(sizing))
        if found is None or found[0] is not sizing:
            if len(self._counted) >= self.LIMIT:
                self._counted.clear()
            level = self.pod_level
            found = (
                sizing,
                res.pod_requests(sizing, pod_level_resources=level),
                res.in_scheduler_units(res.pod_limit_amounts(sizing, pod_level_resources=level)),
            )
            self._counted[id(sizing)] = found
        return found[1], found[2]


def sized(pods: Iterable[Mapping]) -> Iterator[Sized]:
    """Pods as (phase, sizing) pairs: each pod is its own sizing."""
    return ((str(status_of(pod).get("phase") or ""), pod) for pod in pods)


def sized_headroom(node: Mapping, pods: Iterable[Sized], counts: Counts) -> NodeHeadroom:
    """A node's headroom from the (phase, sizing) of the pods bound to it (terminal ones are
    left out here), counted for `counts.pod_level`."""
    active = 0
    requested: dict[str, int] = {}
    limits: dict[str, int] = {}
    limited: Counter[str] = Counter()
    for phase, sizing in pods:
        if phase in res.TERMINAL_PHASES:
            continue
        active += 1
        asks, caps = counts.of(sizing)
        for name, amount in asks.items():
            requested[name] = requested.get(name, 0) + amount
        for name, amount in caps.items():
            limits[name] = limits.get(name, 0) + amount
            limited[name] += 1
    unlimited = {
        name: active - limited[name] for name in (res.CPU, res.MEMORY) if active - limited[name] > 0
    }
    requested = {res.PODS: active, **requested}
    return NodeHeadroom(name_of(node), res.allocatable(node), requested, limits, unlimited)


def node_headroom(
    node: Mapping, pods: Iterable[Mapping], *, pod_level: bool = True
) -> NodeHeadroom:
    """A node's headroom from the pods bound to it (terminal ones are left out here)."""
    return sized_headroom(node, sized(pods), Counts(pod_level))


def cluster_headroom(
    nodes: Iterable[Mapping],
    pods_on: Callable[[str], Iterable[Mapping]],
    *,
    pod_level: bool = True,
) -> list[NodeHeadroom]:
    """Every node's headroom, by name (`pods_on(name)`: the pods bound to that node)."""
    return cluster_sized_headroom(nodes, lambda name: sized(pods_on(name)), Counts(pod_level))


def cluster_sized_headroom(
    nodes: Iterable[Mapping], sized_on: Callable[[str], Iterable[Sized]], counts: Counts
) -> list[NodeHeadroom]:
    """Every node's headroom, by name (`sized_on(name)`: the (phase, sizing) of the pods bound
    to that node)."""
    rows = [sized_headroom(n, sized_on(name_of(n)), counts) for n in nodes]
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
    return _first_rejection(pod, node, f.ClusterView([node], pods, version))


@dataclass
class _CountedView(f.ClusterView):
    """A view of one node whose pods are known counted and summed — its headroom — rather than
    one by one: all FIT_FILTERS read of them (how many, and what they request together)."""

    counted: NodeHeadroom | None = None

    def pods_on(self, node_name: str) -> Sequence:  # only counted: stand-ins, not pods
        row = self.counted
        if row is None or row.name != node_name:
            return []
        return range(row.requested.get(res.PODS, 0))

    def requested_on(self, node_name: str, *, pod_level: bool) -> dict[str, int]:
        row = self.counted
        if row is None or row.name != node_name:
            return {}
        return {name: amount for name, amount in row.requested.items() if name != res.PODS}


def verdict_on_counted(
    pod: Mapping, node: Mapping, counted: NodeHeadroom, version: Version
) -> Rejection | None:
    """`verdict_on`, from the node's headroom (`sized_headroom`, counted for `version`: pod-level
    resources from 1.34) instead of its pods: the same verdict, no pod read."""
    return _first_rejection(pod, node, _CountedView([node], [], version, counted=counted))


def _first_rejection(pod: Mapping, node: Mapping, view: f.ClusterView) -> Rejection | None:
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
