"""Fixtures for the streaming tests: a channel layer (in-memory, or Redis at 127.0.0.1:6379),
a logged-in user's session cookie, the demo cluster behind the project's API server, the
watcher + publisher runtime over it, and browser tabs as Channels communicators."""

from __future__ import annotations

import asyncio
import os
import runpy
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from channels.layers import get_channel_layer
from django.test import Client

from explorer.apiserver import ApiServer, ApiStore
from explorer.demo import build_demo
from explorer.kube.config import Cluster, load_kubeconfig
from explorer.kube.reflector import WatchTiming
from explorer.lib.resources import BY_KIND
from explorer.runtime import process

from ..kube.kubeconfigs import single, write
from .tabs import Tab

REDIS = ("127.0.0.1", 6379)
REDIS_URL = "redis://127.0.0.1:6379/0"
SETTINGS = Path(__file__).resolve().parents[2] / "explorer" / "settings.py"
KINDS = ("Pod", "Node", "Namespace")
FAST = WatchTiming(backoff_initial=0.05, backoff_cap=0.3, recheck_not_visible=0.3)


def redis_available() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


def channel_layers(redis_url: str = "") -> dict[str, Any]:
    """CHANNEL_LAYERS exactly as explorer/settings.py makes it for this REDIS_URL."""
    saved = os.environ.get("REDIS_URL")
    os.environ["REDIS_URL"] = redis_url
    try:
        return runpy.run_path(str(SETTINGS))["CHANNEL_LAYERS"]
    finally:
        if saved is None:
            del os.environ["REDIS_URL"]
        else:
            os.environ["REDIS_URL"] = saved


@pytest.fixture(params=["memory", "redis"])
def layer(request: pytest.FixtureRequest, settings: Any) -> Any:
    """The channel layer the app is configured with, both ways the settings choose."""
    if request.param == "redis":
        if not redis_available():
            pytest.skip("no Redis at 127.0.0.1:6379 (make test starts one)")
        layers = channel_layers(REDIS_URL)
        layers["default"]["CONFIG"]["prefix"] = f"test-{uuid.uuid4().hex[:8]}"
    else:
        layers = channel_layers()
    settings.CHANNEL_LAYERS = layers
    return get_channel_layer()


@pytest.fixture
def session_cookie(django_user_model: Any) -> str:
    user = django_user_model.objects.create_user("alice", password="not-used-here-1")
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def store() -> ApiStore:
    return ApiStore(build_demo())


@pytest.fixture
def server(store: ApiStore) -> Iterator[ApiServer]:
    srv = ApiServer(store, bookmark_interval=0.5).start()
    yield srv
    srv.stop()


def kubeconfig_for(tmp_path: Path, url: str) -> Path:
    doc = single(url, {"token": "test-token"})
    doc["contexts"][0]["name"] = "demo"
    doc["current-context"] = "demo"
    return write(tmp_path / "kubeconfig", doc)


@pytest.fixture
def cluster(tmp_path: Path, server: ApiServer) -> Cluster:
    return load_kubeconfig(str(kubeconfig_for(tmp_path, server.url))).connect()


@pytest.fixture
async def runtime(layer: Any, cluster: Cluster) -> AsyncIterator[process.Runtime]:
    """Watchers and publisher, the publisher's layer calls on this test's event loop."""
    running = process.start(
        [cluster],
        layer=layer,
        loop=asyncio.get_running_loop(),
        resources=[BY_KIND[k] for k in KINDS],
        timing=FAST,
    )
    assert await asyncio.to_thread(running.wait_synced, 10)
    yield running
    await asyncio.to_thread(running.stop)


@pytest.fixture
async def tab(session_cookie: str) -> AsyncIterator[Tab]:
    opened = await Tab.open(session_cookie)
    yield opened
    await opened.close()
