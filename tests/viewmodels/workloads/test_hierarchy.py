from __future__ import annotations

import pytest

from explorer.demo import build_demo
from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.registry import get_view
from explorer.viewmodels.workloads.hierarchy import CONTAINERS, MAX_SECTORS, PODS, TOP, hierarchy
from explorer.viewmodels.workloads.hierarchy_index import HierarchyIndex

from ..workload_states import (
    ESCAPED,
    HOSTILE,
    add_hostile_pod,
    every_plotly_text,
    many_pods_state,
    real_state,
)

ALL = {"cluster": "demo", "namespace": "*", "size": "count"}


def _children(sectors: dict, parent: str) -> dict:
    return {k: v for k, v in sectors.items() if v["parent"] == parent}


def test_demo_web_deployment_walks_down_to_replicaset_three_pods_containers_and_sandboxes():
    state = build_demo()
    sectors = hierarchy(state, ALL)["sectors"]
    deployment = "ns/shop/Deployment/web"
    assert sectors[deployment]["parent"] == "ns/shop"
    (replica_set,) = _children(sectors, deployment)
    assert sectors[replica_set]["kind"] == "owner" and "ReplicaSet/web-" in replica_set
    pods = _children(sectors, replica_set)
    assert len(pods) == 3 and all(s["kind"] == "pod" for s in pods.values())
    for pod_id, pod in pods.items():
        inside = _children(sectors, pod_id)
        assert {s["kind"] for s in inside.values()} == {"container", "sandbox"}
        assert (
            f"{pod_id}/container/web" in inside and inside[f"{pod_id}/sandbox"]["label"] == "pause"
        )
        assert pod["pod"] == f"shop/{pod_id.split('/')[-1]}"


def test_demo_controllers_of_every_kind_sit_under_their_namespace() -> None:
    sectors = hierarchy(build_demo(), ALL)["sectors"]
    assert {
        "ns/shop/StatefulSet/db",
        "ns/shop/CronJob/report",
        "ns/kube-system/DaemonSet/kube-proxy",
    } <= set(sectors)
    (job, *_) = _children(sectors, "ns/shop/CronJob/report")
    assert "/Job/report-" in job


def test_every_sector_parent_exists() -> None:
    sectors = hierarchy(build_demo(), ALL)["sectors"]
    assert all(s["parent"] == "" or s["parent"] in sectors for s in sectors.values())


def test_real_fixture_hierarchy(real_fixtures) -> None:
    state = real_state(real_fixtures)
    model = hierarchy(state, {**ALL, "size": "memory"})
    sectors = model["sectors"]
    assert model["header"]["counts"]["pods"] == state.count("Pod")
    # a ReplicaSet the state does not hold is the top of its pods; mirror pods hang off their Node
    assert sectors["ns/scraper/StatefulSet/e2e-statefulset"]["kind"] == "controller"
    assert _children(sectors, "ns/scraper/StatefulSet/e2e-statefulset").keys() == {
        "pod/scraper/e2e-statefulset-0",
        "pod/scraper/e2e-statefulset-1",
    }
    assert "pod/kube-system/etcd-datagen-1-34" in _children(
        sectors, "ns/kube-system/Node/datagen-1-34"
    )
    assert "pod/kube-system/storage-provisioner" in _children(sectors, "ns/kube-system/bare")
    assert all(s["value"] > 0 for s in sectors.values() if s["kind"] in ("container", "sandbox"))


@pytest.mark.parametrize("size", ["cpu", "memory"])
def test_sizing_by_requests_gives_bigger_requests_bigger_sectors(size) -> None:
    sectors = hierarchy(build_demo(), {**ALL, "size": size})["sectors"]
    db = sectors["pod/shop/db-0/container/postgres"]["value"]  # 1 cpu, 2Gi
    web = next(
        v
        for k, v in sectors.items()
        if k.startswith("pod/shop/web-") and k.endswith("/container/web")
    )
    assert db > web["value"] > 0


def test_namespace_param_draws_that_namespace_only() -> None:
    model = hierarchy(build_demo(), {**ALL, "namespace": "shop"})
    assert {k for k, v in model["sectors"].items() if v["kind"] == "namespace"} == {"ns/shop"}


def _big_state(pods: int) -> ClusterState:
    """Many pods of 1,200 StatefulSets in 40 namespaces."""
    return many_pods_state(pods, owners=1200, namespaces=40)


def test_a_big_cluster_is_folded_to_at_most_max_sectors() -> None:
    model = hierarchy(_big_state(12000), ALL)
    header = model["header"]
    assert header["detail"] not in (CONTAINERS, PODS)
    assert len(model["sectors"]) <= MAX_SECTORS
    assert sum(s["value"] for s in model["sectors"].values()) == pytest.approx(
        header["counts"]["pods"]
    )


def test_folding_at_the_top_level_keeps_the_count_in_a_more_sector(monkeypatch) -> None:
    from explorer.viewmodels.workloads import hierarchy as module

    monkeypatch.setattr(module, "MAX_SECTORS", 300)
    model = hierarchy(_big_state(3000), ALL)
    assert model["header"]["detail"] == TOP and len(model["sectors"]) <= 300
    more = [s for s in model["sectors"].values() if s["kind"] == "more"]
    assert more and all("more controllers" in s["label"] for s in more)
    assert sum(s["value"] for s in model["sectors"].values()) == pytest.approx(
        model["header"]["counts"]["pods"]
    )


def test_memo_rebuild_gives_the_same_model_and_follows_changes() -> None:
    state = build_demo()
    memo = HierarchyIndex()
    first = hierarchy(state, ALL, memo)
    assert hierarchy(state, ALL, memo) == first
    state.delete("Pod", "shop", "db-1")
    assert "pod/shop/db-1" not in hierarchy(state, ALL, memo)["sectors"]


def test_hostile_names_labels_images_are_escaped_in_every_plotly_text() -> None:
    state = build_demo()
    add_hostile_pod(state)
    model = hierarchy(state, ALL)
    texts = every_plotly_text(model)
    assert any(ESCAPED in t for t in texts)
    assert not any(HOSTILE in t for t in texts)
    # the crumbs and the list beside the figure show `text` as DOM text: plain, escaped nowhere
    hostile = [s for s in model["sectors"].values() if ESCAPED in s["label"]]
    assert hostile
    assert all(s["text"] == s["label"].replace("&lt;", "<").replace("&gt;", ">") for s in hostile)
    assert all(HOSTILE in s["text"] for s in hostile)


def test_hierarchy_is_registered_with_its_params() -> None:
    view = get_view("hierarchy")
    assert view.params == ("cluster", "namespace", "size") and "Pod" in view.kinds
