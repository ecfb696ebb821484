"""Summarising an etcd key listing vs etcdctl printing it: a real etcd (Debian's etcd 3.4, its
data on tmpfs) holds the keys of a demo-shaped cluster (pods, their events, replica sets,
endpoint slices, leases…, about 2.2 keys a pod); the peer is `etcdctl get /registry --prefix
--keys-only` writing the listing; the explorer side reads that listing and summarises it
(explorer.etcd.key_listing: read_listing + summarise), then builds the key space tree
(listing_key_space) — in process, on the same bytes. Medians of --repeat runs; not a test."""

from __future__ import annotations

import base64
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import orjson
from _harness import arguments

from explorer.etcd.key_listing import read_listing, summarise
from explorer.etcd.key_space import listing_key_space
from tests.etcd_server import ETCDCTL, running_etcd

TXN_OPS = 128  # etcd's default --max-txn-ops


def demo_keys(pods: int) -> list[str]:
    namespaces = max(1, pods // 330)
    keys = []
    for i in range(pods):
        ns = f"team-{i % namespaces}"
        keys.append(f"/registry/pods/{ns}/web-{i // 5}-{i % 5:05x}")
        if i % 2 == 0:
            keys.append(f"/registry/events/{ns}/web-{i}.17f3a9c2d1e0b4a5")
        if i % 5 == 0:
            keys.append(f"/registry/replicasets/{ns}/web-{i // 5}-7d4b9c")
            keys.append(f"/registry/deployments/{ns}/web-{i // 5}")
            keys.append(f"/registry/services/specs/{ns}/web-{i // 5}")
            keys.append(f"/registry/services/endpoints/{ns}/web-{i // 5}")
            keys.append(f"/registry/endpointslices/{ns}/web-{i // 5}-abcde")
    for n in range(max(1, pods // 30)):
        keys.append(f"/registry/minions/node-{n}")
        keys.append(f"/registry/leases/kube-node-lease/node-{n}")
    return keys


def load(endpoint: str, keys: list[str]) -> None:
    """The keys written through etcd's JSON gateway, TXN_OPS puts a transaction."""
    value = base64.b64encode(b"k8s\x00" + bytes(12)).decode()
    for start in range(0, len(keys), TXN_OPS):
        puts = [
            {"request_put": {"key": base64.b64encode(key.encode()).decode(), "value": value}}
            for key in keys[start : start + TXN_OPS]
        ]
        url = f"{endpoint}/v3/kv/txn"  # the test etcd's http://127.0.0.1 endpoint
        body = orjson.dumps({"success": puts})
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 (loopback)
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
            response.read()


def main() -> None:
    options = arguments(__doc__.splitlines()[0], pods=165_000, repeat=3)
    keys = demo_keys(options.pods)
    shm = Path("/dev/shm")  # noqa: S108 (a private directory made in it: etcd's data on tmpfs)
    with (
        tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as workdir,
        running_etcd(Path(workdir), "--quota-backend-bytes=8589934592") as etcd,
    ):
        started = time.perf_counter()
        load(etcd.endpoint, keys)
        print(f"{len(keys):,} keys written in {time.perf_counter() - started:.1f} s")
        command = [ETCDCTL, f"--endpoints={etcd.endpoint}", "get", "/registry", "--prefix"]
        peer, ours, tree = [], [], []
        for _ in range(options.repeat):
            started = time.perf_counter()
            listing_bytes = subprocess.run(
                [*command, "--keys-only"],
                capture_output=True,
                check=True,
                env={"ETCDCTL_API": "3"},
            ).stdout
            peer.append(time.perf_counter() - started)
            started = time.perf_counter()
            listing = read_listing(listing_bytes)
            summary = summarise(listing)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            listing_key_space(listing.keys)
            tree.append(time.perf_counter() - started)
    assert summary["keys"] == len(keys), summary["keys"]
    p, o, t = (statistics.median(runs) for runs in (peer, ours, tree))
    print(
        f"{len(keys):,} keys, {len(listing_bytes) / 1e6:.1f} MB listing: "
        f"etcdctl {p:.2f} s; read + summarise {o:.2f} s (ratio {o / p:.2f}); "
        f"key space tree {t:.2f} s (ratio {t / p:.2f})"
    )


if __name__ == "__main__":
    main()
