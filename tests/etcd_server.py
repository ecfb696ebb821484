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
class EtcdCerts:
    """PEM files for a TLS etcd: its CA, its serving pair, and a client pair the CA signed."""

    ca_file: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


@dataclass(frozen=True)
class EtcdServer:
    endpoint: str  # http(s)://127.0.0.1:PORT, the client URL (gRPC and the JSON gateway)
    data_dir: Path
    certs: EtcdCerts | None = None  # set: TLS with client certificates required

    def ctl(self, *args: str, input: bytes | None = None) -> bytes:
        """`etcdctl` against this server (API v3); its stdout; CalledProcessError on failure."""
        tls = []
        if self.certs is not None:
            tls = [
                f"--cacert={self.certs.ca_file}",
                f"--cert={self.certs.client_cert}",
                f"--key={self.certs.client_key}",
            ]
        return subprocess.run(
            [ETCDCTL, f"--endpoints={self.endpoint}", *tls, *args],
            input=input,
            capture_output=True,
            check=True,
            env={**os.environ, "ETCDCTL_API": "3"},
            timeout=30,
        ).stdout


def etcd_installed() -> bool:
    return os.access(ETCD, os.X_OK) and os.access(ETCDCTL, os.X_OK)


@contextmanager
def running_etcd(
    workdir: Path, *extra: str, certs: EtcdCerts | None = None
) -> Iterator[EtcdServer]:
    """etcd serving on free loopback ports with its data under `workdir`, until the block ends;
    with `certs`, over TLS and only for clients with a certificate its CA signed."""
    client, peer = _free_port(), _free_port()
    data_dir = workdir / "etcd-data"
    endpoint = f"{'https' if certs else 'http'}://127.0.0.1:{client}"
    if certs is not None:
        extra = (
            f"--cert-file={certs.server_cert}",
            f"--key-file={certs.server_key}",
            f"--trusted-ca-file={certs.ca_file}",
            "--client-cert-auth",
            *extra,
        )
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
    server = EtcdServer(endpoint, data_dir, certs)
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
