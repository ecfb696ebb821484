"""`manage.py watch`, the team install's watcher: a process of its own that publishes through
Redis to consumers in other processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from explorer.apiserver import ApiServer, ApiStore
from explorer.web.clusters import known_clusters

from ..kube.kubeconfigs import single, write
from .conftest import REDIS_URL, channel_layers, redis_available
from .tabs import Tab
from .test_live import new_pod

REPO = Path(__file__).resolve().parents[2]


def test_watch_refuses_to_run_without_redis(settings: Any) -> None:
    settings.CHANNEL_LAYERS = channel_layers()
    with pytest.raises(CommandError, match="set REDIS_URL"):
        call_command("watch")


@pytest.mark.skipif(not redis_available(), reason="no Redis at 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
async def test_a_tab_in_this_process_gets_the_delta_published_by_the_watch_process(
    tmp_path: Path, server: ApiServer, store: ApiStore, session_cookie: str, settings: Any
) -> None:
    context = f"team-{uuid.uuid4().hex[:8]}"  # its own groups, whatever else uses this Redis
    doc = single(server.url, {"token": "test-token"})
    doc["contexts"][0]["name"] = doc["current-context"] = context
    env = {**os.environ, "REDIS_URL": REDIS_URL, "KUBECONFIG": str(write(tmp_path / "kc", doc))}
    settings.REDIS_URL = REDIS_URL
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    log = (tmp_path / "watch.log").open("w")
    watcher = subprocess.Popen(
        [sys.executable, "manage.py", "watch"], cwd=REPO, env=env, stdout=log, stderr=log
    )
    tab = await Tab.open(session_cookie)
    try:
        # the watcher is a fresh process: its start-up may take long on a busy machine
        model = await asyncio.wait_for(tab.subscribe(cluster=context, timeout=45), 60)
        assert model["header"]["cluster"] == context
        store.apply({"type": "ADDED", "object": new_pod(store, "web-team-1")})
        await tab.until(lambda m: "pod/shop/web-team-1" in tab.models["s1"]["sectors"])
        assert await listed(context), "the watch process never listed its cluster"
    finally:
        await tab.close()
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(15)
        log.close()
    assert not await listed(context, seconds=0)


async def listed(context: str, seconds: float = 10) -> bool:
    """Whether the cluster directory lists `context`, asking for up to `seconds` (the watch
    process writes it on a thread of its own, which a loaded machine may start late)."""
    deadline = time.monotonic() + seconds
    while True:
        if context in [c["name"] for c in await asyncio.to_thread(known_clusters)]:
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.2)
