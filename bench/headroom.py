"""Benchmark: the headroom view over a big demo, against `kubectl describe nodes`.

Serves the demo of N nodes x M pods through the project's API server (its own process), lists it
into a ClusterState in this process exactly as the app's watcher does (so every object carries
the resourceVersion the server gave it), then times (median of --repeat):
  - explorer: the `headroom` view model (explorer/viewmodels/workloads/headroom.py) — cold (the
    process's per-pod cache of counted requests emptied: every pod counted), warm (a new
    subscription, the per-pod cache kept, as for a second tab) and an update after one pod
    changed (the memo kept, as the publisher does on each change) — and the `headroom-fit`
    question, built and after that change, and the model's size as the JSON a browser receives;
  - peer, against the same server and state: `kubectl describe nodes`, the kubectl command that
    shows each node's allocated resources (it gets every node, then lists the pods on each node
    and the node's events). At more than --sample nodes the peer describes --sample nodes spread
    over the cluster and its time is scaled to all N (the output says so): the project's API
    server answers each per-node pod list by scanning every pod, where kube-apiserver's watch
    cache has an index on spec.nodeName, so a full run at 5,000 nodes would take hours here.
    No peak memory for the peer: a child forked from this multi-GiB process reports the
    parent's pages as its own.
Prints the figures and the ratios explorer/peer. Usage:
  python bench/headroom.py [--nodes 5000] [--pods-per-node 33] [--sample 40] [--repeat 3]
"""

from __future__ import annotations

import copy
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time

import orjson
from _harness import (
    KUBECTL,
    MANAGE,
    PYTHON,
    ROOT,
    arguments,
    free_port,
    kubeconfig_for,
    machine,
    median_seconds,
    timed,
    wait_for,
)

from explorer.collectors.scheduling import resources
from explorer.kube.cluster_watcher import ClusterWatcher
from explorer.kube.config import load_kubeconfig
from explorer.state.cluster_state import Change
from explorer.state.store import ClusterStates
from explorer.viewmodels.workloads.headroom import HeadroomMemo, headroom, update_headroom
from explorer.viewmodels.workloads.headroom_fit import FitMemo, headroom_fit, update_fit

FIT = {"cpu": "2", "memory": "4Gi", "extended": "-", "selector": "-", "tolerate": "-"}


def listed(kubeconfig: str) -> tuple[ClusterStates, str, float]:
    """The served cluster listed into a ClusterState as the app's watcher lists it."""
    start = time.perf_counter()
    cluster = load_kubeconfig(kubeconfig).connect()
    states = ClusterStates([cluster.name])
    watcher = ClusterWatcher(cluster.api_client, cluster.name, states).start()
    if not watcher.wait_synced(timeout=1800):
        raise SystemExit("the watcher did not sync within 1800s")
    watcher.stop(timeout=1)
    gc.freeze()  # as the reflector leaves a listed state (explorer/lib/gc_pause.py)
    return states, cluster.name, time.perf_counter() - start


def cold(state, params) -> dict:
    with resources._cache_lock:
        resources._cache.clear()
    return headroom(state, params, HeadroomMemo())


def one_pod_changed(state) -> tuple[Change, dict]:
    """A bound pod whose requests grew, as the watcher would apply it (a new resourceVersion)."""
    pod = next(p for p in state.list("Pod", "shop") if p["spec"].get("nodeName"))
    changed = copy.deepcopy(pod)
    changed["metadata"]["resourceVersion"] = str(int(pod["metadata"]["resourceVersion"]) + 10**9)
    changed["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "3", "memory": "1Gi"}}
    meta = changed["metadata"]
    return Change("MODIFIED", "Pod", meta["namespace"], meta["name"], changed, pod), changed


def explorer_side(states: ClusterStates, name: str, repeat: int) -> dict[str, float | int]:
    params = {"cluster": name}
    figures: dict[str, float | int] = {}
    with states.read(name) as state:
        figures["pods"] = state.count("Pod")
        figures["cold"], model = median_seconds(lambda: cold(state, params), repeat)
        figures["warm"], _ = median_seconds(lambda: headroom(state, params, HeadroomMemo()), repeat)
        memo = HeadroomMemo()
        headroom(state, params, memo)
        asked = {**params, **FIT}
        figures["fit"], fit = median_seconds(lambda: headroom_fit(state, asked), repeat)
        fit_memo = FitMemo()
        headroom_fit(state, asked, fit_memo)
        change, changed = one_pod_changed(state)
        state.apply({"type": "MODIFIED", "object": changed}, "Pod")
        figures["update"], _ = median_seconds(
            lambda: update_headroom(state, params, memo, [change]), repeat
        )
        figures["fit_update"], _ = median_seconds(
            lambda: update_fit(state, asked, fit_memo, [change]), repeat
        )
        figures["model_kib"] = len(orjson.dumps(model)) / 1024
        figures["rows"] = len(model["order"])  # type: ignore[index]
        figures["fits"] = fit["fits"]  # type: ignore[index]
        nodes = sorted(n["metadata"]["name"] for n in state.list("Node"))
    figures["nodes"] = len(nodes)
    return figures, nodes  # type: ignore[return-value]


def peer_side(nodes: list[str], sample: int, env: dict[str, str], repeat: int) -> dict[str, float]:
    """`kubectl describe nodes` (every node), or --sample of them scaled to every node."""
    if len(nodes) <= sample:
        argv, described = [KUBECTL, "describe", "nodes"], len(nodes)
    else:
        step = len(nodes) / sample
        picked = [nodes[int(i * step)] for i in range(sample)]
        argv, described = [KUBECTL, "describe", "nodes", *picked], sample
    runs = [timed(argv, env) for _ in range(repeat)]
    seconds = statistics.median(t for t, _ in runs)
    return {
        "described": described,
        "seconds": seconds,
        "all_nodes": seconds * len(nodes) / described,
    }


def main() -> None:
    args = arguments(__doc__.split("\n")[0], nodes=5000, pods_per_node=33, sample=40, repeat=3)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [PYTHON, MANAGE, "apiserver", "--demo", "--port", str(port)]
    argv += ["--nodes", str(args.nodes), "--pods-per-node", str(args.pods_per_node)]
    server = subprocess.Popen([*argv, "--churn-interval", "0"], cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        started = time.perf_counter()
        wait_for(url, timeout=1800)
        print(f"API server up in {time.perf_counter() - started:.0f} s")
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "KUBECONFIG": kubeconfig_for(url, tmp)}
            states, name, seconds = listed(env["KUBECONFIG"])
            print(f"listed into a ClusterState in {seconds:.1f} s")
            ours, nodes = explorer_side(states, name, args.repeat)
            peer = peer_side(nodes, args.sample, env, max(1, args.repeat - 2))
    finally:
        server.terminate()
        server.wait(timeout=60)

    print(f"machine: {machine()}, Python {sys.version.split()[0]}")
    print(f"demo: {ours['nodes']:,} nodes, {ours['pods']:,} pods")
    print(
        f"explorer headroom: cold {ours['cold']:.2f} s, warm {ours['warm']:.2f} s, "
        f"update after one pod change {ours['update'] * 1000:.0f} ms; "
        f"{ours['rows']} rows, model {ours['model_kib']:.0f} KiB"
    )
    print(
        f"explorer headroom-fit (cpu 2, memory 4Gi): {ours['fit']:.2f} s, "
        f"update after one pod change {ours['fit_update'] * 1000:.0f} ms; fits {ours['fits']}"
    )
    scaled = "" if peer["described"] == ours["nodes"] else " (scaled to every node)"
    print(
        f"peer kubectl describe nodes: {peer['described']} nodes in {peer['seconds']:.2f} s; "
        f"every node: {peer['all_nodes']:.1f} s{scaled}"
    )
    full = peer["all_nodes"]
    print(
        f"ratio explorer/peer: cold {ours['cold'] / full:.4f}, warm {ours['warm'] / full:.4f}, "
        f"update {ours['update'] / full:.5f}"
    )


if __name__ == "__main__":
    main()
