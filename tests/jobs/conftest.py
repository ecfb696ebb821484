"""Fixtures for the jobs tests: a logged-in user (HTTP client and websocket tab), a download
directory of the test's own, the demo cluster behind the project's API server, and the watcher
runtime over it (every catalogue resource, Secrets included)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import AsyncClient

from explorer.apiserver import ApiServer, ApiStore
from explorer.demo import build_demo
from explorer.kube.config import Cluster, load_kubeconfig
from explorer.runtime import process

from ..streaming.conftest import FAST, channel_layers, kubeconfig_for
from ..streaming.tabs import Tab
from .celery_workers import claimed_redis_db

PASSWORD = "not-used-here-1"


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A Redis database no other run is using, emptied, and released at the end (for a module's
    Celery workers)."""
    with claimed_redis_db() as url:
        yield url


@pytest.fixture(scope="module")
def demo_store() -> ApiStore:
    """The demo cluster's objects, one store for a module's API server."""
    return ApiStore(build_demo())


@pytest.fixture
def downloads_dir(tmp_path: Path, settings: Any) -> Path:
    settings.EXPLORER_DOWNLOAD_DIR = str(tmp_path / "downloads")
    return tmp_path / "downloads"


@pytest.fixture
def user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("alice", password=PASSWORD)


@pytest.fixture
async def client(user: Any) -> AsyncClient:
    logged_in = AsyncClient()
    await logged_in.aforce_login(user)
    return logged_in


@pytest.fixture
async def tab(client: AsyncClient) -> AsyncIterator[Tab]:
    opened = await Tab.open(client.cookies["sessionid"].value)
    yield opened
    await opened.close()


@pytest.fixture
def memory_layer(settings: Any) -> None:
    settings.CHANNEL_LAYERS = channel_layers()


@pytest.fixture
def store() -> ApiStore:
    return ApiStore(build_demo())


@pytest.fixture
def server(store: ApiStore) -> Iterator[ApiServer]:
    served = ApiServer(store).start()
    yield served
    served.stop()


@pytest.fixture
def cluster(tmp_path: Path, server: ApiServer) -> Cluster:
    return load_kubeconfig(str(kubeconfig_for(tmp_path, server.url))).connect()


@pytest.fixture
async def watched(memory_layer: None, cluster: Cluster) -> AsyncIterator[Any]:
    """The embedded install's watcher runtime, its layer calls on this test's event loop."""
    from channels.layers import get_channel_layer

    running = process.start(
        [cluster], layer=get_channel_layer(), loop=asyncio.get_running_loop(), timing=FAST
    )
    assert await asyncio.to_thread(running.wait_synced, 20)
    yield running
    await asyncio.to_thread(running.stop)
