"""A private etcd (Debian's `etcd-server`) run as a child process: the demo cluster's storage.

It listens on free loopback ports, keeps its data in a directory of its own (on tmpfs when
/dev/shm exists: the demo's etcd is as disposable as the demo), and stops with its owner.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ETCD = "etcd"
START_SECONDS = 30.0


class EtcdStartError(RuntimeError):
    pass


def etcd_binary() -> str | None:
    return shutil.which(ETCD) or (
        f"/usr/bin/{ETCD}" if os.access(f"/usr/bin/{ETCD}", os.X_OK) else None
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class EtcdProcess:
    endpoint: str  # http://127.0.0.1:PORT: gRPC and the JSON gateway
    data_dir: Path
    log_file: Path
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_etcd(workdir: Path, *extra: str, binary: str | None = None) -> EtcdProcess:
    """etcd serving on free loopback ports with its data under `workdir`; EtcdStartError (with
    the end of its log) when it does not answer within START_SECONDS."""
    binary = binary or etcd_binary()
    if binary is None:
        raise EtcdStartError("etcd is not installed (Debian's etcd-server)")
    client, peer = _free_port(), _free_port()
    endpoint = f"http://127.0.0.1:{client}"
    data_dir = workdir / "etcd-data"
    log_file = workdir / "etcd.log"
    with open(log_file, "wb") as log:
        process = subprocess.Popen(
            [
                binary,
                "--name=explorer",
                f"--data-dir={data_dir}",
                f"--listen-client-urls={endpoint}",
                f"--advertise-client-urls={endpoint}",
                f"--listen-peer-urls=http://127.0.0.1:{peer}",
                f"--initial-advertise-peer-urls=http://127.0.0.1:{peer}",
                f"--initial-cluster=explorer=http://127.0.0.1:{peer}",
                "--log-level=error",
                *extra,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_stop_with_parent,
        )
    etcd = EtcdProcess(endpoint, data_dir, log_file, process)
    _wait_healthy(etcd)
    return etcd


def _stop_with_parent() -> None:
    """In the child before exec: the kernel sends SIGTERM when the process that started etcd
    dies, however it dies (Linux's PR_SET_PDEATHSIG), so no etcd outlives the app."""
    import contextlib
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


def _wait_healthy(etcd: EtcdProcess) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + START_SECONDS
    while True:
        if etcd.process.poll() is not None:
            raise EtcdStartError(f"etcd exited: {etcd.log_file.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{etcd.endpoint}/health", timeout=2) as answer:  # noqa: S310 (our own loopback etcd)
                if b'"true"' in answer.read():
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            etcd.stop()
            raise EtcdStartError(f"etcd did not answer within {START_SECONDS:.0f} s")
        time.sleep(0.1)


def scratch_dir() -> Path:
    """A private directory for a disposable etcd: on tmpfs when there is one."""
    tmpfs = "/dev/shm"  # noqa: S108 (mkdtemp makes a private 0700 directory in it)
    base = tmpfs if os.path.isdir(tmpfs) and os.access(tmpfs, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="explorer-etcd-", dir=base))


@contextmanager
def running_etcd(workdir: Path, *extra: str) -> Iterator[EtcdProcess]:
    etcd = start_etcd(workdir, *extra)
    try:
        yield etcd
    finally:
        etcd.stop()
