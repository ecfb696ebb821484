from __future__ import annotations

import re

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


def _said(state, name: str, message: str, first: str, last: str, count: int) -> None:
    state.upsert(
        {
            "kind": "Event",
            "metadata": {"name": name, "namespace": "default", "uid": name},
            "involvedObject": {"kind": "Pod", "name": "api-0", "namespace": "default"},
            "reason": "BackOff",
            "message": message,
            "type": "Warning",
            "count": count,
            "firstTimestamp": first,
            "lastTimestamp": last,
        },
        "Event",
    )


def test_rows_group_the_same_reason_object_and_message_with_their_count_and_span() -> None:
    state = build_demo()
    _said(state, "a", "Back-off restarting", "2030-01-01T00:00:00Z", "2030-01-01T00:10:00Z", 3)
    _said(state, "b", "Back-off restarting", "2030-01-01T00:20:00Z", "2030-01-01T00:30:00Z", 4)
    _said(state, "c", "Back-off pulling", "2030-01-01T00:05:00Z", "2030-01-01T00:06:00Z", 1)
    model = _events(state, "default", "Pod/api-0")
    rows = sorted(model["groups"].values(), key=lambda g: g["message"])
    assert [(g["message"], g["count"], g["events"], g["first"], g["last"]) for g in rows] == [
        ("Back-off pulling", 1, 1, "2030-01-01T00:05:00Z", "2030-01-01T00:06:00Z"),
        ("Back-off restarting", 7, 2, "2030-01-01T00:00:00Z", "2030-01-01T00:30:00Z"),
    ]
    assert rows[0]["object"] == "Pod default/api-0" and rows[0]["reason"] == "BackOff"


def test_every_time_is_in_one_format_to_the_second_in_utc_and_the_hover_says_it() -> None:
    state = build_demo()
    model = _events(state, "shop")
    scheduling = next(e for e in model["events"].values() if e["reason"] == "FailedScheduling")
    raw = next(e for e in state.list("Event", "shop") if e.get("reason") == "FailedScheduling")
    assert raw["eventTime"].endswith(".000000Z")  # an events.k8s.io series, as the demo writes it
    for point in model["events"].values():
        for when in (point["time"], point["first"]):
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", when), when
    assert f"last seen: {scheduling['time']}" in scheduling["hover"]
    assert f"first seen: {scheduling['first']}" in scheduling["hover"]


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
