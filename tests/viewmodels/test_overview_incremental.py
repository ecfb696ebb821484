"""The overview followed change by change (`update_overview`) is the overview built afresh."""

from __future__ import annotations

import random
from typing import Any

import pytest

from explorer.state.cluster_state import Change, ClusterState
from explorer.streaming.delta import diff
from explorer.viewmodels import node_groups, unscheduled
from explorer.viewmodels import overview as overview_module
from explorer.viewmodels.overview import OverviewMemo, overview, update_overview
from explorer.viewmodels.registry import get_view

from .objects import node, pod

PARAMS = {"cluster": "test"}
NAMESPACES = ("shop", "batch", "ml")
NODE_NAMES = ("n1", "n2", "n3", "n4")
SCHEDULER_SAYS = (
    "0/4 nodes are available: 4 Insufficient cpu.",
    "0/4 nodes are available: 1 Insufficient memory, 3 node(s) were unschedulable.",
    '0/4 nodes are available: persistentvolumeclaim "data" not found.',
)


def random_change(state: ClusterState, rng: random.Random) -> Change | None:
    """One change a watcher could report: pods made, changed, moved, deleted (on nodes held, not
    yet held, or none), nodes made, made not ready, deleted; a namespace made."""
    pods = sorted((p["metadata"]["namespace"], p["metadata"]["name"]) for p in state.list("Pod"))
    roll = rng.random()
    if roll < 0.35 or not pods:
        made = pod(
            rng.choice(NAMESPACES),
            f"p{rng.randrange(60)}",
            node_name=rng.choice((*NODE_NAMES, "n-unseen", None)),
            phase=rng.choice(("Running", "Running", "Pending", "Failed", "Succeeded")),
            ready=rng.random() < 0.7,
            restarts=rng.randrange(3),
            owner=rng.choice((None, "web", "worker")),
        )
        if not made["spec"].get("nodeName") and rng.random() < 0.7:
            made["status"]["conditions"] = [
                {"type": "PodScheduled", "status": "False", "message": rng.choice(SCHEDULER_SAYS)}
            ]
        return state.upsert(made)
    if roll < 0.55:
        namespace, name = rng.choice(pods)
        changed = pod(namespace, name, node_name=rng.choice(NODE_NAMES), ready=rng.random() < 0.5)
        if rng.random() < 0.2:
            changed["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
        return state.upsert(changed)
    if roll < 0.75:
        return state.delete("Pod", *rng.choice(pods))
    if roll < 0.85:
        return state.upsert(node(rng.choice(NODE_NAMES), ready=rng.choice(("True", "False"))))
    if roll < 0.92:
        return state.delete("Node", "", rng.choice(NODE_NAMES))
    namespace = {"kind": "Namespace", "metadata": {"name": rng.choice(NAMESPACES)}}
    return state.upsert(namespace)


@pytest.mark.parametrize("shown", [PARAMS, {**PARAMS, "first": "n2", "last": "n3"}])
@pytest.mark.parametrize("max_sectors", [3000, 12, 3, 2])
@pytest.mark.parametrize("seed", range(4))
def test_updating_after_random_changes_gives_the_model_a_full_build_gives(
    monkeypatch: pytest.MonkeyPatch, max_sectors: int, seed: int, shown: dict[str, str]
) -> None:
    """With MAX_SECTORS small the level of detail moves between pods, owners, namespaces, nodes
    and runs of nodes as pods and nodes come and go, so every level and every switch between
    them is exercised; the pods waiting for a node go from one by one to counted per reason and
    back. `shown`: every node, or a run of them alone."""
    monkeypatch.setattr(node_groups, "GROUP_TARGET", 2)
    monkeypatch.setattr(overview_module, "MAX_SECTORS", max_sectors)
    monkeypatch.setattr(overview_module, "MAX_PODS_PER_NODE", 8)
    monkeypatch.setattr(unscheduled, "MAX_PODS_SHOWN", 3)  # one by one, and per reason
    monkeypatch.setattr(unscheduled, "MAX_REASONS_SHOWN", 2)
    rng = random.Random(seed)
    state = ClusterState("test")
    for name in NODE_NAMES[:2]:
        state.upsert(node(name))
    memo = OverviewMemo()
    model = overview(state, shown, memo)
    levels = set()
    for _ in range(60):
        changes = [c for _ in range(rng.randrange(1, 6)) if (c := random_change(state, rng))]
        updated = update_overview(state, shown, memo, changes)
        assert updated == overview(state, shown)
        assert updated is not None and not diff(updated, overview(state, shown))
        model = updated
        levels.add(model["header"]["detail"])
    if max_sectors < (12 if "first" in shown else 3000):  # two nodes hold fewer pods
        assert len(levels) > 1, "the level of detail never changed"


def test_a_change_seen_again_or_already_built_changes_nothing() -> None:
    state = ClusterState("test")
    state.upsert(node("n1"))
    memo = OverviewMemo()
    overview(state, PARAMS, memo)
    change = state.upsert(pod("shop", "web-1", ready=False))
    assert change is not None
    once = update_overview(state, PARAMS, memo, [change])
    assert update_overview(state, PARAMS, memo, [change, change]) == once
    rebuilt = OverviewMemo()
    overview(state, PARAMS, rebuilt)  # built after the change: the change is in it already
    assert update_overview(state, PARAMS, rebuilt, [change]) == once


def test_an_update_redraws_only_the_touched_node_and_keeps_the_others_objects() -> None:
    state = ClusterState("test")
    for name in ("n1", "n2"):
        state.upsert(node(name))
        state.upsert(pod("shop", f"web-{name}", node_name=name))
    memo = OverviewMemo()
    before = overview(state, PARAMS, memo)
    change = state.upsert(pod("shop", "web-n1", node_name="n1", ready=False))
    after = update_overview(state, PARAMS, memo, [change])  # type: ignore[list-item]
    assert after is not None
    assert after["sectors"]["pod/shop/web-n2"] is before["sectors"]["pod/shop/web-n2"]
    assert after["sectors"]["pod/shop/web-n1"]["state"] == "Running, not ready"
    changed = {op["path"][1] for op in diff(before, after) if op["path"][0] == "sectors"}
    assert changed == {"node/n1", "node/n1/ns/shop", "pod/shop/web-n1"}


def test_an_update_leaves_the_model_it_started_from_as_it_was() -> None:
    state = ClusterState("test")
    state.upsert(node("n1"))
    memo = OverviewMemo()
    before = overview(state, PARAMS, memo)
    kept: dict[str, Any] = {**before, "sectors": dict(before["sectors"])}
    change = state.upsert(pod("shop", "web-1"))
    update_overview(state, PARAMS, memo, [change])  # type: ignore[list-item]
    assert before == kept


def test_without_a_complete_build_an_update_declines_so_the_caller_builds() -> None:
    state = ClusterState("test")
    change = state.upsert(node("n1"))
    assert update_overview(state, PARAMS, OverviewMemo(), [change]) is None  # type: ignore[list-item]


def test_the_registered_overview_offers_its_update() -> None:
    view = get_view("overview")
    assert view.update is update_overview
    assert isinstance(view.memo(), OverviewMemo)
