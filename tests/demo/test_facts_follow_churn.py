"""The demo's node facts say what its objects say, after every churn step: kube-proxy's rules on
every node (a Service's endpoints change all nodes' rules, not only the nodes of the pods that
moved) and the kubepods cgroups (the burstable level's shares from the sum of its pods' cpu
requests, as the kubelet converts them) — so a healthy demo shows no drift and no difference."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

from explorer.apiserver import ApiStore
from explorer.demo import build_demo
from explorer.demo.churn import DemoChurn
from explorer.lib.objects import name_of
from explorer.runtime.demo_cluster import churn_once
from explorer.state.parsed_facts import PARSED_FACTS
from explorer.viewmodels.network.drift import drift_model
from explorer.viewmodels.workloads.cgroup_tree import cgroup_tree

from .conftest import NOW

STEPS = 40  # a minute a step: two rollouts, scaling up and down, restarts, CronJob runs


def test_after_every_churn_step_the_demo_shows_no_drift_and_no_cgroup_difference() -> None:
    store = ApiStore(build_demo(cluster="demo", now=NOW))
    minutes = (NOW + timedelta(minutes=n) for n in itertools.count(1))
    churn = DemoChurn(store.state, seed=0, clock=lambda: next(minutes))
    for step in range(STEPS):
        churn_once(store, churn)
        state = store.state
        for facts in state.node_facts.values():
            PARSED_FACTS.parse_all(facts)
        findings = sum(drift_model(state)["totals"].values())
        differences = {
            name_of(node): cgroup_tree(state, {"node": name_of(node), "size": "limit"})[
                "differences"
            ]
            for node in state.list("Node")
        }
        assert findings == 0, f"step {step}: {drift_model(state)['totals']}"
        assert not any(differences.values()), f"step {step}: {differences}"


class _ServiceChange:
    """A churn whose one step changes a Service: every node's rules follow it."""

    def __init__(self, state) -> None:
        service = next(iter(state.list("Service")))
        changed = {**service, "metadata": {**service["metadata"], "labels": {"changed": "yes"}}}
        self.events = [{"type": "MODIFIED", "object": changed}]

    def step(self) -> list[dict]:
        return self.events


def _rules(store: ApiStore) -> dict[str, int]:
    return {node: id(facts["iptables-save"]) for node, facts in store.state.node_facts.items()}


def test_a_churn_step_told_to_stop_builds_no_more_nodes_facts_than_the_one_in_hand() -> None:
    store = ApiStore(build_demo(cluster="demo", now=NOW, nodes=6))
    before = _rules(store)
    stop = threading.Event()
    stop.set()

    churn_once(store, _ServiceChange(store.state), stop)

    after = _rules(store)
    assert sum(after[node] != before[node] for node in before) == 1
    churn_once(store, _ServiceChange(store.state))  # not stopped: every node's rules follow
    assert all(_rules(store)[node] != after[node] for node in after)
