"""Benchmark: time from start to a complete ClusterState, against `kubectl get pods -A -o json`.

Serves a demo of N nodes x M pods through the project's API server (its own process), then, in
the same run and against the same server, times and measures the peak memory of:
  - peer:     `kubectl get pods -A -o json > /dev/null`
  - explorer: a fresh process that lists and watches every catalogue resource into a ClusterState
              (start of the process to the last list applied).
Prints both, and the ratio explorer/peer (goal: ≤ 1.0). Each side runs --repeat times; the
median is reported. Usage: python bench/cluster_state_load.py [--nodes 1000] [--pods-per-node 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile

from _harness import KUBECTL, PYTHON, ROOT, kubeconfig_for, serve_demo, timed, wait_for


def load_state(kubeconfig: str) -> None:
    """The explorer side, run in its own process: list everything into a ClusterState."""
    sys.path.insert(0, str(ROOT))
    from explorer.kube.cluster_watcher import ClusterWatcher
    from explorer.kube.config import load_kubeconfig
    from explorer.state.store import ClusterStates

    cluster = load_kubeconfig(kubeconfig).connect()
    states = ClusterStates([cluster.name])
    watcher = ClusterWatcher(cluster.api_client, cluster.name, states).start()
    if not watcher.wait_synced(timeout=600):
        raise SystemExit("the watcher did not sync within 600s")
    with states.read(cluster.name) as state:
        pods = state.count("Pod")
    watcher.stop(timeout=1)
    print(f"pods={pods}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--pods-per-node", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--load-state", metavar="KUBECONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_state:
        load_state(args.load_state)
        return

    server, url = serve_demo(args.nodes, args.pods_per_node)
    try:
        wait_for(url, timeout=600)
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "KUBECONFIG": kubeconfig_for(url, tmp)}
            peer_argv = [KUBECTL, "get", "pods", "-A", "-o", "json"]
            ours_argv = [PYTHON, __file__, "--load-state", env["KUBECONFIG"]]
            peer, ours = [], []
            for _ in range(args.repeat):
                peer.append(timed(peer_argv, env))
                ours.append(timed(ours_argv, env))
    finally:
        server.terminate()
        server.wait(timeout=30)

    def summary(runs: list[tuple[float, int]]) -> tuple[float, float]:
        return statistics.median(t for t, _ in runs), max(m for _, m in runs) / 2**20

    peer_s, peer_mb = summary(peer)
    ours_s, ours_mb = summary(ours)
    pods = args.nodes * args.pods_per_node
    print(f"demo: {args.nodes} nodes x {args.pods_per_node} pods/node (~{pods} app pods)")
    print(f"kubectl get pods -A -o json : {peer_s:6.2f} s  peak {peer_mb:7.0f} MiB")
    print(f"explorer full ClusterState  : {ours_s:6.2f} s  peak {ours_mb:7.0f} MiB")
    print(f"ratio explorer/kubectl      : {ours_s / peer_s:6.2f}  (goal <= 1.0)")


if __name__ == "__main__":
    main()
