"""The overview leads somewhere: its sectors carry the page a click opens, a legend says what the
colours mean, and pods waiting for a node are drawn big enough to read."""

from __future__ import annotations

import pytest

from explorer.demo import build_demo
from explorer.state.cluster_state import ClusterState
from explorer.viewmodels import unscheduled
from explorer.viewmodels.overview import NODES, OverviewMemo, overview
from explorer.viewmodels.unscheduled import UNSCHEDULED, waiting_reason

from .objects import node, pod

PARAMS = {"cluster": "test"}
GPU = (
    "0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint "
    "{node-role.kubernetes.io/control-plane: }, 1 node(s) had untolerated taint {nvidia.com/gpu: "
    "present}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming "
    "pod, 2 Preemption is not helpful for scheduling."
)
CPU = "0/3 nodes are available: 3 Insufficient cpu."


def waiting(namespace: str, name: str, message: str = GPU) -> dict:
    made = pod(namespace, name, node_name=None, phase="Pending")
    made["status"]["conditions"] = [
        {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": message}
    ]
    return made


def cluster(*objects: dict) -> ClusterState:
    state = ClusterState("test")
    for obj in objects:
        state.upsert(obj)
    return state


def share(sectors: dict, sector_id: str) -> float:
    """The part of the figure a sector covers: its value (its children's too) over all."""

    def total(of: str) -> float:
        own = sectors[of]["value"]
        return own + sum(total(i) for i, s in sectors.items() if s["parent"] == of)

    return total(sector_id) / sum(total(i) for i, s in sectors.items() if s["parent"] == "")


def test_pods_nodes_and_folded_groups_carry_the_page_a_click_opens(monkeypatch) -> None:
    sectors = overview(build_demo(), {"cluster": "demo"})["sectors"]
    assert sectors["pod/shop/db-0"]["link"] == {"page": "pod", "namespace": "shop", "name": "db-0"}
    assert sectors["node/demo-worker"]["link"] == {"page": "node", "name": "demo-worker"}
    assert "link" not in sectors["node/demo-worker/ns/shop"]  # a namespace zooms
    crowded = [pod("batch", f"job-{i}", owner="worker-abc") for i in range(70)]
    folded = overview(cluster(node("n1"), *crowded), PARAMS)["sectors"]
    group = folded["node/n1/ns/batch/owner/ReplicaSet/worker-abc"]
    assert group["link"] == {
        "page": "object",
        "kind": "ReplicaSet",
        "namespace": "batch",
        "name": "worker-abc",
    }


def test_the_legend_says_what_each_pod_colour_and_each_box_means() -> None:
    legend = overview(build_demo(), {"cluster": "demo"})["legend"]
    assert [entry["state"] for entry in legend["pods"]][:2] == ["Failed", "Terminating"]
    boxes = [entry["what"] for entry in legend["boxes"]]
    assert any("not Ready" in what for what in boxes)
    assert "pods waiting for a node" in boxes
    assert len({entry["colour"] for entry in legend["boxes"]}) == len(boxes)


def test_the_demo_gpu_pod_is_labelled_with_why_it_waits_and_covers_a_readable_share() -> None:
    sectors = overview(build_demo(), {"cluster": "demo"})["sectors"]
    trainer = next(i for i in sectors if i.startswith("pod/shop/trainer-"))
    assert sectors[trainer]["parent"] == UNSCHEDULED
    assert sectors[trainer]["label"].endswith("<br>Insufficient nvidia.com/gpu")
    assert "1 node has too little nvidia.com/gpu" in sectors[trainer]["hover"]
    assert share(sectors, trainer) >= 0.05


@pytest.mark.parametrize("running", [30, 3000])
def test_one_waiting_pod_beside_many_running_ones_still_covers_a_readable_share(running) -> None:
    pods = [
        pod("shop", f"web-{i}", node_name=f"n{i % 3}", owner=f"o{i % 5}") for i in range(running)
    ]
    state = cluster(*(node(f"n{i}") for i in range(3)), *pods, waiting("ml", "trainer"))
    sectors = overview(state, PARAMS)["sectors"]
    assert share(sectors, "pod/ml/trainer") >= unscheduled.SECTOR_SHARE * 0.9


def test_past_the_readable_number_waiting_pods_are_counted_per_reason() -> None:
    many = [waiting("ml", f"gpu-{i}") for i in range(8)]
    many += [waiting("batch", f"cpu-{i}", CPU) for i in range(unscheduled.MAX_PODS_SHOWN - 5)]
    sectors = overview(cluster(node("n1"), pod("shop", "web"), *many), PARAMS)["sectors"]
    groups = [s for s in sectors.values() if s["parent"] == UNSCHEDULED]
    assert sorted(s["label"] for s in groups) == [
        "Insufficient cpu \u00d75",
        "Insufficient nvidia.com/gpu \u00d78",
    ]
    assert not any(i.startswith("pod/ml/") for i in sectors)
    gpu = next(s for s in groups if "gpu" in s["label"])
    assert gpu["link"] == {"page": "pod", "namespace": "ml", "name": "gpu-0"}


def test_at_the_coarsest_level_the_waiting_group_is_one_counted_box(monkeypatch) -> None:
    from explorer.viewmodels import overview as overview_module

    monkeypatch.setattr(overview_module, "MAX_SECTORS", 1)
    state = cluster(node("n1"), pod("shop", "web"), waiting("ml", "a"), waiting("ml", "b"))
    model = overview(state, PARAMS, OverviewMemo())
    assert model["header"]["detail"] == NODES
    assert model["sectors"][UNSCHEDULED]["label"] == "not scheduled \u00d72"
    assert {i for i, s in model["sectors"].items() if s["parent"] == UNSCHEDULED} == set()


def test_a_waiting_pod_is_filed_under_the_reason_most_nodes_give_a_shortage_first() -> None:
    assert waiting_reason(GPU) == "Insufficient nvidia.com/gpu"
    spread = "0/5 nodes are available: 1 Insufficient memory, 4 node(s) were unschedulable."
    assert waiting_reason(spread) == "node(s) were unschedulable"
    assert waiting_reason("something else") == "something else"
    assert waiting_reason("") == unscheduled.NO_WORD
