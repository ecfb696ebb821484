"""The kubelet's `/stats/summary` (JSON): usage per pod and container, by pod UID and container
name — no cgroup paths. Where a memory limit is set, the kubelet reports
`availableBytes = limit - workingSetBytes`, so the limit is their sum; without a limit
`availableBytes` is absent. PSI (`psi`) is only filled in on cgroup v2.

For the tests: they read with it what a real kubelet served and what the demo's API server
serves for it (the product reads a node's cgroups from /metrics/cadvisor).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson


class NotStatsSummary(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Usage:
    cpu_nano_cores: int | None
    memory_usage_bytes: int | None
    memory_working_set_bytes: int | None
    memory_limit_bytes: int | None  # available + working set; None: no limit (or not reported)


@dataclass(frozen=True, slots=True)
class PodUsage:
    uid: str
    namespace: str
    name: str
    usage: Usage
    containers: dict[str, Usage] = field(default_factory=dict)  # container name -> usage


@dataclass(frozen=True, slots=True)
class StatsSummary:
    node: str
    pods: list[PodUsage]
    pods_cgroup: Usage | None  # the node's "pods" system container: all of kubepods
    pressure: bool  # PSI present: cgroup v2

    def pod(self, uid: str) -> PodUsage | None:
        return next((p for p in self.pods if p.uid == uid), None)


def _usage(stats: dict[str, Any]) -> Usage:
    cpu = stats.get("cpu") or {}
    memory = stats.get("memory") or {}
    working_set = memory.get("workingSetBytes")
    available = memory.get("availableBytes")
    limit = available + working_set if available is not None and working_set is not None else None
    return Usage(cpu.get("usageNanoCores"), memory.get("usageBytes"), working_set, limit)


def _has_psi(stats: dict[str, Any]) -> bool:
    return any("psi" in (stats.get(part) or {}) for part in ("cpu", "memory", "io"))


def parse_summary(text: str | bytes) -> StatsSummary:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise NotStatsSummary(f"not JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("node"), dict):
        raise NotStatsSummary("no `node` object: not a kubelet /stats/summary")
    node = document["node"]
    system = {c.get("name"): c for c in node.get("systemContainers") or ()}
    pods = []
    pressure = _has_psi(node)
    for pod in document.get("pods") or ():
        ref = pod.get("podRef") or {}
        containers = {c["name"]: _usage(c) for c in pod.get("containers") or () if "name" in c}
        pressure = pressure or _has_psi(pod)
        pods.append(
            PodUsage(
                ref.get("uid", ""),
                ref.get("namespace", ""),
                ref.get("name", ""),
                _usage(pod),
                containers,
            )
        )
    pods_cgroup = _usage(system["pods"]) if "pods" in system else None
    return StatsSummary(node.get("nodeName", ""), pods, pods_cgroup, pressure)
