"""The /etcd/ page's write rate over a tab's websocket, from a live watch of a real etcd (the
demo's): counted per resource, one watch per cluster while a tab looks and none after, never a
value in any frame (a Secret written with a marker), and no watch for a snapshot."""

from __future__ import annotations

import asyncio
import base64
import secrets

import orjson
import pytest

from explorer.streaming.etcd_rates import WATCHES
from tests.web.etcd_demo import etcdctl, start_demo_with_etcd, stop_demo

from .tabs import Tab

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def demo():
    cluster = start_demo_with_etcd()
    yield cluster
    stop_demo(cluster)


def _rates_with(resource: str):
    def wanted(message) -> bool:
        if message["type"] != "etcd_rates":
            return False
        return any(row["resource"] == resource for row in message["model"]["resources"])

    return wanted


async def test_writes_are_counted_per_resource_live_and_no_value_is_in_any_frame(demo, tab: Tab):
    marker = f"rate-canary-{secrets.token_hex(8)}"
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "rate-canary", "namespace": "default"},
        "stringData": {"token": marker},
        "data": {"token": base64.b64encode(marker.encode()).decode()},
    }
    await tab.send({"type": "etcdrates", "id": "r1", "cluster": "demo"})
    await tab.until(lambda m: m["type"] == "etcd_rates" and m["id"] == "r1")
    assert WATCHES.watching() == ["demo"]

    for n in range(3):
        await asyncio.to_thread(
            etcdctl, demo, "put", f"/registry/configmaps/default/rate-{n}", "{}"
        )
    await asyncio.to_thread(
        etcdctl, demo, "put", "/registry/secrets/default/rate-canary", input=orjson.dumps(secret)
    )
    counted = await tab.until(_rates_with("configmaps"))
    await tab.until(_rates_with("secrets"))

    row = next(r for r in counted["model"]["resources"] if r["resource"] == "configmaps")
    assert row["puts"] >= 1 and row["per_minute"] > 0
    frames = b"".join(orjson.dumps(m) for m in tab.received)
    assert marker.encode() not in frames
    assert base64.b64encode(marker.encode()) not in frames

    await tab.send({"type": "unetcdrates", "id": "r1"})
    await tab.drain(0.3)
    assert WATCHES.watching() == []
    for n in range(3):
        await asyncio.to_thread(etcdctl, demo, "del", f"/registry/configmaps/default/rate-{n}")
    await asyncio.to_thread(etcdctl, demo, "del", "/registry/secrets/default/rate-canary")


async def test_the_watch_stops_when_the_tab_goes(demo, session_cookie):
    tab = await Tab.open(session_cookie)
    await tab.send({"type": "etcdrates", "id": "r1", "cluster": "demo"})
    await tab.until(lambda m: m["type"] == "etcd_rates")
    await tab.close()
    for _ in range(50):
        if not WATCHES.watching():
            break
        await asyncio.sleep(0.05)
    assert WATCHES.watching() == []


async def test_a_snapshot_or_a_cluster_nobody_reads_has_no_write_rate(demo, tab: Tab):
    await tab.send({"type": "etcdrates", "id": "r1", "cluster": "snapshot:abcdefgh12"})
    frozen = await tab.until(lambda m: m["type"] == "error" and m["id"] == "r1")
    await tab.send({"type": "etcdrates", "id": "r2", "cluster": "managed"})
    unread = await tab.until(lambda m: m["type"] == "error" and m["id"] == "r2")

    assert frozen["message"] == "a snapshot or past moment has no live etcd watch"
    assert unread["message"] == "nothing here can read this cluster's etcd: no write rate"
    assert WATCHES.watching() == []
