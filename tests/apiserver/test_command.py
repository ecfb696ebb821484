"""`manage.py apiserver`: one line saying where it listens, then a working API."""

from __future__ import annotations

import subprocess
import threading
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
