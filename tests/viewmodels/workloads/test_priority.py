"""A pod's priority in words: its class, whether it may preempt, the node a preemption nominated
it for, and the cluster's PriorityClasses highest first."""

from __future__ import annotations

from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.workloads.priority import priority_of


def _class(name: str, value: int, **extra) -> dict:
    return {"kind": "PriorityClass", "metadata": {"name": name}, "value": value, **extra}


def _state(*classes: dict) -> ClusterState:
    state = ClusterState("t")
    for made in classes:
        state.upsert(made, "PriorityClass")
    return state


def _pod(**spec) -> dict:
    return {"kind": "Pod", "metadata": {"name": "p", "namespace": "ns"}, "spec": spec}


def test_a_pod_of_a_never_class_says_it_waits_instead_of_preempting() -> None:
    state = _state(_class("waits", 1000, preemptionPolicy="Never"), _class("low", 10))
    found = priority_of(state, _pod(priorityClassName="waits", priority=1000))
    assert found["preemption_policy"] == "Never" and not found["may_preempt"]
    assert found["words"][0] == "It has priority 1000 from PriorityClass waits."
    assert found["words"][1].startswith("preemptionPolicy: Never")
    assert [(c["name"], c["this"]) for c in found["classes"]] == [("waits", True), ("low", False)]


def test_the_nominated_node_is_said() -> None:
    pod = _pod(priority=5)
    pod["status"] = {"nominatedNodeName": "n1"}
    found = priority_of(_state(), pod)
    assert found["nominated_node"] == "n1"
    assert found["words"][-1].startswith("A preemption nominated it for node n1")


def test_a_class_the_explorer_does_not_see_is_said_so_and_a_global_default_is_marked() -> None:
    state = _state(_class("everyone", 100, globalDefault=True))
    found = priority_of(state, _pod(priorityClassName="gone", priority=7))
    assert not found["class_found"]
    assert "which the explorer does not see" in found["words"][0]
    assert found["classes"][0]["global_default"]
