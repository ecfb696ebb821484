"""Every page's view of a snapshot is the view of the live cluster at the moment it was taken:
the same view functions, over the state the snapshot kept, sent whole over the tab's websocket
by the web process (explorer/streaming/frozen.py) — equal, field for field, to what the publisher
sends for the live cluster (no churn, so nothing moves in between)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from explorer.demo import build_demo
from explorer.lib.sources import snapshot_source
from explorer.snapshots import store as snapshot_store
from explorer.snapshots.capture import cluster_state
from explorer.state import store
from explorer.state.store import ClusterStates
from explorer.streaming.publisher import Publisher

from ..streaming.tabs import Tab

pytestmark = pytest.mark.django_db(transaction=True)

MOMENT = datetime(2026, 12, 6, 3, 12, tzinfo=UTC)
# Each page's view with the parameters its page hands it, for pages of the demo
VIEWS = [
    ("overview", {}),
    ("hierarchy", {"namespace": "*", "size": "count"}),
    ("hierarchy", {"namespace": "shop", "size": "cpu"}),
    ("pod", {"namespace": "shop", "name": "db-0"}),
    ("node", {"name": "demo-worker"}),
    ("cgroup-tree", {"node": "demo-worker", "size": "limit"}),
    ("events", {"namespace": "*", "object": "*"}),
    ("scheduling-history", {}),
    ("search", {"q": "web"}),
    ("object", {"kind": "Deployment", "namespace": "shop", "name": "web"}),
    ("service-chains", {"node": "demo-worker", "service": "shop/web"}),
    ("chain-browser", {"node": "demo-worker", "dump": "auto"}),
    ("corefile", {}),
    ("dns-trace", {"namespace": "shop", "pod": "db-0", "name": "web"}),
    ("network-index", {}),
    ("proxy-mode", {}),
    ("drift", {}),
    ("packet-trace", {"source": "pod:shop/db-0", "destination": "10.96.178.167:80/tcp"}),
]


@pytest.fixture
async def live(settings: Any) -> AsyncIterator[ClusterStates]:
    """The demo as this process watches it, its views published over the in-memory layer."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    from channels.layers import channel_layers, get_channel_layer

    channel_layers.backends.pop("default", None)
    states = ClusterStates()
    states.add("demo", build_demo(now=MOMENT))
    publisher = Publisher(states, get_channel_layer(), asyncio.get_running_loop()).start()
    store.install(states)
    yield states
    store.uninstall(states)
    await asyncio.to_thread(publisher.stop)


async def model_of(tab: Tab, sub_id: str, view: str, params: dict[str, str]) -> dict[str, Any]:
    await tab.send({"type": "subscribe", "id": sub_id, "view": view, "params": params})
    message = await tab.until(lambda m: m.get("id") == sub_id and m["type"] in ("full", "error"))
    assert message["type"] == "full", message
    return message["model"]


def kept_snapshot() -> str:
    state = cluster_state("demo", lambda *_: None)
    snapshot = snapshot_store.keep(state, title="the 03:12 outage", taken_at=MOMENT, creator=None)
    snapshot_store.forget_loaded()  # the pages read it back from its file
    return snapshot_source(snapshot.id)


@pytest.mark.parametrize(
    ("view", "params"), VIEWS, ids=[f"{v}-{i}" for i, (v, _) in enumerate(VIEWS)]
)
async def test_a_snapshots_view_is_the_live_view_at_the_moment_it_was_taken(
    live: ClusterStates, session_cookie: str, view: str, params: dict[str, str]
) -> None:
    source = await asyncio.to_thread(kept_snapshot)
    tab = await Tab.open(session_cookie)
    try:
        now = await model_of(tab, "live", view, {"cluster": "demo", **params})
        then = await model_of(tab, "frozen", view, {"cluster": source, **params})
    finally:
        await tab.close()
    # the only difference a page may see is the name it asked under
    then_text = orjson.dumps(then).decode().replace(source, "demo")
    assert orjson.loads(then_text) == now
    assert len(orjson.dumps(now)) > 200, "the view showed next to nothing: a bad test"


async def test_a_snapshots_tab_is_told_it_shows_a_snapshot_and_gets_no_deltas(
    live: ClusterStates, session_cookie: str
) -> None:
    source = await asyncio.to_thread(kept_snapshot)
    tab = await Tab.open(session_cookie)
    try:
        await model_of(tab, "s1", "overview", {"cluster": source})
        status = [m for m in tab.received if m["type"] == "status"]
        assert [(m["cluster"], m["state"]) for m in status] == [(source, "snapshot")]
        live.event("demo", "Pod", {"type": "DELETED", "object": live_pod(live, "shop", "db-0")})
        later = await tab.drain(0.5)
        assert [m for m in later if m["type"] in ("full", "delta")] == []
    finally:
        await tab.close()


async def test_a_snapshot_that_is_gone_is_said_in_one_line_on_its_subscription(
    live: ClusterStates, session_cookie: str
) -> None:
    tab = await Tab.open(session_cookie)
    try:
        params = {"cluster": snapshot_source("NoSuchSnap01")}
        await tab.send({"type": "subscribe", "id": "s1", "view": "overview", "params": params})
        error = await tab.until(lambda m: m["type"] == "error")
    finally:
        await tab.close()
    assert error["id"] == "s1"
    assert error["message"] == (
        "cannot show snapshot:NoSuchSnap01: no such snapshot (deleted, or never taken)"
    )


def live_pod(states: ClusterStates, namespace: str, name: str) -> dict[str, Any]:
    with states.read("demo") as state:
        found = state.get("Pod", namespace, name)
    assert found is not None
    return found
