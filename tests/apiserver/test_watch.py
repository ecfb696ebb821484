"""Watch semantics over HTTP: versions, bookmarks, 410 Gone, timeouts, cut connections, restarts."""

from __future__ import annotations

import asyncio
import copy
import time

import aiohttp
import pytest

from explorer.apiserver import ApiServer, ApiStore

from .conftest import METADATA_ACCEPT, TABLE_ACCEPT, eventually, read_events
from .objects import pod

PODS = "/api/v1/pods"


async def _watched_events(
    http: aiohttp.ClientSession, server: ApiServer, path: str, rv: int, count: int, **selector: str
) -> list[dict]:
    """The first `count` events of a one-second watch of `path` from `rv`, with a selector."""
    params = {"watch": "true", "resourceVersion": str(rv), **selector, "timeoutSeconds": "1"}
    async with http.get(server.url + path, params=params) as response:
        return await read_events(response, count=count)


def _rv(obj: dict) -> int:
    return int(obj["metadata"]["resourceVersion"])


async def _list_rv(http: aiohttp.ClientSession, url: str) -> int:
    async with http.get(url) as response:
        return int((await response.json())["metadata"]["resourceVersion"])


def _add_pod(store: ApiStore, name: str, namespace: str = "default", **kw) -> None:
    store.apply({"type": "ADDED", "object": pod(namespace, name, "worker-1", **kw)})


async def test_watch_from_a_list_version_sees_later_changes_in_order(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    rv = await _list_rv(http, server.url + PODS)
    _add_pod(store, "late-1")
    store.apply({"type": "DELETED", "object": pod("default", "web-2", None)})
    params = {"watch": "true", "resourceVersion": str(rv), "timeoutSeconds": "1"}
    async with http.get(server.url + PODS, params=params) as response:
        events = await read_events(response, count=2)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "late-1"),
        ("DELETED", "web-2"),
    ]
    versions = [_rv(e["object"]) for e in events]
    assert versions == sorted(versions) and versions[0] > rv


async def test_watch_without_a_version_starts_with_every_object_as_added(
    http: aiohttp.ClientSession, server: ApiServer
) -> None:
    params = {"watch": "1", "timeoutSeconds": "1"}
    async with http.get(server.url + "/api/v1/namespaces/default/pods", params=params) as response:
        events = await read_events(response, count=3)
    assert {e["type"] for e in events} == {"ADDED"}
    assert sorted(e["object"]["metadata"]["name"] for e in events) == [
        "pending-1",
        "web-1",
        "web-2",
    ]


async def test_watch_sends_bookmarks_periodically_and_before_closing(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    rv = store.resource_version
    params = {
        "watch": "true",
        "resourceVersion": str(rv),
        "allowWatchBookmarks": "true",
        "timeoutSeconds": "1",
    }
    started = time.monotonic()
    async with http.get(server.url + PODS, params=params) as response:
        store.apply(
            {
                "type": "ADDED",
                "object": {"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}},
            }
        )
        events = await read_events(response)
    assert 0.9 < time.monotonic() - started < 5
    bookmarks = [e for e in events if e["type"] == "BOOKMARK"]
    assert len(bookmarks) >= 2  # every 0.3 s, and one before the timeout closes the stream
    assert events[-1]["type"] == "BOOKMARK"
    assert _rv(events[-1]["object"]) == rv + 1  # the ConfigMap's version: the watch is caught up
    assert events[-1]["object"]["kind"] == "Pod"


async def test_watch_from_compacted_version_gets_410_gone_as_an_error_event(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    old = store.resource_version
    _add_pod(store, "after-1")
    store.compact()
    params = {"watch": "true", "resourceVersion": str(old)}
    async with http.get(server.url + PODS, params=params) as response:
        assert response.status == 200
        events = await read_events(response)
    assert len(events) == 1 and events[0]["type"] == "ERROR"
    status = events[0]["object"]
    assert (status["kind"], status["reason"], status["code"]) == ("Status", "Expired", 410)
    assert status["message"].startswith(f"too old resource version: {old} (")


async def test_history_bound_forgets_the_oldest_events(http: aiohttp.ClientSession) -> None:
    store = ApiStore(history_limit=3)
    _add_pod(store, "p-0")
    first = store.resource_version
    for i in range(1, 5):
        _add_pod(store, f"p-{i}")
    with ApiServer(store) as server:
        async with http.get(
            server.url + PODS, params={"watch": "true", "resourceVersion": str(first)}
        ) as response:
            assert (await read_events(response))[0]["object"]["code"] == 410
        kept = str(store.resource_version - 3)
        params = {"watch": "true", "resourceVersion": kept, "timeoutSeconds": "1"}
        async with http.get(server.url + PODS, params=params) as response:
            names = [e["object"]["metadata"]["name"] for e in await read_events(response, count=3)]
    assert names == ["p-2", "p-3", "p-4"]


async def test_timeout_seconds_closes_the_watch_and_bookmarks_come_only_when_allowed(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    params = {
        "watch": "true",
        "resourceVersion": str(store.resource_version),
        "timeoutSeconds": "1",
    }
    started = time.monotonic()
    async with http.get(server.url + PODS, params=params) as response:
        assert await read_events(response) == []
    assert 0.9 < time.monotonic() - started < 30  # closed by the server, not by the client


async def test_drop_watches_cuts_open_watches_abruptly(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    params = {"watch": "true", "resourceVersion": str(store.resource_version)}
    async with http.get(server.url + PODS, params=params) as response:
        await asyncio.sleep(0.2)
        assert await asyncio.to_thread(server.drop_watches) == 1
        with pytest.raises(aiohttp.ClientPayloadError):
            await asyncio.wait_for(read_events(response), 5)
    assert store.watcher_count() == 0 or await eventually(lambda: store.watcher_count() == 0)


async def test_restart_keeps_versions_growing_and_compacts_history(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    before = await _list_rv(http, server.url + PODS)
    _add_pod(store, "before-restart")
    port = server.port
    await asyncio.to_thread(server.restart)
    assert server.port == port
    _add_pod(store, "after-restart")
    after = await _list_rv(http, server.url + PODS)
    assert after > before
    async with http.get(
        server.url + PODS, params={"watch": "true", "resourceVersion": str(before)}
    ) as response:
        assert (await read_events(response))[0]["object"]["reason"] == "Expired"


async def test_label_selector_watch_turns_leaving_objects_into_deleted(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    rv = store.resource_version
    moved = copy.deepcopy(store.get("Pod", "default", "web-1"))
    moved["metadata"]["labels"]["app"] = "api"
    store.apply({"type": "MODIFIED", "object": moved})
    joined = copy.deepcopy(store.get("Pod", "default", "pending-1"))
    joined["metadata"]["labels"]["app"] = "web"
    store.apply({"type": "MODIFIED", "object": joined})
    events = await _watched_events(http, server, PODS, rv, 2, labelSelector="app=web")
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("DELETED", "web-1"),
        ("ADDED", "pending-1"),
    ]


async def test_field_selector_watch_of_one_pod_by_name(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    rv = store.resource_version
    _add_pod(store, "other")
    changed = copy.deepcopy(store.get("Pod", "default", "web-2"))
    changed["status"]["phase"] = "Failed"
    store.apply({"type": "MODIFIED", "object": changed})
    path = "/api/v1/namespaces/default/pods"
    events = await _watched_events(http, server, path, rv, 1, fieldSelector="metadata.name=web-2")
    assert [(e["type"], e["object"]["status"]["phase"]) for e in events] == [("MODIFIED", "Failed")]


async def test_table_watch_sends_column_definitions_only_on_the_first_event(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    rv = store.resource_version
    _add_pod(store, "t-1")
    _add_pod(store, "t-2")
    params = {"watch": "true", "resourceVersion": str(rv), "timeoutSeconds": "1"}
    async with http.get(
        server.url + PODS, params=params, headers={"Accept": TABLE_ACCEPT}
    ) as response:
        events = await read_events(response, count=2)
    tables = [e["object"] for e in events]
    assert [t["kind"] for t in tables] == ["Table", "Table"]
    assert [c["name"] for c in tables[0]["columnDefinitions"]][:5] == [
        "Name",
        "Ready",
        "Status",
        "Restarts",
        "Age",
    ]
    assert tables[1]["columnDefinitions"] is None
    assert [t["rows"][0]["cells"][0] for t in tables] == ["t-1", "t-2"]
    assert tables[0]["rows"][0]["object"]["kind"] == "PartialObjectMetadata"


async def test_send_initial_events_ends_with_an_annotated_bookmark(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    params = {
        "watch": "true",
        "sendInitialEvents": "true",
        "resourceVersionMatch": "NotOlderThan",
        "allowWatchBookmarks": "true",
        "timeoutSeconds": "1",
    }
    async with http.get(server.url + "/api/v1/nodes", params=params) as response:
        events = await read_events(response, count=3)
    assert [e["type"] for e in events] == ["ADDED", "ADDED", "BOOKMARK"]
    bookmark = events[2]["object"]["metadata"]
    assert bookmark["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert int(bookmark["resourceVersion"]) == store.resource_version


async def test_events_applied_from_many_threads_reach_the_watch_in_version_order(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    rv = store.resource_version
    params = {"watch": "true", "resourceVersion": str(rv), "timeoutSeconds": "2"}
    async with http.get(server.url + PODS, params=params) as response:

        def burst(prefix: str) -> None:
            for i in range(50):
                _add_pod(store, f"{prefix}-{i}")

        await asyncio.gather(*(asyncio.to_thread(burst, p) for p in ("a", "b", "c")))
        events = await read_events(response, count=150)
    versions = [_rv(e["object"]) for e in events]
    assert versions == list(range(rv + 1, rv + 151))


async def test_metadata_watch_sends_partial_object_metadata(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    rv = store.resource_version
    store.apply(
        {
            "type": "ADDED",
            "object": {
                "kind": "Secret",
                "metadata": {"name": "s2", "namespace": "default"},
                "data": {"k": "dg=="},
            },
        }
    )
    params = {"watch": "true", "resourceVersion": str(rv), "timeoutSeconds": "1"}
    accept = {"Accept": METADATA_ACCEPT.replace("List", "")}
    async with http.get(server.url + "/api/v1/secrets", params=params, headers=accept) as response:
        (event,) = await read_events(response, count=1)
    assert event["type"] == "ADDED"
    assert set(event["object"]) == {"kind", "apiVersion", "metadata"}
    assert (event["object"]["kind"], event["object"]["metadata"]["name"]) == (
        "PartialObjectMetadata",
        "s2",
    )
