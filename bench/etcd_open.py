"""Benchmark: opening an etcd data file as a snapshot, against etcdctl printing the same values.

A real etcd 3.4 (Debian's, tmpfs-backed when /dev/shm is there) is filled through its JSON
gateway with the demo of N nodes x M pods, every object encoded as kube-apiserver stores it;
`etcdctl snapshot save` writes the data file. Then, in the same run:
  - peer:     `etcdctl get /registry --prefix -w json > /dev/null` against the running etcd
              (every value read and printed, nothing decoded)
  - explorer: `manage.py etcd open FILE` in a fresh process (a throwaway database and snapshot
              directory): the file read, every value decoded and redacted, the ClusterState
              built and written as a snapshot bundle with the key index.
Prints wall time and peak RSS of both and the ratios. Usage: python bench/etcd_open.py
[--nodes 100] [--pods-per-node 30] [--repeat 3]
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import orjson
from _harness import MANAGE, PYTHON, machine, timed

from explorer.demo import build_demo
from explorer.etcd.keys import key_of_object
from explorer.etcd.proto_objects import EncodeError, encode_object
from explorer.lib.resources import BY_KIND
from tests.etcd_server import ETCDCTL, running_etcd

PEER_ARGS = ("get", "/registry", "--prefix", "-w", "json")
BATCH = 100  # puts a transaction: under etcd's 128 operations and 1.5 MiB a request


def fill(endpoint: str, nodes: int, pods_per_node: int) -> int:
    state = build_demo(nodes=nodes, pods_per_node=pods_per_node)
    puts = []
    for kind in state.kinds():
        resource = BY_KIND[kind]
        for obj in state.list(kind):
            try:
                value = encode_object(obj)
            except EncodeError:  # CRDs: kube-apiserver stores them as JSON
                value = orjson.dumps(obj)
            key = key_of_object(obj, resource)
            puts.append(
                {
                    "requestPut": {
                        "key": base64.b64encode(key.encode()).decode(),
                        "value": base64.b64encode(value).decode(),
                    }
                }
            )
    for start in range(0, len(puts), BATCH):
        body = orjson.dumps({"success": puts[start : start + BATCH]})
        request = urllib.request.Request(  # noqa: S310 (the test etcd's http:// URL)
            f"{endpoint}/v3/kv/txn", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            answer.read()
    return len(puts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--pods-per-node", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    shm = Path("/dev/shm")  # noqa: S108 (a private directory is made in it)
    base = shm if shm.is_dir() else None
    with tempfile.TemporaryDirectory(dir=base) as work:
        work_dir = Path(work)
        data_file = work_dir / "backup.db"
        with running_etcd(work_dir, "--quota-backend-bytes=8589934592") as etcd:
            objects = fill(etcd.endpoint, args.nodes, args.pods_per_node)
            etcd.ctl("snapshot", "save", str(data_file))
            size = data_file.stat().st_size
            env = {**os.environ, "ETCDCTL_API": "3"}
            peer = [
                timed([ETCDCTL, f"--endpoints={etcd.endpoint}", *PEER_ARGS], env)
                for _ in range(args.repeat)
            ]
        ours_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "explorer.settings",
            "DATABASE_URL": f"sqlite:///{work_dir / 'bench.sqlite3'}",
            "EXPLORER_STATE_DIR": str(work_dir / "state"),
        }
        subprocess.run([PYTHON, MANAGE, "migrate", "--noinput"], env=ours_env, check=True,
                       capture_output=True)  # fmt: skip
        ours = [
            timed([PYTHON, MANAGE, "etcd", "open", str(data_file)], ours_env)
            for _ in range(args.repeat)
        ]
    peer_s = statistics.median(t for t, _ in peer)
    ours_s = statistics.median(t for t, _ in ours)
    peer_mib = max(m for _, m in peer) / 2**20
    ours_mib = max(m for _, m in ours) / 2**20
    print(f"machine: {machine()}")
    print(f"{objects:,} objects; data file {size / 2**20:,.1f} MiB")
    print(f"etcdctl get --prefix -w json: {peer_s:.2f} s, {peer_mib:,.0f} MiB")
    print(f"manage.py etcd open:          {ours_s:.2f} s, {ours_mib:,.0f} MiB")
    print(
        f"ratio (explorer / etcdctl): time {ours_s / peer_s:.2f}, memory {ours_mib / peer_mib:.2f}"
    )


if __name__ == "__main__":
    main()
