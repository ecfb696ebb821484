"""A real websocket client (aiohttp) against a running daphne that serves the app as `make run`
does: watcher, publisher and web server in one process."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest

from explorer.apiserver import ApiServer, ApiStore
from explorer.streaming.message_parts import MAX_MESSAGE

from ..processes import free_port
from .conftest import kubeconfig_for
from .test_live import new_pod

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
async def site(tmp_path: Path, server: ApiServer) -> AsyncIterator[tuple[int, str]]:
    """(port, session key) of a site in a subprocess, watching `server`."""
    port = free_port()
    argv = [sys.executable, "-m", "tests.streaming.served_site"]
    argv += [str(kubeconfig_for(tmp_path, server.url)), str(port), str(tmp_path / "db.sqlite3")]
    log = (tmp_path / "site.log").open("w")
    process = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 60)
        if not line.startswith("READY "):
            pytest.fail(f"the site did not start: {(tmp_path / 'site.log').read_text()[-2000:]}")
        yield port, line.split()[1]
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


async def read(ws: aiohttp.ClientWebSocketResponse, wanted: Any) -> dict[str, Any]:
    """Read (acknowledging each message) until one satisfies `wanted`; a message sent in parts
    is joined as the browser joins it."""
    while True:
        message = await _next_message(ws)
        await ws.send_str(orjson.dumps({"type": "ack", "seq": message["seq"]}).decode())
        if wanted(message):
            return message


async def _next_message(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    texts: list[str] = []
    while True:
        frame = await asyncio.wait_for(ws.receive(), 10)
        assert frame.type == aiohttp.WSMsgType.TEXT, frame
        assert len(frame.data.encode()) <= MAX_MESSAGE
        message = orjson.loads(frame.data)
        if message["type"] != "part":
            assert not texts, "a message came between the parts of another"
            return message
        assert message["part"] == len(texts)
        texts.append(message["text"])
        if len(texts) == message["parts"]:
            joined = orjson.loads("".join(texts))
            assert joined["seq"] == message["seq"]
            return joined


async def test_a_real_client_gets_the_overview_and_the_delta_for_a_pod_made_in_the_api_server(
    site: tuple[int, str], store: ApiStore
) -> None:
    port, session = site
    url = f"ws://127.0.0.1:{port}/ws/"
    origin = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(url, headers={"Origin": origin})
        assert refused.value.status == 403

        headers = {"Origin": origin, "Cookie": f"sessionid={session}"}
        async with http.ws_connect(url, headers=headers) as ws:
            subscribe = {"type": "subscribe", "id": "s1", "view": "overview"}
            await ws.send_str(orjson.dumps({**subscribe, "params": {"cluster": "demo"}}).decode())
            full = await read(ws, lambda m: m["type"] == "full")
            assert full["model"]["header"]["counts"]["pods"] == store.state.count("Pod")

            store.apply({"type": "ADDED", "object": new_pod(store, "web-real-1")})
            delta = await read(ws, lambda m: m["type"] == "delta")
            assert delta["version"] == full["version"] + 1
            assert ["sectors", "pod/shop/web-real-1"] in [op["path"][:2] for op in delta["ops"]]


async def _open(http: aiohttp.ClientSession, port: int, session: str) -> Any:
    url, origin = f"ws://127.0.0.1:{port}/ws/", f"http://127.0.0.1:{port}"
    headers = {"Origin": origin, "Cookie": f"sessionid={session}"}
    return await http.ws_connect(url, headers=headers, max_msg_size=0)


def _delta_adding(view: str, sector: str) -> Any:
    """A view's delta that draws `sector`. Deltas may come before it: the app's cache follows the
    API server's watch on its own, so a change made just before subscribing can arrive as a delta
    after the full model; `read` times out if the wanted one never comes."""

    def wanted(message: dict[str, Any]) -> bool:
        paths = [op["path"][:2] for op in message.get("ops", ())]
        return message["type"] == "delta" and message["id"] == view and ["sectors", sector] in paths

    return wanted


async def _send(ws: aiohttp.ClientWebSocketResponse, message: dict[str, Any]) -> None:
    await ws.send_str(orjson.dumps(message).decode())


async def test_a_log_batch_over_what_one_websocket_message_carries_leaves_the_tab_open(
    site: tuple[int, str], store: ApiStore
) -> None:
    """1,000 lines of 16 KB (JSON logging) gathered while the tab was busy: daphne sends no
    message over 1 MiB and closed the websocket (1011), ending every view of the tab."""
    pod = store.state.get("Pod", "shop", "db-0")
    node = pod["spec"]["nodeName"]
    facts = store.state.node_facts[node]
    long_lines = "".join(f"{n:04} {'x' * 16_000}\n" for n in range(1000))
    store.set_node_facts(
        node, {**facts, "logs": {**facts["logs"], "shop/db-0/postgres": long_lines}}
    )
    port, session = site
    async with aiohttp.ClientSession() as http, await _open(http, port, session) as ws:
        await _send(
            ws, {"type": "subscribe", "id": "s1", "view": "overview", "params": {"cluster": "demo"}}
        )
        await read(ws, lambda m: m["type"] == "full")
        follow = {"type": "logs", "id": "l1", "cluster": "demo", "tail": 1000}
        await _send(ws, {**follow, "namespace": "shop", "pod": "db-0", "container": "postgres"})
        await asyncio.sleep(2)  # not reading: the lines gather into one waiting batch
        seen = skipped = 0
        while seen + skipped < 1000:
            batch = await read(ws, lambda m: m["type"] == "log")
            seen, skipped = seen + len(batch["lines"]), skipped + batch["skipped"]
        assert skipped > 0

        store.apply({"type": "ADDED", "object": new_pod(store, "web-after-log")})
        await read(ws, _delta_adding("s1", "pod/shop/web-after-log"))


async def test_a_model_over_what_one_websocket_message_carries_arrives_whole_in_parts(
    site: tuple[int, str], store: ApiStore
) -> None:
    """A pod whose labels alone are over 1 MiB: daphne sends no frame over 1 MiB, so its page's
    model comes in parts, each under the limit; the tab's other views keep their deltas, and a
    delta over the limit arrives whole too."""
    port, session = site
    async with aiohttp.ClientSession() as http, await _open(http, port, session) as ws:
        overview = {"type": "subscribe", "id": "s1", "view": "overview"}
        await _send(ws, {**overview, "params": {"cluster": "demo"}})
        await read(ws, lambda m: m["type"] == "full" and m["id"] == "s1")
        labelled = new_pod(store, "many-labels")
        labelled["metadata"]["labels"] = {f"label-{n:05}": "v" * 60 for n in range(20_000)}
        store.apply({"type": "ADDED", "object": labelled})
        # the pod's page is asked for once the watcher has it, or its model says "not found"
        await read(ws, _delta_adding("s1", "pod/shop/many-labels"))
        pod = {"cluster": "demo", "namespace": "shop", "name": "many-labels"}
        await _send(ws, {"type": "subscribe", "id": "s2", "view": "pod", "params": pod})
        full = await read(ws, lambda m: m["type"] == "full" and m["id"] == "s2")
        assert len(orjson.dumps(full)) > MAX_MESSAGE
        assert full["model"]["header"]["labels"]["label-19999"] == "v" * 60

        relabelled = store.state.get("Pod", "shop", "many-labels")
        labels = {key: "w" * 60 for key in relabelled["metadata"]["labels"]}
        store.apply(
            {
                "type": "MODIFIED",
                "object": {**relabelled, "metadata": {**relabelled["metadata"], "labels": labels}},
            }
        )
        delta = await read(ws, lambda m: m["type"] == "delta" and m["id"] == "s2")
        assert len(orjson.dumps(delta)) > MAX_MESSAGE
        assert ["header", "labels", "label-19999"] in [op["path"] for op in delta["ops"]]

        store.apply({"type": "ADDED", "object": new_pod(store, "web-after-big-pod")})
        await read(ws, _delta_adding("s1", "pod/shop/web-after-big-pod"))
