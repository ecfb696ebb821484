"""The demo cluster kept in a real etcd (Debian's), watched by a store installed as the process's,
for the etcd pages' tests; and etcdctl against it, for the writes a test sets up."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from explorer.etcd import readers
from explorer.runtime.demo_cluster import DEMO_CONTEXT, DemoCluster, start_demo_cluster

ETCDCTL = shutil.which("etcdctl") or "/usr/bin/etcdctl"


def etcd_installed() -> bool:
    return all(os.access(p, os.X_OK) for p in ("/usr/bin/etcd", ETCDCTL))


def start_demo_with_etcd() -> DemoCluster:
    if not etcd_installed():
        pytest.skip("etcd and etcdctl not installed (Debian's etcd-server and etcd-client)")
    return start_demo_cluster(churn_interval=0, with_etcd=True)


def stop_demo(demo: DemoCluster) -> None:
    readers.unregister(DEMO_CONTEXT)
    demo.stop()


def etcdctl(demo: DemoCluster, *args: str, input: bytes | None = None) -> bytes:
    assert demo.etcd is not None
    return subprocess.run(
        [ETCDCTL, f"--endpoints={demo.etcd.endpoint}", *args],
        input=input,
        capture_output=True,
        check=True,
        timeout=30,
        env={**os.environ, "ETCDCTL_API": "3"},
    ).stdout


def wait_for(condition, timeout: float = 10.0, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what} did not come within {timeout} s")
