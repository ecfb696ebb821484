"""Benchmark: taking a snapshot of a big cluster, against `kubectl get pods -A -o json > file`.

Serves the demo of N nodes x M pods through the project's API server (its own process), then,
in the same run and against the same server, times and measures the peak memory of:
  - peer:     `kubectl get pods -A -o json > FILE` (pods only, uncompressed)
  - explorer: `manage.py snapshot take --out FILE` in a fresh process: every catalogue resource
              listed into a ClusterState and written as a zstd bundle.
Prints both, the files' sizes and the ratios explorer/peer. kubectl was killed by the kernel at
18.6 GB for 165,000 pods on these machines: run the largest size it survives and ours at 5,000
nodes too (`--skip-peer`). Usage: python bench/snapshot_capture.py [--nodes 1000]
[--pods-per-node 30] [--repeat 3] [--skip-peer]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from _harness import (
    KUBECTL,
    MANAGE,
    PYTHON,
    kubeconfig_for,
    machine,
    serve_demo,
    timed,
    wait_for,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--pods-per-node", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-peer", action="store_true", help="ours only (kubectl would die)")
    args = parser.parse_args()
    server, url = serve_demo(args.nodes, args.pods_per_node)
    peer: list[tuple[float, int]] = []
    ours: list[tuple[float, int]] = []
    try:
        wait_for(url, timeout=1200)
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "KUBECONFIG": kubeconfig_for(url, tmp),
                "EXPLORER_STATE_DIR": str(Path(tmp) / "state"),
            }
            pods_file, bundle = Path(tmp) / "pods.json", Path(tmp) / "snapshot.cxb.zst"
            ours_argv = [PYTHON, MANAGE, "snapshot", "take", "--out", str(bundle)]
            for _ in range(args.repeat):
                if not args.skip_peer:
                    with pods_file.open("wb") as out:
                        peer.append(timed([KUBECTL, "get", "pods", "-A", "-o", "json"], env, out))
                ours.append(timed(ours_argv, env))
            peer_size = pods_file.stat().st_size if peer else 0
            ours_size = bundle.stat().st_size
    finally:
        server.terminate()
        server.wait(timeout=60)

    def summary(runs: list[tuple[float, int]]) -> tuple[float, float]:
        return statistics.median(t for t, _ in runs), max(m for _, m in runs) / 2**20

    print(f"demo: {args.nodes} nodes x {args.pods_per_node} pods/node; {machine()}")
    ours_s, ours_mb = summary(ours)
    mib = 2**20
    print(
        f"explorer snapshot take --out  : {ours_s:7.2f} s  peak {ours_mb:7.0f} MiB  "
        f"file {ours_size / mib:7.1f} MiB (every kind)"
    )
    if peer:
        peer_s, peer_mb = summary(peer)
        print(
            f"kubectl get pods -A -o json > : {peer_s:7.2f} s  peak {peer_mb:7.0f} MiB  "
            f"file {peer_size / mib:7.1f} MiB (pods only)"
        )
        print(
            f"ratio explorer/kubectl        : time {ours_s / peer_s:5.2f}  "
            f"memory {ours_mb / peer_mb:5.2f}  file {ours_size / peer_size:5.3f}"
        )


if __name__ == "__main__":
    main()
