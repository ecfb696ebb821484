"""Collecting node facts the team install's way: real Celery workers over Redis (broker, results,
channel layer), one agent per node queue, and the watcher (here: this process's runtime) that
receives the facts over the channel layer.

The module's worker consumes `default` and the queues of two of the three demo nodes: the third
has no agent, and its task expires (EXPLORER_NODE_TASK_EXPIRES=3) into the exec probe. A broker
visibility timeout of 4 s brings back the task of a worker killed mid-task."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from channels.layers import get_channel_layer
from django.test import AsyncClient

from explorer.apiserver import ApiServer, ApiStore
from explorer.jobs.celery import app
from explorer.jobs.collect import collect_cluster, collect_node
from explorer.jobs.progress import latest_progress
from explorer.kube.config import load_kubeconfig
from explorer.runtime import process

from ..streaming.conftest import channel_layers, kubeconfig_for, redis_available
from ..streaming.tabs import Tab
from .celery_workers import celery_through, celery_worker
from .test_bundle_download import progress_until_finished

pytestmark = [
    pytest.mark.skipif(not redis_available(), reason="no Redis at 127.0.0.1:6379"),
    pytest.mark.django_db(transaction=True),
]

AGENTS = ["demo-control-plane", "demo-worker"]
NO_AGENT = "demo-gpu-worker"
EXPIRES = 3
VISIBILITY_TIMEOUT = 4
WORKER_NAME = f"collect-test-{os.getpid()}@{socket.gethostname()}"
RESOLV_CONF = "nameserver 192.0.2.53\nsearch agent.test\n"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = tmp_path_factory.mktemp("collect")
    (made / "node-root" / "etc").mkdir(parents=True)
    (made / "node-root" / "etc" / "resolv.conf").write_text(RESOLV_CONF)
    return made


@pytest.fixture(scope="module")
def agent_env(home: Path, demo_store: ApiStore, redis_url: str) -> Iterator[dict[str, str]]:
    """What an agent's environment points at: the broker, the API server (for the job's node
    list and exec), the node's files."""
    server = ApiServer(demo_store).start()
    yield {
        "REDIS_URL": redis_url,
        "KUBECONFIG": str(kubeconfig_for(home, server.url)),
        "EXPLORER_NODE_ACCESS": "exec,nodes-proxy",  # turned on, as an operator would
        "EXPLORER_NODE_TASK_EXPIRES": str(EXPIRES),
        "EXPLORER_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "EXPLORER_PROBE_ROOT": str(home / "node-root"),
    }
    server.stop()


@pytest.fixture(scope="module")
def worker(agent_env: dict[str, str], home: Path) -> Iterator[subprocess.Popen]:
    queues = ["default", *(f"node.{node}" for node in AGENTS)]
    with celery_worker(WORKER_NAME, queues, agent_env, home / "worker.log") as process:
        yield process


@pytest.fixture
def via_redis(worker: subprocess.Popen, redis_url: str, settings: Any) -> Iterator[None]:
    """This process as the web side of the team install: Redis layer, progress and broker."""
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYERS = channel_layers(redis_url)
    with celery_through(redis_url):
        yield


@pytest.fixture
async def watcher(via_redis: None, agent_env: dict[str, str]) -> AsyncIterator[Any]:
    """The watcher process's runtime: its publisher hears `publisher.node_facts` on Redis."""
    cluster = load_kubeconfig(agent_env["KUBECONFIG"]).connect()
    running = process.start([cluster], layer=get_channel_layer())
    assert await asyncio.to_thread(running.wait_synced, 20)
    yield running
    await asyncio.to_thread(running.stop)


async def held_facts(running: Any, nodes: list[str], timeout: float = 10) -> dict[str, dict]:
    """The node facts in the watcher's state, once every node in `nodes` has some."""
    deadline = time.monotonic() + timeout
    while True:
        with running.states.read("demo") as state:
            held = {n: dict(f) for n, f in state.node_facts.items()}
        if all("taken_at" in held.get(node, {}) for node in nodes) or time.monotonic() > deadline:
            return held
        await asyncio.sleep(0.1)


async def test_a_collection_of_every_demo_node_completes_with_progress_and_lands_in_state(
    watcher: Any, user: Any, client: AsyncClient, demo_store: ApiStore
) -> None:
    tab = await Tab.open(client.cookies["sessionid"].value)
    try:
        task = str(uuid.uuid4())
        await tab.send({"type": "follow", "task": task})
        await asyncio.sleep(0.1)
        started = time.monotonic()
        kwargs = {"cluster": "demo"}
        await asyncio.to_thread(collect_cluster.apply_async, kwargs=kwargs, task_id=task)
        reports = await asyncio.wait_for(progress_until_finished(tab, task), 60)
        took = time.monotonic() - started
    finally:
        await tab.close()

    assert (reports[-1]["state"], reports[-1]["done"], reports[-1]["total"]) == ("done", 3, 3)
    assert reports[-1]["message"] == "demo: 3 of 3 nodes collected"
    assert [r["done"] for r in reports] == sorted(r["done"] for r in reports)
    by_node = {r["message"].split(":")[0]: r["message"] for r in reports[1:-1]}
    for node in AGENTS:
        assert by_node[node].startswith(f"{node}: local probe read ")
        assert "resolv.conf" in by_node[node]
    assert by_node[NO_AGENT] == (
        f"{NO_AGENT}: exec probe read iptables-save, resolv.conf, cgroups (proxy probe), "
        "volume-usage (proxy probe); not read: ip6tables-save, nft, storage "
        f"(no agent took it within {EXPIRES}s)"
    )
    # Not waited for like an agent that is slow: the default expiry alone is 60 s.
    assert took < 30, "the node without an agent was waited for beyond its expiry"

    held = await held_facts(watcher, [*AGENTS, NO_AGENT])
    for node in AGENTS:
        assert (held[node]["probe"], held[node]["resolv.conf"]) == ("local", RESOLV_CONF)
        assert held[node]["taken_at"].endswith("Z")
    assert held[NO_AGENT]["probe"] == "exec"
    recorded = demo_store.state.node_facts[NO_AGENT]["iptables-save"]
    assert held[NO_AGENT]["iptables-save"] == recorded


def test_a_worker_killed_mid_task_loses_nothing_the_task_comes_back_and_completes(
    via_redis: None, agent_env: dict[str, str], home: Path
) -> None:
    node = "demo-agent-killed"
    queue = f"node.{node}"
    slow_env = {**agent_env, "EXPLORER_PROBE_PAUSE_SECONDS": "60"}
    slow_log = home / "slow-worker.log"
    slow_name = f"slow-{os.getpid()}@{socket.gethostname()}"
    with celery_worker(slow_name, [queue], slow_env, slow_log) as slow:
        result = collect_node.apply_async(kwargs={"node": node}, expires=120)
        deadline = time.monotonic() + 30
        while (latest_progress(result.id) or {}).get(
            "message"
        ) != f"{node}: reading its rules and resolv.conf":
            assert time.monotonic() < deadline, (
                f"the slow worker never started:\n{slow_log.read_text()}"
            )
            time.sleep(0.1)
        slow.kill()  # SIGKILL: no goodbye, the task stays unacknowledged in Redis
        slow.wait(10)
    assert result.state == "STARTED"

    app.control.add_consumer(queue, destination=[WORKER_NAME], reply=True, timeout=10)
    try:
        collected = result.get(timeout=30)
    finally:
        app.control.cancel_consumer(queue, destination=[WORKER_NAME], reply=True, timeout=10)

    assert (collected["node"], collected["probe"]) == (node, "local")
    assert collected["facts"]["resolv.conf"] == RESOLV_CONF
    assert f"collect_node[{result.id}] received" in slow_log.read_text()
    assert f"collect_node[{result.id}] succeeded" in (home / "worker.log").read_text()


def test_a_first_round_delivered_again_after_the_next_began_sends_no_node_its_task_twice(
    via_redis: None, home: Path
) -> None:
    # As Redis delivers the first round again when its acknowledgement was lost: the same
    # message, under the same task id, after the round it sent has begun.
    log = home / "worker.log"
    since = log.stat().st_size
    task = str(uuid.uuid4())
    result = collect_cluster.apply_async(kwargs={"cluster": "demo"}, task_id=task)
    deadline = time.monotonic() + 30
    while log.read_text()[since:].count(f"collect_cluster[{task}] retry") < 2:
        assert time.monotonic() < deadline, "the collection's second round never ran"
        time.sleep(0.1)
    collect_cluster.apply_async(kwargs={"cluster": "demo"}, task_id=task)

    assert [n["node"] for n in result.get(timeout=60)["nodes"]] == sorted([*AGENTS, NO_AGENT])
    time.sleep(2)  # the copy's rounds, had it started a chain, would have gone on meanwhile
    text = log.read_text()[since:]
    assert text.count(f"collect_cluster[{task}] succeeded") == 1
    assert text.count("collect_node[") == 2 * len(AGENTS)  # received, succeeded: once each
