import threading

from explorer.demo import build_demo
from explorer.demo.readiness_flips import APPLIED_AT, ReadinessFlips, flip_at_rate
from explorer.viewmodels.pod_summary import NOT_READY, RUNNING, summarise

from .conftest import NOW


def _apply(state, event):
    state.apply(event, "Pod")


def test_each_step_flips_a_pod_on_the_next_node_and_stamps_when_it_was_applied():
    state = build_demo(nodes=3, now=NOW)
    flips = ReadinessFlips(state)
    events = [flips.step(now=1_700_000_000.25 + i) for i in range(3)]
    nodes = [e["object"]["spec"]["nodeName"] for e in events]
    assert sorted(nodes) == sorted(n["metadata"]["name"] for n in state.list("Node", ""))
    for i, event in enumerate(events):
        assert event["type"] == "MODIFIED"
        pod = event["object"]
        assert pod["metadata"]["annotations"][APPLIED_AT] == f"{1_700_000_000.25 + i:.6f}"
        assert summarise(pod).state == NOT_READY
        ready = next(c for c in pod["status"]["conditions"] if c["type"] == "Ready")
        assert (ready["status"], ready["reason"]) == ("False", "ContainersNotReady")


def test_the_second_round_makes_the_pods_ready_again_without_touching_the_state_itself():
    state = build_demo(nodes=3, now=NOW)
    flips = ReadinessFlips(state)
    first = flips.step()
    assert summarise(state.get("Pod", *_key(first))).state == RUNNING  # step() only proposes
    _apply(state, first)
    for _ in range(len(flips.targets) - 1):
        _apply(state, flips.step())
    again = flips.step()
    assert _key(again) == _key(first)
    assert summarise(again["object"]).state == RUNNING
    ready = next(c for c in again["object"]["status"]["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "True" and "reason" not in ready


def test_flip_at_rate_applies_about_rate_changes_a_second_until_stopped():
    state = build_demo(nodes=3, now=NOW)
    applied = []
    stop = threading.Event()
    timer = threading.Timer(0.5, stop.set)
    timer.start()
    flip_at_rate(applied.append, ReadinessFlips(state), rate=100, stop=stop)
    assert 30 <= len(applied) <= 60


def _key(event):
    meta = event["object"]["metadata"]
    return meta["namespace"], meta["name"]
