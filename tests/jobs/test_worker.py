"""The team install's way: a real Celery worker process, Redis as broker, result store and channel
layer. The worker has no watcher of its own: it lists the cluster through its kubeconfig.

Everything here uses a Redis database of its own (one of 9-15, claimed for the run and emptied),
so neither other suites nor a parallel run of this one share its queues. One worker serves the
whole module; it is always stopped."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery.exceptions import TaskRevokedError
from django.test import AsyncClient

from explorer.apiserver import ApiServer, ApiStore
from explorer.jobs.celery import app
from explorer.jobs.progress import latest_progress
from explorer.jobs.tasks import BUNDLE_STEPS, agent_probe
from explorer.snapshots.bundle import SUFFIX, decode_bundle, open_bundle
from explorer.state.saved_facts import SavedFacts
from explorer.streaming.cluster_status import ClusterStatus
from explorer.streaming.directory import Directory

from ..streaming.conftest import channel_layers, kubeconfig_for, redis_available
from ..streaming.tabs import Tab
from .celery_workers import celery_through, celery_worker
from .test_bundle_download import body_of, progress_until_finished

pytestmark = [
    pytest.mark.skipif(not redis_available(), reason="no Redis at 127.0.0.1:6379"),
    pytest.mark.django_db(transaction=True),
]

NODE = "demo-worker"
WORKER_NAME = f"jobs-test-{os.getpid()}@{socket.gethostname()}"


@pytest.fixture(scope="module")
def worker_env(
    tmp_path_factory: pytest.TempPathFactory, demo_store: ApiStore, redis_url: str
) -> Iterator[dict]:
    """The API server the worker lists from, and what the worker's environment points at."""
    server = ApiServer(demo_store).start()
    home = tmp_path_factory.mktemp("worker")
    database = f"sqlite:///{home / 'team.sqlite3'}"  # the team install's database, for records
    migrate = [sys.executable, "manage.py", "migrate", "--noinput"]
    subprocess.run(
        migrate, env={**os.environ, "DATABASE_URL": database}, check=True, capture_output=True
    )
    yield {
        "REDIS_URL": redis_url,
        "KUBECONFIG": str(kubeconfig_for(home, server.url)),
        "EXPLORER_DOWNLOAD_DIR": str(home / "downloads"),
        "EXPLORER_STATE_DIR": str(home / "state"),
        "EXPLORER_NODE_TASK_EXPIRES": "60",
        "DATABASE_URL": database,
        "home": home,
    }
    server.stop()


@pytest.fixture(scope="module")
def worker(worker_env: dict) -> Iterator[subprocess.Popen]:
    env = {k: v for k, v in worker_env.items() if k != "home"}
    log_path = worker_env["home"] / "worker.log"
    with celery_worker(WORKER_NAME, ["default", f"node.{NODE}"], env, log_path) as process:
        yield process


@pytest.fixture
def via_redis(
    worker: subprocess.Popen, worker_env: dict, redis_url: str, settings: Any
) -> Iterator[None]:
    """This process as a web process of the team install: tasks go to the broker, the channel
    layer and the progress store are Redis, and the watcher (not here) advertises `demo`."""
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYERS = channel_layers(redis_url)
    settings.EXPLORER_DOWNLOAD_DIR = worker_env["EXPLORER_DOWNLOAD_DIR"]
    directory = Directory(redis_url)
    directory.write([ClusterStatus(cluster="demo", state="live", reason="", not_visible={})])
    with celery_through(redis_url):
        yield
    directory.remove(["demo"])


async def test_a_worker_process_sends_the_bundles_progress_to_the_tab_through_redis(
    via_redis: None, user: Any, client: AsyncClient, demo_store: ApiStore
) -> None:
    tab = await Tab.open(client.cookies["sessionid"].value)
    try:
        started = await client.post("/api/clusters/demo/bundle")
        assert started.status_code == 202
        task = started.json()["task"]
        reports = await asyncio.wait_for(progress_until_finished(tab, task), 60)
    finally:
        await tab.close()
    last = reports[-1]
    assert (last["state"], last["done"], last["total"]) == ("done", BUNDLE_STEPS, BUNDLE_STEPS)
    assert [m["done"] for m in reports] == sorted(m["done"] for m in reports)
    sent = {k: v for k, v in last.items() if k not in ("type", "seq", "received_at")}
    assert latest_progress(task) == sent  # kept in Redis for tabs that follow later

    response = await client.get(started.json()["download"])
    assert response.status_code == 200
    state = decode_bundle(await body_of(response)).state
    assert state.count("Pod") == demo_store.state.count("Pod") > 0
    assert all("data" not in secret for secret in state.list("Secret"))


def test_a_node_task_reaches_the_worker_through_its_nodes_queue(via_redis: None) -> None:
    answer = agent_probe.apply_async(kwargs={"node": NODE}).get(timeout=30)
    assert answer["queue"] == f"node.{NODE}"
    assert answer["hostname"] == socket.gethostname()


def test_a_node_task_is_not_run_by_a_worker_that_comes_after_it_expired(via_redis: None) -> None:
    late = "late-node"
    result = agent_probe.apply_async(kwargs={"node": late}, expires=1)
    time.sleep(1.5)
    app.control.add_consumer(f"node.{late}", destination=[WORKER_NAME], reply=True, timeout=10)
    try:
        with pytest.raises(TaskRevokedError):
            result.get(timeout=30)
        assert result.state == "REVOKED"
        # The worker stores REVOKED, then its task_revoked handler reports: wait for the report.
        deadline = time.monotonic() + 10
        while (report := latest_progress(result.id)) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert report is not None
        assert (report["state"], report["message"]) == (
            "failed",
            "expired: no worker took it in time",
        )
    finally:
        app.control.cancel_consumer(f"node.{late}", destination=[WORKER_NAME], reply=True)


async def test_a_worker_process_takes_a_snapshot_the_tab_follows_and_records_it(
    via_redis: None, worker_env: dict, user: Any, client: AsyncClient, demo_store: ApiStore
) -> None:
    # the watcher (another process) saved each node's last facts where the team shares its state
    saved = SavedFacts(Path(worker_env["EXPLORER_STATE_DIR"]) / "facts")
    for node, facts in demo_store.state.node_facts.items():
        saved.save("demo", node, facts)
    tab = await Tab.open(client.cookies["sessionid"].value)
    try:
        started = await client.post("/snapshots/take", {"source": "demo", "title": "by a worker"})
        assert started.status_code == 302
        location = started.headers["Location"]
        snapshot_id, task = location.split("/snapshots/")[1].split("?task=")
        reports = await asyncio.wait_for(progress_until_finished(tab, task), 60)
    finally:
        await tab.close()
    assert reports[-1]["state"] == "done", reports[-1]
    assert [m["done"] for m in reports] == sorted(m["done"] for m in reports)
    # the worker wrote the bundle where the team install keeps snapshots ...
    kept = Path(worker_env["EXPLORER_STATE_DIR"]) / "snapshots" / f"{snapshot_id}{SUFFIX}"
    state = open_bundle(kept).state
    assert state.count("Pod") == demo_store.state.count("Pod") > 0
    assert all("data" not in secret for secret in state.list("Secret"))
    assert state.node_facts == demo_store.state.node_facts != {}
    # ... and its record in the team install's database
    database = worker_env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT title, cluster, size, imported FROM snapshots_snapshot WHERE id = ?",
            (snapshot_id,),
        ).fetchone()
    assert row == ("by a worker", "demo", kept.stat().st_size, 0)
