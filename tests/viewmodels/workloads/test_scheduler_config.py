"""The pod page's scheduling section says which weights it used: the demo's configuration, read
on its control-plane node, or the default profile and why."""

from __future__ import annotations

from explorer.demo import build_demo
from explorer.state.node_facts import ERRORS, SCHEDULER_CONFIG, TAKEN_AT
from explorer.viewmodels.workloads.scheduling import EVERY_NODE, scheduling_view


def _params(pod, node=EVERY_NODE):
    meta = pod["metadata"]
    return {"cluster": "c", "namespace": meta["namespace"], "name": meta["name"], "node": node}


def _pending(state):
    return next(p for p in state.list("Pod") if not p["spec"].get("nodeName"))


def test_the_demo_s_pages_weigh_by_the_configuration_read_on_its_control_plane() -> None:
    state = build_demo()
    state.node_facts["demo-control-plane"][TAKEN_AT] = "2026-12-06T10:00:00.000Z"
    db = state.get("Pod", "shop", "db-0")
    model = scheduling_view(state, _params(db, db["spec"]["nodeName"]), None)
    assert model["profile"]["words"] == (
        "Weights from the scheduler's configuration read on node demo-control-plane at "
        "2026-12-06T10:00:00.000Z, profile default-scheduler."
    )
    assert model["profile"]["strategy"] == "LeastAllocated (cpu 2, memory 1)"
    weights = {p["plugin"]: p["weight"] for p in model["scores"]["plugins"]}
    assert weights["NodeResourcesBalancedAllocation"] == 2 and weights["ImageLocality"] == 2
    assert weights["TaintToleration"] == 3
    # the demo's FailedScheduling events come from the default filters, which it keeps
    pending = scheduling_view(state, _params(_pending(state)), None)
    assert pending["said"]["agrees"]


def test_without_the_fact_the_page_says_the_defaults_and_why() -> None:
    state = build_demo()
    del state.node_facts["demo-control-plane"][SCHEDULER_CONFIG]
    model = scheduling_view(state, _params(_pending(state)), None)
    assert not model["profile"]["configured"]
    assert model["profile"]["words"].startswith(
        "Default weights: the scheduler's configuration was not read because no control-plane "
        "node's agent has reported it (reading it is opt-in: EXPLORER_NODE_ACCESS must include "
        "scheduler-config"
    )
    state.node_facts["demo-control-plane"][ERRORS] = {
        SCHEDULER_CONFIG: "/etc/kubernetes/scheduler-config.yaml: Permission denied"
    }
    model = scheduling_view(state, _params(_pending(state)), None)
    assert model["profile"]["words"] == (
        "Default weights: the scheduler's configuration was not read because on node "
        "demo-control-plane: /etc/kubernetes/scheduler-config.yaml: Permission denied."
    )


def test_a_fact_that_does_not_parse_is_named_with_its_error() -> None:
    state = build_demo()
    state.node_facts["demo-control-plane"][SCHEDULER_CONFIG] = "kind: Config\napiVersion: v1\n"
    model = scheduling_view(state, _params(_pending(state)), None)
    assert model["profile"]["words"].startswith(
        "Default weights: the scheduler's configuration was not read because the file read on "
        "node demo-control-plane is not usable: this is a kubeconfig (kind Config)"
    )


def test_a_pod_whose_scheduler_has_no_profile_is_said_to_be_picked_up_by_none() -> None:
    state = build_demo()
    pod = _pending(state)
    pod = {**pod, "spec": {**pod["spec"], "schedulerName": "gpu-scheduler"}}
    state.upsert(pod, "Pod")
    model = scheduling_view(state, _params(pod), None)
    assert not model["profile"]["picked_up"]
    assert model["profile"]["words"].startswith(
        "Default weights: the scheduler's configuration (read on node demo-control-plane) has "
        "no profile 'gpu-scheduler' (its profiles: default-scheduler, bin-packing-scheduler)"
    )
