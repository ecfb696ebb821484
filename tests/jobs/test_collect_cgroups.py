"""The cgroup tree in a collection of the embedded install (no broker, so no agents): each node's
tree read through `nodes/proxy` from the project's API server over the demo lands in the
watcher's state beside its rules, saying which probe read it and when; where `nodes/proxy` is
forbidden the recorded tree stands in, or the reason is the `cgroups` fact's error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from explorer.apiserver import ApiServer, ApiStore, Policy
from explorer.collectors.cgroups import map_pods, tree_from_recorded
from explorer.jobs.collect import agent_probe
from explorer.probes.node_sources import NodeSource

from ..streaming.tabs import Tab
from .test_collect import DEMO_NODES, collect, exec_source, forbid_and_record

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["exec_source"]  # a fixture these tests share with test_collect.py


def held_facts(running: Any) -> dict[str, dict]:
    with running.states.read("demo") as state:
        return {n: dict(f) for n, f in state.node_facts.items()}


async def test_every_demo_nodes_cgroup_tree_is_read_through_nodes_proxy_into_the_state(
    watched: Any, tab: Tab, store: ApiStore, exec_source: NodeSource
) -> None:
    reports = await collect(tab)

    assert reports[-1]["message"] == "demo: 3 of 3 nodes collected"
    held = held_facts(watched)
    for node in DEMO_NODES:
        fact = held[node]["cgroups"]
        assert (fact["probe"], fact["source"]) == ("proxy", "cadvisor")
        assert fact["taken_at"].endswith("Z") and held[node]["taken_at"].endswith("Z")
        assert held[node]["probe"] == "exec" and "cgroups" not in held[node]["errors"]
        recorded = store.state.node_facts[node]["cgroups"]
        assert set(fact["nodes"]) == set(recorded["nodes"])
        tree = tree_from_recorded(fact)
        mapping = map_pods(tree, store.state.pods_on_node(node))
        assert tree.pods and not mapping.orphan_pods and not mapping.missing_pods


async def test_where_nodes_proxy_is_forbidden_the_recorded_tree_is_used(
    watched: Any, tab: Tab, store: ApiStore, server: ApiServer, exec_source: NodeSource
) -> None:
    forbid_and_record(server, store, exec_source, "nodes/proxy")

    reports = await collect(tab)

    worker = next(r["message"] for r in reports if r["message"].startswith("demo-worker:"))
    assert worker.startswith(
        "demo-worker: exec probe read iptables-save, resolv.conf, cgroups (recorded probe), "
        "storage (recorded probe); "
    )
    fact = held_facts(watched)["demo-worker"]["cgroups"]
    assert (fact["probe"], fact["source"]) == ("recorded", "recorded")
    assert fact["nodes"] == store.state.node_facts["demo-worker"]["cgroups"]["nodes"]


async def test_where_nodes_proxy_is_forbidden_and_nothing_is_recorded_the_reason_is_reported(
    watched: Any, tab: Tab, server: ApiServer, exec_source: NodeSource
) -> None:
    server.context.policy = Policy(["nodes/proxy"])

    reports = await collect(tab)

    assert reports[-1]["message"] == "demo: 3 of 3 nodes collected"
    held = held_facts(watched)["demo-gpu-worker"]
    assert "cgroups" not in held
    assert held["errors"]["cgroups"].startswith(
        'proxy: nodes/proxy metrics/cadvisor: 403 Forbidden: nodes "demo-gpu-worker" is forbidden'
    )
    gpu = next(r["message"] for r in reports if r["message"].startswith("demo-gpu-worker:"))
    assert "not read: ip6tables-save, nft, cgroups" in gpu


def test_the_agents_probe_walks_cgroupfs_under_its_configured_roots(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXPLORER_PROBE_ROOT", "/host")
    monkeypatch.setenv("EXPLORER_PROBE_CGROUP_ROOT", "/kubelet.slice")
    probe = agent_probe()
    assert (probe.cgroups, probe.root, probe.cgroup_root) == (True, Path("/host"), "/kubelet.slice")
    monkeypatch.setenv("EXPLORER_PROBE_CGROUPS", "0")
    assert agent_probe().cgroups is False
