"""A cgroup tree, however it was read (a walk of cgroupfs, the kubelet's cAdvisor metrics), as
the `cgroups` fact (facts.py `CgroupsFact`): every cgroup's values written back as the
interface files of the tree's cgroup version print them, so that one reader
(`tree_from_recorded`) serves the demo's recorded tree and every probe's.

cAdvisor reports a v2 `cpu.weight` as the shares it converts it to; the weight is recovered
exactly (its conversion loses nothing that a ceiling division does not give back).
"""

from __future__ import annotations

from collections.abc import Iterator

from explorer.collectors.cgroups.limits import Limits
from explorer.collectors.cgroups.tree import CgroupTree
from explorer.state.node_facts import CgroupsFact, ProbeName

MOUNT = "/sys/fs/cgroup"  # where the node mounts cgroupfs; fact paths are relative to it
V1_NO_MEMORY_LIMIT = "9223372036854771712"  # what v1's memory.limit_in_bytes prints for none


def weight_from_cadvisor_shares(shares: int) -> int:
    """The v2 weight cAdvisor turned into `shares` (2 + (weight - 1) * 262142 // 9999)."""
    if shares <= 2:
        return 1
    return 1 + -(-(shares - 2) * 9999 // 262142)


def _number(value: int | None, none: str) -> str:
    return none if value is None else str(value)


def v1_files(limits: Limits) -> dict[str, str]:
    files: dict[str, str] = {}
    if "memory_limit_bytes" in limits:
        files["memory.limit_in_bytes"] = _number(limits["memory_limit_bytes"], V1_NO_MEMORY_LIMIT)
    if "memory_usage_bytes" in limits:
        files["memory.usage_in_bytes"] = str(limits["memory_usage_bytes"])
    if "cpu_quota_us" in limits:
        files["cpu.cfs_quota_us"] = _number(limits["cpu_quota_us"], "-1")
    if "cpu_period_us" in limits:
        files["cpu.cfs_period_us"] = str(limits["cpu_period_us"])
    if "cpu_shares" in limits:
        files["cpu.shares"] = str(limits["cpu_shares"])
    return files


def v2_files(limits: Limits) -> dict[str, str]:
    files: dict[str, str] = {}
    if "memory_limit_bytes" in limits:
        files["memory.max"] = _number(limits["memory_limit_bytes"], "max")
    if "memory_usage_bytes" in limits:
        files["memory.current"] = str(limits["memory_usage_bytes"])
    if "cpu_period_us" in limits:
        quota = _number(limits.get("cpu_quota_us"), "max")
        files["cpu.max"] = f"{quota} {limits['cpu_period_us']}"
    if "cpu_weight" in limits:
        files["cpu.weight"] = str(limits["cpu_weight"])
    elif "cpu_shares" in limits:
        files["cpu.weight"] = str(weight_from_cadvisor_shares(limits["cpu_shares"]))
    return files


def files_of(limits: Limits, version: int | None) -> dict[str, str]:
    """The interface files that print these values (v1 names when the version is unknown)."""
    files = v2_files(limits) if version == 2 else v1_files(limits)
    if "pids_max" in limits:
        files["pids.max"] = _number(limits["pids_max"], "max")
    if "pids_current" in limits:
        files["pids.current"] = str(limits["pids_current"])
    return files


def _cgroups(tree: CgroupTree) -> Iterator[tuple[str, Limits]]:
    if tree.kubepods is not None:
        yield tree.kubepods.path, tree.kubepods.limits
    for level in tree.qos_levels.values():
        yield level.path, level.limits
    for pod in tree.pods:
        yield pod.path, pod.limits
        for container in pod.containers:
            yield container.path, container.limits
        for conmon in pod.conmon:
            yield conmon, Limits()


def cgroups_fact(tree: CgroupTree, probe: ProbeName, taken_at: str) -> CgroupsFact:
    nodes = {path.strip("/"): files_of(limits, tree.version) for path, limits in _cgroups(tree)}
    return CgroupsFact(
        version=tree.version,
        driver=tree.driver,
        root=MOUNT,
        nodes=dict(sorted(nodes.items())),
        source=tree.source,
        probe=probe,
        taken_at=taken_at,
    )
