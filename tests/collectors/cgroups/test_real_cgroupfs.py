"""The local probe against the kernel: a kubepods tree made under this machine's own cgroup v1
mounts (a test-owned root in each of memory/, cpu/, pids/), named after the demo's pods, with
real limits in the kernel's files and a real process in one container's cgroup."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from explorer.collectors.cgroups import compare, map_pods, parse_proc_cgroup, walk
from explorer.collectors.cgroups.expected import (
    container_expected,
    kubepods_expected,
    pod_expected,
    qos_level_expected,
)
from explorer.collectors.cgroups.mapping import container_refs, expects_cgroup
from explorer.collectors.cgroups.paths import meaning
from explorer.demo import build_demo
from tests.cgroupfs import NEEDS_V1_CGROUPFS, ScratchTree

NODE = "demo-worker"
PAGE = os.sysconf("SC_PAGE_SIZE")
WRONG_MEMORY = 200_000_000  # not a whole number of pages: the kernel rounds it down


pytestmark = NEEDS_V1_CGROUPFS


def _cgroupfs_name(path: str) -> str:
    """The demo's systemd-driver path as the cgroupfs driver names it."""
    names = []
    for name in path.split("/"):
        if name == "kubepods.slice":
            names.append("kubepods")
        elif name.endswith(".scope"):
            names.append(name.removeprefix("cri-containerd-").removesuffix(".scope"))
        elif "-pod" in name:
            names.append("pod" + name.rsplit("-pod", 1)[1].removesuffix(".slice").replace("_", "-"))
        else:
            names.append(name.removeprefix("kubepods-").removesuffix(".slice"))
    return "/".join(names)


def _v1_files(limits: dict) -> dict[str, str]:
    """The v1 files for a set of expected values (shares, quota, period, memory)."""
    files = {}
    if "cpu_shares" in limits:
        files["cpu.shares"] = str(limits["cpu_shares"])
    if limits.get("cpu_quota_us"):
        files["cpu.cfs_period_us"] = str(limits["cpu_period_us"])
        files["cpu.cfs_quota_us"] = str(limits["cpu_quota_us"])
    if limits.get("memory_limit_bytes"):
        files["memory.limit_in_bytes"] = str(limits["memory_limit_bytes"])
    return files


@pytest.fixture(scope="module")
def demo():
    return build_demo()


@pytest.fixture(params=["systemd", "cgroupfs"])
def node_tree(request, demo):
    """The node's recorded tree made for real, the web pod's container with a wrong memory
    limit and a `sleep` inside; yields (scratch, pods, the sleeping container's cgroup path)."""
    pods = demo.pods_on_node(NODE)
    recorded = demo.node_facts[NODE]["cgroups"]["nodes"]
    by_uid = {p["metadata"]["uid"]: p for p in pods}
    web = next(p for p in pods if p["metadata"]["name"].startswith("web-"))
    web_id = container_refs(web).popitem()[0]
    rename = _cgroupfs_name if request.param == "cgroupfs" else (lambda path: path)
    levels = qos_level_expected(p for p in pods if expects_cgroup(p))
    scratch = ScratchTree()
    sleeper = None
    sleeping_in = ""
    try:
        scratch.open()
        for path in recorded:  # parents come before their children (sorted)
            found = meaning(path)
            files: dict[str, str] = {}
            if found.role == "kubepods":
                files = _v1_files(kubepods_expected(demo.get("Node", "", NODE)))
            elif found.role == "qos":
                files = _v1_files(levels[found.qos])
            elif found.role == "pod":
                files = _v1_files(pod_expected(by_uid[found.uid]))
                files["pids.max"] = "4096"
            elif found.role == "container":
                ref = container_refs(by_uid[found.uid]).get(found.container_id or "")
                files = _v1_files(container_expected(ref.spec) if ref else {"cpu_shares": 2})
                if found.container_id == web_id:
                    files["memory.limit_in_bytes"] = str(WRONG_MEMORY)
                    sleeping_in = rename(path)
            scratch.make(rename(path), files)
        sleeper = subprocess.Popen(["sleep", "300"])
        scratch.move(sleeping_in, sleeper.pid)
        yield scratch, pods, web, sleeping_in
    finally:
        if sleeper is not None:
            sleeper.kill()
            sleeper.wait()
        scratch.remove()
    assert not any((h / scratch.name).exists() for h in scratch.hierarchies.values()), (
        "the scratch tree was not removed"
    )


def test_the_probe_finds_the_tree_and_maps_it_to_the_demo_pods(node_tree, demo):
    scratch, pods, web, _ = node_tree
    tree = walk(cgroup_root=scratch.cgroup_root)
    mapping = map_pods(tree, pods)
    running = [p for p in pods if expects_cgroup(p)]  # and the restore pod, still creating
    assert tree.version == 1
    assert {p.uid for p in tree.pods} == {p["metadata"]["uid"] for p in running}
    assert not mapping.orphan_pods and not mapping.missing_pods and not mapping.missing_containers
    assert not mapping.unknown_containers
    pod = tree.pod(web["metadata"]["uid"])
    assert pod.qos == "burstable"
    assert pod.name == f"{web['metadata']['namespace']}/{web['metadata']['name']}"
    assert pod.path.startswith(f"{scratch.cgroup_root}/kubepods")
    names = sorted(c.name or "" for c in pod.containers if not c.sandbox)
    assert names == sorted(c["name"] for c in web["spec"]["containers"])
    assert sum(1 for c in pod.containers if c.sandbox) == 1


def test_the_probe_reads_the_limits_the_kernel_reports(node_tree):
    scratch, pods, web, sleeping_in = node_tree
    tree = walk(cgroup_root=scratch.cgroup_root)
    map_pods(tree, pods)
    pod = tree.pod(web["metadata"]["uid"])
    # web: requests 100m/128Mi, limits 500m/256Mi; one container, so the pod has the same.
    assert pod.limits["memory_limit_bytes"] == 256 * 2**20
    assert pod.limits["cpu_quota_us"] == 50_000 and pod.limits["cpu_period_us"] == 100_000
    assert pod.limits["cpu_limit_cores"] == 0.5
    assert pod.limits["cpu_shares"] == 102
    assert pod.limits["pids_max"] == 4096
    container = next(c for c in pod.containers if c.path.endswith(sleeping_in))
    assert container.limits["memory_limit_bytes"] == WRONG_MEMORY // PAGE * PAGE != WRONG_MEMORY
    assert container.limits["pids_current"] == 1
    assert container.limits["memory_usage_bytes"] >= 0
    sandbox = next(c for c in pod.containers if c.sandbox)
    assert sandbox.limits["memory_limit_bytes"] is None and sandbox.limits["cpu_quota_us"] is None


def test_the_sleeping_process_names_the_same_cgroup_in_proc(node_tree):
    scratch, pods, web, sleeping_in = node_tree
    tree = walk(cgroup_root=scratch.cgroup_root)
    map_pods(tree, pods)
    sleeper = next(c.path for p in tree.pods for c in p.containers if c.path.endswith(sleeping_in))
    procs = scratch.directory("memory", sleeping_in) / "cgroup.procs"
    pid = int(procs.read_text().split()[0])
    from_proc = parse_proc_cgroup(Path(f"/proc/{pid}/cgroup").read_text())
    assert from_proc.version == 1
    assert [c.path for p in from_proc.pods for c in p.containers] == [sleeper]
    assert from_proc.pods[0].uid == web["metadata"]["uid"]


def test_a_limit_set_differently_from_the_pod_spec_is_flagged(node_tree, demo):
    scratch, pods, web, sleeping_in = node_tree
    tree = walk(cgroup_root=scratch.cgroup_root)
    mapping = map_pods(tree, pods)
    result = compare(tree, pods, demo.get("Node", "", NODE), mapping=mapping)
    assert result.checked > 50
    [difference] = result.differences
    assert difference.path.endswith(sleeping_in)
    assert difference.what == "memory limit" and difference.level == "container"
    assert difference.expected == f"{256 * 2**20} bytes"
    assert difference.actual == f"{WRONG_MEMORY // PAGE * PAGE} bytes"
    assert difference.pod == f"{web['metadata']['namespace']}/{web['metadata']['name']}"
