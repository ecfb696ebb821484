"""Benchmark: the initial sync at scale (issue 14, item 4) against `kubectl get pods -A`.

Serves the demo of N nodes x M pods (no churn) through the project's API server in a process of
its own (bench/_harness.py `serve_demo`), then:
  - explorer: in this process, every kind of the catalogue listed into a ClusterState as `serve`
    does (explorer/runtime/process.py): a ClusterWatcher (one reflector a kind) into a
    ClusterStates with a change log writing to a temp directory (so the first checkpoint of the
    whole state is taken once the lists are in) and the publisher listening. Timed: start to
    every kind listed ("synced", what `serve` calls live), and to the first checkpoint written
    by the log's thread (after sync, off the watcher's path);
  - peer: `kubectl get pods -A` (the table, which survives at 165,000 pods) against the same
    server, --repeat times (median).
  - with --serve, first: `manage.py serve` (its own process, as bench/scale_5000.py runs it)
    from its start to the first websocket status saying the cluster is live, the overview
    subscribed.
Prints the figures and the ratios to kubectl (goal <= 0.3). With --profile, samples this process
(and serve) with py-spy (PY_SPY; default: `pip install --target $TMPDIR/pyspy py-spy`) while they
sync, and the API server with another, into --logs (raw collapsed stacks, serve.log beside them).
Usage:
  python bench/sync_at_scale.py [--nodes 2000] [--pods-per-node 30] [--repeat 1] [--serve]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import (
    KUBECTL,
    MANAGE,
    PYTHON,
    free_port,
    kubeconfig_for,
    login_session,
    machine,
    serve_demo,
    start,
    stop,
    timed,
    wait_for,
)
from scale_5000 import until_live

from explorer.kube.cluster_watcher import ClusterWatcher
from explorer.kube.config import load_kubeconfig
from explorer.state.change_log import Retention
from explorer.state.store import ClusterStates
from tests.browser.app import app_env

GOAL = 0.3
SCRATCH = Path(tempfile.gettempdir())
PY_SPY = os.environ.get("PY_SPY", str(SCRATCH / "pyspy" / "bin" / "py-spy"))  # pip --target


class Counting:
    """A listener as the publisher is one: told every change after the lock is let go."""

    def __init__(self) -> None:
        self.changes = 0

    def changed(self, cluster: str, changes: list) -> None:
        self.changes += len(changes)

    def node_facts_put(self, cluster: str, node: str) -> None:
        pass

    def status_changed(self, cluster: str, kind: str, status: str, reason: str) -> None:
        pass


def sampled(pid: int, out: Path, rate: int = 100) -> subprocess.Popen:
    argv = [PY_SPY, "record", "--pid", str(pid), "--format", "raw", "--rate", str(rate)]
    argv += ["--output", str(out), "--threads", "--nonblocking"]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def synced(kubeconfig: str, changes_dir: Path) -> dict[str, float | int]:
    """Every kind listed into a ClusterStates as serve lists it: seconds to synced, to the
    first checkpoint written, and what the state holds."""
    cluster = load_kubeconfig(kubeconfig).connect()
    retention = Retention(directory=changes_dir)
    states = ClusterStates([cluster.name], retention)
    listener = Counting()
    states.listen(listener)
    cpu = time.process_time()
    started = time.perf_counter()
    watcher = ClusterWatcher(cluster.api_client, cluster.name, states).start()
    if not watcher.wait_synced(timeout=1800):
        raise SystemExit("the watcher did not sync within 1800s")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    watcher.stop(timeout=2)
    with states.read(cluster.name) as state:
        log = state.change_log
        pods, objects = state.count("Pod"), len(state)
    log.flush()
    checkpoint = time.perf_counter() - started
    states.close()
    return {
        "synced": seconds,
        "cpu": cpu,
        "checkpoint": checkpoint,
        "pods": pods,
        "objects": objects,
        "listened": listener.changes,
    }


def served(kubeconfig: str, tmp: Path, profile: Path | None) -> float:
    """`manage.py serve` (its own process) watching the server: seconds from its start to the
    first websocket status saying the cluster is live, the overview subscribed (as
    bench/scale_5000.py measures it)."""
    workdir = tmp / "app"
    (workdir / "state").mkdir(parents=True)
    port = free_port()
    env = app_env(workdir, Path(kubeconfig), port)
    env.pop("EXPLORER_NODE_ACCESS")  # the default: no privileged node access
    env["EXPLORER_LOG_LEVEL"] = os.environ.get("EXPLORER_LOG_LEVEL", "WARNING")
    session = login_session(env)
    with ((profile or tmp) / "serve.log").open("ab") as log:
        started = time.time()
        app = start([PYTHON, MANAGE, "serve", "--port", str(port)], env, log, stdout=log)
        spy = sampled(app.pid, profile / "serve.txt") if profile else None
        try:
            return asyncio.run(until_live(f"http://127.0.0.1:{port}", session, 1800)) - started
        finally:
            if spy is not None:
                spy.send_signal(2)
                spy.wait(timeout=60)
            stop(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--pods-per-node", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=1, help="kubectl runs (median)")
    parser.add_argument("--profile", action="store_true", help="py-spy both processes")
    parser.add_argument("--serve", action="store_true", help="also time manage.py serve to live")
    parser.add_argument("--logs", default=str(SCRATCH / "sync_at_scale"), help="where profiles go")
    args = parser.parse_args()
    server, url = serve_demo(args.nodes, args.pods_per_node)
    try:
        started = time.perf_counter()
        wait_for(url, timeout=1800)
        print(f"API server up in {time.perf_counter() - started:.0f} s", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "KUBECONFIG": kubeconfig_for(url, tmp)}
            spies = []
            logs = Path(args.logs) if args.profile else None
            if logs is not None:
                logs.mkdir(parents=True, exist_ok=True)
            # serve first, before this process holds a listed cluster (5 GB at 165,000 pods)
            live = served(env["KUBECONFIG"], Path(tmp), logs) if args.serve else None
            if logs is not None:
                spies = [
                    sampled(os.getpid(), logs / "explorer.txt"),
                    sampled(server.pid, logs / "apiserver.txt"),
                ]
                time.sleep(1)
            ours = synced(env["KUBECONFIG"], Path(tmp) / "changes")
            for spy in spies:
                spy.send_signal(2)
                spy.wait(timeout=60)
            out = Path(tmp) / "pods.txt"
            runs = []
            for _ in range(args.repeat):
                with out.open("wb") as sink:
                    runs.append(timed([KUBECTL, "get", "pods", "-A"], env, stdout=sink)[0])
            with out.open("rb") as lines:
                listed = sum(1 for _ in lines) - 1
    finally:
        server.terminate()
        server.wait(timeout=120)
    peer = statistics.median(runs)
    print(f"machine: {machine()}, Python {sys.version.split()[0]}")
    print(f"demo: {args.nodes:,} nodes x {args.pods_per_node} pods")
    print(
        f"explorer: {ours['pods']:,} pods, {ours['objects']:,} objects synced in "
        f"{ours['synced']:.1f} s, {ours['cpu']:.1f} CPU s ({ours['listened']:,} changes to the "
        "listeners); "
        f"first checkpoint written at {ours['checkpoint']:.1f} s"
    )
    if live is not None:
        print(f"explorer: manage.py serve live after {live:.1f} s")
    print(f"peer kubectl get pods -A: {listed:,} pods in {peer:.1f} s")
    for what, seconds in (("synced", ours["synced"]), ("serve live", live)):
        if seconds is not None:
            ratio = seconds / peer
            verdict = "met" if ratio <= GOAL else "not met"
            print(f"ratio {what}/kubectl: {ratio:.2f} (goal <= {GOAL}: {verdict})")


if __name__ == "__main__":
    main()
