from collections import Counter

from explorer.demo import build_demo
from explorer.demo.facts import node_facts

from .conftest import NOW
from .invariants import endpoint_problems, pod_problems


def test_scale_knobs_fill_workers_and_add_services():
    state = build_demo(nodes=12, pods_per_node=10, services=5, now=NOW)
    workers = [n["metadata"]["name"] for n in state.list("Node") if not n["spec"].get("taints")]
    per_node = Counter(
        p["spec"].get("nodeName")
        for p in state.list("Pod")
        if p["metadata"]["namespace"].startswith("team-")
    )
    assert all(per_node[name] == 10 for name in workers)
    team_services = [
        s for s in state.list("Service") if s["metadata"]["namespace"].startswith("team-")
    ]
    assert len(team_services) == 5
    assert pod_problems(state) == [] and endpoint_problems(state) == []


def test_big_clusters_get_facts_for_a_few_nodes_and_the_rest_on_demand():
    state = build_demo(nodes=12, now=NOW)
    assert set(state.node_facts) == {"demo-control-plane", "demo-worker", "demo-gpu-worker"}
    assert (
        "KUBE-SVC-NPX46M4PTMTKRN6Y"
        in node_facts(state, nodes=["demo-worker9"])["demo-worker9"]["iptables-save"]
    )
