"""`nodes/proxy`: the two kubelet endpoints an explorer reads through the API server, answered
from the node's recorded cgroup tree (`node_facts[node]["cgroups"]`, the form described in
explorer/state/node_facts.py) and the pods bound to the node.

- `metrics/cadvisor`: Prometheus text as the kubelet writes it — one sample per cgroup of
  `container_spec_memory_limit_bytes` (0: no limit), `container_spec_cpu_period`,
  `container_spec_cpu_quota` (only where a quota is set), `container_spec_cpu_shares` (a v2
  weight converted back to shares, as cAdvisor does), `container_threads_max`,
  `container_memory_usage_bytes` and, on cgroup v2, a pressure counter; labelled `id` (the
  cgroup path), `container` (empty for the pod sandbox and above), `image`, `name` (the
  container ID), `namespace` and `pod`;
- `stats/summary`: the kubelet's JSON summary (node, its `pods` system container, each pod and
  its containers), `availableBytes` where a memory limit is set, and each pod's `volume` list:
  a volume of a claim (`pvcRef`) with its bytes and inodes, from the node's recorded `storage`
  fact (the statvfs figures of the mounted volume), as kubelet reports a volume it measures.
The demo records no usage, so a cgroup without a recorded `memory.current` (or
`memory.usage_in_bytes`) gets a stable made-up figure, and parents the sum of their containers.

Honours the Policy (`get` on `nodes/proxy`, else 403); an unknown node is 404 NotFound, a
path the kubelet does not serve its own plain-text 404, and a node with no recorded tree 503
(as when the API server cannot reach a kubelet).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from explorer.lib.objects import meta_of, name_of, spec_of, status_of, uid_of
from explorer.lib.quantities import memory_bytes
from explorer.lib.resources import BY_KIND

from .context import CONTEXT_KEY, ServerContext
from .duration import now_rfc3339
from .status import ApiError, not_found

NODES = BY_KIND["Node"]
CADVISOR, SUMMARY = "metrics/cadvisor", "stats/summary"
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"
PAUSE_IMAGE = "registry.k8s.io/pause:3.10"
UNLIMITED_FROM = 2**62  # v1 prints "no memory limit" as 2^63 rounded down to a page
STATUS_FIELDS = ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses")
_POD = re.compile(r"pod([0-9a-fA-F]{8}[-_](?:[0-9a-fA-F]{4}[-_]){3}[0-9a-fA-F]{12})(?:\.slice)?$")
_CONTAINER_ID = re.compile(r"([0-9a-f]{64}|[0-9a-f]{12,})(?:\.scope)?$")


@dataclass(slots=True)
class Cgroup:
    """One recorded cgroup as the kubelet's cAdvisor names it."""

    id: str  # the cgroup path, from the hierarchy's root
    files: dict[str, str]
    pod: dict | None = None
    container: str = ""  # the container's name; "" for the sandbox, a pod or a level
    image: str = ""
    name: str = ""  # the container ID ("" for a pod or a level)
    usage: int = 0
    children: list[Cgroup] = field(default_factory=list)

    @property
    def is_container(self) -> bool:
        return bool(self.name)


def _number(files: dict[str, str], *names: str) -> int | None:
    """The first of the files that holds a number; None for none, `max`, -1 or v1's 2^63."""
    for name in names:
        text = files.get(name, "").split()
        if text and text[0].lstrip("-").isdigit():
            value = int(text[0])
            return None if value < 0 or value >= UNLIMITED_FROM else value
    return None


def memory_limit(files: dict[str, str]) -> int:
    return _number(files, "memory.max", "memory.limit_in_bytes") or 0


def cpu_quota_period(files: dict[str, str]) -> tuple[int | None, int | None]:
    if "cpu.max" in files:
        quota, _, period = files["cpu.max"].partition(" ")
        return (int(quota) if quota.isdigit() else None), (
            int(period) if period.isdigit() else None
        )
    return _number(files, "cpu.cfs_quota_us"), _number(files, "cpu.cfs_period_us")


def cpu_shares(files: dict[str, str]) -> int | None:
    weight = _number(files, "cpu.weight")
    if weight is not None:
        return 2 + ((weight - 1) * 262142) // 9999  # cAdvisor's way back from a v2 weight
    return _number(files, "cpu.shares")


def _made_up_usage(cgroup: Cgroup) -> int:
    """A stable figure for a container the recording has no usage for: a share of its limit,
    or some tens of MiB (the pause sandbox a few hundred KiB)."""
    fraction = int.from_bytes(hashlib.sha256(cgroup.id.encode()).digest()[:4], "big") / 2**32
    if not cgroup.container:
        return 196_608 + int(fraction * 16) * 4096
    limit = memory_limit(cgroup.files)
    figure = limit * (0.15 + fraction / 2) if limit else (8 + fraction * 120) * 2**20
    return int(figure) // 4096 * 4096


def _containers_by_id(pods: list[dict]) -> dict[str, tuple[dict, str, str]]:
    """Bare container ID -> (pod, container name, image), from the pods' statuses."""
    found: dict[str, tuple[dict, str, str]] = {}
    for pod in pods:
        status = status_of(pod)
        for status_field in STATUS_FIELDS:
            for item in status.get(status_field) or ():
                container_id = (item.get("containerID") or "").split("://", 1)[-1]
                if container_id:
                    found[container_id] = (pod, item.get("name", ""), item.get("image", ""))
    return found


def _name_container(
    cgroup: Cgroup, pod: dict, name: str, containers: dict[str, tuple[dict, str, str]]
) -> None:
    """A cgroup in a pod's: the container its ID names, else the pod sandbox (no status names
    it); CRI-O's `crio-conmon-` monitor is not a container."""
    match = _CONTAINER_ID.search(name)
    if match is None or "conmon" in name:
        return
    cgroup.pod, cgroup.name = pod, match.group(1)
    _, cgroup.container, cgroup.image = containers.get(cgroup.name, (pod, "", PAUSE_IMAGE))


def cgroups_of(recorded: dict[str, Any], pods: list[dict]) -> list[Cgroup]:
    """Every recorded cgroup, parents first, named after the pod and container in it."""
    by_uid = {uid_of(p): p for p in pods}
    containers = _containers_by_id(pods)
    cgroups: dict[str, Cgroup] = {}
    for path, files in sorted((recorded.get("nodes") or {}).items()):
        names = [n for n in path.split("/") if n]
        cgroup = Cgroup("/" + "/".join(names), dict(files))
        parent = cgroups.get("/" + "/".join(names[:-1]))
        if parent is not None:
            parent.children.append(cgroup)
        if match := _POD.search(names[-1] if names else ""):
            cgroup.pod = by_uid.get(match.group(1).replace("_", "-").lower())
        elif parent is not None and parent.pod is not None and not parent.is_container:
            _name_container(cgroup, parent.pod, names[-1], containers)
        cgroups[cgroup.id] = cgroup
    ordered = list(cgroups.values())
    for cgroup in reversed(ordered):  # children before parents
        recorded_usage = _number(cgroup.files, "memory.current", "memory.usage_in_bytes")
        if recorded_usage is not None:
            cgroup.usage = recorded_usage
        elif cgroup.is_container:
            cgroup.usage = _made_up_usage(cgroup)
        else:
            cgroup.usage = sum(child.usage for child in cgroup.children)
    return ordered


# --- /metrics/cadvisor -----------------------------------------------------------------------

_FAMILIES = (
    ("container_memory_usage_bytes", "gauge", "Current memory usage in bytes, including all "
     "memory regardless of when it was accessed"),
    ("container_pressure_cpu_waiting_seconds_total", "counter", "Total time duration tasks in "
     "the container have waited due to CPU congestion."),
    ("container_spec_cpu_period", "gauge", "CPU period of the container."),
    ("container_spec_cpu_quota", "gauge", "CPU quota of the container."),
    ("container_spec_cpu_shares", "gauge", "CPU share of the container."),
    ("container_spec_memory_limit_bytes", "gauge", "Memory limit for the container."),
    ("container_threads_max", "gauge", "Maximum number of threads allowed inside the "
     "container, infinity if value is zero"),
)  # fmt: skip


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(cgroup: Cgroup) -> str:
    meta = meta_of(cgroup.pod)
    labels = (
        ("container", cgroup.container),
        ("id", cgroup.id),
        ("image", cgroup.image),
        ("name", cgroup.name),
        ("namespace", meta.get("namespace", "")),
        ("pod", meta.get("name", "")),
    )
    return ",".join(f'{key}="{_escape(value)}"' for key, value in labels)


def _samples(metric: str, cgroup: Cgroup, version: Any, stamp: str) -> Iterator[str]:
    files, labels = cgroup.files, _labels(cgroup)
    quota, period = cpu_quota_period(files)
    values: dict[str, tuple[int | None, str]] = {
        "container_memory_usage_bytes": (cgroup.usage, stamp),
        "container_pressure_cpu_waiting_seconds_total": (0 if version == 2 else None, stamp),
        "container_spec_cpu_period": (period, ""),
        "container_spec_cpu_quota": (quota, ""),
        "container_spec_cpu_shares": (cpu_shares(files), ""),
        "container_spec_memory_limit_bytes": (memory_limit(files), ""),
        "container_threads_max": (_number(files, "pids.max") or 0, stamp),
    }
    value, when = values[metric]
    if value is not None:
        yield f"{metric}{{{labels}}} {value}{when}"


def cadvisor_text(recorded: dict[str, Any], cgroups: list[Cgroup]) -> str:
    stamp = f" {int(time.time() * 1000)}"
    lines: list[str] = []
    for metric, kind, text in _FAMILIES:
        samples = [s for c in cgroups for s in _samples(metric, c, recorded.get("version"), stamp)]
        if samples:
            lines += [f"# HELP {metric} {text}", f"# TYPE {metric} {kind}", *samples]
    return "\n".join(lines) + "\n"


# --- /stats/summary --------------------------------------------------------------------------


def _cpu(cgroup: Cgroup, now: str) -> dict[str, Any]:
    quota, period = cpu_quota_period(cgroup.files)
    cores = quota / period if quota and period else 0.1
    nano_cores = int(cores * 1e9 * (cgroup.usage % 97) / 400)  # stable, well under the limit
    return {"time": now, "usageNanoCores": nano_cores, "usageCoreNanoSeconds": nano_cores * 3600}


def _memory(usage: int, limit: int, now: str) -> dict[str, Any]:
    memory: dict[str, Any] = {"time": now}
    if limit:
        memory["availableBytes"] = max(0, limit - usage)
    memory.update(
        usageBytes=usage, workingSetBytes=usage, rssBytes=usage * 3 // 4, pageFaults=0,
        majorPageFaults=0,
    )  # fmt: skip
    return memory


_NO_PRESSURE = {"total": 0, "avg10": 0, "avg60": 0, "avg300": 0}


def _stats(cgroup: Cgroup, now: str, pressure: bool) -> dict[str, Any]:
    """cpu and memory; with PSI (all zero) on cgroup v2, as the kubelet fills it in there."""
    stats = {
        "cpu": _cpu(cgroup, now),
        "memory": _memory(cgroup.usage, memory_limit(cgroup.files), now),
    }
    if pressure:
        for part in stats.values():
            part["psi"] = {"full": dict(_NO_PRESSURE), "some": dict(_NO_PRESSURE)}
    return stats


Usage = dict[tuple[str, str], dict[str, Any]]  # (pod uid, volume directory) -> statvfs figures


def recorded_usage(storage: Any) -> Usage:
    """The usage of each mounted pod volume in a recorded `storage` fact."""
    volumes = storage.get("volumes") if isinstance(storage, dict) else None
    return {
        (str(v.get("pod_uid")), str(v.get("name"))): v["usage"]
        for v in volumes or ()
        if isinstance(v, dict) and isinstance(v.get("usage"), dict)
    }


def pod_volumes(pod: dict, volume_names: dict[str, str], usage: Usage, now: str) -> list[dict]:
    """The `volume` list of a pod's stats: each claim's volume kubelet measures (mounted).
    `volume_names`: claim name -> its PersistentVolume's name, in the pod's namespace."""
    namespace, found = meta_of(pod).get("namespace", ""), []
    for volume in spec_of(pod).get("volumes") or ():
        claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
        figures = usage.get((uid_of(pod), volume_names.get(claim or "", "")))
        if not claim or figures is None:
            continue
        found.append({
            "time": now,
            "availableBytes": figures.get("available_bytes", 0),
            "capacityBytes": figures.get("capacity_bytes", 0),
            "usedBytes": figures.get("used_bytes", 0),
            "inodesFree": figures.get("inodes", 0) - figures.get("inodes_used", 0),
            "inodes": figures.get("inodes", 0),
            "inodesUsed": figures.get("inodes_used", 0),
            "name": volume.get("name", ""),
            "pvcRef": {"name": claim, "namespace": namespace},
        })  # fmt: skip
    return found


def summary(
    node: dict,
    cgroups: list[Cgroup],
    version: Any,
    volumes: Callable[[dict, str], list[dict]] = lambda pod, now: [],
) -> dict[str, Any]:
    now, pressure = now_rfc3339(), version == 2
    started = meta_of(node).get("creationTimestamp", now)
    capacity = memory_bytes((status_of(node).get("capacity") or {}).get("memory", "0"))
    kubepods = next((c for c in cgroups if c.pod is None and c.id.count("/") == 1), None)
    pods_stats = _stats(kubepods, now, pressure) if kubepods else {}
    pods = []
    for cgroup in cgroups:
        if cgroup.pod is None or cgroup.is_container:
            continue
        meta, status = cgroup.pod["metadata"], status_of(cgroup.pod)
        containers = [
            {
                "name": c.container,
                "startTime": status.get("startTime", started),
                **_stats(c, now, pressure),
            }
            for c in cgroup.children
            if c.container
        ]
        pod_stats = {
            "podRef": {"name": meta["name"], "namespace": meta["namespace"], "uid": meta["uid"]},
            "startTime": status.get("startTime", started),
            "containers": containers,
            **_stats(cgroup, now, pressure),
        }
        if measured := volumes(cgroup.pod, now):
            pod_stats["volume"] = measured
        pods.append(pod_stats)
    usage = kubepods.usage if kubepods else 0
    return {
        "node": {
            "nodeName": name_of(node),
            "systemContainers": [{"name": "pods", "startTime": started, **pods_stats}],
            "startTime": started,
            "cpu": pods_stats.get("cpu", {"time": now, "usageNanoCores": 0}),
            "memory": _memory(usage, int(capacity), now),
        },
        "pods": pods,
    }


# --- the endpoint ----------------------------------------------------------------------------


def _on_node(node: str):
    return lambda pod: spec_of(pod).get("nodeName") == node


def _unreachable(node: str) -> ApiError:
    message = f"error trying to reach service: no kubelet answers for node {node!r} here"
    return ApiError(503, "ServiceUnavailable", message)


async def serve_node_proxy(request: web.Request) -> web.Response:
    ctx: ServerContext = request.app[CONTEXT_KEY]
    name, path = request.match_info["name"], request.match_info["path"].strip("/")
    ctx.policy.check("get", NODES, "", name, "proxy")
    node = ctx.store.get("Node", "", name)
    if node is None:
        raise not_found(NODES, name)
    if path not in (CADVISOR, SUMMARY):
        return web.Response(status=404, text="404 page not found\n")
    recorded = ctx.store.node_fact(name, "cgroups")
    if not isinstance(recorded, dict):
        raise _unreachable(name)
    cgroups = cgroups_of(recorded, ctx.store.page("Pod", None, _on_node(name)).items)
    if path == CADVISOR:
        text = cadvisor_text(recorded, cgroups)
        return web.Response(body=text.encode(), headers={"Content-Type": PROMETHEUS_TEXT})
    usage = recorded_usage(ctx.store.node_fact(name, "storage"))

    def volumes(pod: dict, now: str) -> list[dict]:
        namespace = meta_of(pod).get("namespace", "")
        claims = {
            claim: str(
                spec_of(ctx.store.get("PersistentVolumeClaim", namespace, claim)).get("volumeName")
                or ""
            )
            for v in spec_of(pod).get("volumes") or ()
            if (claim := (v.get("persistentVolumeClaim") or {}).get("claimName"))
        }
        return pod_volumes(pod, claims, usage, now)

    model = summary(node, cgroups, recorded.get("version"), volumes)
    body = orjson.dumps(model, option=orjson.OPT_INDENT_2)
    return web.Response(body=body, headers={"Content-Type": "application/json"})
