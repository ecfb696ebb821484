"""A Namespace's page: what is in it, counted by kind, the controllers and Services in it (each
a link), its quotas and limits, and the pages that show all of it (its workload hierarchy, its
events)."""

from __future__ import annotations

from explorer.lib.objects import name_of, spec_of
from explorer.state.cluster_state import ClusterState

from ..links import events_link, workloads_link
from .briefs import brief
from .sections import Cell, Described, linked, section, to

LISTED = (
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "CronJob",
    "Service",
    "ResourceQuota",
    "LimitRange",
)


def describe_namespace(state: ClusterState, namespace: dict) -> Described:
    name = name_of(namespace)
    counts = {kind: sum(1 for _ in state.list(kind, name)) for kind in sorted(state.kinds())}
    facts: list[tuple[str, Cell]] = [
        ("phase", brief(namespace) or "?"),
        ("holds", ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "nothing"),
        ("workloads", linked(f"the workload hierarchy of {name}", workloads_link(name))),
        ("events", linked(f"every event in {name}", events_link("", name, ""))),
    ]
    rows: list[list[Cell]] = []
    for kind in LISTED:
        for obj in state.list(kind, name):
            rows.append([kind, to(obj), _state(obj)])
    listed = section(
        "contents",
        "Controllers, Services, quotas and limits",
        ["kind", "name", "state"],
        rows,
        empty="none: see the workload hierarchy for bare pods",
    )
    return Described(facts, [listed])


def _state(obj: dict) -> str:
    if obj.get("kind") == "Service":
        spec = spec_of(obj)
        address = "headless" if spec.get("clusterIP") == "None" else spec.get("clusterIP") or ""
        return f"{spec.get('type') or 'ClusterIP'} {address}".strip()
    return brief(obj)


DESCRIBERS = {"Namespace": describe_namespace}
