"""The publisher follows changes through a view's `update`, builds when it must, and serialises
each model and delta once for every tab; consumers pass them on without detours."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer

from explorer.state.store import ClusterStates
from explorer.streaming import publisher as publisher_module
from explorer.streaming.publisher import Publisher
from explorer.viewmodels import registry
from explorer.viewmodels.overview import overview
from explorer.viewmodels.registry import get_view

from ..viewmodels.objects import node, pod
from .tabs import Tab

pytestmark = pytest.mark.django_db(transaction=True)


class RecordingLayer(InMemoryChannelLayer):
    """The in-memory layer, keeping what was sent to groups."""

    def __init__(self) -> None:
        super().__init__()
        self.group_messages: list[dict[str, Any]] = []

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.group_messages.append(message)
        await super().group_send(group, message)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The overview registered with its build and update counted."""
    calls = {"build": 0, "update": 0}
    view = get_view("overview")
    assert view.update is not None

    def build(*args: Any) -> Any:
        calls["build"] += 1
        return view.build(*args)

    def update(*args: Any) -> Any:
        calls["update"] += 1
        return view.update(*args)  # type: ignore[misc]

    wrapped = dataclasses.replace(view, build=build, update=update)
    monkeypatch.setitem(registry.VIEWS, "overview", wrapped)
    return calls


@pytest.fixture
async def layer(settings: Any) -> RecordingLayer:
    recording = RecordingLayer()
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    from channels.layers import channel_layers

    channel_layers.backends["default"] = recording
    yield recording
    channel_layers.backends.pop("default", None)


@pytest.fixture
async def fed(layer: RecordingLayer) -> AsyncIterator[Publisher]:
    states = ClusterStates(["fed"])
    publisher = Publisher(states, layer, asyncio.get_running_loop(), window=0.05).start()
    states.replace("fed", "Node", [node("n1"), node("n2")], "1")
    states.status("fed", "Pod", "watching")
    yield publisher
    await asyncio.to_thread(publisher.stop)


def add(publisher: Publisher, *pods: dict[str, Any]) -> None:
    for made in pods:
        publisher.states.event("fed", "Pod", {"type": "ADDED", "object": made})


async def settle(tab: Tab, publisher: Publisher) -> dict[str, Any]:
    """Read until the tab's model is the overview built afresh from the publisher's state."""

    def current() -> dict[str, Any]:
        with publisher.states.read("fed") as state:
            return overview(state, {"cluster": "fed"})

    await tab.until(lambda m: tab.models.get("s1") == current(), timeout=5)
    return tab.models["s1"]


async def test_changes_reach_the_tabs_through_the_views_update_not_a_rebuild(
    fed: Publisher, counted: dict[str, int], session_cookie: str
) -> None:
    tab = await Tab.open(session_cookie)
    try:
        await tab.subscribe(cluster="fed")
        assert counted == {"build": 1, "update": 0}
        for i in range(6):
            await asyncio.to_thread(add, fed, pod("shop", f"web-{i}", node_name=f"n{i % 2 + 1}"))
            await asyncio.sleep(0.06)
        model = await settle(tab, fed)
        assert len([s for s in model["sectors"].values() if s["kind"] == "pod"]) == 6
        assert counted["build"] == 1 and counted["update"] >= 2
    finally:
        await tab.close()


async def test_more_changes_than_the_publisher_keeps_make_it_build_the_view_whole(
    fed: Publisher, counted: dict[str, int], session_cookie: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publisher_module, "MAX_PENDING", 5)
    tab = await Tab.open(session_cookie)
    try:
        await tab.subscribe(cluster="fed")
        relisted = [pod("batch", f"job-{i}", node_name="n2") for i in range(20)]
        await asyncio.to_thread(fed.states.replace, "fed", "Pod", relisted, "7")
        model = await settle(tab, fed)
        assert model["header"]["counts"]["pods"] == 20
        assert counted["build"] == 2 and counted["update"] == 0
    finally:
        await tab.close()


@asynccontextmanager
async def _three_tabs(session_cookie: str) -> AsyncIterator[list[Tab]]:
    """Three tabs of one session, closed on leaving."""
    tabs = [await Tab.open(session_cookie) for _ in range(3)]
    try:
        yield tabs
    finally:
        for tab in tabs:
            await tab.close()


async def test_a_delta_is_serialised_once_and_every_tab_gets_the_same_ops(
    fed: Publisher, layer: RecordingLayer, session_cookie: str
) -> None:
    async with _three_tabs(session_cookie) as tabs:
        for tab in tabs:
            await tab.subscribe(cluster="fed")
        await asyncio.to_thread(add, fed, pod("shop", "web-once"))
        deltas = [await tab.until(lambda m: m["type"] == "delta") for tab in tabs]
        sent = [m for m in layer.group_messages if m["type"] == "view.delta"]
        assert len(sent) == 1 and "ops" not in sent[0]
        assert isinstance(sent[0]["ops_json"], bytes)
        assert all(d["ops"] == orjson.loads(sent[0]["ops_json"]) for d in deltas)
        assert all("pod/shop/web-once" in tab.models["s1"]["sectors"] for tab in tabs)


async def test_tabs_share_one_encoding_of_the_model_until_it_changes(
    fed: Publisher, session_cookie: str
) -> None:
    add(fed, pod("shop", "web-1"))
    async with _three_tabs(session_cookie) as tabs:
        first = await tabs[0].subscribe(cluster="fed")
        publication = next(iter(fed._publications.values()))
        encoded = publication.encoded
        assert encoded is not None and orjson.loads(encoded) == first
        assert await tabs[1].subscribe(cluster="fed") == first
        assert publication.encoded is encoded
        await asyncio.to_thread(add, fed, pod("shop", "web-2"))
        await tabs[0].until(lambda m: m["type"] == "delta")
        later = await tabs[2].subscribe(cluster="fed")
        assert "pod/shop/web-2" in later["sectors"] and later == tabs[0].models["s1"]


async def test_deltas_reach_a_tab_while_the_thread_for_database_work_is_busy(
    fed: Publisher, session_cookie: str
) -> None:
    """Channels hops to that thread before every message to close stale database connections;
    the consumer, which uses no database after the handshake, does not wait for it."""
    tab = await Tab.open(session_cookie)
    try:
        await tab.subscribe(cluster="fed")
        busy = asyncio.ensure_future(sync_to_async(time.sleep)(3))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await asyncio.to_thread(add, fed, pod("shop", "web-busy"))
        await tab.until(lambda m: m["type"] == "delta", timeout=5)
        assert time.monotonic() - started < 2 and not busy.done()
        await busy
    finally:
        await tab.close()
