"""Scheduling as it happened across a cluster: latencies and their percentiles on a hand-built
state, the slowest pods, the evicted and preempted ones found from the pod and its Events, the
deleted ones from the flight recorder, the update that follows changes, and escaping."""

from __future__ import annotations

import random
from typing import Any

from explorer.state.change_log import Retention
from explorer.state.cluster_state import ClusterState
from explorer.state.store import ClusterStates
from explorer.streaming.delta import diff
from explorer.viewmodels.registry import get_view
from explorer.viewmodels.workloads.scheduling_history import (
    MAX_POINTS,
    MAX_SLOWEST,
    HistoryMemo,
    history,
    percentiles,
    update_history,
)

PARAMS = {"cluster": "test"}


def _pod(
    name: str,
    latency: int | None,
    *,
    namespace: str = "ns",
    node: str = "n1",
    created_s: int = 0,
    uid: str = "",
    status: dict | None = None,
) -> dict[str, Any]:
    created = f"2030-01-01T00:{created_s // 60:02d}:{created_s % 60:02d}Z"
    conditions = []
    if latency is not None:
        at = created_s + latency
        conditions.append(
            {
                "type": "PodScheduled",
                "status": "True",
                "lastTransitionTime": f"2030-01-01T{at // 3600:02d}:{at // 60 % 60:02d}:"
                f"{at % 60:02d}Z",
            }
        )
    spec: dict[str, Any] = {"containers": [{"name": "app"}]}
    if latency is not None:
        spec["nodeName"] = node
    return {
        "kind": "Pod",
        "metadata": {
            "namespace": namespace,
            "name": name,
            "uid": uid or f"uid-{name}",
            "creationTimestamp": created,
        },
        "spec": spec,
        "status": {"phase": "Running" if latency is not None else "Pending"}
        | {"conditions": conditions}
        | (status or {}),
    }


def _event(name: str, reason: str, pod: dict, message: str, count: int = 1) -> dict[str, Any]:
    meta = pod["metadata"]
    return {
        "kind": "Event",
        "metadata": {"namespace": meta["namespace"], "name": name, "uid": f"ev-{name}"},
        "involvedObject": {
            "kind": "Pod",
            "namespace": meta["namespace"],
            "name": meta["name"],
            "uid": meta["uid"],
        },
        "reason": reason,
        "message": message,
        "count": count,
        "lastTimestamp": "2030-01-01T00:30:00Z",
    }


def _state(pods: list[dict], events: list[dict] = ()) -> ClusterState:  # type: ignore[assignment]
    state = ClusterState("test")
    state.replace("Pod", pods)
    state.replace("Event", list(events))
    return state


def test_percentiles_are_the_nearest_ranks_of_a_hand_built_cluster() -> None:
    pods = [_pod(f"p{i}", latency) for i, latency in enumerate([0] * 50 + [1] * 40 + [3] * 9)]
    pods.append(_pod("slow", 600))
    model = history(_state(pods), PARAMS)
    assert model["percentiles"]["values"] == {"p50": 0.0, "p90": 1.0, "p99": 3.0}
    assert model["percentiles"]["words"] == (
        "Of 100 pods scheduled, half were scheduled in under a second of being created, 90% "
        "within 1 s and 99% within 3 s; the slowest took 10 min."
    )
    counts = {b["label"]: b["count"] for b in model["bins"]}
    assert counts["under 1 s"] == 50 and counts["1 to 2 s"] == 40 and counts["2 to 5 s"] == 9
    assert counts["5 to 30 min"] == 1 and sum(counts.values()) == 100
    assert model["slowest"][0]["pod"] == "ns/slow"
    assert model["slowest"][0]["words"] == "scheduled 10 min after it was created"
    assert model["slowest"][0]["link"] == {"page": "pod", "namespace": "ns", "name": "slow"}


def test_no_scheduled_pod_says_so() -> None:
    assert percentiles([])["words"] == "No pod here says when it was scheduled."
    model = history(_state([_pod("waits", None)]), PARAMS)
    assert model["header"]["waiting"] == 1 and model["waiting"][0]["pod"] == "ns/waits"


def test_failed_attempts_are_counted_for_the_slowest_and_the_waiting() -> None:
    slow, waits = _pod("slow", 90), _pod("waits", None)
    events = [
        _event("a", "FailedScheduling", slow, "0/3 nodes are available: 3 Insufficient cpu.", 2),
        _event("b", "FailedScheduling", slow, "0/3 nodes are available.", 1),
        _event("c", "FailedScheduling", waits, "0/3 nodes are available.", 5),
    ]
    model = history(_state([slow, waits, _pod("fast", 0)], events), PARAMS)
    assert model["slowest"][0]["words"] == (
        "scheduled 1 min 30 s after it was created, after 3 failed attempts"
    )
    assert model["waiting"][0]["words"] == "no node yet, 5 failed attempts so far"
    assert model["points"]["pod/ns/slow"]["group"] == "retried"
    assert model["points"]["pod/ns/fast"]["group"] == "at once"


def test_an_evicted_pod_is_found_from_its_status_and_the_kubelets_event() -> None:
    message = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi. "
    evicted = _pod(
        "evicted",
        2,
        status={
            "phase": "Failed",
            "reason": "Evicted",
            "message": message,
            "conditions": [
                {
                    "type": "DisruptionTarget",
                    "status": "True",
                    "reason": "TerminationByKubelet",
                    "message": message,
                    "lastTransitionTime": "2030-01-01T00:20:00Z",
                }
            ],
        },
    )
    events = [_event("ev", "Evicted", evicted, message)]
    found = history(_state([evicted, _pod("fine", 1)], events), PARAMS)["disrupted"]
    assert len(found) == 1
    entry = found[0]
    assert (entry["pod"], entry["kind"], entry["node"], entry["gone"]) == (
        "ns/evicted",
        "evicted",
        "n1",
        False,
    )
    assert entry["why"] == [message.strip()]
    assert entry["sources"] == ["the pod's status (reason Evicted)", "the kubelet's Evicted event"]
    assert entry["at"] == "2030-01-01T00:30:00Z"


def test_a_preempted_pod_that_is_gone_names_its_preemptor_from_the_event() -> None:
    victim = _pod("victim", 1, uid="uid-victim")
    preemptor = _pod("important", 30, uid="uid-important")
    preemptor["spec"]["priority"] = 1000
    event = _event("pre", "Preempted", victim, "Preempted by pod uid-important on node n2")
    found = history(_state([preemptor], [event]), PARAMS)["disrupted"]
    assert len(found) == 1
    entry = found[0]
    assert (entry["pod"], entry["kind"], entry["gone"], entry["node"]) == (
        "ns/victim",
        "preempted",
        True,
        "n2",
    )
    assert entry["by"] == {
        "pod": "ns/important",
        "link": {"page": "pod", "namespace": "ns", "name": "important"},
        "priority": 1000,
    }


def test_a_pod_preempted_by_a_pod_not_held_names_its_uid() -> None:
    victim = _pod("victim", 1)
    event = _event("pre", "Preempted", victim, "Preempted by pod 1234-abcd on node n1")
    entry = history(_state([victim], [event]), PARAMS)["disrupted"][0]
    assert entry["by"] == {"pod": "uid 1234-abcd", "link": None, "priority": None}
    assert entry["gone"] is False


def test_deleted_pods_come_from_the_flight_recorders_memory() -> None:
    states = ClusterStates(retention=Retention())
    victim = _pod("victim", 7, status={"conditions": []})
    victim["status"]["conditions"] = [
        *_pod("x", 7)["status"]["conditions"],
        {
            "type": "DisruptionTarget",
            "status": "True",
            "reason": "PreemptionByScheduler",
            "message": "default-scheduler: preempting to accommodate a higher priority pod",
        },
    ]
    states.add("test", _state([victim, _pod("stays", 1)]))
    states.event("test", "Pod", {"type": "DELETED", "object": victim})
    with states.read("test") as state:
        model = history(state, PARAMS)
    assert model["header"]["deleted_since"] == 1 and model["header"]["from_recorder"]
    assert model["slowest"][0]["pod"] == "ns/victim" and model["slowest"][0]["gone"]
    point = next(p for key, p in model["points"].items() if key.startswith("gone/"))
    assert point["group"] == "deleted since" and point["seconds"] == 7
    entry = model["disrupted"][0]
    assert (entry["pod"], entry["kind"], entry["gone"]) == ("ns/victim", "preempted", True)
    assert entry["why"] == [
        "preempted by the scheduler for a higher-priority pod: default-scheduler: preempting to "
        "accommodate a higher priority pod"
    ]


def test_hover_text_escapes_what_the_cluster_named() -> None:
    hostile = _pod("p", 3, namespace="<b>ns</b>", node="<img src=x onerror=alert(1)>")
    model = history(_state([hostile]), PARAMS)
    (point,) = model["points"].values()
    assert "<img" not in point["hover"] and "&lt;img src=x" in point["hover"]
    assert "&lt;b&gt;ns&lt;/b&gt;/p" in point["hover"]
    assert model["slowest"][0]["pod"] == "<b>ns</b>/p"  # plain: the page sets it as text


def test_a_big_cluster_ships_a_bounded_sample_with_the_slowest_among_it() -> None:
    pods = [_pod(f"p{i}", i % 50, created_s=i % 3000) for i in range(5000)]
    model = history(_state(pods), PARAMS)
    assert model["header"]["sampled"] and 500 < len(model["points"]) <= MAX_POINTS + MAX_SLOWEST
    assert all(f"pod/ns/{s['pod'].split('/')[1]}" in model["points"] for s in model["slowest"])
    assert model["percentiles"]["count"] == 5000


def test_following_changes_gives_the_model_a_build_gives() -> None:
    rng = random.Random(13)
    state = _state([_pod(f"p{i}", rng.choice((0, 1, 5, None))) for i in range(40)])
    memo = HistoryMemo()
    model = history(state, PARAMS, memo)
    for step in range(200):
        roll, name = rng.random(), f"p{rng.randrange(50)}"
        if roll < 0.5:
            change = state.upsert(_pod(name, rng.choice((0, 2, 40, None))), "Pod")
        elif roll < 0.7 and state.get("Pod", "ns", name) is not None:
            change = state.delete("Pod", "ns", name)
        else:
            held = state.get("Pod", "ns", name) or _pod(name, 1)
            reason = rng.choice(("FailedScheduling", "Evicted", "Preempted", "Pulled"))
            change = state.upsert(_event(f"e{step % 30}", reason, held, "words", 2), "Event")
        if change is None:
            continue
        model = update_history(state, PARAMS, memo, [change])
        built = history(state, PARAMS, _with_gone(memo))
        assert diff(built, model) == [], step


def _with_gone(followed: HistoryMemo) -> HistoryMemo:
    """A fresh memo that knows the deletions the followed one saw (a state without a change log
    cannot tell a build of them)."""
    fresh = HistoryMemo()
    original = fresh.load

    def load(state: ClusterState) -> None:
        original(state)
        for gone in followed.gone.values():
            fresh._forget(gone)

    fresh.load = load  # type: ignore[method-assign]
    return fresh


def test_the_view_is_registered_for_live_and_frozen_pages() -> None:
    view = get_view("scheduling-history")
    assert view.kinds == frozenset({"Pod", "Event"}) and view.update is not None
    assert view.params == ("cluster",)
