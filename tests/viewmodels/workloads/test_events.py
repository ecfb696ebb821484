from __future__ import annotations

import orjson

from explorer.demo import build_demo
from explorer.viewmodels.workloads import events
from explorer.viewmodels.workloads.events import MAX_BYTES, MAX_EVENTS, timeline

from ..workload_states import ESCAPED, HOSTILE


def _events(state, namespace: str = "*", obj: str = "*") -> dict:
    return timeline(state, {"cluster": "demo", "namespace": namespace, "object": obj})


def test_cluster_namespace_and_object_scopes_narrow_down() -> None:
    state = build_demo()
    everything = _events(state)
    shop = _events(state, "shop")
    web = _events(state, "shop", "Deployment/web")
    assert everything["header"]["counts"]["shown"] == state.count("Event")
    assert 0 < len(web["events"]) < len(shop["events"]) < len(everything["events"])
    assert all(
        e["link"] == {"kind": "Deployment", "namespace": "shop", "name": "web"}
        for e in web["events"].values()
    )
    assert web["header"]["scope"] == "Deployment web in shop"


def test_points_carry_time_reason_type_and_count() -> None:
    state = build_demo()
    events = _events(state, "shop")["events"]
    scheduling = next(e for e in events.values() if e["reason"] == "FailedScheduling")
    assert scheduling["type"] == "Warning" and scheduling["count"] > 1 and scheduling["time"]


def test_at_most_max_events_the_latest_kept(monkeypatch) -> None:
    monkeypatch.setattr(events, "MAX_EVENTS", 100)  # fewer than MAX_BYTES holds
    state = build_demo()
    for index in range(events.MAX_EVENTS + 5):
        state.upsert(
            {
                "kind": "Event",
                "metadata": {"name": f"e{index}", "namespace": "default", "uid": f"u{index}"},
                "involvedObject": {"kind": "Pod", "name": "x", "namespace": "default"},
                "reason": "Tick",
                "lastTimestamp": f"2030-01-01T00:{index // 60 % 60:02d}:{index % 60:02d}Z",
            },
            "Event",
        )
    model = _events(state, "default")
    assert set(model["events"]) == {f"u{index}" for index in range(5, 105)}
    assert model["header"]["counts"]["in_scope"] > events.MAX_EVENTS


def test_hostile_message_and_reason_are_escaped_in_the_hover_and_plain_elsewhere() -> None:
    state = build_demo()
    state.upsert(
        {
            "kind": "Event",
            "metadata": {"name": "evil", "namespace": "shop", "uid": "evil"},
            "involvedObject": {"kind": "Pod", "name": HOSTILE, "namespace": "shop"},
            "reason": HOSTILE,
            "message": HOSTILE + " and <br> more",
            "type": "Warning",
            "lastTimestamp": "2030-01-01T00:00:00Z",
        },
        "Event",
    )
    point = _events(state, "shop")["events"]["evil"]
    assert "<img" not in point["hover"] and "&lt;br&gt;" in point["hover"]
    assert point["message"].startswith(HOSTILE)
    assert point["tick"] == ESCAPED  # Plotly's tick label, escaped once
    assert point["reason"] == HOSTILE  # the list's text, plain: the page escapes nothing


def test_the_latest_events_fit_in_max_bytes_however_long_their_messages() -> None:
    """2,000 events of 1 KB messages (kube-apiserver's cap on an event's note) were a 4.6 MB
    model; a websocket message carries 1 MiB."""
    state = build_demo()
    for index in range(MAX_EVENTS):
        state.upsert(
            {
                "kind": "Event",
                "metadata": {"name": f"e{index}", "namespace": "default", "uid": f"u{index:04}"},
                "involvedObject": {"kind": "Pod", "name": "x", "namespace": "default"},
                "reason": "BackOff",
                "message": f"{index} " + "m" * 1024,
                "lastTimestamp": f"2030-01-01T{index // 3600:02d}:{index // 60 % 60:02d}:"
                f"{index % 60:02d}Z",
            },
            "Event",
        )
    model = _events(state, "default")
    assert len(orjson.dumps(model["events"])) <= MAX_BYTES
    shown = sorted(model["events"])
    assert shown == [f"u{index:04}" for index in range(MAX_EVENTS - len(shown), MAX_EVENTS)]
    assert len(shown) > 100
    assert list(model["events"]) == shown  # oldest first, as before
