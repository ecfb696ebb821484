"""ApiStore keeps an Event `event_ttl` seconds after its last write, as kube-apiserver's
`--event-ttl` has etcd do: then it is deleted, and watchers are told."""

from __future__ import annotations

import copy

from explorer.apiserver import ApiStore
from explorer.state.cluster_state import ClusterState

from .objects import event, pod

HOUR = 3600.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


class Watcher:
    def __init__(self) -> None:
        self.records = []

    def deliver(self, record) -> None:
        self.records.append(record)


def _event(name: str) -> dict:
    return event("default", name, "Pulled", "pulled", {"kind": "Pod", "name": "web-1"})


def _names(store: ApiStore) -> list[str]:
    return [e["metadata"]["name"] for e in store.page("Event", None).items]


def test_an_event_is_deleted_an_hour_after_its_last_write_and_watchers_are_told() -> None:
    clock = Clock()
    store = ApiStore(event_ttl=HOUR, clock=clock)
    store.apply({"type": "ADDED", "object": _event("a")})
    watcher = Watcher()
    store.watch_since("Event", store.resource_version, watcher)
    clock.now += HOUR - 1
    assert _names(store) == ["a"]
    clock.now += 1
    assert _names(store) == []
    assert [(r.type, r.key) for r in watcher.records] == [("DELETED", "default/a")]


def test_saying_an_event_again_restarts_its_hour() -> None:
    clock = Clock()
    store = ApiStore(event_ttl=HOUR, clock=clock)
    store.apply({"type": "ADDED", "object": _event("a")})
    clock.now += HOUR / 2
    again = copy.deepcopy(store.get("Event", "default", "a"))
    again["count"] += 1
    store.apply({"type": "MODIFIED", "object": again})
    clock.now += HOUR / 2 + 1
    assert _names(store) == ["a"]
    clock.now += HOUR / 2
    assert _names(store) == []


def test_the_events_a_store_starts_with_count_as_written_when_it_started() -> None:
    clock = Clock()
    state = ClusterState()
    state.upsert(_event("weeks-old"))
    state.upsert(pod("default", "web-1", "n1"))
    store = ApiStore(state, event_ttl=HOUR, clock=clock)
    assert _names(store) == ["weeks-old"]
    clock.now += HOUR
    store.apply({"type": "ADDED", "object": _event("new")})
    assert _names(store) == ["new"]
    assert store.get("Pod", "default", "web-1") is not None  # only Events expire


def test_without_a_ttl_events_are_kept_for_ever() -> None:
    clock = Clock()
    store = ApiStore(clock=clock)
    store.apply({"type": "ADDED", "object": _event("a")})
    clock.now += 1000 * HOUR
    assert _names(store) == ["a"]


def test_a_deleted_event_written_again_gets_a_fresh_hour() -> None:
    clock = Clock()
    store = ApiStore(event_ttl=HOUR, clock=clock)
    store.apply({"type": "ADDED", "object": _event("a")})
    clock.now += HOUR / 2
    store.apply({"type": "DELETED", "object": _event("a")})
    store.apply({"type": "ADDED", "object": _event("a")})
    clock.now += HOUR / 2 + 1
    assert _names(store) == ["a"]
