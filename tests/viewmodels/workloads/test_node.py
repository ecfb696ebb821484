from __future__ import annotations

from explorer.demo import build_demo
from explorer.viewmodels.workloads.node import node_view, pod_requests

from ..workload_states import real_state


def _node(state, name: str) -> dict:
    return node_view(state, {"cluster": "demo", "name": name})


def test_demo_worker_requested_is_the_sum_of_its_unfinished_pods_requests() -> None:
    state = build_demo()
    model = _node(state, "demo-worker")
    rows = {r["resource"]: r for r in model["resources"]}
    active = [
        p
        for p in state.pods_on_node("demo-worker")
        if p["status"].get("phase") not in ("Succeeded", "Failed")
    ]
    assert rows["cpu"]["requested"] == sum(pod_requests(p)["cpu"] for p in active) == 3400
    assert rows["cpu"]["allocatable"] == 8000 and rows["cpu"]["free"] == 4600
    assert rows["pods"]["requested"] == len(active)
    assert (
        rows["memory"]["capacity"] - rows["memory"]["allocatable"]
        == rows["memory"]["reserved"]
        == 100 * 1024 * 1024
    )
    assert rows["cpu"]["percent_requested"] == 42.5


def test_bars_are_percentages_of_capacity_with_amounts_in_the_hover() -> None:
    bars = _node(build_demo(), "demo-worker")["bars"]
    assert bars["capacity"]["y"][0] == 100
    assert bars["requested"]["y"][0] == 42.5
    assert "3400m" in bars["requested"]["hover"][0]


def test_lease_taints_and_conditions() -> None:
    state = build_demo()
    gpu = _node(state, "demo-gpu-worker")
    assert gpu["taints"] == [{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}]
    assert gpu["lease"]["found"] and gpu["lease"]["renew_time"].endswith("Z")
    ready = next(c for c in gpu["conditions"] if c["type"] == "Ready")
    pressure = next(c for c in gpu["conditions"] if c["type"] == "MemoryPressure")
    assert ready["healthy"] and pressure["healthy"]


def test_init_containers_count_as_the_largest_of_them_sidecars_add_up() -> None:
    pod = {
        "spec": {
            "containers": [{"resources": {"requests": {"cpu": "100m"}}}],
            "initContainers": [
                {"resources": {"requests": {"cpu": "500m"}}},
                {"restartPolicy": "Always", "resources": {"requests": {"cpu": "50m"}}},
            ],
        }
    }
    assert pod_requests(pod)["cpu"] == 500


def test_an_init_container_after_a_sidecar_counts_with_it_as_on_the_headroom_page() -> None:
    pod = {
        "spec": {
            "containers": [{"resources": {"requests": {"cpu": "1"}}}],
            "initContainers": [
                {"restartPolicy": "Always", "resources": {"requests": {"cpu": "500m"}}},
                {"resources": {"requests": {"cpu": "1200m"}}},
            ],
        }
    }
    # running: 1000m + the sidecar's 500m; the migration runs beside the sidecar: 1700m
    assert pod_requests(pod)["cpu"] == 1700


def test_real_node_fixtures_read(real_fixtures) -> None:
    state = real_state(real_fixtures)
    nodes = list(state.list("Node", ""))
    assert nodes
    for node in nodes:
        model = _node(state, node["metadata"]["name"])
        rows = {r["resource"]: r for r in model["resources"]}
        assert rows["cpu"]["capacity"] >= rows["cpu"]["allocatable"] > 0
        assert model["conditions"]


def test_unknown_node_says_not_found() -> None:
    assert _node(build_demo(), "ghost")["found"] is False
