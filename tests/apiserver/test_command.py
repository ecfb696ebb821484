"""`manage.py apiserver`: one line saying where it listens, then a working API."""

from __future__ import annotations

import http.client
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import orjson
import pytest

from ..processes import serve_api
from .objects import small_cluster


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.communicate(timeout=10)


def test_serving_a_bundle_prints_where_it_listens(tmp_path: Path) -> None:
    bundle = pytest.importorskip("explorer.snapshots.bundle")
    path = bundle.write_bundle(small_cluster(), tmp_path / "snapshot.bundle")
    process, url = serve_api("--bundle", str(path), "--forbid", "secrets")
    try:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "/api/v1/nodes") as response:  # noqa: S310 (loopback)
            nodes = orjson.loads(response.read())
        assert sorted(n["metadata"]["name"] for n in nodes["items"]) == ["cp-1", "worker-1"]
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(url + "/api/v1/secrets")  # noqa: S310
        assert denied.value.code == 403
    finally:
        _stop(process)


def test_the_demo_churns_by_default_and_kubectl_watch_prints_the_change(tmp_path: Path) -> None:
    from .conftest import Kubectl

    process, url = serve_api("--demo", "--churn-interval", "0.5")
    try:
        kubectl = Kubectl(url, tmp_path)
        initial = kubectl("get", "pods", "-A", "--no-headers").stdout.splitlines()
        watch = kubectl.start("get", "pods", "-A", "--watch", "--no-headers")
        deadline = threading.Timer(20, watch.kill)  # no churn line by then: fail, don't hang
        deadline.start()
        try:
            lines = [watch.stdout.readline() for _ in range(len(initial) + 1)]
        finally:
            deadline.cancel()
            watch.kill()
            watch.communicate(timeout=10)
        listed = {tuple(line.split()[:2]) for line in initial}
        assert {tuple(line.split()[:2]) for line in lines[: len(initial)]} == listed
        changed = lines[-1].split()
        assert len(changed) >= 5 and changed[0] == "shop", lines[-1]
    finally:
        _stop(process)


def _line(process: subprocess.Popen, timeout: float = 20) -> str:
    """The next line the command prints (failing, not hanging, when none comes)."""
    deadline = threading.Timer(timeout, process.kill)
    deadline.start()
    try:
        return process.stdout.readline()
    finally:
        deadline.cancel()


def _watch(url: str, since: str) -> urllib.request.Request:
    return urllib.request.urlopen(  # noqa: S310 (loopback)
        f"{url}/api/v1/pods?watch=1&resourceVersion={since}", timeout=20
    )


def test_signals_cut_the_watches_compact_the_history_and_restart_the_server() -> None:
    process, url = serve_api("--demo", "--churn-interval", "0", "--churn-rate", "20")
    try:
        with urllib.request.urlopen(url + "/api/v1/pods") as response:  # noqa: S310
            listed = orjson.loads(response.read())["metadata"]["resourceVersion"]
        watch = _watch(url, listed)
        assert watch.readline()  # a change, from history or the churn: the watch is open
        process.send_signal(signal.SIGUSR1)
        assert _line(process).startswith("Dropped 1 watches")
        with pytest.raises(http.client.IncompleteRead):  # cut, as a dying server cuts it
            watch.read()
        watch.close()

        process.send_signal(signal.SIGUSR2)
        assert _line(process).startswith("Compacted at ")
        with _watch(url, listed) as expired:
            event = orjson.loads(expired.readline())
        assert (event["type"], event["object"]["code"]) == ("ERROR", 410)

        process.send_signal(signal.SIGHUP)
        assert _line(process) == f"Restarted at {url}, history compacted\n"
        with urllib.request.urlopen(url + "/version") as response:  # noqa: S310
            assert response.status == 200
    finally:
        _stop(process)


def _resource_version(url: str) -> int:
    with urllib.request.urlopen(url + "/api/v1/pods?limit=1") as response:  # noqa: S310
        return int(orjson.loads(response.read())["metadata"]["resourceVersion"])


def test_flips_told_to_wait_for_a_signal_change_nothing_until_sigcont() -> None:
    process, url = serve_api(
        "--demo", "--churn-interval", "0", "--churn-rate", "50", "--churn-on-signal"
    )
    try:
        before = _resource_version(url)
        time.sleep(1)  # 50 flips would have been applied by now without the wait
        assert _resource_version(url) == before
        process.send_signal(signal.SIGCONT)
        deadline = time.monotonic() + 20
        while _resource_version(url) == before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _resource_version(url) > before
    finally:
        _stop(process)
