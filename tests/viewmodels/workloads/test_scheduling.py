"""The scheduling view: a pod's cycle on any ClusterState — the live demo, a bundle, objects
kubectl printed — every node or one, bounded."""

from __future__ import annotations

import copy

from explorer.demo import build_demo
from explorer.snapshots.bundle import bundle_to_bytes, decode_bundle
from explorer.snapshots.object_files import load_files
from explorer.viewmodels.registry import get_view
from explorer.viewmodels.workloads.scheduling import (
    EVERY_NODE,
    cluster_version,
    run_cycle,
    scheduling_view,
)

MINIKUBE = ("kubectl/minikube-v1.34-pods.yaml", "kubectl/minikube-v1.34-nodes.yaml")


def _params(pod, node=EVERY_NODE):
    meta = pod["metadata"]
    return {"cluster": "c", "namespace": meta["namespace"], "name": meta["name"], "node": node}


def _pending(state):
    return next(p for p in state.list("Pod") if not p["spec"].get("nodeName"))


def test_the_minikube_pod_s_condition_is_reproduced_and_said_to_agree(real_fixtures) -> None:
    state = load_files([real_fixtures / f for f in MINIKUBE])
    pending = next(p for p in state.list("Pod") if p["status"]["phase"] == "Pending")
    model = scheduling_view(state, _params(pending), None)
    assert model["said"]["source"] == "PodScheduled condition"
    assert model["said"]["agrees"] and model["message"] == model["said"]["message"]
    assert model["version"] == "v1.34.0"
    assert model["plugins"][-1] == "DynamicResources"  # 1.34's profile


def test_a_snapshot_of_the_demo_draws_the_same_model_as_the_live_state() -> None:
    live = build_demo()
    frozen = decode_bundle(bundle_to_bytes(live)).state
    params = _params(_pending(live))
    assert scheduling_view(frozen, params, None) == scheduling_view(live, params, None)


def test_why_not_a_node_evaluates_a_running_pod_as_if_unscheduled() -> None:
    state = build_demo()
    db = state.get("Pod", "shop", "db-0")
    home = db["spec"]["nodeName"]
    model = scheduling_view(state, _params(db, home), None)
    (row,) = model["rows"]
    assert row["node"] == home and row["feasible"] is True and row["score"] is not None
    assert model["said"] is None and model["bound_to"] == home
    other = scheduling_view(state, _params(db, "demo-gpu-worker"), None)
    assert other["rows"][0]["rejected_by"] == "TaintToleration"
    unknown = scheduling_view(state, _params(db, "no-such-node"), None)
    assert unknown["rows"] == [] and not unknown["known_node"]


def test_a_bounded_evaluation_says_how_many_nodes_it_left_out_and_writes_no_message() -> None:
    state = build_demo()
    cycle = run_cycle(state, _pending(state), max_nodes=2)
    found, left_out = cycle.found, cycle.left_out
    assert left_out == 1 and len(found.nodes) == 2
    assert found.message is None and not found.certain


def test_the_scheduler_s_release_comes_from_its_image_else_the_kubelets() -> None:
    state = build_demo()
    assert cluster_version(state) == ((1, 33, 1), "the kube-scheduler pod's image")
    for pod in list(state.list("Pod", "kube-system")):
        if pod["metadata"]["name"].startswith("kube-scheduler"):
            state.delete("Pod", "kube-system", pod["metadata"]["name"])
    assert cluster_version(state)[1] == "the nodes' kubelets"


def test_hostile_names_stay_plain_strings_in_the_model() -> None:
    state = build_demo()
    hostile = "<img src=x onerror=alert(1)>"
    node = copy.deepcopy(state.get("Node", "", "demo-worker"))
    node["metadata"]["name"] = hostile
    node["metadata"]["uid"] = "hostile-node"
    state.upsert(node, "Node")
    model = scheduling_view(state, _params(_pending(state)), None)
    assert hostile in [r["node"] for r in model["rows"]]
    assert hostile in model["message"] or model["message"].startswith("0/4 nodes")
    assert "&lt;" not in str(model)  # text for the DOM, never escaped here


def test_the_view_is_registered_for_live_and_frozen_sources() -> None:
    view = get_view("scheduling")
    assert view.params == ("cluster", "namespace", "name", "node")
    assert {"Pod", "Node", "Event"} <= view.kinds
