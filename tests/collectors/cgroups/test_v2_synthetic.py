"""cgroup v2 read by the local walk from synthetic trees of plain files (these machines have no
usable v2 controllers), and checked against the demo's pods."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.collectors.cgroups import compare, map_pods, tree_from_recorded, walk
from explorer.collectors.cgroups.expected import (
    container_expected,
    kubepods_expected,
    pod_expected,
    qos_level_expected,
    weight_quadratic,
)
from explorer.collectors.cgroups.mapping import container_refs, expects_cgroup
from explorer.collectors.cgroups.paths import meaning
from explorer.demo import build_demo

NODE = "demo-worker"


@pytest.fixture(scope="module")
def demo():
    return build_demo()


def _write(root: Path, nodes: dict[str, dict[str, str]]) -> None:
    root.joinpath("cgroup.controllers").write_text("cpuset cpu io memory hugetlb pids\n")
    for path, files in nodes.items():
        directory = root / path
        directory.mkdir(parents=True, exist_ok=True)
        for name, value in files.items():
            directory.joinpath(name).write_text(value + "\n")


def _quadratic(demo, nodes: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The same tree as a runtime with the newer mapping writes it: each weight from the
    shares the cgroup's pod, container, QoS level or node calls for."""
    pods = demo.pods_on_node(NODE)
    by_uid = {p["metadata"]["uid"]: p for p in pods}
    levels = qos_level_expected(p for p in pods if expects_cgroup(p))
    converted = {}
    for path, files in nodes.items():
        found = meaning(path)
        if found.role == "kubepods":
            shares = kubepods_expected(demo.get("Node", "", NODE))["cpu_shares"]
        elif found.role == "qos":
            shares = levels[found.qos]["cpu_shares"]
        elif found.role == "pod":
            shares = pod_expected(by_uid[found.uid])["cpu_shares"]
        else:
            ref = container_refs(by_uid[found.uid]).get(found.container_id)
            shares = container_expected(ref.spec)["cpu_shares"] if ref else 2
        converted[path] = {**files, "cpu.weight": str(weight_quadratic(shares))}
    return converted


def test_the_walk_reads_a_v2_tree_and_it_matches_the_pod_specs_by_the_linear_mapping(
    tmp_path, demo
):
    _write(tmp_path, demo.node_facts[NODE]["cgroups"]["nodes"])
    pods = demo.pods_on_node(NODE)
    tree = walk(tmp_path)
    mapping = map_pods(tree, pods)
    assert (tree.version, tree.driver, tree.source) == (2, "systemd", "walk")
    assert len(tree.pods) == sum(map(expects_cgroup, pods)) > 10
    assert not mapping.orphan_pods and not mapping.missing_containers
    db = next(p for p in tree.pods if p.name and "/db-0" in p.name)
    assert db.qos == "burstable"
    assert db.limits["cpu_limit_cores"] == 2.0 and db.limits["memory_limit_bytes"] == 2 * 2**30
    result = compare(tree, pods, demo.get("Node", "", NODE), mapping=mapping)
    assert result.differences == []
    assert result.weight_mapping == "linear"


def test_the_recorded_tree_reads_the_same_as_the_walked_one(tmp_path, demo):
    recorded = demo.node_facts[NODE]["cgroups"]
    _write(tmp_path, recorded["nodes"])
    walked, read = walk(tmp_path), tree_from_recorded(recorded)
    assert [(p.uid, p.qos, p.path, p.limits) for p in walked.pods] == [
        (p.uid, p.qos, p.path, p.limits) for p in read.pods
    ]


def test_weights_by_the_newer_mapping_are_accepted_and_named(tmp_path, demo):
    _write(tmp_path, _quadratic(demo, demo.node_facts[NODE]["cgroups"]["nodes"]))
    pods = demo.pods_on_node(NODE)
    result = compare(walk(tmp_path), pods, demo.get("Node", "", NODE))
    assert result.differences == []
    assert result.weight_mapping == "quadratic" and result.weight_matches["quadratic"] > 10


def test_every_value_set_differently_is_flagged(tmp_path, demo):
    nodes = {path: dict(files) for path, files in demo.node_facts[NODE]["cgroups"]["nodes"].items()}
    pods = demo.pods_on_node(NODE)
    web = next(
        p
        for p in pods
        if p["metadata"]["name"].startswith("web-") and p["status"].get("phase") == "Running"
    )
    uid = web["metadata"]["uid"].replace("-", "_")
    pod_path = next(p for p in nodes if p.endswith(f"pod{uid}.slice"))
    container_path = next(
        p
        for p in nodes
        if p.startswith(pod_path + "/") and p != pod_path and nodes[p]["memory.max"] != "max"
    )
    nodes[container_path]["memory.max"] = str(300 * 2**20)
    nodes[container_path]["cpu.max"] = "max 100000"
    nodes[pod_path]["cpu.weight"] = "100"
    _write(tmp_path, nodes)
    result = compare(walk(tmp_path), pods, demo.get("Node", "", NODE))
    found = {(d.level, d.what): (d.expected, d.actual) for d in result.differences}
    assert found == {
        ("container", "memory limit"): (f"{256 * 2**20} bytes", f"{300 * 2**20} bytes"),
        ("container", "cpu quota"): ("50000 µs", "no quota"),
        ("pod", "cpu weight"): ("4 (linear) or 17 (quadratic), from 102 shares", "100"),
    }


def test_a_pod_cgroup_left_behind_and_a_running_pod_without_one_are_both_flagged(tmp_path, demo):
    nodes = dict(demo.node_facts[NODE]["cgroups"]["nodes"])
    pods = demo.pods_on_node(NODE)
    gone = next(p for p in pods if p["metadata"]["name"].startswith("db-"))
    uid = gone["metadata"]["uid"].replace("-", "_")
    nodes = {path: files for path, files in nodes.items() if f"pod{uid}" not in path}
    orphan = "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0000_1111.slice"
    nodes[orphan] = {"cpu.weight": "1", "memory.max": "max", "cpu.max": "max 100000"}
    _write(tmp_path, nodes)
    result = compare(walk(tmp_path), pods)
    flagged = {(d.path, d.pod, d.actual) for d in result.differences if d.what == "cgroup"}
    assert flagged == {
        ("/" + orphan, None, "no such pod on the node"),
        (None, f"{gone['metadata']['namespace']}/{gone['metadata']['name']}", "none found"),
    }
