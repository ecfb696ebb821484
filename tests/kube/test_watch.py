"""ClusterWatcher against the project's own API server: it converges to the server's exact state
after every fault, while objects are created, changed and deleted during the fault."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from explorer.apiserver import ApiServer, ApiStore, Policy
from explorer.kube.cluster_watcher import ClusterWatcher
from explorer.kube.reflector import WatchTiming
from explorer.lib.choices import BACKOFF, NOT_VISIBLE, WATCHING
from explorer.lib.resources import BY_KIND

from .recording_sink import RecordingSink, eventually
from .served import Churn, configmap, connect, small_cluster
from .served import store_refs as served_refs

KINDS = ("Namespace", "ConfigMap", "Secret")
FAST = WatchTiming(
    timeout_seconds=(20, 30),
    read_margin=5,
    page_size=7,  # several pages even for this small cluster
    recheck_not_visible=0.3,
    backoff_initial=0.05,
    backoff_cap=0.5,
)


@pytest.fixture
def store() -> Any:
    return ApiStore(small_cluster())


@pytest.fixture
def server(store: Any) -> Iterator[Any]:
    yield from _serving(store)


def _serving(store: Any, **knobs: Any) -> Iterator[Any]:
    server = ApiServer(store, port=0, **knobs)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def small_buffer_server(store: Any) -> Iterator[Any]:
    yield from _serving(store, watch_buffer=20)


@pytest.fixture
def bookmarking_server(store: Any) -> Iterator[Any]:
    yield from _serving(store, bookmark_interval=0.2)


@pytest.fixture
def watched_small_buffer(tmp_path: Path, small_buffer_server: Any) -> Iterator[Any]:
    yield from _watching(tmp_path, small_buffer_server.url)


@pytest.fixture
def watched_bookmarking(tmp_path: Path, bookmarking_server: Any) -> Iterator[Any]:
    yield from _watching(tmp_path, bookmarking_server.url)


def _watching(tmp_path: Path, url: str) -> Iterator[tuple[ClusterWatcher, RecordingSink]]:
    cluster = connect(tmp_path, url, context="kind-served")
    sink = RecordingSink()
    watcher = ClusterWatcher(
        cluster.api_client, cluster.name, sink, [BY_KIND[k] for k in KINDS], FAST
    ).start()
    assert watcher.wait_synced(10)
    yield watcher, sink
    watcher.stop()


@pytest.fixture
def watched(tmp_path: Path, server: Any) -> Iterator[tuple[ClusterWatcher, RecordingSink]]:
    yield from _watching(tmp_path, server.url)


def converged(sink: RecordingSink, store: Any) -> bool:
    return eventually(lambda: sink.refs() == served_refs(store, KINDS))


def hold_watcher(sink: RecordingSink, churn: Churn) -> None:
    """Leave the ConfigMap watcher stuck inside an event, so it reads nothing more for now."""
    sink.gate.clear()
    churn(1)
    assert sink.held.wait(5), "the watcher never delivered the event it was to be held in"


def test_first_list_holds_exactly_what_the_server_holds(watched, store) -> None:
    watcher, sink = watched
    assert sink.refs() == served_refs(store, KINDS)
    assert sink.replaces["ConfigMap"] == 1
    assert sink.clusters == {"kind-served"}
    assert watcher.resource_versions()["ConfigMap"]


def test_changes_arrive_as_events_without_a_relist(watched, store) -> None:
    _, sink = watched
    Churn(store)(10)
    assert converged(sink, store)
    assert sink.replaces["ConfigMap"] == 1
    # the relist converges first; the status turns to watching once the new watch is open
    assert eventually(lambda: sink.last_status("ConfigMap") == (WATCHING, ""))


def test_secrets_arrive_as_metadata_only(watched) -> None:
    _, sink = watched
    secrets = list(sink.objects["Secret"].values())
    assert len(secrets) == 2
    for secret in secrets:
        # A PartialObjectMetadata: no data and no type, only what identifies the Secret.
        assert set(secret) == {"kind", "apiVersion", "metadata"}
        assert secret["kind"] == "Secret"


def test_dropped_watches_resume_from_the_last_version_seen(watched, store, server) -> None:
    _, sink = watched
    churn = Churn(store)
    hold_watcher(sink, churn)
    server.drop_watches()
    churn(5)  # happens while no watch is open
    sink.gate.set()
    assert converged(sink, store)
    assert sink.replaces["ConfigMap"] == 1  # resumed from history, not relisted


def test_a_compacted_version_gets_410_and_the_watcher_relists(watched, store, server) -> None:
    _, sink = watched
    churn = Churn(store)
    hold_watcher(sink, churn)
    server.drop_watches()
    churn(5)
    store.compact()  # the version the watcher holds is now older than any history
    churn(3)
    sink.gate.set()
    assert converged(sink, store)
    assert sink.replaces["ConfigMap"] == 2


def test_a_server_down_then_back_with_compacted_history_is_caught_up(
    watched, store, server
) -> None:
    _, sink = watched
    churn = Churn(store)
    hold_watcher(sink, churn)
    server.stop()
    sink.gate.set()
    assert eventually(lambda: sink.last_status("ConfigMap")[0] == BACKOFF)
    churn(5)  # while the server is down
    store.compact()
    server.start()  # same port, history gone: the watcher's version gets 410
    churn(3)
    assert converged(sink, store)
    assert sink.replaces["ConfigMap"] == 2
    # the relist converges first; the status turns to watching once the new watch is open
    assert eventually(lambda: sink.last_status("ConfigMap") == (WATCHING, ""))


def test_a_restart_forgetting_history_is_caught_up(watched, store, server) -> None:
    _, sink = watched
    churn = Churn(store)
    hold_watcher(sink, churn)
    server.drop_watches()
    churn(2)  # changes the held watcher never saw, whose versions the restart forgets
    server.restart()
    churn(4)
    sink.gate.set()
    assert converged(sink, store)
    assert sink.replaces["ConfigMap"] == 2


def test_watches_the_server_ends_are_resumed_without_a_relist(tmp_path, server, store) -> None:
    cluster = connect(tmp_path, server.url)
    sink = RecordingSink()
    timing = replace(FAST, timeout_seconds=(1, 1))  # the server closes each watch after 1 s
    resources = [BY_KIND["ConfigMap"]]
    with ClusterWatcher(cluster.api_client, cluster.name, sink, resources, timing) as watcher:
        assert watcher.wait_synced(10)
        churn = Churn(store)
        for _ in range(5):
            churn(2)
            time.sleep(0.6)
        assert eventually(lambda: sink.refs() == served_refs(store, ("ConfigMap",)))
    assert sink.replaces["ConfigMap"] == 1


def test_stop_returns_promptly_while_watches_are_open(tmp_path, server) -> None:
    cluster = connect(tmp_path, server.url)
    watcher = ClusterWatcher(cluster.api_client, cluster.name, RecordingSink()).start()
    assert watcher.wait_synced(10)
    started = time.monotonic()
    watcher.stop(timeout=5)
    assert time.monotonic() - started < 2
    alive = [t.name for t in threading.enumerate() if t.name.startswith("watch served/")]
    assert alive == []


def test_a_forbidden_resource_is_not_visible_and_the_rest_is_watched(tmp_path) -> None:
    store = ApiStore(small_cluster())
    server = ApiServer(store, port=0, policy=Policy(forbidden={"secrets"}))
    server.start()
    try:
        cluster = connect(tmp_path, server.url)
        sink = RecordingSink()
        resources = [BY_KIND["ConfigMap"], BY_KIND["Secret"]]
        with ClusterWatcher(cluster.api_client, cluster.name, sink, resources, FAST) as watcher:
            assert watcher.wait_synced(10)
            assert sink.last_status("Secret") == (NOT_VISIBLE, "forbidden: cannot list secrets")
            assert sink.objects["Secret"] == {}
            Churn(store)(3)
            assert eventually(lambda: sink.refs() == served_refs(store, ("ConfigMap",)), timeout=10)
    finally:
        server.stop()


def test_a_watch_the_server_ends_for_a_full_buffer_is_resumed_and_converges(
    watched_small_buffer, store
) -> None:
    _, sink = watched_small_buffer
    churn = Churn(store)
    hold_watcher(sink, churn)
    big = "x" * 64_000  # ~20 MB in all: more than the socket buffers hold
    for i in range(300):
        store.apply({"type": "ADDED", "object": configmap("team", f"big-{i:03d}", big)})
    # The held ConfigMap watch overflowed its 20-event buffer and the server ended it.
    assert eventually(lambda: store.watcher_count() == len(KINDS) - 1)
    churn(3)
    sink.gate.set()
    assert converged(sink, store)
    assert eventually(lambda: store.watcher_count() == len(KINDS))
    # the relist converges first; the status turns to watching once the new watch is open
    assert eventually(lambda: sink.last_status("ConfigMap") == (WATCHING, ""))


def test_a_watch_resumes_from_a_bookmark_version_without_a_relist(
    watched_bookmarking, store, bookmarking_server
) -> None:
    watcher, sink = watched_bookmarking
    churn = Churn(store)
    churn(2)
    assert converged(sink, store)
    last_watched_event = store.resource_version
    for i in range(3):  # a kind none of the watches sees: only bookmarks carry its versions
        store.apply({"type": "ADDED", "object": _node(f"node-{i}")})
    newest = str(store.resource_version)
    assert eventually(lambda: set(watcher.resource_versions().values()) == {newest})
    store.compact()
    with pytest.raises(Exception, match="too old resource version"):
        store.page("ConfigMap", None, at_rv=last_watched_event)  # an event's version: 410
    bookmarking_server.drop_watches()
    churn(3)
    assert converged(sink, store)
    assert dict(sink.replaces) == dict.fromkeys(KINDS, 1)


def _node(name: str) -> dict[str, Any]:
    return {"kind": "Node", "apiVersion": "v1", "metadata": {"name": name}}
