"""One node: conditions, capacity vs allocatable vs requested, taints, its Lease heartbeat, its
pods. (Its cgroup tree is the `cgroup-tree` view.)

Params: `cluster`, `name`. Strings are plain text (the page sets them as text), except
`bars.hover`, which is Plotly pseudo-HTML, escaped. `lease.renew_time` is the Lease's renewTime
as the API wrote it: the page counts the age from it with its own clock, so the age stays live
without rebuilding the model every second.

Requested is what the scheduler counts (`collectors/scheduling/resources.py`): for each pod on
the node that is not finished, its containers and sidecars summed against each init container
with the sidecars started before it, plus its overhead.
"""

from __future__ import annotations

from typing import Any

from explorer.collectors.scheduling.resources import counted_requests
from explorer.lib.objects import meta_of, spec_of, status_of
from explorer.lib.quantities import (
    QuantityError,
    cpu_millicores,
    format_bytes,
    format_millicores,
    memory_bytes,
)
from explorer.state.cluster_state import ClusterState

from ..base import Params, View, on_node
from ..plotly_text import hover_lines
from ..pod_summary import summarise

RESOURCES = ("cpu", "memory", "pods", "ephemeral-storage")
NODE_LEASE_NAMESPACE = "kube-node-lease"


def _parse(resource: str, value: object) -> int:
    try:
        return cpu_millicores(value) if resource == "cpu" else memory_bytes(value)  # type: ignore[arg-type]
    except (QuantityError, ValueError, TypeError):
        return 0


def _show(resource: str, amount: int) -> str:
    if resource == "cpu":
        return format_millicores(amount)
    if resource == "pods":
        return str(amount)
    return format_bytes(amount)


def pod_requests(pod: dict) -> dict[str, int]:
    """What the scheduler counts a pod as asking for (cpu in millicores, the rest in units),
    counted by `collectors/scheduling/resources.py`, as the headroom page counts it."""
    asked = counted_requests(pod)
    return {"pods": 1, **{r: asked.get(r, 0) for r in ("cpu", "memory", "ephemeral-storage")}}


def node_view(state: ClusterState, params: Params, memo: Any = None) -> dict[str, Any]:
    name = params["name"]
    node = state.get("Node", "", name)
    if node is None:
        return {"found": False, "header": {"cluster": state.cluster, "name": name}}
    meta, spec, status = (
        meta_of(node),
        spec_of(node),
        status_of(node),
    )
    pods = state.pods_on_node(name)
    active = [p for p in pods if status_of(p).get("phase") not in ("Succeeded", "Failed")]
    requested: dict[str, int] = dict.fromkeys(RESOURCES, 0)
    for pod in active:
        for resource, amount in pod_requests(pod).items():
            requested[resource] += amount
    lease = state.get("Lease", NODE_LEASE_NAMESPACE, name)
    info = status.get("nodeInfo") or {}
    return {
        "found": True,
        "header": {
            "cluster": state.cluster,
            "name": name,
            "uid": meta.get("uid") or "",
            "created": meta.get("creationTimestamp") or "",
            "addresses": [
                f"{a.get('type', '')} {a.get('address', '')}" for a in status.get("addresses") or ()
            ],
            "pod_cidr": spec.get("podCIDR") or "",
            "unschedulable": bool(spec.get("unschedulable")),
            "kubelet": info.get("kubeletVersion", ""),
            "runtime": info.get("containerRuntimeVersion", ""),
            "os": f"{info.get('osImage', '')} ({info.get('kernelVersion', '')})",
            "roles": sorted(
                k.removeprefix("node-role.kubernetes.io/")
                for k in meta.get("labels") or {}
                if k.startswith("node-role.kubernetes.io/")
            ),
        },
        "conditions": [
            {
                "type": str(c.get("type", "")),
                "status": str(c.get("status", "")),
                "reason": str(c.get("reason", "")),
                "message": str(c.get("message", "")),
                "since": str(c.get("lastTransitionTime", "")),
                "healthy": (c.get("status") == "True") == (c.get("type") == "Ready"),
            }
            for c in status.get("conditions") or ()
        ],
        "resources": resources_table(status, requested),
        "bars": bars(status, requested),
        "taints": [
            {
                "key": str(t.get("key", "")),
                "value": str(t.get("value", "")),
                "effect": str(t.get("effect", "")),
            }
            for t in spec.get("taints") or ()
        ],
        "lease": {
            "found": lease is not None,
            "holder": spec_of(lease).get("holderIdentity", ""),
            "renew_time": spec_of(lease).get("renewTime", ""),
            "duration_seconds": spec_of(lease).get("leaseDurationSeconds", 40),
        },
        "pods": [_pod_row(p) for p in pods],
    }


def resources_table(status: dict, requested: dict[str, int]) -> list[dict[str, Any]]:
    capacity, allocatable = status.get("capacity") or {}, status.get("allocatable") or {}
    rows = []
    for resource in RESOURCES:
        cap = _parse(resource, capacity.get(resource, 0))
        alloc = _parse(resource, allocatable.get(resource, 0))
        asked = requested.get(resource, 0)
        rows.append(
            {
                "resource": resource,
                "capacity": cap,
                "allocatable": alloc,
                "requested": asked,
                "reserved": cap - alloc,
                "free": alloc - asked,
                "shown": {
                    k: _show(resource, v)
                    for k, v in (
                        ("capacity", cap),
                        ("allocatable", alloc),
                        ("requested", asked),
                        ("reserved", cap - alloc),
                        ("free", alloc - asked),
                    )
                },
                "percent_requested": round(100 * asked / alloc, 1) if alloc else None,
            }
        )
    return rows


def bars(status: dict, requested: dict[str, int]) -> dict[str, Any]:
    """Capacity, allocatable and requested as percentages of capacity, one group per resource
    (so cpu and memory share an axis); the hover says the amounts."""
    rows = resources_table(status, requested)
    series: dict[str, Any] = {}
    for key in ("capacity", "allocatable", "requested"):
        series[key] = {
            "x": [r["resource"] for r in rows],
            "y": [round(100 * r[key] / r["capacity"], 2) if r["capacity"] else 0 for r in rows],
            "hover": [hover_lines(f"{r['resource']} {key}", _bar_rows(r, key)) for r in rows],
        }
    return series


def _bar_rows(row: dict[str, Any], key: str) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [("amount", row["shown"][key])]
    if key == "requested" and row["percent_requested"] is not None:
        rows.append(("of allocatable", f"{row['percent_requested']}%"))
    return rows


def _pod_row(pod: dict) -> dict[str, Any]:
    s = summarise(pod)
    asked = pod_requests(pod)
    return {
        "namespace": s.namespace,
        "name": s.name,
        "state": s.state,
        "ready": s.readiness,
        "restarts": s.restarts,
        "qos": s.qos,
        "cpu": format_millicores(asked["cpu"]),
        "memory": format_bytes(asked["memory"]),
        "ip": status_of(pod).get("podIP") or "",
    }


VIEW = View(
    "node",
    node_view,
    frozenset({"Node", "Pod", "Lease"}),
    params=("cluster", "name"),
    concerns=lambda params, change: change.kind != "Pod" or on_node(change, params["name"]),
)
