"""A real etcd (Debian's `etcd-server`) for a test: its own data directory and ports on loopback,
stopped and removed afterwards. `etcdctl` runs against it with argument lists."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ETCD = shutil.which("etcd") or "/usr/bin/etcd"
ETCDCTL = shutil.which("etcdctl") or "/usr/bin/etcdctl"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class EtcdServer:
    endpoint: str  # http://127.0.0.1:PORT, the client URL (gRPC and the JSON gateway)
    data_dir: Path

    def ctl(self, *args: str, input: bytes | None = None) -> bytes:
        """`etcdctl` against this server (API v3); its stdout; CalledProcessError on failure."""
        return subprocess.run(
            [ETCDCTL, f"--endpoints={self.endpoint}", *args],
            input=input,
            capture_output=True,
            check=True,
            env={**os.environ, "ETCDCTL_API": "3"},
            timeout=30,
        ).stdout


def etcd_installed() -> bool:
    return os.access(ETCD, os.X_OK) and os.access(ETCDCTL, os.X_OK)


@contextmanager
def running_etcd(workdir: Path, *extra: str) -> Iterator[EtcdServer]:
    """etcd serving on free loopback ports with its data under `workdir`, until the block ends."""
    client, peer = _free_port(), _free_port()
    data_dir = workdir / "etcd-data"
    endpoint = f"http://127.0.0.1:{client}"
    log = open(workdir / "etcd.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            ETCD,
            "--name=test",
            f"--data-dir={data_dir}",
            f"--listen-client-urls={endpoint}",
            f"--advertise-client-urls={endpoint}",
            f"--listen-peer-urls=http://127.0.0.1:{peer}",
            f"--initial-advertise-peer-urls=http://127.0.0.1:{peer}",
            f"--initial-cluster=test=http://127.0.0.1:{peer}",
            "--log-level=error",
            *extra,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = EtcdServer(endpoint, data_dir)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"etcd exited: {(workdir / 'etcd.log').read_text()[-2000:]}")
            try:
                server.ctl("endpoint", "health")
                break
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
