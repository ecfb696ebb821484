"""Benchmark: the app under a crowd — websocket tabs on mixed views and people following logs —
for minutes, against the demo at scale with churn; kubectl's own watch is the peer.

Processes, all against one API server and measured in the same run (bench/_harness.py):
  - the project's API server serving the demo (N nodes x M pods), flipping the readiness of
    --rate pods a second, one node after another, each change stamped with the time it was
    applied (`manage.py apiserver --churn-rate`, annotation bench.explorer/applied-at);
  - the app as `make run` serves it (`manage.py serve`: watcher, publisher, daphne) watching it;
  - --clients tabs (aiohttp, in --client-processes processes, logged in with a session cookie and
    the app's exact Origin), each on one page's views (tests/load/crowd.py `pages`: the overview,
    the workloads hierarchy, a pod, a node and its cgroup tree, the events, a network page, a
    namespace), acknowledging every message and asking for a resync after a gap;
  - --followers pod pages following container logs, each stopping its follow or leaving the
    page at random (0.2-2 s) and following another (tests/load/crowd.py `LogFollower`);
  - GET /healthz every 100 ms from this process, on a thread of its own;
  - the peer: `kubectl get pods -A --watch-only -o json`, recording when each event is printed.
For --minutes (after --warmup seconds) it measures: the latency of a change to the overview tabs
(as bench/stream_latency.py does: the first message after the change that changes its node's
sector) and to kubectl, median and p99, and the ratio of the p99s; the app's resident memory at
the start, at the end and its peak (bounded: the end at most --memory-bound per cent above the
start); connections dropped (goal 0), resyncs and errors; follows asked, started, stopped and
left; /healthz's median, p99 and worst (goal: under 1 s; bounded at 5 s).
Usage: python bench/load_mixed.py [--minutes 10] [--nodes 1000] [--pods-per-node 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
from _harness import (
    Stack,
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
    until_stdin_closes,
)

from tests.load.crowd import (
    FollowTally,
    HealthPoller,
    LogFollower,
    MemoryWatch,
    log_targets,
    pages,
)

HEALTH_GOAL, HEALTH_BOUND = 1.0, 5.0  # seconds


async def run_followers(port: str, session: str, plan: str, out: str) -> None:
    """The followers' process: `count` pod pages following logs until our stdin closes; each
    follower's FollowTally is written to `out`."""
    wanted = orjson.loads(Path(plan).read_bytes())
    targets = [tuple(target) for target in wanted["targets"]]
    tallies = [FollowTally() for _ in range(wanted["count"])]
    leave = asyncio.Event()
    base_url = f"http://127.0.0.1:{port}"
    tasks = [
        asyncio.ensure_future(
            LogFollower(
                base_url, session, "bench", targets, random.Random(wanted["seed"] + n), tally
            ).run(leave)
        )
        for n, tally in enumerate(tallies)
    ]
    await until_stdin_closes()
    leave.set()
    await asyncio.wait(tasks, timeout=30)
    Path(out).write_bytes(orjson.dumps(tallies))


def main() -> None:
    parser = stack_parser(__doc__.splitlines()[0], clients=200, warmup=30)
    parser.add_argument("--minutes", type=float, default=10, help="minutes measured")
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--followers", type=int, default=20, help="pod pages following logs")
    parser.add_argument("--memory-bound", type=float, default=10, help="per cent over the start")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--run-followers", nargs=4, help=argparse.SUPPRESS)
    stack_main(parser, run, run_followers=run_followers)


def run(args: argparse.Namespace, tmp: Path, logs: Path) -> str:
    load_before = os.getloadavg()
    stack = start_stack(args.nodes, args.pods_per_node, args.rate, tmp, logs)
    try:
        crowd = pages(stack.api_url, args.clients)
        processes = max(1, min(args.client_processes, args.clients))
        clients = [
            start_clients(stack, __file__, crowd[n::processes], tmp / f"clients-{n}.json")
            for n in range(processes)
        ]
        plan = {"targets": log_targets(stack.api_url), "count": args.followers, "seed": args.seed}
        followers = start_clients(
            stack, __file__, plan, tmp / "followers.json", flag="--run-followers"
        )
        progress(f"{args.clients} tabs have their models; {args.followers} following logs")
        time.sleep(args.warmup)
        crowd_processes = {f"tabs {n}": c for n, c in enumerate(clients)}
        measured = measure(args, stack, {**crowd_processes, "followers": followers}, logs)
        time.sleep(5)  # let the last changes arrive
        users = [
            u for n, c in enumerate(clients) for u in stop_clients(c, tmp / f"clients-{n}.json")
        ]
        tallies = stop_clients(followers, tmp / "followers.json")
    finally:
        stack.close()
        load_after = os.getloadavg()
    return report(args, stack, measured, users, tallies, (load_before, load_after))


def progress(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def measure(
    args: argparse.Namespace, stack: Stack, crowd: dict[str, subprocess.Popen], logs: Path
) -> dict[str, Any]:
    """Sit through --minutes with /healthz polled and the app's memory watched."""
    named = {"app": stack.app, "API server": stack.apiserver, "kubectl": stack.kubectl.process}
    named.update(crowd)
    before = {name: cpu_seconds(p.pid) for name, p in named.items()}
    seconds = args.minutes * 60
    with MemoryWatch(stack.app.pid) as memory, HealthPoller(stack.app_url, 0.1) as health:
        begin = time.time()
        if args.profile:
            profile(stack.app.pid, seconds, logs / "app.pyspy.txt", stack.env, stack.err)
        while time.time() < begin + seconds:
            time.sleep(min(60, begin + seconds - time.time()))
            progress(
                f"{(time.time() - begin) / 60:.1f} min: app RSS {memory.samples[-1]:.0f} MiB,"
                f" /healthz worst {health.worst * 1000:.0f} ms, {len(health.failures)} failed"
            )
        end = time.time()
    busy = {name: (cpu_seconds(p.pid) - before[name]) / (end - begin) for name, p in named.items()}
    return {"begin": begin, "end": end, "memory": memory, "health": health, "busy": busy}


def report(
    args: argparse.Namespace,
    stack: Stack,
    measured: dict[str, Any],
    users: list[dict],
    tallies: list[dict],
    load: tuple[tuple[float, ...], tuple[float, ...]],
) -> str:
    begin, end = measured["begin"], measured["end"]
    changes = [c for c in stack.kubectl.changes if begin <= c.applied < end]
    if not changes:
        raise SystemExit("no change was applied while measuring")
    on_overview = [u["overview"] for u in users if u["page"] == "overview"]
    found = overview_latencies(changes, on_overview)
    ours, theirs = percentiles(found.stamp), percentiles([c.printed - c.applied for c in changes])
    beyond = percentiles(found.after_kubectl)
    memory, health = measured["memory"], measured["health"]
    bound = memory.start * (1 + args.memory_bound / 100)
    dropped = [u for u in users if u["dropped"]]
    erring = [u for u in users if u["errors"]]
    health_ms = sorted(t * 1000 for t in health.times)
    follows = {k: sum(t[k] for t in tallies) for k in ("asked", "started", "stopped", "left")}
    first = [s for t in tallies for s in t["first_lines"]]
    follow_errors = [e for t in tallies for e in t["errors"]]
    minutes = (end - begin) / 60
    lines = [
        f"machine: {machine()}; load average {load[0][0]:.1f} before, {load[1][0]:.1f} after",
        f"demo: {args.nodes} nodes x {args.pods_per_node} pods/node; {len(changes)} pod changes"
        f" in {minutes:.1f} min ({len(changes) / (end - begin):.0f}/s)",
        f"tabs: {len(users)} ("
        + ", ".join(f"{page} {n}" for page, n in sorted(Counter(u["page"] for u in users).items()))
        + f"); {args.followers} pod pages following logs",
        "",
        "event -> client           median      p99",
        f"explorer overview tabs  {ours[0]:7.0f} ms {ours[1]:7.0f} ms"
        f"  ({len(found.stamp)} samples from {len(on_overview)} tabs, {found.missed} missed)",
        f"kubectl watch           {theirs[0]:7.0f} ms {theirs[1]:7.0f} ms"
        f"  (kubectl started again {stack.kubectl.restarts} times: its watch ended)",
        f"explorer after kubectl  {beyond[0]:7.0f} ms {beyond[1]:7.0f} ms",
        f"ratio explorer p99 / kubectl p99: {ours[1] / theirs[1]:.2f}",
        "explorer overview p99 minute by minute: "
        + ", ".join(f"{p99:.0f}" for p99 in _by_minute(changes, on_overview, begin, end))
        + " ms",
        "",
        f"app RSS: start {memory.start:.0f} MiB, end {memory.end:.0f} MiB, peak {memory.peak:.0f}"
        f" MiB; bound end <= start + {args.memory_bound:.0f}% = {bound:.0f} MiB:"
        f" {'held' if memory.end <= bound else 'NOT HELD'}",
        f"connections dropped: {len(dropped)} of {len(users)} (goal 0)"
        + (f": {[u['dropped'] for u in dropped][:5]}" if dropped else ""),
        f"messages: {sum(u['fulls'] for u in users)} full models,"
        f" {sum(u['deltas'] for u in users)} deltas; resyncs {sum(u['resyncs'] for u in users)},"
        f" version gaps {sum(u['gaps'] for u in users)}; tabs told of an error: {len(erring)}"
        + (f" {[e for u in erring for e in u['errors']][:5]}" if erring else ""),
        "",
        f"log follows: {follows['asked']} asked, {follows['started']} started (first lines"
        f" median {_ms(first, 50)}, p99 {_ms(first, 99)}), {follows['stopped']} stopped,"
        f" {follows['left']} left the page; errors {len(follow_errors)}"
        + (f" {follow_errors[:5]}" if follow_errors else ""),
        f"/healthz every 100 ms: {len(health_ms)} answers, {len(health.failures)} failures;"
        f" median {_ms(health.times, 50)}, p99 {_ms(health.times, 99)}, worst"
        f" {health.worst * 1000:.0f} ms (goal < {HEALTH_GOAL:.0f} s, bound {HEALTH_BOUND:.0f} s:"
        f" {'held' if health.worst < HEALTH_BOUND and not health.failures else 'NOT HELD'})",
        "",
        f"app (manage.py serve) peak RSS {stack.figures['app'][0]:.0f} MiB;"
        f" API server peak RSS {stack.figures['apiserver'][0]:.0f} MiB;"
        f" kubectl peak RSS {stack.figures['kubectl'][0]:.0f} MiB",
        "CPU while measuring (cores): "
        + ", ".join(f"{n} {c:.2f}" for n, c in measured["busy"].items()),
    ]
    return "\n".join(lines)


def _by_minute(changes: list, on_overview: list[list], begin: float, end: float) -> list[float]:
    """The overview's p99 for the changes of each minute measured: does it stay put?"""
    found = []
    for start in range(int(begin), int(end), 60):
        minute = [c for c in changes if start <= c.applied < start + 60]
        if minute:
            found.append(percentiles(overview_latencies(minute, on_overview).stamp)[1])
    return found


def _ms(seconds: list[float], percentile: int) -> str:
    if len(seconds) < 2:
        return "-"
    if percentile == 50:
        return f"{statistics.median(seconds) * 1000:.0f} ms"
    return f"{statistics.quantiles(seconds, n=100)[percentile - 1] * 1000:.0f} ms"


if __name__ == "__main__":
    main()
