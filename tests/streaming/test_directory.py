"""The cluster directory web processes of the team install read from Redis."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest

from explorer.streaming import directory as directory_module
from explorer.streaming.cluster_status import ClusterStatus
from explorer.streaming.directory import Directory

from .conftest import redis_available

pytestmark = pytest.mark.skipif(
    not redis_available(), reason="no Redis at 127.0.0.1:6379 (make test starts one)"
)


def status(cluster: str, state: str = "live") -> ClusterStatus:
    return ClusterStatus(cluster=cluster, state=state, reason="", not_visible={"Secret": "no"})


@pytest.fixture
def directory() -> Iterator[Directory]:
    found = Directory("redis://127.0.0.1:6379/0", key=f"test-clusters-{uuid.uuid4().hex[:8]}")
    yield found
    found._redis.delete(found.key)


def test_a_web_process_reads_what_the_watcher_wrote(directory: Directory) -> None:
    directory.write([status("prod", "reconnecting"), status("dev")])
    assert directory.read() == [status("dev"), status("prod", "reconnecting")]


def test_clusters_of_a_watcher_that_stopped_writing_drop_out(
    directory: Directory, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory.write([status("old")])
    monkeypatch.setattr(time, "time", lambda: directory_module.STALE + 1e10)
    assert directory.read() == []


def test_a_watcher_that_stops_removes_its_clusters(directory: Directory) -> None:
    stop = threading.Event()
    thread = directory.advertise(lambda: [status("demo")], stop)
    deadline = time.monotonic() + 5
    while not directory.read() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert directory.read() == [status("demo")]
    stop.set()
    thread.join(5)
    assert directory.read() == []
