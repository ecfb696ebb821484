"""The workload hierarchy past its bound (issue 14): a model of a big cluster keeps at most
MAX_SECTORS sectors, a folded sector counts the pods it stands for, a `root` param
sends one folded sector's subtree (itself bounded, in ranges of pods when it must), and an
update after changes gives the model a build would."""

from __future__ import annotations

import copy
import random
import re
import uuid

import pytest

from explorer.demo import build_demo
from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.base import params_of
from explorer.viewmodels.registry import get_view
from explorer.viewmodels.workloads import hierarchy as module
from explorer.viewmodels.workloads.hierarchy import hierarchy, update_hierarchy
from explorer.viewmodels.workloads.hierarchy_index import HierarchyIndex

from ..workload_states import ESCAPED, HOSTILE, every_plotly_text, many_pods_state

ALL = {"cluster": "demo", "namespace": "*", "size": "count"}
BOUND = 400


@pytest.fixture
def bound(monkeypatch) -> int:
    monkeypatch.setattr(module, "MAX_SECTORS", BOUND)
    monkeypatch.setattr(module, "CHUNK", 50)
    return BOUND


def _state(pods: int, owners: int = 60, namespaces: int = 6) -> ClusterState:
    """The demo plus `pods` pods of `owners` StatefulSets; every 7th one Pending."""
    return many_pods_state(pods, owners, namespaces, fail_every=7)


def _pods_of(state: ClusterState, namespace: str, owner: str) -> list[dict]:
    return [
        p
        for p in state.list("Pod", namespace)
        if (p["metadata"].get("ownerReferences") or [{}])[0].get("name") == owner
    ]


def _count(text: str) -> int:
    return int(re.match(r"(\d+) pods", text).group(1))


def test_over_the_bound_the_model_stays_under_it_and_each_folded_sector_counts_its_pods(bound):
    state = _state(3000)
    model = hierarchy(state, ALL)
    sectors = model["sectors"]
    assert model["header"]["detail"] == module.GROUPS
    assert len(sectors) <= bound < model["header"]["counts"]["pods"]
    folds = {k: s for k, s in sectors.items() if s["kind"] == "pods"}
    assert folds and all(s["folded"] for s in folds.values())
    for fold_id, fold in folds.items():
        if not fold_id.startswith("ns/ns-"):
            continue
        _, namespace, _kind, owner, _ = fold_id.split("/")
        pods = _pods_of(state, namespace, owner)
        pending = sum(p["status"]["phase"] == "Pending" for p in pods)
        assert _count(fold["text"]) == len(pods) == fold["value"]
        expected = f"{len(pods)} pods: {pending} Pending, {len(pods) - pending} Running"
        assert expected in fold["hover"] if pending else f"{len(pods)} Running" in fold["hover"]
    assert sum(s["value"] for s in sectors.values()) == model["header"]["counts"]["pods"]


def test_zooming_on_a_folded_sector_sends_its_pods_and_keeps_the_ids_of_the_whole(bound):
    state = _state(3000)
    whole = hierarchy(state, ALL)["sectors"]
    fold_id = "ns/ns-1/StatefulSet/set-7/pods"
    assert whole[fold_id]["folded"]
    zoomed = hierarchy(state, {**ALL, "root": fold_id}, HierarchyIndex())
    sectors = zoomed["sectors"]
    assert zoomed["header"]["root"] == fold_id and len(sectors) <= bound
    names = {s["pod"] for s in sectors.values() if s["kind"] == "pod"}
    assert names == {f"ns-1/{p['metadata']['name']}" for p in _pods_of(state, "ns-1", "set-7")}
    assert all(sectors[k]["parent"] == fold_id for k, s in sectors.items() if s["kind"] == "pod")
    # the path above it is the whole model's, so the page's crumbs and ids hold
    assert sectors[fold_id]["parent"] == "ns/ns-1/StatefulSet/set-7"
    assert sectors["ns/ns-1/StatefulSet/set-7"]["parent"] == "ns/ns-1"


def test_a_group_too_big_to_draw_pod_by_pod_comes_in_ranges_and_a_range_opens_its_pods(bound):
    state = _state(1200, owners=1, namespaces=1)
    fold_id = "ns/ns-0/StatefulSet/set-0/pods"
    index = HierarchyIndex()
    zoomed = hierarchy(state, {**ALL, "root": fold_id}, index)
    sectors = zoomed["sectors"]
    ranges = {k: s for k, s in sectors.items() if s["kind"] == "range"}
    assert len(sectors) <= bound and len(ranges) == 1200 // 50
    assert all(s["folded"] and s["parent"] == fold_id for s in ranges.values())
    assert sum(_count(s["hover"].removeprefix("<b>")) for s in ranges.values()) == 1200
    chosen = hierarchy(state, {**ALL, "root": f"{fold_id}/3"}, index)
    pods = [s for s in chosen["sectors"].values() if s["kind"] == "pod"]
    assert [s["text"] for s in pods] == [f"p-{i:05d}" for i in range(150, 200)]
    assert chosen["header"]["root"] == f"{fold_id}/3" and len(chosen["sectors"]) <= bound


def test_a_zoom_on_a_sector_that_is_gone_falls_back_to_the_nearest_one_still_there(bound):
    state = _state(3000)
    model = hierarchy(state, {**ALL, "root": "ns/ns-2/StatefulSet/nobody/pods"})
    assert model["header"]["root"] == "ns/ns-2"
    assert hierarchy(state, {**ALL, "root": "ns/gone"})["header"]["root"] == ""


def test_zooming_keeps_cluster_strings_escaped(bound):
    state = _state(3000)
    pod = copy.deepcopy(next(iter(state.list("Pod", "ns-1"))))
    pod["metadata"].update(name="evil", uid=str(uuid.uuid4()))
    pod["metadata"]["ownerReferences"][0]["name"] = HOSTILE
    state.upsert(pod, "Pod")
    fold = hierarchy(state, ALL)["sectors"]
    hostile = next(k for k, s in fold.items() if ESCAPED in s["label"])
    zoomed = hierarchy(state, {**ALL, "root": hostile})
    texts = every_plotly_text(zoomed)
    assert any(ESCAPED in t for t in texts) and not any(HOSTILE in t for t in texts)


def _churn(state: ClusterState, rng: random.Random, count: int) -> list:
    changes = []
    pods = list(state.list("Pod"))
    for _ in range(count):
        pod = rng.choice(pods)
        meta = pod["metadata"]
        action = rng.random()
        if action < 0.3:
            changes.append(state.delete("Pod", meta["namespace"], meta["name"]))
        elif action < 0.6:
            fresh = copy.deepcopy(pod)
            fresh["metadata"].update(name=f"{meta['name']}-x{rng.randrange(10**6)}")
            fresh["metadata"]["namespace"] = rng.choice(["ns-0", "ns-9", meta["namespace"]])
            changes.append(state.upsert(fresh, "Pod"))
        else:
            fresh = copy.deepcopy(pod)
            fresh["status"]["phase"] = rng.choice(["Running", "Pending", "Failed"])
            changes.append(state.upsert(fresh, "Pod"))
    return [c for c in changes if c is not None]


@pytest.mark.parametrize(
    ("pods", "params"),
    [
        (120, ALL),  # containers: the demo's own level
        (3000, ALL),  # groups
        (3000, {**ALL, "size": "cpu"}),
        (3000, {**ALL, "namespace": "ns-0", "size": "memory"}),
        (3000, {**ALL, "root": "ns/ns-1/StatefulSet/set-7/pods"}),
    ],
)
def test_an_update_after_changes_gives_the_model_a_build_gives(bound, pods, params):
    state = _state(pods)
    rng = random.Random(14)
    memo = HierarchyIndex()
    hierarchy(state, params, memo)
    for _ in range(6):
        changes = _churn(state, rng, rng.choice([1, 5, 60]))
        updated = update_hierarchy(state, params, memo, changes)
        assert updated == hierarchy(state, params, HierarchyIndex())


def test_without_a_complete_build_an_update_declines_so_the_publisher_builds():
    assert update_hierarchy(build_demo(), ALL, HierarchyIndex(), []) is None


def _built_with_the_api_replica_set() -> tuple[ClusterState, HierarchyIndex, dict]:
    """The demo, its hierarchy built into a memo, and the shop's api ReplicaSet."""
    state = build_demo()
    memo = HierarchyIndex()
    hierarchy(state, ALL, memo)
    replica_set = next(
        rs for rs in state.list("ReplicaSet", "shop") if rs["metadata"]["name"].startswith("api-")
    )
    return state, memo, replica_set


def test_a_replicaset_taken_over_by_another_deployment_makes_the_update_decline():
    state, memo, replica_set = _built_with_the_api_replica_set()
    moved = copy.deepcopy(replica_set)
    moved["metadata"]["ownerReferences"][0].update(name="other", uid="other-uid")
    change = state.upsert(moved, "ReplicaSet")
    assert update_hierarchy(state, ALL, memo, [change]) is None


def test_the_view_takes_root_as_an_optional_param():
    view = get_view("hierarchy")
    assert params_of(view, {**ALL, "root": "ns/shop"})["root"] == "ns/shop"
    assert "root" not in params_of(view, ALL) and view.update is not None


def test_the_demo_default_is_drawn_whole_with_nothing_folded():
    model = hierarchy(build_demo(), ALL)
    assert model["header"]["detail"] == module.CONTAINERS
    assert not any(s.get("folded") for s in model["sectors"].values())


def test_a_namespace_of_more_controllers_than_the_bound_opens_its_more_in_ranges(bound):
    state = _state(1200, owners=1200, namespaces=1)
    whole = hierarchy(state, ALL)
    assert whole["header"]["detail"] == module.TOP
    more = whole["sectors"]["ns/ns-0/more"]
    assert more["folded"] and len(whole["sectors"]) <= bound
    index = HierarchyIndex()
    opened = hierarchy(state, {**ALL, "root": "ns/ns-0/more"}, index)
    ranges = {k: s for k, s in opened["sectors"].items() if s["kind"] == "range"}
    assert opened["header"]["root"] == "ns/ns-0/more" and len(ranges) == 1200 // 50
    assert sum(s["value"] for s in ranges.values()) == 1200
    chosen = hierarchy(state, {**ALL, "root": "ns/ns-0/more/3"}, index)
    leaves = [s for s in chosen["sectors"].values() if s["kind"] == "controller"]
    assert chosen["header"]["root"] == "ns/ns-0/more/3" and len(leaves) == 50
    assert all(s["folded"] and s["parent"] == "ns/ns-0/more/3" for s in leaves)
    assert len(chosen["sectors"]) <= bound


def test_a_replicaset_deleted_after_its_pods_costs_no_build():
    state, memo, replica_set = _built_with_the_api_replica_set()
    name = replica_set["metadata"]["name"]
    changes = [
        state.delete("Pod", "shop", p["metadata"]["name"])
        for p in list(state.list("Pod", "shop"))
        if p["metadata"]["ownerReferences"][0]["name"] == name
    ]
    changes.append(state.delete("ReplicaSet", "shop", name))
    updated = update_hierarchy(state, ALL, memo, changes)
    assert updated is not None and updated == hierarchy(state, ALL, HierarchyIndex())
    assert "ns/shop/Deployment/api" not in updated["sectors"]
