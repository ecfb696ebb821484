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
from explorer.streaming.names import view_group
from explorer.streaming.publisher import Publisher
from explorer.viewmodels import registry
from explorer.viewmodels.base import View
from explorer.viewmodels.overview import overview
from explorer.viewmodels.registry import get_view

from ..state.test_store import read_held
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
    # nothing built before a tab asks: these tests count the builds a tab causes
    publisher = Publisher(states, layer, asyncio.get_running_loop(), window=0.05, warm=()).start()
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


def _spending(name: str, seconds: float, builds: list[float]) -> View:
    """A view reading pods that spends `seconds` of CPU on each build, as a big view does."""

    def build(state: Any, params: Any, memo: Any) -> dict[str, Any]:
        builds.append(time.monotonic())
        spent = time.thread_time()
        while time.thread_time() - spent < seconds:
            pass
        return {"pods": sorted(p["metadata"]["name"] for p in state.list("Pod"))}

    return View(name, build, frozenset({"Pod"}))


async def _tab_on(fed: Publisher, session_cookie: str, *views: str) -> Tab:
    """A tab on `views` (subscribed in that order, as m0, m1, …) and then the overview (s1),
    while 40 pods come, 20 a second, read as they come; closed once the overview and every
    other view show them all."""
    tab = await Tab.open(session_cookie)
    try:
        for n, view in enumerate(views):
            await _subscribe(tab, f"m{n}", view)
        await tab.subscribe(cluster="fed")
        coming = asyncio.ensure_future(_pods_come(fed, 40))
        while not coming.done():
            await tab.drain(0.1)
        await coming
        with fed.states.read("fed") as state:
            current = overview(state, {"cluster": "fed"})
        names = sorted(f"web-{i}" for i in range(40))

        def caught_up() -> bool:  # the others may wait for their turn
            others = [tab.models[sub]["pods"] for sub in tab.models if sub != "s1"]
            return tab.models["s1"] == current and all(pods == names for pods in others)

        if not caught_up():
            await tab.until(lambda m: caught_up(), timeout=8)
    finally:
        await tab.close()
    return tab


async def _pods_come(fed: Publisher, pods: int) -> None:
    for i in range(pods):
        await asyncio.to_thread(add, fed, pod("shop", f"web-{i}", node_name="n1"))
        await asyncio.sleep(0.05)


async def _subscribe(tab: Tab, sub_id: str, view: str) -> None:
    await tab.send({"type": "subscribe", "id": sub_id, "view": view, "params": {"cluster": "fed"}})
    await tab.until(lambda m: m["type"] == "full" and m["id"] == sub_id)


async def test_a_costly_view_is_paced_and_never_holds_back_the_overview(
    fed: Publisher, session_cookie: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A view that spends 0.2 s building and reads pods (the workloads hierarchy of a 30,000-pod
    cluster does), subscribed first, while 40 pods come at 20 a second: built again at every
    flush, it made the overview's every change wait for it, and held the state's lock the
    watcher needs most of the time. Paced, it is rebuilt about once per PACE builds' time and
    still ends up showing every pod."""
    builds: list[float] = []
    monkeypatch.setitem(registry.VIEWS, "costly", _spending("costly", 0.2, builds))
    await _tab_on(fed, session_cookie, "costly")
    assert len(builds) <= 4, builds  # 2 s of changes; unpaced, about one build per 0.25 s


async def test_a_flush_stops_at_its_window_and_every_view_catches_up_in_the_next_ones(
    fed: Publisher, session_cookie: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten views of 30 ms each (under COSTLY: never paced), all reading pods: refreshing them
    all in every flush took 0.3 s, which every change to the overview waited for. A flush now
    stops once it has spent the window (0.05 s here), the overview first (the cheapest), and
    the others come up to date in the next flushes."""
    builds: list[float] = []
    for n in range(10):
        monkeypatch.setitem(registry.VIEWS, f"medium{n}", _spending(f"medium{n}", 0.03, builds))
    tab = await _tab_on(fed, session_cookie, *(f"medium{n}" for n in range(10)))
    between: list[int] = [0]  # deltas of the other views between two of the overview's
    for message in tab.received:
        if message["type"] == "delta":
            if message["id"] == "s1":
                between.append(0)
            else:
                between[-1] += 1
    assert max(between[1:-1]) <= 4, between  # all ten in every flush before


async def test_one_slow_turn_of_a_cheap_view_does_not_make_it_wait(
    fed: Publisher, session_cookie: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A view of a millisecond whose third build takes 0.3 s (a garbage collection, a busy
    machine): judged by that turn alone it would be paced for 3 s."""
    builds: list[float] = []
    cheap = _spending("spiky", 0.001, builds)

    def spiky(state: Any, params: Any, memo: Any) -> dict[str, Any]:
        if len(builds) == 2:
            spent = time.thread_time()
            while time.thread_time() - spent < 0.3:
                pass
        return cheap.build(state, params, memo)

    monkeypatch.setitem(registry.VIEWS, "spiky", dataclasses.replace(cheap, build=spiky))
    await _tab_on(fed, session_cookie, "spiky")
    assert len(builds) >= 10, builds  # 2 s of changes; paced after the slow turn, about 3


async def test_a_pod_page_is_not_built_again_for_other_pods(
    fed: Publisher, session_cookie: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 200 pod pages open on a cluster changing 200 pods a second, each was built for
    every change; the pod view says which changes concern it (`View.concerns`)."""
    builds: list[str] = []
    view = get_view("pod")

    def counted(state: Any, params: Any, memo: Any) -> dict[str, Any]:
        builds.append(params["name"])
        return view.build(state, params, memo)

    monkeypatch.setitem(registry.VIEWS, "pod", dataclasses.replace(view, build=counted))
    add(fed, pod("shop", "watched"))
    tab = await Tab.open(session_cookie)
    try:
        params = {"cluster": "fed", "namespace": "shop", "name": "watched"}
        await tab.send({"type": "subscribe", "id": "p", "view": "pod", "params": params})
        await tab.until(lambda m: m["type"] == "full" and m["id"] == "p")
        await tab.subscribe(cluster="fed")
        for i in range(10):
            await asyncio.to_thread(add, fed, pod("shop", f"other-{i}"))
            await asyncio.sleep(0.06)
        await settle(tab, fed)
        assert builds == ["watched"]
        await asyncio.to_thread(add, fed, pod("shop", "watched", ready=False))
        await tab.until(lambda m: m["type"] == "delta" and m["id"] == "p")
        assert builds == ["watched", "watched"]
    finally:
        await tab.close()


async def test_the_cluster_is_told_live_while_a_view_holds_its_state(layer: RecordingLayer) -> None:
    """Right after a big list goes in, a view may hold the state for seconds (the overview over
    165,000 pods): the kind's "watching", and the cluster's "live", do not wait for it."""
    states = ClusterStates(["fed"])
    publisher = Publisher(states, layer, asyncio.get_running_loop(), window=0.05).start()

    def said(state: str) -> bool:
        return any(
            m["type"] == "cluster.status" and m["state"] == state for m in layer.group_messages
        )

    async def until(state: str) -> None:
        deadline = time.monotonic() + 2
        while not said(state):
            assert time.monotonic() < deadline, f"the cluster was never said {state}"
            await asyncio.sleep(0.02)

    try:
        await asyncio.to_thread(states.status, "fed", "Pod", "listing")
        await until("connecting")
        await asyncio.to_thread(states.replace, "fed", "Pod", [pod("shop", "web-1")], "5")
        with read_held(states, "fed"):
            await asyncio.wait_for(asyncio.to_thread(states.status, "fed", "Pod", "watching"), 2)
            await until("live")
    finally:
        await asyncio.to_thread(publisher.stop)


async def test_the_first_pages_are_built_once_the_cluster_is_live_before_a_tab_asks(
    layer: RecordingLayer, counted: dict[str, int], session_cookie: str
) -> None:
    states = ClusterStates(["fed"])
    publisher = Publisher(states, layer, asyncio.get_running_loop(), window=0.05).start()
    tab = await Tab.open(session_cookie)
    try:
        await asyncio.to_thread(states.status, "fed", "Pod", "listing")
        await asyncio.to_thread(states.replace, "fed", "Pod", [pod("shop", "web-1")], "5")
        assert counted["build"] == 0  # not live yet: nothing built
        await asyncio.to_thread(states.status, "fed", "Pod", "watching")

        deadline = time.monotonic() + 5
        while counted["build"] == 0:
            assert time.monotonic() < deadline, "the overview was not built before it was asked"
            await asyncio.sleep(0.02)
        model = await tab.subscribe(cluster="fed")

        assert counted["build"] == 1  # the tab got the model built before it asked
        assert model["header"]["counts"]["pods"] == 1
        hierarchy = view_group("hierarchy", {"cluster": "fed", "namespace": "*", "size": "count"})
        assert hierarchy in publisher._publications
    finally:
        await tab.close()
        await asyncio.to_thread(publisher.stop)
