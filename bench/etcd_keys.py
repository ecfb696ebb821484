"""Benchmark: list every key under /registry/ with the explorer's etcd client (explorer/etcd/
client.py: keys-only pages through etcd's JSON gateway) against `etcdctl get /registry/
--prefix --keys-only` (gRPC, one answer) on the same etcd in the same run.

Starts Debian's etcd 3.4 on a tmpfs data directory (`--quota-backend-bytes` raised), puts N
kube-apiserver-shaped keys (`/registry/pods/<ns>/<name>`, 200-byte values) in transactions of
100, then times each side --repeat times alternately (median), the explorer also at the page
sizes given. Needs `etcd` and `etcdctl` (Debian's etcd-server and etcd-client).
Usage: python bench/etcd_keys.py [--keys 100000] [--repeat 3]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _harness import arguments, machine

from explorer.etcd.access import access_from_settings
from explorer.etcd.client import EtcdClient
from tests.etcd.writes import put_many
from tests.etcd_server import ETCDCTL, etcd_installed, running_etcd

PAGES = (1_000, 10_000)
TMPFS = Path("/dev/shm")  # noqa: S108 (a private directory is made in it with mkdtemp)


def main() -> None:
    args = arguments(__doc__.splitlines()[0], keys=100_000, repeat=3)
    if not etcd_installed():
        raise SystemExit("etcd and etcdctl are not installed (Debian's etcd-server, etcd-client)")
    scratch = TMPFS if TMPFS.is_dir() else None
    with (
        tempfile.TemporaryDirectory(dir=scratch) as workdir,
        running_etcd(Path(workdir), "--quota-backend-bytes=8589934592") as etcd,
    ):
        started = time.perf_counter()
        put_many(
            etcd,
            [
                (f"/registry/pods/namespace-{n % 100:03d}/web-{n:07d}-5d8f7c9b4-x2k9p", "v" * 200)
                for n in range(args.keys)
            ],
        )
        print(f"put {args.keys:,} keys in {time.perf_counter() - started:.1f} s")
        client = EtcdClient(access_from_settings({"endpoints": etcd.endpoint, "timeout": 120}))
        env = {**os.environ, "ETCDCTL_API": "3"}
        peer_argv = [ETCDCTL, f"--endpoints={etcd.endpoint}", "get", "/registry/", "--prefix"]
        peer_argv.append("--keys-only")

        def ours(page: int) -> float:
            began = time.perf_counter()
            listed = sum(1 for _ in client.keys(page=page))
            took = time.perf_counter() - began
            assert listed == args.keys, listed
            return took

        def theirs() -> float:
            began = time.perf_counter()
            subprocess.run(peer_argv, stdout=subprocess.DEVNULL, env=env, check=True)
            return time.perf_counter() - began

        times: dict[str, list[float]] = {"etcdctl": []}
        for _ in range(args.repeat):
            times["etcdctl"].append(theirs())
            for page in PAGES:
                times.setdefault(f"explorer, pages of {page:,}", []).append(ours(page))
        print(f"machine: {machine()}, load {os.getloadavg()[0]:.1f}")
        peer = statistics.median(times.pop("etcdctl"))
        print(f"etcdctl get --prefix --keys-only: {peer:.2f} s (median of {args.repeat})")
        for name, runs in times.items():
            median = statistics.median(runs)
            print(f"{name}: {median:.2f} s — ratio explorer/etcdctl {median / peer:.2f}")


if __name__ == "__main__":
    main()
