from collections import Counter
from datetime import timedelta

import orjson

from explorer.demo import DemoChurn, build_demo
from explorer.demo.facts import node_facts
from explorer.lib import kubeproxy
from tests.service_lookup import endpoint_slices_for_service

from .conftest import NOW
from .invariants import all_problems


def _clock():
    ticks = (NOW + timedelta(seconds=15 * n) for n in range(1, 10_000))
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
    _state, history = _run(12)
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
    } <= reasons
    assert all(
        "kind" in e["object"] and "apiVersion" in e["object"] for events in history for e in events
    )


def test_step_does_not_touch_the_state():
    state = build_demo(now=NOW)
    before = orjson.dumps({k: list(state.list(k)) for k in state.kinds()})
    DemoChurn(state, clock=_clock()).step()
    assert orjson.dumps({k: list(state.list(k)) for k in state.kinds()}) == before


def test_churn_is_deterministic_for_a_seed():
    _, first = _run(6, seed=5)
    _, again = _run(6, seed=5)
    assert first == again


def test_scaled_down_pod_is_terminating_in_slices_then_gone():
    state = build_demo(now=NOW)
    churn = DemoChurn(state, clock=_clock())
    for _ in range(3):  # scale up, restart, scale down
        events = churn.step()
        for event in events:
            state.apply(event)
    terminating = [p for p in state.list("Pod", "shop") if p["metadata"].get("deletionTimestamp")]
    assert len(terminating) == 1
    uid = terminating[0]["metadata"]["uid"]
    (eps,) = endpoint_slices_for_service(state, "shop", "web")
    (endpoint,) = [e for e in eps["endpoints"] if e["targetRef"]["uid"] == uid]
    assert endpoint["conditions"] == {"ready": False, "serving": True, "terminating": True}
    facts = node_facts(state, nodes=[terminating[0]["spec"]["nodeName"]])
    text = next(iter(facts.values()))["iptables-save"]
    address = f"{terminating[0]['status']['podIP']}:8080"
    assert kubeproxy.endpoint_chain("shop/web:http", "tcp", address) not in text
    for event in churn.step():
        state.apply(event)
    assert state.by_uid(uid) is None


def test_restarted_container_counts_the_restart_and_keeps_the_old_container_id():
    state = build_demo(now=NOW)
    churn = DemoChurn(state, clock=_clock())
    churn.step()
    restarted = [
        e["object"]
        for e in churn.step()
        if e["object"]["kind"] == "Pod"
        and any(s["restartCount"] for s in e["object"]["status"]["containerStatuses"])
    ]
    (pod,) = restarted
    status = pod["status"]["containerStatuses"][0]
    assert status["restartCount"] == 1
    assert status["lastState"]["terminated"]["containerID"] != status["containerID"]


def test_churn_never_creates_objects_in_the_future_even_when_stepped_every_few_seconds():
    state = build_demo(now=NOW)
    moments = iter(NOW + timedelta(seconds=3 * n) for n in range(1, 10_000))
    current = {}

    def clock():
        current["now"] = next(moments)
        return current["now"]

    churn = DemoChurn(state, seed=0, clock=clock)
    created_jobs = 0
    for _ in range(60):
        events = churn.step()
        for event in events:
            obj = event["object"]
            stamp = obj["metadata"].get("creationTimestamp")
            if event["type"] == "ADDED" and stamp:
                assert stamp <= current["now"].strftime("%Y-%m-%dT%H:%M:%SZ"), obj
            created_jobs += event["type"] == "ADDED" and obj["kind"] == "Job"
            state.apply(orjson.loads(orjson.dumps(event)))
    assert created_jobs >= 1
