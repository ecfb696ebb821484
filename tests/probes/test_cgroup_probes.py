"""The `cgroups` fact from each probe kind, in the one shape the demo records and the views
read: the local probe's walk (a real cgroup v1 tree made under this machine's own mounts, and
the demo's v2 tree written as plain files), the proxy probe's read of the kubelet's cAdvisor
metrics through the project's API server over the demo, and the recorded probe's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from explorer.apiserver import Policy
from explorer.collectors.cgroups import compare, map_pods, tree_from_recorded
from explorer.collectors.cgroups.expected import shares_from_weight
from explorer.collectors.cgroups.mapping import expects_cgroup
from explorer.collectors.cgroups.walk import MOUNT, hierarchies
from explorer.kube.config import Cluster
from explorer.probes import LocalProbe, RecordedProbe
from explorer.probes.proxy_probe import ProxyCgroupProbe
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import CGROUP_FACTS, CGROUPS, joined, node_facts, reached
from tests.cgroupfs import ScratchTree

NODE = "demo-worker"
NODES = ["demo-control-plane", "demo-worker", "demo-gpu-worker"]
WEB_MEMORY = str(256 * 2**20)  # web: limits 500m / 256Mi, one container


def _v1_mounted() -> bool:
    try:
        return hierarchies(MOUNT)[0] == 1
    except OSError:
        return False


def running_pods(demo: ClusterState, node: str) -> list[dict]:
    """The node's pods that have a pod cgroup: running, or placed and still creating."""
    return [p for p in demo.pods_on_node(node) if expects_cgroup(p)]


def assert_maps_every_pod(fact: dict, pods: list[dict]) -> None:
    tree = tree_from_recorded(fact)
    mapping = map_pods(tree, pods)
    uids = {p["metadata"]["uid"] for p in pods if expects_cgroup(p)}
    assert {p.uid for p in tree.pods} == uids
    assert not mapping.orphan_pods and not mapping.missing_pods
    assert not mapping.unknown_containers and not mapping.missing_containers
    assert all(sum(1 for c in p.containers if c.sandbox) == 1 for p in tree.pods)


@pytest.fixture
def empty_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No commands on PATH: the text facts fail at once, the cgroups fact is the one read."""
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))


# --- the local probe -------------------------------------------------------------------------


def _v1_files(v2: dict[str, str]) -> dict[str, str]:
    """The demo's v2 values as the v1 files that say the same (parents' quotas first)."""
    quota, period = v2["cpu.max"].split()
    files = {"cpu.shares": str(shares_from_weight(int(v2["cpu.weight"]))), "pids.max": "max"}
    if quota != "max":
        files |= {"cpu.cfs_period_us": period, "cpu.cfs_quota_us": quota}
    if v2["memory.max"] != "max":
        files["memory.limit_in_bytes"] = v2["memory.max"]
    return files


@pytest.fixture
def v1_tree(demo: ClusterState) -> Iterator[ScratchTree]:
    """demo-worker's kubepods tree (systemd naming) made on the machine's cgroup v1 mounts."""
    scratch = ScratchTree(prefix="explorer-probe")
    try:
        scratch.open()
        for path, files in demo.node_facts[NODE]["cgroups"]["nodes"].items():
            scratch.make(path, _v1_files(files))
        yield scratch
    finally:
        scratch.remove()


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() != 0, reason="making cgroups needs root")
@pytest.mark.skipif(not _v1_mounted(), reason="needs cgroup v1 memory/cpu/pids mounts")
def test_the_local_probe_records_a_real_v1_kubepods_tree_that_maps_to_the_demo_pods(
    demo: ClusterState, v1_tree: ScratchTree, empty_path: None
) -> None:
    collected = LocalProbe(cgroups=True, cgroup_root=v1_tree.cgroup_root).collect(NODE)

    fact = collected["facts"][CGROUPS]
    assert CGROUPS not in collected["errors"]
    assert (fact["version"], fact["driver"], fact["root"]) == (1, "systemd", "/sys/fs/cgroup")
    assert (fact["source"], fact["probe"], fact["taken_at"]) == (
        "walk",
        "local",
        collected["taken_at"],
    )
    recorded = demo.node_facts[NODE]["cgroups"]["nodes"]
    assert set(fact["nodes"]) == {f"{v1_tree.name}/{path}" for path in recorded}
    assert orjson.loads(orjson.dumps(fact)) == fact
    assert_maps_every_pod(fact, demo.pods_on_node(NODE))
    web = next(p for p in running_pods(demo, NODE) if p["metadata"]["name"].startswith("web-"))
    tree = tree_from_recorded(fact)
    files = fact["nodes"][tree.pod(web["metadata"]["uid"]).path.lstrip("/")]
    assert files["memory.limit_in_bytes"] == WEB_MEMORY  # as the kernel reads it back
    assert (files["cpu.cfs_quota_us"], files["cpu.cfs_period_us"]) == ("50000", "100000")
    assert files["pids.current"] == "0"


def _write_tree(root: Path, nodes: dict[str, dict[str, str]]) -> None:
    mount = root / "sys" / "fs" / "cgroup"
    mount.mkdir(parents=True)
    (mount / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    for path, files in nodes.items():
        directory = mount / path
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (directory / name).write_text(text + "\n")


def test_the_local_walk_of_the_demos_v2_tree_records_exactly_the_demos_form(
    demo: ClusterState, tmp_path: Path, empty_path: None
) -> None:
    recorded = demo.node_facts[NODE]["cgroups"]
    _write_tree(tmp_path, recorded["nodes"])

    collected = LocalProbe(root=tmp_path, cgroups=True).collect(NODE)

    fact = collected["facts"][CGROUPS]
    assert {k: fact[k] for k in recorded} == recorded
    assert CGROUPS not in collected["errors"]


def test_without_cgroupfs_or_kubepods_the_cgroups_fact_is_the_error(
    tmp_path: Path, empty_path: None
) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "resolv.conf").write_text("nameserver 192.0.2.53\n")
    probe = LocalProbe(root=tmp_path, cgroups=True)
    mount = tmp_path / "sys" / "fs" / "cgroup"

    assert probe.collect("n1")["errors"][CGROUPS] == (
        f"cgroups: no cgroup v1 controller or v2 mount under {mount}"
    )
    _write_tree(tmp_path, {"system.slice": {"memory.max": "max"}})
    collected = probe.collect("n1")
    assert collected["errors"][CGROUPS] == f"cgroups: no kubepods cgroup under {mount}"
    assert collected["facts"] == {"resolv.conf": "nameserver 192.0.2.53\n"}


def test_the_cgroup_walk_is_off_unless_asked_for(tmp_path: Path, empty_path: None) -> None:
    collected = LocalProbe(root=tmp_path).collect("n1")
    assert CGROUPS not in collected["facts"] and CGROUPS not in collected["errors"]


# --- the proxy probe (agentless, nodes/proxy) ------------------------------------------------


@pytest.mark.parametrize("node", NODES)
def test_the_proxy_probe_reads_every_pod_of_the_node_with_its_limits_through_nodes_proxy(
    cluster: Cluster, demo: ClusterState, node: str
) -> None:
    collected = ProxyCgroupProbe(cluster.api_client).collect(node)

    assert (collected["probe"], collected["errors"]) == ("proxy", {})
    fact = collected["facts"][CGROUPS]
    assert (fact["source"], fact["probe"], fact["version"], fact["driver"]) == (
        "cadvisor",
        "proxy",
        2,
        "systemd",
    )
    recorded = demo.node_facts[node]["cgroups"]["nodes"]
    assert set(fact["nodes"]) == set(recorded)
    for path, files in recorded.items():  # cAdvisor's shares turned back into the same weight
        assert {name: fact["nodes"][path][name] for name in files} == files, path
    assert_maps_every_pod(fact, demo.pods_on_node(node))
    tree = tree_from_recorded(fact)
    checked = compare(tree, demo.pods_on_node(node), demo.get("Node", "", node))
    assert checked.checked > 20 and checked.differences == []


def test_a_cadvisor_text_that_does_not_tell_the_version_keeps_its_source_and_compares_clean(
    cluster: Cluster, demo: ClusterState
) -> None:
    recorded = demo.node_facts[NODE]["cgroups"]
    demo.node_facts[NODE]["cgroups"] = {**recorded, "version": None}  # no PSI samples served

    fact = ProxyCgroupProbe(cluster.api_client).collect(NODE)["facts"][CGROUPS]

    assert (fact["version"], fact["source"]) == (None, "cadvisor")
    kubepods = fact["nodes"]["kubepods.slice"]
    assert kubepods["cpu.shares"] == str(
        shares_from_weight(int(recorded["nodes"]["kubepods.slice"]["cpu.weight"]))
    )
    tree = tree_from_recorded(fact)
    assert tree.source == "cadvisor"
    # Shares cAdvisor converted from a v2 weight are not taken for v1 shares set wrong.
    result = compare(tree, demo.pods_on_node(NODE), demo.get("Node", "", NODE))
    assert result.checked > 20 and result.differences == []


@pytest.mark.parametrize("policy", [Policy(["nodes/proxy"])])
def test_a_cluster_that_forbids_nodes_proxy_gives_a_reported_error_not_a_crash(
    cluster: Cluster,
) -> None:
    collected = ProxyCgroupProbe(cluster.api_client).collect(NODE)
    assert not reached(collected)
    reason = collected["errors"][CGROUPS]
    assert reason.startswith(f'nodes/proxy metrics/cadvisor: 403 Forbidden: nodes "{NODE}" ')
    assert 'cannot get resource "nodes/proxy"' in reason


def test_a_node_the_server_does_not_know_is_a_reported_not_found(cluster: Cluster) -> None:
    collected = ProxyCgroupProbe(cluster.api_client).collect("nowhere")
    assert collected["errors"][CGROUPS].startswith("nodes/proxy metrics/cadvisor: 404 NotFound")


# --- the recorded probe, and one collection from two probes ----------------------------------


def test_the_recorded_probe_reads_the_demos_tree_as_the_recorded_probes(
    demo: ClusterState,
) -> None:
    probe = RecordedProbe(demo.node_facts, "2026-01-02T03:04:05Z", CGROUP_FACTS)
    collected = probe.collect(NODE)
    recorded = demo.node_facts[NODE]["cgroups"]
    assert collected["facts"] == {
        CGROUPS: {
            **recorded,
            "source": "recorded",
            "probe": "recorded",
            "taken_at": "2026-01-02T03:04:05Z",
        }
    }
    assert "probe" not in recorded, "the demo's own record is left as it was"
    assert RecordedProbe(demo.node_facts, facts=CGROUP_FACTS).collect("nowhere")["errors"] == {
        CGROUPS: "no recorded facts for nowhere"
    }


def test_a_collection_joins_the_rules_of_one_probe_and_the_cgroups_of_another() -> None:
    rules = node_facts("n1", "exec", {"iptables-save": "rules"}, {"nft": "no nft"}, "T1")
    tree = {"version": 2, "driver": "systemd", "root": "/sys/fs/cgroup", "nodes": {}}
    cgroups = node_facts("n1", "proxy", {CGROUPS: tree}, {}, "T2")
    failed = node_facts("n1", "proxy", {}, {CGROUPS: "403"}, "T2")
    unreached = node_facts("n1", "exec", {}, {"iptables-save": "no pod"}, "T1")

    assert joined(rules, cgroups) == node_facts(
        "n1", "exec", {"iptables-save": "rules", CGROUPS: tree}, {"nft": "no nft"}, "T1"
    )
    assert joined(rules, failed)["errors"] == {"nft": "no nft", CGROUPS: "403"}
    only_cgroups = joined(unreached, cgroups)
    assert (only_cgroups["probe"], only_cgroups["taken_at"]) == ("proxy", "T2")
    assert only_cgroups["errors"] == {"iptables-save": "no pod"}
