"""Benchmark: latency from an API server event to the websocket delta that carries it, against
`kubectl get pods -A --watch`.

Processes, all against one API server and measured in the same run:
  - the project's API server serving the demo (N nodes x M pods), flipping the readiness of
    --rate pods a second, one node after another, each change stamped with the time it was
    applied (`manage.py apiserver --churn-rate`, annotation bench.explorer/applied-at);
  - the app as `make run` serves it (`manage.py serve`: watcher, publisher, daphne) watching it;
  - --clients websocket clients (aiohttp, one process, logged in with a session cookie)
    subscribed to the overview, recording when each delta arrives and which nodes it changes;
  - the peer: `kubectl get pods -A --watch-only -o json`, recording when each event is printed.
A node's pods change once per round (nodes / rate seconds), so the first delta to change a
node's sector after a change to one of its pods is the one that carries it. Latency is that
delta's arrival minus the change's stamp, for every change applied during --duration seconds
(after --warmup) and every client. Prints median and p99 for both sides, the ratio explorer p99 /
kubectl p99, and the app's peak memory. Goal: explorer p99 <= 250 ms.
Usage: python bench/stream_latency.py [--nodes 1000] [--pods-per-node 30] [--rate 200]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from _harness import (
    cpu_seconds,
    machine,
    overview_latencies,
    percentiles,
    profile,
    stack_main,
    stack_parser,
    start_clients,
    start_stack,
    stop_clients,
)

from tests.load.crowd import OVERVIEW, Page


def main() -> None:
    parser = stack_parser(__doc__.splitlines()[0], clients=50, warmup=10)
    parser.add_argument("--duration", type=float, default=30, help="seconds measured")
    stack_main(parser, run)


def run(args: argparse.Namespace, tmp: Path, logs: Path) -> str:
    stack = start_stack(args.nodes, args.pods_per_node, args.rate, tmp, logs)
    try:
        out = tmp / "clients.json"
        pages = [Page(OVERVIEW, ((OVERVIEW, {}),))] * args.clients
        clients = start_clients(stack, __file__, pages, out)
        time.sleep(args.warmup)
        named = {
            "app": stack.app,
            "API server": stack.apiserver,
            "clients": clients,
            "kubectl": stack.kubectl.process,
        }
        before = {name: cpu_seconds(p.pid) for name, p in named.items()}
        begin = time.time()
        if args.profile:
            profile(stack.app.pid, args.duration, logs / "app.pyspy.txt", stack.env, stack.err)
        time.sleep(args.duration)
        end = time.time()
        busy = {
            name: (cpu_seconds(p.pid) - before[name]) / (end - begin) for name, p in named.items()
        }
        time.sleep(5)  # let the last changes arrive
        users = stop_clients(clients, out)
    finally:
        stack.close()

    changes = [c for c in stack.kubectl.changes if begin <= c.applied < end]
    if not changes:
        raise SystemExit("no change was applied while measuring")
    found = overview_latencies(changes, [user["overview"] for user in users])
    theirs = [c.printed - c.applied for c in changes]
    our_median, our_p99 = percentiles(found.stamp)
    their_median, their_p99 = percentiles(theirs)
    beyond_median, beyond_p99 = percentiles(found.after_kubectl)
    app_mb, app_cpu = stack.figures["app"]
    lines = [
        f"machine: {machine()}",
        f"demo: {args.nodes} nodes x {args.pods_per_node} pods/node; {len(changes)} pod changes"
        f" in {args.duration:.0f} s ({len(changes) / args.duration:.0f}/s);"
        f" {args.clients} clients on the overview",
        f"explorer overview delta : median {our_median:6.0f} ms  p99 {our_p99:6.0f} ms"
        f"  ({len(found.stamp)} samples, {found.missed} missed, {found.deltas} deltas,"
        f" {found.resyncs} resyncs)",
        f"kubectl get pods --watch: median {their_median:6.0f} ms  p99 {their_p99:6.0f} ms",
        f"explorer after kubectl printed the same change: median {beyond_median:6.0f} ms"
        f"  p99 {beyond_p99:6.0f} ms",
        f"ratio explorer p99 / kubectl p99: {our_p99 / their_p99:.2f}"
        "  (goal: explorer p99 <= 250 ms)",
        f"app (manage.py serve) peak RSS {app_mb:.0f} MiB, CPU {app_cpu:.0f} s;"
        f" API server peak RSS {stack.figures['apiserver'][0]:.0f} MiB;"
        f" kubectl peak RSS {stack.figures['kubectl'][0]:.0f} MiB",
    ]
    lines.append(
        "CPU while measuring (cores): "
        + ", ".join(f"{n} {c:.2f}" for n, c in busy.items())
        + f"; machine load average after: {os.getloadavg()[0]:.1f}"
    )
    dropped = [user["dropped"] for user in users if user["dropped"]]
    if dropped:
        lines.append(f"clients that failed: {dropped}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
