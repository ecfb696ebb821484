"""The kubepods cgroup tree of a node: cgroup v2, systemd driver, containerd.

Shape: {"version": 2, "driver": "systemd", "root": "/sys/fs/cgroup",
        "nodes": {"kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice/
                   cri-containerd-<id>.scope": {"cpu.weight": "4", "cpu.max": "50000 100000",
                                                "memory.max": "268435456", "pids.max": "max"}}}
Paths are relative to root. Guaranteed pods sit directly under kubepods.slice; each pod has its
pause sandbox scope next to its containers' scopes (IDs from status.containerStatuses). Values:
cpu.weight from cpu.shares (milliCPU*1024/1000, min 2) by the mapping runc long used,
1 + ((shares-2)*9999)/262142; cpu.max `<quota> 100000` (quota = milliCPU*100, min 1000) or
`max 100000`; memory.max in bytes or `max`. Finished containers and Succeeded pods have no
cgroup left.
"""

from __future__ import annotations

import hashlib

from explorer.lib.objects import status_of
from explorer.lib.quantities import cpu_millicores, memory_bytes

PERIOD = 100000
KUBEPODS = "kubepods.slice"


def shares(millicores: int) -> int:
    return max(2, millicores * 1024 // 1000)


def weight(cpu_shares: int) -> int:
    return 1 + ((cpu_shares - 2) * 9999) // 262142


def quota(millicores: int | None) -> str:
    if millicores is None:
        return f"max {PERIOD}"
    return f"{max(1000, millicores * PERIOD // 1000)} {PERIOD}"


def sandbox_id(pod: dict) -> str:
    """The pause container's ID (not in the API; derived from the pod UID)."""
    return hashlib.sha256(f"sandbox:{pod['metadata']['uid']}".encode()).hexdigest()


def _resources(item: dict) -> tuple[int, int | None, int | None]:
    resources = item.get("resources") or {}
    requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
    cpu_limit = cpu_millicores(limits["cpu"]) if "cpu" in limits else None
    request = requests.get("cpu", limits.get("cpu"))
    cpu_request = cpu_millicores(request) if request is not None else 0
    memory_limit = memory_bytes(limits["memory"]) if "memory" in limits else None
    return cpu_request, cpu_limit, memory_limit


def _files(cpu_shares: int, cpu_limit: int | None, memory_limit: int | None) -> dict[str, str]:
    return {
        "cpu.weight": str(weight(cpu_shares)),
        "cpu.max": quota(cpu_limit),
        "memory.max": "max" if memory_limit is None else str(memory_limit),
        "pids.max": "max",
    }


def pod_slice(pod: dict) -> str:
    qos = status_of(pod).get("qosClass", "BestEffort")
    uid = pod["metadata"]["uid"].replace("-", "_")
    if qos == "Guaranteed":
        return f"{KUBEPODS}/kubepods-pod{uid}.slice"
    level = qos.lower()
    return f"{KUBEPODS}/kubepods-{level}.slice/kubepods-{level}-pod{uid}.slice"


def cgroup_tree(node: dict, pods: list[dict]) -> dict:
    capacity = node["status"]["capacity"]
    allocatable = node["status"]["allocatable"]
    nodes: dict[str, dict[str, str]] = {
        KUBEPODS: _files(
            shares(cpu_millicores(capacity["cpu"])), None, memory_bytes(allocatable["memory"])
        )
    }
    burstable_millicores = 0  # the kubelet converts the level's sum, not each pod's shares
    for pod in pods:
        status = status_of(pod)
        if status.get("phase") in ("Succeeded", "Failed") or not status.get("qosClass"):
            continue
        containers = {c["name"]: c for c in pod["spec"]["containers"]}
        entries = [_resources(c) for c in containers.values()]
        cpu_request = sum(e[0] for e in entries)
        cpu_limits = [e[1] for e in entries]
        memory_limits = [e[2] for e in entries]
        pod_path = pod_slice(pod)
        nodes[pod_path] = _files(
            shares(cpu_request),
            None if None in cpu_limits else sum(cpu_limits),
            None if None in memory_limits else sum(memory_limits),
        )
        if status["qosClass"] == "Burstable":
            burstable_millicores += cpu_request
        nodes[f"{pod_path}/cri-containerd-{sandbox_id(pod)}.scope"] = _files(2, None, None)
        for item in status.get("containerStatuses") or ():
            container_id = (item.get("containerID") or "").removeprefix("containerd://")
            if not container_id or "running" not in (item.get("state") or {}):
                continue
            request, limit, memory = _resources(containers.get(item["name"], {}))
            nodes[f"{pod_path}/cri-containerd-{container_id}.scope"] = _files(
                shares(request), limit, memory
            )
    nodes[f"{KUBEPODS}/kubepods-burstable.slice"] = _files(shares(burstable_millicores), None, None)
    nodes[f"{KUBEPODS}/kubepods-besteffort.slice"] = _files(2, None, None)
    return {
        "version": 2,
        "driver": "systemd",
        "root": "/sys/fs/cgroup",
        "nodes": dict(sorted(nodes.items())),
    }
