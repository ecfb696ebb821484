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
    """Read (acknowledging each message) until one satisfies `wanted`."""
    while True:
        frame = await asyncio.wait_for(ws.receive(), 10)
        assert frame.type == aiohttp.WSMsgType.TEXT, frame
        message = orjson.loads(frame.data)
        await ws.send_str(orjson.dumps({"type": "ack", "seq": message["seq"]}).decode())
        if wanted(message):
            return message


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
