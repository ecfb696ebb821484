"""Benchmark: "why Pending" for every pending pod, against `kubectl describe` of those pods.

Serves a demo of N nodes x M pods through the project's API server (its own process; one pod in
500 waits for a node, explorer/demo/scale.py, each with its FailedScheduling events), then, in
the same run and against the same server, times and measures the peak memory of:
  - peer:     what the issue names, `kubectl describe pods -A
              --field-selector=status.phase=Pending`, which prints each pending pod with its
              events (the scheduler's message among them). `kubectl describe` has no
              --field-selector, so the peer is what a user types instead:
              `kubectl get pods -A --field-selector=status.phase=Pending -o name`-like listing
              (namespace and name), then one `kubectl describe pods -n NS NAME… --show-events`
              per namespace (with several names kubectl 1.37 prints no events unless told to);
              the processes' times are added, the peak is the largest;
  - explorer: a fresh process that lists and watches every catalogue resource into a
              ClusterState, then runs kube-scheduler's cycle for every pending pod on one view
              of the cluster (`runtime/scheduling_report.py` `pending_cycles`, what
              `manage.py analyze scheduling` runs): every filter plugin on every node, the
              message, preemption's dry run, the scores of feasible nodes. It also times the pod
              page's own evaluation (`run_cycle`, which builds the view for its one pod) on a
              sample, and checks each message against the FailedScheduling event.
Prints both and the ratios explorer/kubectl: the evaluation alone (the app holds the state
already: what a page costs), and list + evaluation (a cold process). Usage:
  python bench/why_pending.py [--nodes 5000] [--pods-per-node 33] [--repeat 1] [--sample 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import orjson
from _harness import KUBECTL, PYTHON, ROOT, kubeconfig_for, serve_demo, timed, wait_for


def evaluate_pending(kubeconfig: str, sample: int) -> None:
    """The explorer side, in its own process: list everything, then why each pod is Pending.
    Prints one JSON line of figures."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")
    from explorer.kube.cluster_watcher import ClusterWatcher
    from explorer.kube.config import load_kubeconfig
    from explorer.runtime.scheduling_report import pending_cycles, waiting_pods
    from explorer.state.store import ClusterStates
    from explorer.viewmodels.workloads.scheduling import run_cycle, scheduler_said

    started = time.perf_counter()
    cluster = load_kubeconfig(kubeconfig).connect()
    states = ClusterStates([cluster.name])
    watcher = ClusterWatcher(cluster.api_client, cluster.name, states).start()
    if not watcher.wait_synced(timeout=1800):
        raise SystemExit("the watcher did not sync within 1800s")
    listed = time.perf_counter() - started
    with states.read(cluster.name) as state:
        pods = waiting_pods(state)
        start = time.perf_counter()
        cycles = pending_cycles(state, pods)
        evaluated = time.perf_counter() - start
        said = [scheduler_said(state, pod) for pod in pods]  # none: gated, another scheduler's
        agree = sum(
            1
            for event, cycle in zip(said, cycles, strict=True)
            if event and event["message"] == cycle.found.message
        )
        page = []
        for pod in pods[:sample]:
            start = time.perf_counter()
            run_cycle(state, pod)
            page.append(time.perf_counter() - start)
        nodes, total = state.count("Node"), state.count("Pod")
    watcher.stop(timeout=1)
    figures = {
        "listed_s": listed,
        "evaluated_s": evaluated,
        "pending": len(pods),
        "agree": agree,
        "said": sum(1 for event in said if event),
        "page_median_s": statistics.median(page) if page else 0.0,
        "nodes": nodes,
        "pods": total,
    }
    print(orjson.dumps(figures).decode())


def _describe(env: dict[str, str], out: str) -> tuple[float, int, int]:
    """Seconds, peak RSS and the FailedScheduling lines of the peer: the pending pods listed,
    then described namespace by namespace."""
    listing = os.path.join(os.path.dirname(out), "pending.txt")
    columns = "custom-columns=NS:.metadata.namespace,NAME:.metadata.name"
    get = [KUBECTL, "get", "pods", "-A", "--field-selector=status.phase=Pending", "-o", columns,
           "--no-headers"]  # fmt: skip
    with open(listing, "wb") as sink:
        seconds, peak = timed(get, env, stdout=sink)
    by_namespace: dict[str, list[str]] = {}
    with open(listing) as listed:
        for line in listed:
            if line.strip():
                namespace, name = line.split()
                by_namespace.setdefault(namespace, []).append(name)
    with open(out, "wb") as sink:
        for namespace, names in by_namespace.items():
            describe = [KUBECTL, "describe", "pods", "-n", namespace, *names, "--show-events"]
            took, used = timed(describe, env, stdout=sink)
            seconds, peak = seconds + took, max(peak, used)
    with open(out, "rb") as printed:
        failed = sum(1 for line in printed if b"FailedScheduling" in line)
    return seconds, peak, failed


def _ours(argv: list[str], env: dict[str, str]) -> tuple[dict, int]:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, env=env, cwd=ROOT)
    output = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the explorer's side failed")
    figures = orjson.loads(output.strip().splitlines()[-1])
    figures["wall_s"] = time.perf_counter() - start
    return figures, usage.ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--pods-per-node", type=int, default=33)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sample", type=int, default=10, help="pod pages timed one by one")
    parser.add_argument("--evaluate", metavar="KUBECONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.evaluate:
        evaluate_pending(args.evaluate, args.sample)
        return

    started = time.perf_counter()
    server, url = serve_demo(args.nodes, args.pods_per_node)
    try:
        wait_for(url, timeout=3600)
        print(f"API server up in {time.perf_counter() - started:.0f} s", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "KUBECONFIG": kubeconfig_for(url, tmp)}
            ours_argv = [PYTHON, __file__, "--evaluate", env["KUBECONFIG"],
                         "--sample", str(args.sample)]  # fmt: skip
            peer, ours = [], []
            for _ in range(args.repeat):
                peer.append(_describe(env, os.path.join(tmp, "describe.txt")))
                print(f"kubectl: {peer[-1][0]:.1f} s", flush=True)
                ours.append(_ours(ours_argv, env))
                print(f"explorer: {orjson.dumps(ours[-1][0]).decode()}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=60)

    peer_s = statistics.median(s for s, _, _ in peer)
    peer_mb = max(m for _, m, _ in peer) / 2**20
    failed = peer[-1][2]
    figures = [f for f, _ in ours]
    ours_mb = max(m for _, m in ours) / 2**20
    evaluated = statistics.median(f["evaluated_s"] for f in figures)
    cold = statistics.median(f["listed_s"] + f["evaluated_s"] for f in figures)
    last = figures[-1]
    print(f"demo: {last['nodes']} nodes, {last['pods']:,} pods, {last['pending']} pending")
    print(
        f"kubectl get pods -A --field-selector=status.phase=Pending + describe: {peer_s:7.2f} s, "
        f"peak {peer_mb:,.0f} MiB, {failed} FailedScheduling lines"
    )
    print(
        f"explorer why Pending, every pending pod (state held): {evaluated:7.2f} s "
        f"({evaluated / max(last['pending'], 1) * 1000:.0f} ms a pod); "
        f"{last['agree']} of {last.get('said', last['pending'])} messages equal the "
        "FailedScheduling event's (a gated pod or another scheduler's has none)"
    )
    print(f"explorer list + why Pending (cold process): {cold:7.2f} s, peak {ours_mb:,.0f} MiB")
    print(f"explorer pod page's cycle (own view), median of {args.sample}: "
          f"{last['page_median_s']:.2f} s")  # fmt: skip
    print(f"ratio evaluation/kubectl      : {evaluated / peer_s:6.2f}  (goal <= 1.0)")
    print(f"ratio list+evaluation/kubectl : {cold / peer_s:6.2f}")


if __name__ == "__main__":
    main()
