"""Container logs through pods/log against the project's API server: a tail, and a follow that
is stopped while its reader waits on an idle stream."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator

import pytest

from explorer.apiserver import ApiServer, ApiStore
from explorer.kube.config import load_kubeconfig
from explorer.kube.pod_logs import LogError, follow_log, read_log
from tests.apiserver.objects import small_cluster
from tests.kube.kubeconfigs import single, write


@pytest.fixture
def api_client(tmp_path) -> Iterator:
    server = ApiServer(ApiStore(small_cluster())).start()
    yield load_kubeconfig(str(write(tmp_path / "config", single(server.url)))).connect().api_client
    server.stop()


def _read_on_a_thread(followed) -> tuple[threading.Thread, queue.Queue]:
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in followed:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader, lines


def test_a_tail_is_the_last_lines_of_the_log(api_client) -> None:
    assert read_log(api_client, "default", "web-1", "app", tail_lines=2) == [
        "line two",
        "line three",
    ]


def test_a_log_the_api_refuses_says_why(api_client) -> None:
    with pytest.raises(LogError, match="not found"):
        read_log(api_client, "default", "no-such-pod", "app")


def test_close_returns_while_the_reader_waits_on_an_idle_stream(api_client) -> None:
    followed = follow_log(api_client, "default", "web-1", "app", tail_lines=3)
    reader, lines = _read_on_a_thread(followed)
    assert [lines.get(timeout=10) for _ in range(3)] == ["line one", "line two", "line three"]
    time.sleep(0.5)  # the log is idle: the reader now waits in recv()
    assert reader.is_alive()

    closer = threading.Thread(target=followed.close, daemon=True)
    closer.start()
    closer.join(timeout=2)
    assert not closer.is_alive(), "close() waited for the reader"

    reader.join(timeout=10)
    assert not reader.is_alive(), "the reader was not woken"
    assert lines.get_nowait() is None  # the iteration ended without an error


def test_close_before_reading_ends_the_iteration_at_once(api_client) -> None:
    followed = follow_log(api_client, "default", "web-1", "app")
    followed.close()
    reader, lines = _read_on_a_thread(followed)
    reader.join(timeout=10)
    assert not reader.is_alive()
    assert lines.get_nowait() is None
