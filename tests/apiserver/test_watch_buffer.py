"""Each watch buffers a bounded number of events: a client that stops reading has its watch ended
(as kube-apiserver ends a watcher whose buffer is full), one that reads is never disturbed."""

from __future__ import annotations

import asyncio

import aiohttp

from explorer.apiserver import ApiServer, ApiStore
from explorer.apiserver.history import Record
from explorer.apiserver.watch_stream import WatchFeed

from .conftest import eventually, read_events
from .objects import small_cluster

CONFIGMAPS = "/api/v1/configmaps"
BIG = "x" * 64_000  # large events fill the socket buffers between server and client quickly


def _configmap(name: str, value: str) -> dict:
    return {
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "default"},
        "data": {"v": value},
    }


def _record(rv: int) -> Record:
    obj = _configmap(f"cm-{rv}", "")
    return Record(rv, "ConfigMap", "ADDED", f"default/cm-{rv}", obj, None)


async def test_a_feed_never_holds_more_than_its_capacity_and_reports_the_overflow_once() -> None:
    overflows = []
    feed = WatchFeed(
        asyncio.get_running_loop(), capacity=5, on_overflow=lambda: overflows.append(1)
    )
    for rv in range(1, 5):
        feed.deliver(_record(rv))
    await asyncio.sleep(0.01)
    assert feed.queue.qsize() == 4 and not feed.overflowed
    for rv in range(5, 500):
        feed.deliver(_record(rv))
    await asyncio.sleep(0.01)
    assert feed.overflowed
    assert feed.queue.qsize() == 1  # only the marker that ends the stream is left
    assert overflows == [1]


async def test_a_client_that_stops_reading_has_its_watch_ended(http: aiohttp.ClientSession) -> None:
    store = ApiStore(small_cluster())
    with ApiServer(store, watch_buffer=20) as server:
        params = {"watch": "true", "resourceVersion": str(store.resource_version)}
        async with http.get(server.url + CONFIGMAPS, params=params) as response:
            assert response.status == 200
            assert await eventually(lambda: store.watcher_count() == 1)
            for i in range(400):  # ~25 MB: far more than the socket buffers hold
                store.apply({"type": "ADDED", "object": _configmap(f"big-{i}", BIG)})
            assert await eventually(lambda: store.watcher_count() == 0)
            try:
                received = await read_events(response)
            except aiohttp.ClientPayloadError:
                received = None  # cut while the client read nothing: the likely end
        if received is not None:
            assert len(received) < 400  # ended early, not after sending everything


async def test_a_client_that_keeps_reading_gets_every_event_on_a_small_buffer(
    http: aiohttp.ClientSession,
) -> None:
    store = ApiStore(small_cluster())
    with ApiServer(store, watch_buffer=50) as server:
        rv = store.resource_version
        params = {"watch": "true", "resourceVersion": str(rv), "timeoutSeconds": "20"}
        async with http.get(server.url + CONFIGMAPS, params=params) as response:
            reading = asyncio.create_task(read_events(response, count=400))
            for batch in range(16):
                for i in range(25):  # fewer than the buffer holds between two reads
                    store.apply({"type": "ADDED", "object": _configmap(f"c-{batch}-{i}", "v")})
                await asyncio.sleep(0.02)
            events = await asyncio.wait_for(reading, 15)
            assert store.watcher_count() == 1  # still open
    versions = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert versions == list(range(rv + 1, rv + 401))
