"""A healthy cluster shows no alarms: the demo churning, watched through the project's API
server, its node facts collected between churn steps (exec and nodes/proxy, as the demo allows)
while the cluster moves on — drift and the cgroup trees compare each node's facts with the
cluster as it was when they were taken, so they find nothing; a real fault injected on one node
(an endpoint dropped from its rules, a container's memory limit changed) is found, and only it."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from explorer.apiserver import ApiServer, ApiStore
from explorer.demo import build_demo
from explorer.demo.churn import DemoChurn
from explorer.demo.clock import utcnow
from explorer.kube.cluster_watcher import ClusterWatcher
from explorer.kube.config import load_kubeconfig
from explorer.lib.resources import RESOURCES
from explorer.probes.exec_probe import ExecProbe
from explorer.probes.proxy_probe import ProxyCgroupProbe
from explorer.runtime.demo_cluster import churn_once
from explorer.state.change_log import Retention
from explorer.state.node_facts import joined
from explorer.state.store import ClusterStates
from explorer.viewmodels.network.drift import drift_model
from explorer.viewmodels.workloads.cgroup_tree import cgroup_tree

from ..streaming.conftest import kubeconfig_for

NODES = ("demo-control-plane", "demo-worker", "demo-gpu-worker")
FAULTY = "demo-worker"


@dataclass
class Watched:
    store: ApiStore
    churn: DemoChurn
    states: ClusterStates
    client: object

    def step(self, times: int = 1) -> None:
        for _ in range(times):
            churn_once(self.store, self.churn)
            time.sleep(0.05)

    def collect(self) -> None:
        for node in NODES:
            facts = joined(
                ExecProbe(self.client).collect(node), ProxyCgroupProbe(self.client).collect(node)
            )
            self.states.put_node_facts("demo", facts)

    def settle(self) -> None:
        """Until the watcher holds what the API server holds."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with self.states.read("demo") as state:
                held = {p["metadata"]["name"] for p in state.list("Pod")}
            if held == {p["metadata"]["name"] for p in self.store.state.list("Pod")}:
                return
            time.sleep(0.05)

    def findings(self) -> tuple[list[dict], list[dict]]:
        with self.states.read("demo") as state:
            drift = [i for node in drift_model(state)["nodes"] for i in node["items"]]
            differences = [
                d
                for node in NODES
                for d in cgroup_tree(state, {"node": node, "size": "limit"})["differences"]
            ]
        return drift, differences


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[Watched]:
    store = ApiStore(build_demo(cluster="demo"))
    server = ApiServer(store).start()
    cluster = load_kubeconfig(str(kubeconfig_for(tmp_path, server.url))).connect()
    states = ClusterStates(["demo"], Retention(in_flight_seconds=0.5))
    watcher = ClusterWatcher(cluster.api_client, "demo", states, RESOURCES).start()
    assert watcher.wait_synced(30)
    minutes = (utcnow() + timedelta(minutes=n) for n in itertools.count(1))
    churn = DemoChurn(store.state, seed=3, clock=lambda: next(minutes))  # a minute a step
    yield Watched(store, churn, states, cluster.api_client)
    watcher.stop()
    cluster.api_client.close()
    server.stop()


def test_a_churning_healthy_demo_collected_between_steps_shows_no_drift_and_no_difference(
    watched: Watched,
) -> None:
    for _ in range(8):
        watched.step(3)
        watched.collect()
    watched.step(5)  # the cluster moves on after the last collection: its pods, its endpoints
    watched.settle()

    drift, differences = watched.findings()

    assert drift == [] and differences == []
    with watched.states.read("demo") as state:  # against the cluster as it is now they would be
        state.change_log = None
        now_drift = sum(drift_model(state)["totals"].values())
    assert now_drift > 0, "the test's cluster did not move on: it would prove nothing"


def test_a_fault_injected_on_one_node_is_found_and_only_it(watched: Watched) -> None:
    watched.step(6)
    watched.settle()
    facts = dict(watched.store.state.node_facts[FAULTY])
    rules = facts["iptables-save"].splitlines()
    dropped = next(
        i for i, line in enumerate(rules) if "-j KUBE-SEP-" in line and "shop/web" in line
    )
    endpoint_chain = rules[dropped].rsplit("-j ", 1)[1]
    facts["iptables-save"] = "\n".join(rules[:dropped] + rules[dropped + 1 :]) + "\n"
    cgroups = {**facts["cgroups"], "nodes": dict(facts["cgroups"]["nodes"])}
    container = next(
        p
        for p, files in cgroups["nodes"].items()
        if "memory.max" in files and p.endswith(".scope") and files["memory.max"] != "max"
    )
    cgroups["nodes"][container] = {**cgroups["nodes"][container], "memory.max": "12345678"}
    facts["cgroups"] = cgroups
    watched.store.set_node_facts(FAULTY, facts)
    time.sleep(1)  # the fault is older than the in-flight seconds when collected
    watched.collect()

    drift, differences = watched.findings()

    assert {(i["node"], i["endpoint_chain"]) for i in drift} == {(FAULTY, endpoint_chain)}
    assert [(d["path"].lstrip("/"), d["what"], d["actual"]) for d in differences] == [
        (container.lstrip("/"), "memory limit", "12345678 bytes")
    ]
