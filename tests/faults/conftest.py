"""The team install under faults: a private `redis-server` (append-only, on a port of its own —
never the shared one on 6379), the demo cluster behind the project's API server (in this
process, so a test can change it and cut, compact or restart it), and the team's processes run
directly: `manage.py web`, `manage.py watch`, a Celery worker on `default` (prefork, as
docker-compose runs it), one node agent for the demo's three nodes (solo, slowed down by
EXPLORER_PROBE_PAUSE_SECONDS so that a fault lands mid-task) and beat.

The processes are the package's: every test begins with processes that went through the earlier
tests' faults, as a real install would, and checks that they recovered."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from explorer.runtime.demo_cluster import DemoCluster, start_demo_cluster
from teamkit.processes import Child, wait_until
from teamkit.redis_server import REDIS_SERVER, PrivateRedis
from teamkit.tab import Tab
from teamkit.team import Team

from ..jobs.celery_workers import celery_through

NODES = ["demo-control-plane", "demo-gpu-worker", "demo-worker"]
PAUSE = 2  # seconds an agent takes for a node: a fault lands mid-task
SETTINGS = {
    "EXPLORER_NODE_TASK_EXPIRES": "30",
    # A task held unacknowledged this long is delivered again: a killed worker's, a worker's
    # whose Redis went away while it held one.
    "EXPLORER_BROKER_VISIBILITY_TIMEOUT": "4",
}


@pytest.fixture(scope="package")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="package")
def redis_server(workdir: Path) -> Iterator[PrivateRedis]:
    if not os.access(REDIS_SERVER, os.X_OK):
        pytest.skip(f"{REDIS_SERVER} is missing (scripts/test-deps installs it)")
    server = PrivateRedis(workdir / "redis").start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def demo() -> Iterator[DemoCluster]:
    """The demo cluster, still: the tests change it themselves."""
    cluster = start_demo_cluster(churn_interval=0)
    yield cluster
    cluster.stop()


def start_agent(team: Team) -> Child:
    """The node agent of the demo's three nodes (a worker on their queues)."""
    root = team.directory / "node-root"
    (root / "etc").mkdir(parents=True, exist_ok=True)
    (root / "etc" / "resolv.conf").write_text("nameserver 192.0.2.53\n")
    env = {
        "EXPLORER_PROBE_PAUSE_SECONDS": str(PAUSE),
        "EXPLORER_PROBE_ROOT": str(root),
        "EXPLORER_PROBE_CGROUPS": "0",
    }
    return team.start_worker("agent", [f"node.{node}" for node in NODES], env)


@pytest.fixture(scope="package")
def team(workdir: Path, redis_server: PrivateRedis, demo: DemoCluster) -> Iterator[Team]:
    started = Team(workdir / "team", redis_server.url, demo.kubeconfig, SETTINGS)
    try:
        started.migrate()
        starting = [
            started.start_web,
            started.start_watcher,
            lambda: started.start_worker("worker", ["default"], pool="prefork"),
            lambda: start_agent(started),
            started.start_beat,
        ]
        with ThreadPoolExecutor(len(starting)) as pool:  # each waits until it is up
            for future in [pool.submit(start) for start in starting]:
                future.result()
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="package")
def session(team: Team) -> str:
    return team.session()


@pytest.fixture
def tab(team: Team, session: str) -> Iterator[Tab]:
    """A tab on the demo's overview, live."""
    opened = Tab(team.web_url, session, "demo").start()
    try:
        wait_until(opened.live, 30, "the tab live on the overview")
        yield opened
    finally:
        opened.stop()


@pytest.fixture
def through_redis(redis_server: PrivateRedis, team: Team, settings: Any) -> Iterator[None]:
    """This process sends tasks and reads their results and progress through the private Redis."""
    settings.REDIS_URL = redis_server.url
    with celery_through(redis_server.url):
        yield
