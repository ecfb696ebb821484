"""A pod's steps from created to ready, read off hand-built pods and their events: each step
when it happened, how long after the one before, and each missing step said as such."""

from __future__ import annotations

from typing import Any

from explorer.demo import build_demo
from explorer.lib.durations import duration_words
from explorer.viewmodels.workloads.pod import pod_view
from explorer.viewmodels.workloads.pod_timeline import (
    DONE,
    UNKNOWN,
    WAITING,
    pod_timeline,
    scheduling_latency,
)

CREATED = "2030-01-01T00:00:00Z"


def _cond(kind: str, status: str, when: str, **more: str) -> dict[str, Any]:
    return {"type": kind, "status": status, "lastTransitionTime": when, **more}


def _pod(conditions: list[dict], statuses: list[dict] | None = None, **spec: Any) -> dict:
    return {
        "kind": "Pod",
        "metadata": {"namespace": "ns", "name": "p", "uid": "u1", "creationTimestamp": CREATED},
        "spec": {"containers": [{"name": "app"}, {"name": "side"}], **spec},
        "status": {
            "phase": "Running" if statuses else "Pending",
            "conditions": conditions,
            "containerStatuses": statuses or [],
        },
    }


def _running(name: str, started: str, restarts: int = 0) -> dict[str, Any]:
    return {"name": name, "state": {"running": {"startedAt": started}}, "restartCount": restarts}


def _event(reason: str, message: str, when: str, count: int = 1) -> dict[str, Any]:
    return {
        "kind": "Event",
        "metadata": {"name": f"p.{reason}.{when}", "namespace": "ns"},
        "involvedObject": {"kind": "Pod", "namespace": "ns", "name": "p", "uid": "u1"},
        "reason": reason,
        "message": message,
        "lastTimestamp": when,
        "count": count,
    }


def _whole_pod() -> dict:
    return _pod(
        [
            _cond("PodScheduled", "True", "2030-01-01T00:00:04Z"),
            _cond("Initialized", "True", "2030-01-01T00:00:10Z"),
            _cond("Ready", "True", "2030-01-01T00:00:30Z"),
        ],
        [_running("app", "2030-01-01T00:00:12Z"), _running("side", "2030-01-01T00:00:15Z")],
        nodeName="n1",
        initContainers=[{"name": "setup"}],
    )


def test_every_step_of_a_started_pod_says_when_and_how_long_after_the_one_before() -> None:
    events = [
        _event("FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.", CREATED, 3),
        _event("Scheduled", "Successfully assigned ns/p to n1", "2030-01-01T00:00:04Z"),
        _event(
            "Pulled",
            'Successfully pulled image "web:1" in 3.2s (3.2s including waiting). Image size: 1.',
            "2030-01-01T00:00:11Z",
        ),
        _event("Started", "Started container app", "2030-01-01T00:00:12Z"),
    ]
    timeline = pod_timeline(_whole_pod(), events)
    steps = {s["step"]: s for s in timeline["steps"]}
    assert [s["state"] for s in timeline["steps"]] == [DONE] * 5
    assert [s["seconds"] for s in timeline["steps"]] == [0, 4, 10, 15, 30]
    assert steps["scheduled"]["words"] == "4 s after it was created, after 3 failed attempts, to n1"
    assert steps["initialized"]["words"] == "6 s after it was scheduled, 1 init container ran"
    assert steps["started"]["words"] == (
        "5 s after it was initialized, the last of 2 containers, image pulled: web:1 in 3.2s"
    )
    assert steps["ready"]["words"] == "15 s after its containers started"
    assert timeline["failed_attempts"] == 3 and timeline["latency"] == 4.0
    assert timeline["summary"].startswith("Scheduled 4 s after it was created, after 3 failed")
    assert steps["scheduled"]["at"] == "2030-01-01T00:00:04Z"
    assert len(steps["scheduled"]["details"]) == 2
    assert any("Started container app" in d for d in steps["started"]["details"])


def test_a_pod_no_node_took_yet_says_so_and_counts_the_attempts_so_far() -> None:
    pod = _pod([_cond("PodScheduled", "False", CREATED, reason="Unschedulable")])
    events = [_event("FailedScheduling", "0/3 nodes are available.", CREATED, 7)]
    timeline = pod_timeline(pod, events)
    states = [s["state"] for s in timeline["steps"]]
    assert states == [DONE, WAITING, WAITING, WAITING, WAITING]
    assert (
        timeline["steps"][1]["words"]
        == "not scheduled yet (Unschedulable, 7 failed attempts so far)"
    )
    assert timeline["summary"] == "Not scheduled yet (Unschedulable, 7 failed attempts so far)."
    assert timeline["latency"] is None


def test_a_pod_nobody_said_anything_about_waits_for_a_scheduler() -> None:
    pod = _pod([])
    words = pod_timeline(pod, [])["steps"][1]["words"]
    assert words == "not scheduled yet: no scheduler has said a word"


def test_a_bound_pod_without_conditions_says_its_node_but_not_when() -> None:
    pod = _pod([], [_running("app", CREATED), _running("side", CREATED)], nodeName="n1")
    steps = pod_timeline(pod, [])["steps"]
    assert steps[1]["state"] == UNKNOWN and steps[1]["at"] == ""
    assert steps[1]["words"] == "bound to n1; the pod's conditions do not say when"
    assert steps[3]["state"] == DONE  # the containers say when they started
    assert steps[4]["state"] == WAITING and steps[4]["words"] == ""


def test_a_pod_without_a_creation_time_still_says_what_it_knows() -> None:
    pod = _whole_pod()
    del pod["metadata"]["creationTimestamp"]
    timeline = pod_timeline(pod, [])
    created, scheduled = timeline["steps"][:2]
    assert (created["state"], created["at"], created["since"]) == (UNKNOWN, "", "")
    assert (scheduled["state"], scheduled["at"]) == (DONE, "2030-01-01T00:00:04Z")
    assert scheduled["words"] == "to n1" and scheduled["seconds"] is None
    assert timeline["latency"] is None
    assert timeline["summary"].startswith("Scheduled to n1; initialized 6 s after it was scheduled")


def test_init_containers_still_running_are_named() -> None:
    pod = _pod(
        [
            _cond("PodScheduled", "True", "2030-01-01T00:00:01Z"),
            _cond(
                "Initialized",
                "False",
                "2030-01-01T00:00:01Z",
                reason="ContainersNotInitialized",
                message="containers with incomplete status: [setup]",
            ),
        ],
        nodeName="n1",
        initContainers=[{"name": "setup"}],
    )
    pod["status"]["containerStatuses"] = [
        {"name": "app", "state": {"waiting": {"reason": "PodInitializing"}}},
    ]
    steps = pod_timeline(pod, [])["steps"]
    assert steps[2]["words"] == "not initialized yet: containers with incomplete status: [setup]"
    assert steps[3]["state"] == WAITING
    assert steps[3]["words"] == "0 of 2 containers started, waiting for app (PodInitializing), side"


def test_a_pod_that_is_not_ready_says_since_when_and_why() -> None:
    pod = _whole_pod()
    pod["status"]["conditions"][2] = _cond(
        "Ready", "False", "2030-01-01T01:00:00Z", message="containers with unready status: [app]"
    )
    ready = pod_timeline(pod, [])["steps"][4]
    assert ready["state"] == WAITING
    assert ready["words"] == (
        "not ready since 2030-01-01T01:00:00Z: containers with unready status: [app]"
    )


def test_a_restarted_container_says_its_time_is_of_the_latest_start() -> None:
    pod = _whole_pod()
    pod["status"]["containerStatuses"][0] = _running("app", "2030-01-01T00:00:12Z", restarts=2)
    words = pod_timeline(pod, [])["steps"][3]["words"]
    assert "the times are of the latest start (2 restarts since)" in words


def test_latency_is_never_negative_and_needs_both_times() -> None:
    early = _pod([_cond("PodScheduled", "True", "2029-12-31T23:59:59Z")])
    assert scheduling_latency(early) == 0.0
    assert scheduling_latency(_pod([_cond("PodScheduled", "True", "not a time")])) is None
    assert scheduling_latency(_pod([])) is None


def test_durations_read_as_words() -> None:
    assert [duration_words(s) for s in (0, 0.4, 2.1, 4, 45, 200, 7500, 200_000)] == [
        "under a second",
        "0.4 s",
        "2.1 s",
        "4 s",
        "45 s",
        "3 min 20 s",
        "2 h 5 min",
        "2 d 7 h",
    ]


def test_the_pod_page_carries_the_timeline_of_a_demo_pod() -> None:
    state = build_demo()
    pod = next(p for p in state.list("Pod", "shop") if p["metadata"]["name"].startswith("web-"))
    model = pod_view(
        state, {"cluster": "demo", "namespace": "shop", "name": pod["metadata"]["name"]}
    )
    timeline = model["timeline"]
    assert [s["step"] for s in timeline["steps"]] == [
        "created",
        "scheduled",
        "initialized",
        "started",
        "ready",
    ]
    assert timeline["steps"][1]["state"] == DONE
    assert timeline["summary"].startswith("Scheduled ")
