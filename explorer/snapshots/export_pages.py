"""Which pages a one-file export holds, and their models: the level of detail.

Every export holds the overview, the workload hierarchy, every event, the scheduling history, the
network index (what the service chain page's choices are filled from) and the storage page. Then,
while a byte budget lasts, the pages of the pinned objects; the nodes' pages (the node, its cgroup
tree, its service chains); the pods' pages, the worst first (as the overview colours them: failed,
terminating, not ready, pending …); and the object pages of every other kind but Event (the events
page holds them). Each group may spend its share of the budget and what the groups before it left;
a page that does not fit ends its group, so that a big cluster's export costs no more to build than
it holds. The models come from the app's own view functions (`viewmodels/registry.py`), as the
pages would be sent them live.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypedDict

import orjson

from explorer.lib.objects import name_of, namespace_of
from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.objects.page import CLUSTER_SCOPED
from explorer.viewmodels.pod_summary import STATE_COLOURS, summarise
from explorer.viewmodels.registry import get_view

DEFAULT_BUDGET = 4 * 1024 * 1024  # bytes of model JSON beyond the pages every export holds
SHARES = (("pinned", 0.15), ("nodes", 0.3), ("pods", 0.35), ("objects", 0.2))
OWN_PAGES = frozenset({"Pod", "Node", "Event"})  # kinds not shown by the object page here
# the kinds whose object pages an incident's reader opens first; then the others by name
KIND_ORDER = (
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Service",
    "Ingress",
    "EndpointSlice",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "Namespace",
)
SEVERITY = {state: rank for rank, state in enumerate(STATE_COLOURS)}

Params = dict[str, str]


class Pin(TypedDict):
    kind: str
    namespace: str
    name: str
    note: str


@dataclass(frozen=True, slots=True)
class Embedded:
    """One model as a page subscribes to it: the view, its parameters, the model's JSON."""

    view: str
    params: Params
    json: bytes


@dataclass
class Holdings:
    """The models an export holds, and how many pages of each group it holds of how many."""

    models: list[Embedded] = field(default_factory=list)
    held: dict[str, int] = field(default_factory=dict)
    of: dict[str, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(len(model.json) for model in self.models)


Page = list[tuple[str, Params]]  # the (view, params) a page subscribes to


def holdings(
    state: ClusterState, cluster: str, pins: Iterable[Pin], budget: int = DEFAULT_BUDGET
) -> Holdings:
    """The models of the pages an export of `state` holds, within `budget` bytes beyond the
    pages every export holds (see the module's doc)."""
    held = Holdings()
    built = _Builder(state, cluster)
    for view, params in _always():
        held.models.append(built(view, params))
    groups: dict[str, Callable[[], Iterator[Page]]] = {
        "pinned": lambda: (_page_of(pin["kind"], pin["namespace"], pin["name"]) for pin in pins),
        "nodes": lambda: (_node_page(name) for name in sorted(map(name_of, state.list("Node")))),
        "pods": lambda: (_page_of("Pod", namespace_of(p), name_of(p)) for p in _worst_first(state)),
        "objects": lambda: _object_pages(state),
    }
    left = 0
    for group, share in SHARES:
        left += int(budget * share)
        left = _fill(held, group, groups[group](), built, left)
    return held


def _fill(held: Holdings, group: str, pages: Iterator[Page], built, left: int) -> int:
    """Adds the pages while they fit in `left` bytes; returns what is left."""
    have = {(model.view, orjson.dumps(model.params)) for model in held.models}
    count = total = 0
    fits = True
    for page in pages:
        total += 1
        if not fits:
            continue
        new = [(view, params) for view, params in page if (view, orjson.dumps(params)) not in have]
        models = [built(view, params) for view, params in new]
        size = sum(len(model.json) for model in models)
        if size > left:
            fits = False
            continue
        left -= size
        count += 1
        held.models.extend(models)
        have.update((model.view, orjson.dumps(model.params)) for model in models)
    held.held[group], held.of[group] = count, total
    return left


class _Builder:
    def __init__(self, state: ClusterState, cluster: str) -> None:
        self.state, self.cluster = state, cluster

    def __call__(self, view: str, params: Params) -> Embedded:
        found = get_view(view)
        full = {"cluster": self.cluster, **params}
        model: dict[str, Any] = found.build(self.state, full, found.memo())
        return Embedded(view, full, orjson.dumps(model))


def _always() -> Page:
    return [
        ("overview", {}),
        ("hierarchy", {"namespace": "*", "size": "count"}),
        ("events", {"namespace": "*", "object": "*"}),
        ("scheduling-history", {}),
        ("network-index", {}),
        ("storage", {}),
    ]


def _page_of(kind: str, namespace: str, name: str) -> Page:
    if kind == "Pod":
        return [("pod", {"namespace": namespace, "name": name})]
    if kind == "Node":
        return _node_page(name)
    return [("object", {"kind": kind, "namespace": namespace or CLUSTER_SCOPED, "name": name})]


def _node_page(name: str) -> Page:
    return [
        ("node", {"name": name}),
        ("cgroup-tree", {"node": name, "size": "limit"}),
        ("node-volumes", {"name": name}),
        ("service-chains", {"node": name, "service": "*"}),
    ]


def _worst_first(state: ClusterState) -> list[dict]:
    def rank(pod: dict) -> tuple:
        summary = summarise(pod)
        return (SEVERITY.get(summary.state, 0), -summary.restarts, summary.namespace, summary.name)

    return sorted(state.list("Pod"), key=rank)


def _object_pages(state: ClusterState) -> Iterator[Page]:
    kinds = set(state.kinds()) - OWN_PAGES
    for kind in [*(k for k in KIND_ORDER if k in kinds), *sorted(kinds - set(KIND_ORDER))]:
        for obj in state.list(kind):
            yield _page_of(kind, namespace_of(obj), name_of(obj))
