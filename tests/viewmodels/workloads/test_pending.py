"""The pod page's "Why is it Pending?": the scheduler's reasons as sentences with node counts."""

from __future__ import annotations

import pytest

from explorer.collectors.scheduling.failed_scheduling import Reason
from explorer.demo import build_demo
from explorer.viewmodels.workloads.pending import reason_words
from explorer.viewmodels.workloads.pod import pod_view

from ..workload_states import HOSTILE, real_state


def _pod(state, namespace: str, name: str) -> dict:
    return pod_view(state, {"cluster": "demo", "namespace": namespace, "name": name})


def _trainer(state) -> dict:
    return next(
        p for p in state.list("Pod", "shop") if p["metadata"]["name"].startswith("trainer-")
    )


def _failed_scheduling(state, pod: dict, message: str, **when) -> None:
    meta = pod["metadata"]
    state.upsert(
        {
            "kind": "Event",
            "metadata": {"name": f"{meta['name']}.x", "namespace": "shop", "uid": "fs-x"},
            "involvedObject": {"kind": "Pod", "name": meta["name"], "namespace": "shop"},
            "reason": "FailedScheduling",
            "message": message,
            "type": "Warning",
            "count": 2,
            "firstTimestamp": "2030-01-01T00:00:00Z",
            "lastTimestamp": "2030-01-01T00:05:00Z",
            **when,
        },
        "Event",
    )


def test_the_demo_gpu_pod_says_in_words_why_no_node_can_run_it() -> None:
    state = build_demo()
    trainer = _trainer(state)
    event = next(
        e
        for e in state.list("Event", "shop")
        if e.get("reason") == "FailedScheduling"
        and e["involvedObject"]["name"] == trainer["metadata"]["name"]
    )
    why = _pod(state, "shop", trainer["metadata"]["name"])["pending"]
    assert why["headline"] == "0 of 3 nodes can run it"
    assert [r["words"] for r in why["reasons"]] == [
        "1 node has too little nvidia.com/gpu",
        "1 node has a taint it does not tolerate ({node-role.kubernetes.io/control-plane: })",
        "1 node has a taint it does not tolerate ({nvidia.com/gpu: present})",
    ]
    assert [r["nodes"] for r in why["reasons"]] == [1, 1, 1]
    assert why["preemption"] == "Preemption would not help"
    assert [r["words"] for r in why["preemption_reasons"]] == [
        "1 node has no lower-priority pod whose eviction would make room",
        "2 nodes fail for a reason that evicting pods would not remove",
    ]
    assert why["times"] == event["series"]["count"] > 1
    assert why["last_seen"] == event["series"]["lastObservedTime"].replace(".000000", "")
    assert why["source"] == "event" and why["parsed"] and why["message"] == event["message"]


def test_the_latest_failed_scheduling_event_is_the_one_told() -> None:
    state = build_demo()
    trainer = _trainer(state)
    _failed_scheduling(state, trainer, "0/5 nodes are available: 5 Insufficient cpu.")
    why = _pod(state, "shop", trainer["metadata"]["name"])["pending"]
    assert [r["words"] for r in why["reasons"]] == ["5 nodes have too little cpu"]
    assert (why["first_seen"], why["last_seen"], why["times"]) == (
        "2030-01-01T00:00:00Z",
        "2030-01-01T00:05:00Z",
        2,
    )
    assert why["preemption"] == "" and why["preemption_reasons"] == []


def test_a_running_pod_has_no_pending_section() -> None:
    assert _pod(build_demo(), "shop", "db-0")["pending"] is None


def test_without_events_the_pod_scheduled_condition_says_why(real_fixtures) -> None:
    why = _pod(real_state(real_fixtures), "scraper", "e2e-container-pending")["pending"]
    assert why["source"] == "condition" and why["times"] is None
    assert why["headline"] == "0 of 1 nodes can run it"
    assert [r["words"] for r in why["reasons"]] == [
        "1 node does not match its node selector or node affinity"
    ]
    assert why["also"] == "no new claims to deallocate"
    assert why["last_seen"] == "2026-01-13T18:38:44Z"


def test_a_message_the_parser_does_not_read_is_shown_as_it_is() -> None:
    state = build_demo()
    trainer = _trainer(state)
    _failed_scheduling(state, trainer, "skip schedule deleting pod: shop/trainer")
    why = _pod(state, "shop", trainer["metadata"]["name"])["pending"]
    assert not why["parsed"] and why["reasons"] == []
    assert why["message"] == "skip schedule deleting pod: shop/trainer"


def test_hostile_taint_words_stay_plain_text_for_the_page_to_set_as_text() -> None:
    state = build_demo()
    trainer = _trainer(state)
    taint = f"{{evil: {HOSTILE}}}"
    _failed_scheduling(
        state, trainer, f"0/1 nodes are available: 1 node(s) had untolerated taint {taint}."
    )
    (reason,) = _pod(state, "shop", trainer["metadata"]["name"])["pending"]["reasons"]
    assert reason["words"] == f"1 node has a taint it does not tolerate ({taint})"


@pytest.mark.parametrize(
    ("said", "nodes", "words"),
    [
        ("Insufficient memory", 2, "2 nodes have too little memory"),
        (
            "node(s) had taint {dedicated: infra}, that the pod didn't tolerate",
            1,
            "1 node has a taint it does not tolerate ({dedicated: infra})",
        ),
        ("node(s) had untolerated taint(s)", 3, "3 nodes have a taint it does not tolerate"),
        ("node(s) were unschedulable", 1, "1 node is cordoned (unschedulable)"),
        (
            "node(s) didn't match pod anti-affinity rules",
            2,
            "2 nodes would break its pod anti-affinity",
        ),
        ("node(s) had disk pressure", 1, "1 node had disk pressure"),
        ("SomePlugin said no", 4, "4 nodes: SomePlugin said no"),
        (
            'persistentvolumeclaim "data" not found',
            None,
            'persistentvolumeclaim "data" not found (before any node was tried)',
        ),
    ],
)
def test_each_reason_reads_as_a_sentence_with_its_node_count(
    said: str, nodes: int | None, words: str
) -> None:
    assert reason_words(Reason(said, nodes)) == {"nodes": nodes, "said": said, "words": words}
