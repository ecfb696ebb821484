from __future__ import annotations

import pytest

from explorer.demo import build_demo
from explorer.state.cluster_state import ClusterState
from explorer.viewmodels import node_groups
from explorer.viewmodels import overview as overview_module
from explorer.viewmodels.base import ViewError, params_of
from explorer.viewmodels.overview import (
    GROUPS,
    NODES,
    OWNERS,
    UNSCHEDULED,
    OverviewMemo,
    overview,
)
from explorer.viewmodels.registry import get_view

from .objects import node, pod

XSS = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def cluster(*objects: dict) -> ClusterState:
    state = ClusterState("test")
    for obj in objects:
        state.upsert(obj)
    return state


def test_every_demo_pod_sits_under_its_namespace_on_its_node_or_in_the_waiting_group() -> None:
    state = build_demo()
    sectors = overview(state, {"cluster": "demo"})["sectors"]
    for p in state.list("Pod"):
        meta = p["metadata"]
        sector = sectors[f"pod/{meta['namespace']}/{meta['name']}"]
        node_name = p["spec"].get("nodeName")
        if not node_name:
            assert sector["parent"] == UNSCHEDULED
            continue
        assert sector["parent"] == f"node/{node_name}/ns/{meta['namespace']}"
        assert sectors[sector["parent"]]["parent"] == f"node/{node_name}"
    assert all(s["parent"] == "" or s["parent"] in sectors for s in sectors.values())


def test_pod_sector_says_phase_readiness_qos_and_restarts() -> None:
    guaranteed = {
        "requests": {"cpu": "1", "memory": "1Gi"},
        "limits": {"cpu": "1", "memory": "1Gi"},
    }
    state = cluster(node("n1"), pod("shop", "web-1", ready=False, restarts=4, resources=guaranteed))
    sector = overview(state, {"cluster": "test"})["sectors"]["pod/shop/web-1"]
    assert (sector["phase"], sector["ready"], sector["qos"], sector["restarts"]) == (
        "Running",
        "0/1",
        "Guaranteed",
        4,
    )
    assert sector["state"] == "Running, not ready"
    assert "restarts: 4" in sector["hover"] and "QoS: Guaranteed" in sector["hover"]


def test_markup_from_the_cluster_is_escaped_in_labels_and_hover_text() -> None:
    state = cluster(node("n1"), pod("shop", XSS, labels={"note": XSS}))
    sector = overview(state, {"cluster": "test"})["sectors"][f"pod/shop/{XSS}"]
    assert sector["label"] == ESCAPED
    assert f"note={ESCAPED}" in sector["hover"]
    assert "<img" not in sector["hover"] and "<img" not in sector["label"]


def test_header_holds_plain_strings_for_the_page_to_show_as_text() -> None:
    state = cluster(node("n1"), pod("shop", "web-1"))
    state.cluster = XSS
    state.not_visible["Secret"] = "forbidden: <b>no</b>"
    header = overview(state, {"cluster": XSS})["header"]
    assert header["cluster"] == XSS
    assert header["not_visible"] == {"Secret": "forbidden: <b>no</b>"}
    assert header["counts"] == {"nodes": 1, "pods": 1, "namespaces": 0}
    assert header["states"] == {"Running": 1}


def test_a_pod_not_yet_scheduled_shows_under_not_scheduled() -> None:
    state = cluster(node("n1"), pod("ml", "trainer", node_name=None, phase="Pending"))
    sectors = overview(state, {"cluster": "test"})["sectors"]
    assert sectors["pod/ml/trainer"]["parent"] == UNSCHEDULED
    assert sectors[UNSCHEDULED]["label"] == "not scheduled"


def test_a_crowded_node_folds_the_pods_of_one_owner_into_one_counted_sector() -> None:
    pods = [pod("batch", f"job-{i}", owner="worker-abc") for i in range(70)]
    pods[3]["status"]["phase"] = "Failed"
    state = cluster(node("n1"), *pods, pod("batch", "lonely"))
    sectors = overview(state, {"cluster": "test"})["sectors"]
    group = sectors["node/n1/ns/batch/owner/ReplicaSet/worker-abc"]
    assert group["value"] == 70 and group["label"] == "worker-abc \u00d770"
    assert group["colour"] == "#d62728"  # the worst member's: Failed
    assert "pod/batch/lonely" in sectors and "pod/batch/job-1" not in sectors


def test_a_big_cluster_gets_the_finest_level_of_detail_that_fits(monkeypatch) -> None:
    pods = [pod(f"ns{i % 8}", f"p{i}", node_name=f"n{i % 4}", owner=f"o{i % 8}") for i in range(40)]
    state = cluster(*(node(f"n{i}") for i in range(4)), *pods)
    monkeypatch.setattr(overview_module, "MAX_SECTORS", 20)  # 8 owners, 8 namespaces, 4 nodes
    model = overview(state, {"cluster": "test"})
    assert model["header"]["detail"] == OWNERS
    assert len([s for s in model["sectors"].values() if s["kind"] == "pods"]) == 8
    monkeypatch.setattr(overview_module, "MAX_SECTORS", 4)
    model = overview(state, {"cluster": "test"})
    assert model["header"]["detail"] == NODES
    assert [s["value"] for s in model["sectors"].values()] == [10, 10, 10, 10]


def test_past_one_sector_a_node_runs_of_nodes_are_drawn_each_leading_to_its_own_overview(
    monkeypatch,
) -> None:
    names = [f"worker-{i}" for i in range(12)]  # worker-2 comes before worker-10
    pods = [pod("ns", f"p{i}", node_name=names[i], owner=f"o{i}") for i in range(12)]
    state = cluster(*(node(name) for name in names), *pods, pod("ns", "waiting", node_name=None))
    monkeypatch.setattr(overview_module, "MAX_SECTORS", 11)
    monkeypatch.setattr(node_groups, "GROUP_TARGET", 4)
    model = overview(state, {"cluster": "test"})
    assert model["header"]["detail"] == GROUPS
    runs = {k: s for k, s in model["sectors"].items() if s["kind"] == "nodes"}
    assert list(runs) == [
        "nodes/worker-0..worker-2",
        "nodes/worker-3..worker-5",
        "nodes/worker-6..worker-8",
        "nodes/worker-9..worker-11",
    ]
    assert [s["value"] for s in runs.values()] == [3, 3, 3, 3]  # 3 nodes of a pod each
    assert runs["nodes/worker-9..worker-11"]["link"] == {
        "page": "overview",
        "first": "worker-9",
        "last": "worker-11",
    }
    assert UNSCHEDULED in model["sectors"]  # the waiting pod stays in sight

    shown = overview(state, {"cluster": "test", "first": "worker-9", "last": "worker-11"})
    assert shown["header"]["detail"] == "pods"
    assert shown["header"]["range"] == {"first": "worker-9", "last": "worker-11", "nodes": 3}
    drawn_nodes = [k for k, s in shown["sectors"].items() if s["kind"] == "node"]
    assert drawn_nodes == ["node/worker-9", "node/worker-10", "node/worker-11"]
    pods_drawn = {k for k, s in shown["sectors"].items() if k.startswith("pod/")}
    assert pods_drawn == {"pod/ns/p9", "pod/ns/p10", "pod/ns/p11"}  # 9 sectors with the boxes


def test_nodes_past_the_bound_are_drawn_in_runs_even_before_their_pods_are_listed(
    monkeypatch,
) -> None:
    state = cluster(*(node(f"n{i}") for i in range(12)))
    monkeypatch.setattr(overview_module, "MAX_SECTORS", 10)
    monkeypatch.setattr(node_groups, "GROUP_TARGET", 4)
    model = overview(state, {"cluster": "test"})
    assert model["header"]["detail"] == GROUPS and len(model["sectors"]) <= 10


def test_a_run_of_nodes_is_named_with_escaped_names(monkeypatch) -> None:
    state = cluster(node("a" + XSS), node("b"), pod("ns", "p", node_name="b"))
    monkeypatch.setattr(overview_module, "MAX_SECTORS", 1)
    run = next(s for s in overview(state, {"cluster": "t"})["sectors"].values())
    assert XSS not in run["label"] + run["hover"] and ESCAPED in run["label"]


def test_a_rebuild_with_a_kept_memo_sees_a_changed_pod() -> None:
    state = cluster(node("n1"), pod("shop", "web-1"))
    memo = OverviewMemo()
    overview(state, {"cluster": "test"}, memo)
    state.upsert(pod("shop", "web-1", phase="Failed"))
    rebuilt = overview(state, {"cluster": "test"}, memo)
    assert rebuilt == overview(state, {"cluster": "test"})
    assert rebuilt["sectors"]["pod/shop/web-1"]["phase"] == "Failed"


def test_every_sector_hangs_from_another_sector_or_the_root() -> None:
    # static/js/kit.js sectorTrace gives Plotly the sectors as they are: a parent must exist
    sectors = overview(build_demo(), {"cluster": "demo"})["sectors"]
    assert len(sectors) > 10
    assert {s["parent"] for s in sectors.values()} <= {*sectors, ""}


def test_views_take_exactly_their_parameters() -> None:
    view = get_view("overview")
    assert params_of(view, {"cluster": "demo"}) == {"cluster": "demo"}
    with pytest.raises(ViewError, match="no such view"):
        get_view("../etc/passwd")
    with pytest.raises(ViewError, match="takes no parameter extra"):
        params_of(view, {"cluster": "demo", "extra": "1"})
    with pytest.raises(ViewError, match="needs cluster"):
        params_of(view, {"cluster": 3})
    ranged = {"cluster": "demo", "first": "a", "last": "b"}
    assert params_of(view, ranged) == ranged  # optional, taken when given
    with pytest.raises(ViewError, match="needs first"):
        params_of(view, {"cluster": "demo", "first": "x" * 254})
