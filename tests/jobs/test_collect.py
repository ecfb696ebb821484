"""Collecting node facts in the embedded install: no broker, so no agents — the job runs on a
thread of this process, reaches every node without an agent (exec through the project's API
server, then recorded facts), reports each node to the tab that follows it, and puts the facts
into the watcher's state."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer.apiserver import ApiServer, ApiStore, Policy
from explorer.jobs.collect import collect_cluster
from explorer.jobs.dispatch import _run_here
from explorer.lib.choices import NODE_ACCESS
from explorer.probes.node_sources import NodeSource, register, unregister
from explorer.viewmodels.objects.page import object_view
from explorer.viewmodels.workloads.node_volumes import node_volumes

from ..streaming.conftest import kubeconfig_for
from ..streaming.tabs import Tab
from .test_bundle_download import progress_until_finished

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_NODES = ["demo-control-plane", "demo-gpu-worker", "demo-worker"]
EBPF_NODE = "demo-ebpf-worker"  # no kube-proxy pod: nothing to exec in
CLAIM_PAGE = {
    "cluster": "demo",
    "kind": "PersistentVolumeClaim",
    "namespace": "shop",
    "name": "data-db-0",
}


@pytest.fixture
def exec_source(tmp_path: Path, server: ApiServer) -> Iterator[NodeSource]:
    """This process reaches `demo` through its own kubeconfig, exec and nodes/proxy turned on
    for it (as the demo cluster registers)."""
    kubeconfig = kubeconfig_for(tmp_path / "collect", server.url)
    source = NodeSource(kubeconfig=kubeconfig, node_access=frozenset(NODE_ACCESS))
    source.kubeconfig.parent.mkdir(exist_ok=True)
    register("demo", source)
    yield source
    unregister("demo")


def forbid_and_record(
    server: ApiServer, store: ApiStore, exec_source: NodeSource, resource: str
) -> None:
    """The API server forbids `resource` (`pods/exec`, `nodes/proxy`); the demo's facts are
    recorded for the probes that fall back."""
    server.context.policy = Policy([resource])
    recorded = NodeSource(
        exec_source.kubeconfig,
        lambda: dict(store.state.node_facts),
        node_access=exec_source.node_access,
    )
    register("demo", recorded)


async def collect(tab: Tab) -> list[dict[str, Any]]:
    task = str(uuid.uuid4())
    await tab.send({"type": "follow", "task": task})
    await asyncio.sleep(0.1)  # the follow is handled before the job starts
    loop = asyncio.get_running_loop()
    args = (collect_cluster, {"cluster": "demo"}, task, loop)
    threading.Thread(target=_run_here, args=args).start()
    reports = await asyncio.wait_for(progress_until_finished(tab, task), 30)
    # A report sent while the follow is handled may come twice (as sent, and as the latest).
    return [r for i, r in enumerate(reports) if i == 0 or _same(r) != _same(reports[i - 1])]


def _same(report: dict[str, Any]) -> tuple:
    return report["state"], report["done"], report["total"], report["message"]


async def until_node_seen(running: Any, node: str) -> None:
    for _ in range(100):
        with running.states.read("demo") as state:
            if state.get("Node", "", node):
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the watcher never saw node {node}")


def add_node_without_kube_proxy(store: ApiStore) -> None:
    node = store.get("Node", "", "demo-worker")
    assert node is not None
    meta = {"name": EBPF_NODE, "labels": {"kubernetes.io/hostname": EBPF_NODE}}
    store.apply({"type": "ADDED", "object": {**node, "metadata": meta}})


async def test_every_node_is_collected_through_exec_with_a_report_each_into_the_watched_state(
    watched: Any, tab: Tab, store: ApiStore, exec_source: NodeSource
) -> None:
    reports = await collect(tab)

    assert [(r["done"], r["total"]) for r in reports] == [(0, 3), (1, 3), (2, 3), (3, 3), (3, 3)]
    assert [r["state"] for r in reports] == ["running"] * 4 + ["done"]
    assert reports[-1]["message"] == "demo: 3 of 3 nodes collected"
    assert sorted(r["message"] for r in reports[1:-1]) == [
        f"{node}: exec probe read iptables-save, resolv.conf, cgroups (proxy probe), "
        "volume-usage (proxy probe); not read: ip6tables-save, nft, storage "
        "(no agents without a broker)"
        for node in DEMO_NODES
    ]
    with watched.states.read("demo") as state:
        held = {node: dict(facts) for node, facts in state.node_facts.items()}
    for node in DEMO_NODES:
        assert held[node]["iptables-save"] == store.state.node_facts[node]["iptables-save"]
        assert held[node]["probe"] == "exec"
        assert held[node]["taken_at"].endswith("Z")
        assert set(held[node]["errors"]) == {"ip6tables-save", "nft", "storage"}
        assert held[node]["errors"]["storage"] == "only the node's agent reads its mount table"
        assert held[node]["volume-usage"]["probe"] == "proxy"


async def test_a_node_no_probe_reaches_is_reported_as_such_and_the_others_are_collected(
    watched: Any, tab: Tab, store: ApiStore, exec_source: NodeSource
) -> None:
    add_node_without_kube_proxy(store)
    await until_node_seen(watched, EBPF_NODE)

    reports = await collect(tab)

    assert reports[-1]["message"] == "demo: 3 of 4 nodes collected; unreachable: demo-ebpf-worker"
    unreachable = [r["message"] for r in reports if r["message"].startswith(EBPF_NODE)]
    assert unreachable == [
        f"{EBPF_NODE}: unreachable: no agents without a broker; "
        f"exec: no running kube-proxy pod on {EBPF_NODE}"
    ]
    with watched.states.read("demo") as state:
        held = dict(state.node_facts[EBPF_NODE])
    assert "iptables-save" not in held and held["unreachable_at"].endswith("Z")


async def test_where_exec_is_forbidden_the_recorded_facts_are_used(
    watched: Any, tab: Tab, store: ApiStore, server: ApiServer, exec_source: NodeSource
) -> None:
    forbid_and_record(server, store, exec_source, "pods/exec")

    reports = await collect(tab)

    assert reports[-1]["message"] == "demo: 3 of 3 nodes collected"
    gpu = next(r["message"] for r in reports if r["message"].startswith("demo-gpu-worker"))
    assert gpu.startswith("demo-gpu-worker: recorded probe read iptables-save, resolv.conf")
    with watched.states.read("demo") as state:
        held = dict(state.node_facts["demo-gpu-worker"])
    assert held["probe"] == "recorded"
    assert held["resolv.conf"] == store.state.node_facts["demo-gpu-worker"]["resolv.conf"]


async def test_with_node_access_not_turned_on_no_exec_or_nodes_proxy_reaches_the_api_server(
    watched: Any, tab: Tab, store: ApiStore, server: ApiServer, exec_source: NodeSource
) -> None:
    register("demo", NodeSource(exec_source.kubeconfig, lambda: dict(store.state.node_facts)))
    server.context.audit = []

    reports = await collect(tab)

    assert reports[-1]["message"] == "demo: 3 of 3 nodes collected"
    privileged = [h for h in server.context.audit if h.subresource in ("exec", "proxy")]
    assert privileged == []
    with watched.states.read("demo") as state:
        held = dict(state.node_facts["demo-worker"])
    assert held["probe"] == "recorded" and held["cgroups"]["probe"] == "recorded"
    assert held["passed_over"] == {
        "local": "no agents without a broker",
        "exec": "not turned on (EXPLORER_NODE_ACCESS does not include exec)",
        "proxy": "not turned on (EXPLORER_NODE_ACCESS does not include nodes-proxy)",
    }
    off = "proxy: not turned on (EXPLORER_NODE_ACCESS does not include nodes-proxy)"
    assert "volume-usage" not in held and held["errors"]["volume-usage"] == off
    with watched.states.read("demo") as state:  # the pages say why the kubelet's bytes are missing
        volumes = node_volumes(state, {"cluster": "demo", "name": "demo-worker"})
        claim = object_view(state, CLAIM_PAGE)
    assert volumes["header"]["usage_missing"] == off
    (usage,) = next(s for s in claim["sections"] if s["id"] == "usage")["rows"]
    assert usage[4].startswith("statvfs of the mount, ") and "(recorded probe)" in usage[4]


async def test_with_nodes_proxy_turned_on_the_kubelets_summary_gives_each_claims_bytes(
    watched: Any, tab: Tab, store: ApiStore, server: ApiServer, exec_source: NodeSource
) -> None:
    server.context.audit = []

    await collect(tab)

    summaries = [h.path for h in server.context.audit if h.path.endswith("/proxy/stats/summary")]
    assert sorted(summaries) == [f"/api/v1/nodes/{node}/proxy/stats/summary" for node in DEMO_NODES]
    with watched.states.read("demo") as state:
        held = dict(state.node_facts["demo-worker"])
        claim = object_view(state, CLAIM_PAGE)
    claims = {tuple(v["claim"]) for v in held["volume-usage"]["volumes"]}
    assert claims == {("shop", "data-db-0"), ("shop", "data-db-1")}
    (usage,) = next(s for s in claim["sections"] if s["id"] == "usage")["rows"]
    assert usage[4].startswith("kubelet /stats/summary through nodes/proxy, ")
    recorded = store.state.node_facts["demo-worker"]["storage"]["volumes"]
    assert usage[2]["bar"]["value"] in {v["usage"]["used_bytes"] for v in recorded}


async def test_the_operators_setting_turns_exec_on_for_a_cluster_that_does_not(
    watched: Any, tab: Tab, store: ApiStore, server: ApiServer, exec_source: NodeSource, settings
) -> None:
    register("demo", NodeSource(exec_source.kubeconfig, lambda: dict(store.state.node_facts)))
    settings.EXPLORER_NODE_ACCESS = frozenset({"exec"})
    server.context.audit = []

    await collect(tab)

    privileged = {(h.verb, h.resource, h.subresource) for h in server.context.audit}
    assert ("get", "pods", "exec") in privileged
    assert not any(h.subresource == "proxy" for h in server.context.audit)
    with watched.states.read("demo") as state:
        held = dict(state.node_facts["demo-worker"])
    assert held["probe"] == "exec" and held["cgroups"]["probe"] == "recorded"
