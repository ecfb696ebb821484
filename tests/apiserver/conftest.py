"""Fixtures for the API server tests: a small cluster served on an ephemeral port, an HTTP
client, and kubectl (the real one, found next to the venv's python) pointed at it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import orjson
import pytest

from explorer.apiserver import ApiServer, ApiStore, Policy

from .objects import small_cluster

KUBECTL = Path(sys.executable).parent / "kubectl"
TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
METADATA_ACCEPT = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"


class Kubectl:
    """kubectl with an empty kubeconfig, a private home and cache, and `--server` set."""

    def __init__(self, url: str, home: Path) -> None:
        kubeconfig = home / "kubeconfig"
        kubeconfig.write_text("")
        self.env = {**os.environ, "KUBECONFIG": str(kubeconfig), "HOME": str(home)}
        self.prefix = [str(KUBECTL), "--server", url, "--cache-dir", str(home / "cache")]

    def __call__(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.prefix, *args], capture_output=True, text=True, env=self.env, timeout=timeout
        )

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [*self.prefix, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
        )


@pytest.fixture
def store() -> ApiStore:
    return ApiStore(small_cluster())


@pytest.fixture
def policy() -> Policy:
    return Policy()


@pytest.fixture
def server(store: ApiStore, policy: Policy) -> Iterator[ApiServer]:
    srv = ApiServer(store, policy=policy, bookmark_interval=0.3).start()
    yield srv
    srv.stop()


@pytest.fixture
async def http() -> aiohttp.ClientSession:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        yield session


@pytest.fixture
def kubectl(server: ApiServer, tmp_path: Path) -> Kubectl:
    if not KUBECTL.exists():
        pytest.skip(f"kubectl not found at {KUBECTL}")
    return Kubectl(server.url, tmp_path)


async def read_events(response: aiohttp.ClientResponse, count: int | None = None) -> list[dict]:
    """Watch events from a streaming response: `count` of them, or all until the server closes."""
    events = []
    async for line in response.content:
        if line.strip():
            events.append(orjson.loads(line))
            if count is not None and len(events) >= count:
                break
    return events


async def eventually(condition, timeout: float = 10.0) -> bool:
    """Poll `condition()` until it is true or `timeout` passes; return its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()
