"""The headroom views on the demo and on hand-made states: the heatmap's rows and cells, its
grouping of many nodes, escaping, following changes, where a pod fits, and the requested
fraction over the change log's window."""

from __future__ import annotations

import copy

import pytest

from explorer.demo import build_demo
from explorer.state.change_log import Retention
from explorer.state.cluster_state import Change, ClusterState
from explorer.state.store import ClusterStates
from explorer.viewmodels.workloads import headroom_rows
from explorer.viewmodels.workloads.headroom import HeadroomMemo, headroom, update_headroom
from explorer.viewmodels.workloads.headroom_fit import FitMemo, headroom_fit, update_fit
from explorer.viewmodels.workloads.headroom_history import (
    SAMPLES,
    HistoryMemo,
    headroom_history,
    update_history,
)
from tests.collectors.scheduling.builders import node, pod

from ..workload_states import ESCAPED, HOSTILE

ASK = {"cpu": "0", "memory": "0", "extended": "-", "selector": "-", "tolerate": "-"}


def _state(*objects: dict) -> ClusterState:
    state = ClusterState("hand")
    for obj in objects:
        state.apply({"type": "ADDED", "object": obj}, obj["kind"])
    return state


def test_a_cell_is_the_share_requested_and_its_hover_says_the_numbers() -> None:
    state = _state(
        node("a", cpu="4", memory="8Gi"),
        pod("web", node_name="a", requests={"cpu": "1", "memory": "2Gi"}),
        pod("done", node_name="a", requests={"cpu": "2"}, phase="Succeeded"),
    )
    model = headroom(state, {"cluster": "hand"})
    assert model["resources"] == ["cpu", "memory", "pods", "ephemeral-storage"]
    row = model["rows"]["a"]
    assert row["z"][:3] == [25.0, 25.0, round(100 / 110, 1)]
    assert row["z"][3] is None  # the node offers no ephemeral-storage
    assert "requested: 1 cores of 4 cores (25.0%)" in row["hover"][0]
    assert "pods without a limit: 1" in row["hover"][0]
    assert row["link"] == {"page": "node", "name": "a"}
    assert model["totals"][0]["requested"] == "1 cores"


def test_cluster_strings_reach_plotly_escaped_and_the_dom_plain() -> None:
    hostile_resource = "example.com/" + HOSTILE
    state = _state(node("a", **{hostile_resource: "2"}), pod("x", node_name="a"))
    model = headroom(state, {"cluster": "hand"})
    assert hostile_resource in model["resources"]
    assert "example.com/" + ESCAPED in model["columns"]
    hover = model["rows"]["a"]["hover"][model["resources"].index(hostile_resource)]
    assert ESCAPED in hover and HOSTILE not in hover


def test_many_nodes_are_grouped_by_their_pool_label_escaped(monkeypatch) -> None:
    monkeypatch.setattr(headroom_rows, "MAX_ROWS", 3)
    pools = ["blue", "blue", HOSTILE, HOSTILE, "green"]
    nodes = [
        node(f"n{i}", labels={"cloud.google.com/gke-nodepool": pool})
        for i, pool in enumerate(pools)
    ]
    state = _state(*nodes, pod("busy", node_name="n0", requests={"cpu": "4"}))
    model = headroom(state, {"cluster": "hand"})
    assert model["order"] == ["pool:" + HOSTILE, "pool:blue", "pool:green"]
    blue = model["rows"]["pool:blue"]
    assert (blue["nodes"], blue["z"][0], blue["link"]) == (2, 50.0, None)
    assert "fullest node: n0 (100.0%)" in blue["hover"][0]
    hostile = model["rows"]["pool:" + HOSTILE]
    assert (hostile["label"], hostile["text"]) == (ESCAPED, HOSTILE)
    assert "gke-nodepool label into 3 rows" in model["grouping"]["words"]


def test_without_a_pool_label_many_nodes_are_sorted_by_load_and_binned(monkeypatch) -> None:
    monkeypatch.setattr(headroom_rows, "MAX_ROWS", 2)
    nodes = [node(f"n{i}") for i in range(4)]
    state = _state(*nodes, pod("busy", node_name="n2", requests={"cpu": "3"}))
    model = headroom(state, {"cluster": "hand"})
    assert model["order"] == ["load:0", "load:2"]
    first = model["rows"]["load:0"]
    assert first["text"] == "nodes 1 to 2 by load"
    assert first["z"][0] == 37.5  # n2 (3 of 4 cores) and n0 (none): 3 of 8
    assert "fullest node: n2 (75.0%)" in first["hover"][0]


def test_the_demo_shows_its_gpus_and_leaves_the_idle_hugepages_out() -> None:
    state = build_demo()
    model = headroom(state, {"cluster": state.cluster})
    assert "nvidia.com/gpu" in model["resources"]
    assert model["idle"] == ["hugepages-1Gi", "hugepages-2Mi"]
    gpu_node = next(r for r in model["rows"].values() if "gpu" in r["text"])
    assert gpu_node["z"][model["resources"].index("nvidia.com/gpu")] is not None


def test_an_update_counts_again_only_what_changed_and_agrees_with_a_build() -> None:
    states = ClusterStates()
    states.add("demo", build_demo())
    memo = HeadroomMemo()
    with states.read("demo") as state:
        headroom(state, {"cluster": "demo"}, memo)
        target = next(p for p in state.list("Pod", "shop") if p["spec"].get("nodeName"))
    moved = copy.deepcopy(target)
    moved["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "3"}}
    states.event("demo", "Pod", {"type": "MODIFIED", "object": moved})
    with states.read("demo") as state:
        change = Change("MODIFIED", "Pod", "shop", moved["metadata"]["name"], moved, target)
        updated = update_headroom(state, {"cluster": "demo"}, memo, [change])
        assert updated == headroom(state, {"cluster": "demo"})
        assert updated != headroom(build_demo(), {"cluster": "demo"})


def test_where_a_pod_fits_names_the_nodes_and_the_schedulers_reasons() -> None:
    state = _state(
        node("small", cpu="1"),
        node("big", cpu="8", labels={"disk": "ssd"}),
        node("cordoned", cpu="8", unschedulable=True),
    )
    model = headroom_fit(state, {"cluster": "hand", **ASK, "cpu": "2"})
    assert (model["fits"], [n["node"] for n in model["fit_nodes"]]) == (1, ["big"])
    assert model["message"] == ""
    nowhere = headroom_fit(state, {"cluster": "hand", **ASK, "cpu": "2", "selector": "disk=hdd"})
    assert nowhere["fits"] == 0
    assert nowhere["message"] == (
        "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's "
        "node affinity/selector."  # the small node fails NodeAffinity before NodeResourcesFit
    )
    assert "nodeSelector disk=hdd" in nowhere["asked"]


def test_where_a_pod_fits_follows_a_pod_landing_on_the_only_node_with_room() -> None:
    states = ClusterStates()
    states.add("hand", _state(node("small", cpu="1"), node("big", cpu="4")))
    memo = FitMemo()
    params = {"cluster": "hand", **ASK, "cpu": "3"}
    with states.read("hand") as state:
        assert headroom_fit(state, params, memo)["fits"] == 1
    landed = pod("landed", node_name="big", requests={"cpu": "2"})
    states.event("hand", "Pod", {"type": "ADDED", "object": landed})
    change = Change("ADDED", "Pod", "default", "landed", landed)
    with states.read("hand") as state:
        followed = update_fit(state, params, memo, [change])
        assert followed == headroom_fit(state, params)
    assert followed["message"] == "0/2 nodes are available: 2 Insufficient cpu."


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("cpu", "lots", "cpu: 'lots' is not a quantity"),
        ("memory", "-1Gi", "memory: '-1Gi' is negative"),
        ("extended", "memory=1", "extended: 'memory' is not an extended resource"),
        ("selector", "novalue", "selector: 'novalue' is not name=value"),
    ],
)
def test_a_question_it_cannot_read_is_said_back(field: str, value: str, words: str) -> None:
    model = headroom_fit(_state(node("a")), {"cluster": "hand", **ASK, field: value})
    assert model["error"].startswith(words)


def test_the_history_walks_the_change_log_back_from_now() -> None:
    clock = [1_000_000.0]
    states = ClusterStates(retention=Retention(clock=lambda: clock[0]))
    states.add("hand", _state(node("a", cpu="4"), pod("old", node_name="a", requests={"cpu": "1"})))
    clock[0] += 600
    new = pod("new", node_name="a", requests={"cpu": "2"})
    states.event("hand", "Pod", {"type": "ADDED", "object": new})
    clock[0] += 600
    with states.read("hand") as state:
        model = headroom_history(state, {"cluster": "hand"})
    assert (model["recorded"], model["changes"]) == (True, 1)
    cpu = model["series"]["cpu"]["y"]
    assert len(cpu) == SAMPLES
    assert (cpu[0], cpu[-1]) == (25.0, 75.0)  # 1 of 4 cores before the new pod, 3 after
    assert cpu.count(25.0) == SAMPLES // 2


def test_the_history_follows_a_pod_change_without_walking_the_log_again() -> None:
    clock = [1_000_000.0]
    states = ClusterStates(retention=Retention(clock=lambda: clock[0]))
    states.add("hand", _state(node("a", cpu="4"), pod("old", node_name="a", requests={"cpu": "1"})))
    clock[0] += 600
    memo = HistoryMemo()
    with states.read("hand") as state:
        headroom_history(state, {"cluster": "hand"}, memo)
    clock[0] += 5
    new = pod("new", node_name="a", requests={"cpu": "1"})
    states.event("hand", "Pod", {"type": "ADDED", "object": new})
    change = Change("ADDED", "Pod", "default", "new", new)
    with states.read("hand") as state:
        followed = update_history(state, {"cluster": "hand"}, memo, [change])
        built = headroom_history(state, {"cluster": "hand"})
    assert followed is not None
    assert followed["series"]["cpu"]["y"][-1] == built["series"]["cpu"]["y"][-1] == 50.0
    assert followed["changes"] == built["changes"] == 1
    assert followed["series"]["cpu"]["y"][0] == 25.0


def test_a_source_without_a_recorder_says_it_knows_only_its_present() -> None:
    model = headroom_history(_state(node("a")), {"cluster": "hand"})
    assert model["recorded"] is False and "no flight recorder" in model["why"]
