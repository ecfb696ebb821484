"""The live websocket end to end: the real ASGI app (auth, Origin check, routing, consumer), the
publisher, and a ClusterWatcher on the demo cluster served by the project's API server — with
the in-memory channel layer and with Redis."""

from __future__ import annotations

import asyncio
import copy
import time
from typing import Any, ClassVar

import pytest
from channels.auth import AuthMiddlewareStack
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from django.urls import path

from explorer.apiserver import ApiStore
from explorer.state.store import ClusterStates
from explorer.streaming.consumers import LiveConsumer
from explorer.streaming.publisher import Publisher

from ..viewmodels.objects import node, pod
from .conftest import REDIS_URL, channel_layers, redis_available
from .tabs import Tab

pytestmark = pytest.mark.django_db(transaction=True)


def new_pod(store: ApiStore, name: str) -> dict[str, Any]:
    """A copy of one of the shop's pods under a new name, as a ReplicaSet would create it."""
    template = next(p for p in store.state.list("Pod", "shop") if p["spec"].get("nodeName"))
    created = copy.deepcopy(template)
    meta = created["metadata"]
    meta["name"], meta["uid"] = name, f"uid-{name}"
    meta.pop("resourceVersion", None)
    return created


def pod_ids(model: dict[str, Any]) -> set[str]:
    return {sid for sid, s in model["sectors"].items() if s["kind"] == "pod"}


async def test_a_tab_gets_the_overview_then_the_delta_for_a_pod_made_in_the_api_server(
    runtime: Any, tab: Tab, store: ApiStore
) -> None:
    model = await tab.subscribe()
    assert model["header"]["counts"]["pods"] == store.state.count("Pod")
    assert len(pod_ids(model)) == store.state.count("Pod")
    status = await tab.until(lambda m: m["type"] == "status")
    assert (status["cluster"], status["state"]) == ("demo", "live")

    store.apply({"type": "ADDED", "object": new_pod(store, "web-live-1")})
    delta = await tab.until(lambda m: m["type"] == "delta")
    assert ["sectors", "pod/shop/web-live-1"] in [op["path"][:2] for op in delta["ops"]]
    assert "pod/shop/web-live-1" in tab.models["s1"]["sectors"]
    assert tab.models["s1"]["header"]["counts"]["pods"] == store.state.count("Pod")


async def test_a_tab_that_asks_for_a_resync_gets_the_whole_model_again(
    runtime: Any, tab: Tab, store: ApiStore
) -> None:
    first = await tab.subscribe()
    await tab.send({"type": "resync", "id": "s1"})
    again = await tab.until(lambda m: m["type"] == "full")
    assert again["model"] == first


async def test_a_view_or_cluster_nobody_serves_is_an_error_for_that_subscription(
    runtime: Any, tab: Tab
) -> None:
    await tab.send({"type": "subscribe", "id": "bad", "view": "nope", "params": {}})
    error = await tab.until(lambda m: m["type"] == "error")
    assert (error["id"], error["message"]) == ("bad", "no such view: 'nope'")


async def test_without_a_login_the_websocket_is_refused() -> None:
    connected, _ = await Tab.communicator(None).connect(timeout=5)
    assert not connected


async def test_a_page_from_another_origin_is_refused_even_with_the_cookie(
    session_cookie: str,
) -> None:
    communicator = Tab.communicator(session_cookie, origin=b"https://evil.example")
    connected, _ = await communicator.connect(timeout=5)
    assert not connected
    same_origin = Tab.communicator(session_cookie)  # the cookie itself is good
    assert (await same_origin.connect(timeout=5))[0]
    await same_origin.disconnect()


@pytest.fixture
async def fed(layer: Any) -> Any:
    """A publisher of states the test feeds directly (no API server), cluster "fed"."""
    states = ClusterStates(["fed"])
    publisher = Publisher(states, layer, asyncio.get_running_loop(), window=0.1).start()
    states.replace("fed", "Node", [node("n1")], "1")
    states.status("fed", "Pod", "watching")
    yield publisher
    await asyncio.to_thread(publisher.stop)


def add_pods(publisher: Publisher, names: list[str], pause: float) -> None:
    for name in names:
        publisher.states.event("fed", "Pod", {"type": "ADDED", "object": pod("burst", name)})
        time.sleep(pause)


async def test_a_burst_of_50_changes_goes_out_as_few_deltas_the_first_at_once(
    fed: Publisher, tab: Tab
) -> None:
    await tab.subscribe(cluster="fed")
    started = time.monotonic()
    burst = asyncio.ensure_future(
        asyncio.to_thread(add_pods, fed, [f"p{i:02d}" for i in range(50)], 0.0015)
    )
    messages = await tab.drain(0.8)
    await burst
    deltas = [m for m in messages if m["type"] == "delta"]
    assert 1 <= len(deltas) <= 3, [len(d["ops"]) for d in deltas]
    assert deltas[0]["received_at"] - started < 0.08  # not held back for the window
    assert len(pod_ids(tab.models["s1"])) == 50


class Recording(LiveConsumer):
    instances: ClassVar[list[LiveConsumer]] = []

    async def connect(self) -> None:
        Recording.instances.append(self)
        await super().connect()


async def test_a_tab_that_never_reads_stays_bounded_blocks_no_one_and_then_gets_a_full_model(
    fed: Publisher, session_cookie: str
) -> None:
    fed.window = 0.005
    app = AuthMiddlewareStack(URLRouter([path("ws/", Recording.as_asgi(window=2, capacity=4))]))
    stuck = await Tab.open(session_cookie, application=app, ack=False)
    lively = await Tab.open(session_cookie, application=app)
    try:
        await stuck.subscribe(cluster="fed")
        await lively.subscribe(cluster="fed")
        names = [f"p{i:02d}" for i in range(40)]
        await asyncio.to_thread(add_pods, fed, names, 0.01)
        await lively.until(lambda m: len(pod_ids(lively.models["s1"])) == 40, timeout=5)

        consumer = Recording.instances[0]
        assert stuck.communicator.output_queue.qsize() <= 2  # never more than the window
        assert len(consumer.outbox) <= 4 + 2  # capacity, plus a status and an error slot
        stuck.ack = True
        before = len(stuck.received)
        await stuck.send({"type": "ack", "seq": consumer.outbox.sent})
        await stuck.until(lambda m: m["type"] == "full")
        # a full model already on its way (at most the window) may be older: deltas follow it
        if len(pod_ids(stuck.models["s1"])) < 40:
            await stuck.until(lambda m: len(pod_ids(stuck.models["s1"])) == 40)
        fulls = [m for m in stuck.received[before:] if m["type"] == "full"]
        assert 1 <= len(fulls) <= 2  # caught up with one full model (two when one was in flight)
    finally:
        Recording.instances.clear()
        await stuck.close()
        await lively.close()


async def test_a_tab_hears_reconnecting_while_the_api_server_is_down_and_catches_up_after(
    runtime: Any, tab: Tab, server: Any, store: ApiStore
) -> None:
    await tab.subscribe()
    await asyncio.to_thread(server.stop)
    down = await tab.until(lambda m: m["type"] == "status" and m["state"] == "reconnecting")
    assert down["reason"]
    store.apply({"type": "ADDED", "object": new_pod(store, "web-while-down")})
    await asyncio.to_thread(server.start)
    await tab.until(lambda m: m["type"] == "status" and m["state"] == "live")
    if "pod/shop/web-while-down" not in tab.models["s1"]["sectors"]:  # may come before "live"
        await tab.until(lambda m: "pod/shop/web-while-down" in tab.models["s1"]["sectors"])


@pytest.mark.skipif(not redis_available(), reason="no Redis at 127.0.0.1:6379")
async def test_a_consumer_waits_quietly_longer_than_the_redis_socket_timeout(settings: Any) -> None:
    """redis-py 8 aborts reads after 5 s unless told otherwise, which would kill every idle
    consumer of the Redis layer (django/channels_redis#422); the settings tell it otherwise."""
    settings.CHANNEL_LAYERS = channel_layers(REDIS_URL)
    layer = get_channel_layer()
    channel = await layer.new_channel()

    async def later() -> None:
        await asyncio.sleep(5.5)
        await layer.send(channel, {"type": "late"})

    sender = asyncio.ensure_future(later())
    assert await asyncio.wait_for(layer.receive(channel), 10) == {"type": "late"}
    await sender
