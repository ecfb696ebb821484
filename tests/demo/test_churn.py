import re
from collections import Counter
from datetime import timedelta

import orjson

from explorer.demo import DemoChurn, build_demo
from explorer.demo.facts import node_facts
from explorer.lib import kubeproxy
from tests.service_lookup import endpoint_slices_for_service

from .conftest import NOW
from .invariants import all_problems


def _clock(every: float = 60):
    """A minute a step: a run of 25 steps sees every action of the churn's pace."""
    ticks = (NOW + timedelta(seconds=every * n) for n in range(1, 10_000))
    return lambda: next(ticks)


def _run(steps: int, seed: int = 0):
    state = build_demo(now=NOW)
    churn = DemoChurn(state, seed=seed, clock=_clock())
    history = []
    for _ in range(steps):
        events = churn.step()
        history.append(events)
        for event in events:
            state.apply(orjson.loads(orjson.dumps(event)))
        for node, facts in node_facts(state).items():
            state.set_node_facts(node, facts)
        problems = all_problems(state)
        assert problems == [], (churn.count, problems)
    return state, history


def test_churn_steps_keep_the_cluster_consistent():
    _state, history = _run(25)
    kinds = Counter((e["type"], e["object"]["kind"]) for events in history for e in events)
    assert kinds[("ADDED", "Pod")] and kinds[("DELETED", "Pod")]
    assert kinds[("MODIFIED", "EndpointSlice")] and kinds[("ADDED", "ReplicaSet")]
    assert kinds[("ADDED", "Job")] and kinds[("MODIFIED", "Lease")]
    reasons = {
        e["object"]["reason"]
        for events in history
        for e in events
        if e["object"]["kind"] == "Event"
    }
    assert {
        "Scheduled",
        "Pulled",
        "Created",
        "Started",
        "Killing",
        "ScalingReplicaSet",
        "SuccessfulCreate",
        "SuccessfulDelete",
        "Completed",
        "SawCompletedJob",
        "Unhealthy",
        "FailedScheduling",
    } <= reasons
    assert all(
        "kind" in e["object"] and "apiVersion" in e["object"] for events in history for e in events
    )


def test_step_does_not_touch_the_state():
    state = build_demo(now=NOW)
    before = orjson.dumps({k: list(state.list(k)) for k in state.kinds()})
    churn = DemoChurn(state, clock=_clock(every=300))  # a rollout, a scale up and a CronJob run
    churn.step()
    churn.step()
    assert orjson.dumps({k: list(state.list(k)) for k in state.kinds()}) == before


def test_churn_is_deterministic_for_a_seed():
    _, first = _run(10, seed=5)
    _, again = _run(10, seed=5)
    assert first == again


def _step_until(state, churn, found):
    """Step and apply until a step's events hold what `found` looks for; return that."""
    for _ in range(100):
        events = churn.step()
        for event in events:
            state.apply(event)
        if hit := found(events):
            return hit
    raise AssertionError("the churn never did it")


def _pods_in(events, chosen):
    return [e["object"] for e in events if e["object"]["kind"] == "Pod" and chosen(e["object"])]


def _containers(pod):
    return pod["status"]["containerStatuses"]


def test_scaled_down_pod_is_terminating_in_slices_then_gone():
    state = build_demo(now=NOW)
    churn = DemoChurn(state, clock=_clock())

    def scaled_down(events):
        said = " ".join(e["object"].get("message", "") for e in events)
        if not re.search(r"Scaled down replica set web-\w+ from 4 to 3", said):
            return []  # a rollout's old pods go too, three at a time
        return _pods_in(
            events,
            lambda p: (
                p["metadata"].get("deletionTimestamp") and p["metadata"]["name"][:4] == "web-"
            ),
        )

    (terminating,) = _step_until(state, churn, scaled_down)
    web = [p for p in state.list("Pod", "shop") if p["metadata"]["name"].startswith("web-")]
    newest = max(p["metadata"]["creationTimestamp"] for p in web)
    assert terminating["metadata"]["creationTimestamp"] == newest  # the newest pod goes
    uid = terminating["metadata"]["uid"]
    (eps,) = endpoint_slices_for_service(state, "shop", "web")
    (endpoint,) = [e for e in eps["endpoints"] if e["targetRef"]["uid"] == uid]
    assert endpoint["conditions"] == {"ready": False, "serving": True, "terminating": True}
    facts = node_facts(state, nodes=[terminating["spec"]["nodeName"]])
    text = next(iter(facts.values()))["iptables-save"]
    address = f"{terminating['status']['podIP']}:8080"
    assert kubeproxy.endpoint_chain("shop/web:http", "tcp", address) not in text
    for event in churn.step():
        state.apply(event)
    assert state.by_uid(uid) is None


def test_restarted_container_counts_the_restart_and_keeps_the_old_container_id():
    state = build_demo(now=NOW)
    churn = DemoChurn(state, clock=_clock(every=15))

    def restarted(events):
        return _pods_in(events, lambda p: any(s["restartCount"] for s in _containers(p)))

    (pod,) = _step_until(state, churn, restarted)
    status = pod["status"]["containerStatuses"][0]
    assert status["restartCount"] == 1
    assert status["lastState"]["terminated"]["containerID"] != status["containerID"]


def test_a_failing_readiness_probe_takes_a_pod_out_of_its_service_for_a_few_steps():
    state = build_demo(now=NOW)
    churn = DemoChurn(state, clock=_clock(every=3))

    def unready(events):
        return _pods_in(events, lambda p: not _containers(p)[0]["ready"])

    (pod,) = _step_until(state, churn, unready)
    uid = pod["metadata"]["uid"]

    def condition(uid):
        (eps,) = endpoint_slices_for_service(state, "shop", "web")
        return next(
            e["conditions"]["ready"] for e in eps["endpoints"] if e["targetRef"]["uid"] == uid
        )

    assert condition(uid) is False
    _step_until(state, churn, lambda events: condition(uid))
    assert state.by_uid(uid)["status"]["containerStatuses"][0]["restartCount"] == 0


def test_an_event_said_again_counts_up_instead_of_adding_a_row():
    state = build_demo(now=NOW)
    churn = DemoChurn(state, clock=_clock(every=3))
    for _ in range(400):  # 20 minutes: a readiness probe fails every 20 seconds
        for event in churn.step():
            state.apply(event)
    unhealthy = [e for e in state.list("Event", "shop") if e["reason"] == "Unhealthy"]
    assert sum(e["count"] for e in unhealthy) >= 60
    pods = {e["involvedObject"]["uid"] for e in unhealthy}
    said = {(e["involvedObject"]["uid"], e["message"]) for e in unhealthy}
    assert len(unhealthy) == len(said) <= 2 * len(pods)


def test_the_pending_pod_keeps_its_failed_scheduling_event_past_the_events_ttl():
    state = build_demo(now=NOW)
    churn = DemoChurn(state, clock=_clock())
    for _ in range(150):  # two and a half hours
        for event in churn.step():
            state.apply(event)
    (failed,) = [e for e in state.list("Event", "shop") if e["reason"] == "FailedScheduling"]
    assert failed["series"]["lastObservedTime"] >= (NOW + timedelta(minutes=145)).isoformat()[:19]


def test_churn_never_creates_objects_in_the_future_even_when_stepped_every_few_seconds():
    state = build_demo(now=NOW)
    moments = iter(NOW + timedelta(seconds=3 * n) for n in range(1, 10_000))
    current = {}

    def clock():
        current["now"] = next(moments)
        return current["now"]

    churn = DemoChurn(state, seed=0, clock=clock)
    created_jobs = 0
    for _ in range(200):  # ten minutes: a rollout, a scale up, two CronJob runs
        events = churn.step()
        for event in events:
            obj = event["object"]
            stamp = obj["metadata"].get("creationTimestamp")
            if event["type"] == "ADDED" and stamp:
                assert stamp <= current["now"].strftime("%Y-%m-%dT%H:%M:%SZ"), obj
            created_jobs += event["type"] == "ADDED" and obj["kind"] == "Job"
            state.apply(orjson.loads(orjson.dumps(event)))
    assert created_jobs >= 2
