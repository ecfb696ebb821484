"""Benchmark: the scheduling history view model for a big demo — built, rebuilt, and following one
pod's change — against serialising its pods.

Builds the demo at N nodes x M pods in this process, then times (median of --repeat):
  - explorer: `history(state, {cluster})` cold (a fresh memo, as on subscribe: every pod sampled),
    warm (the memo kept: every pod object unchanged), and `update_history` after one pod changed
    (what the publisher calls on every change), and the model's size as the JSON a browser gets;
  - peer, on the same pods in the same run: `orjson.dumps` of the PodList (what any consumer of
    the state pays to ship the pods once).
Prints the figures and the ratios explorer/peer. Usage:
  python bench/scheduling_history.py [--nodes 5000] [--pods-per-node 30] [--repeat 3]
"""

from __future__ import annotations

import copy
import gc
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _harness import arguments

from explorer.demo import build_demo
from explorer.viewmodels.workloads.scheduling_history import HistoryMemo, history, update_history


def median_seconds(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    args = arguments(__doc__.split("\n")[0], nodes=5000, pods_per_node=30, repeat=3)
    start = time.perf_counter()
    state = build_demo(args.nodes, args.pods_per_node)
    gc.freeze()  # as the reflector leaves a listed state (explorer/lib/gc_pause.py)
    pods = list(state.list("Pod"))
    built = time.perf_counter() - start
    print(f"demo: {args.nodes} nodes, {len(pods):,} pods, built in {built:.1f} s")

    pod_list = {"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": pods}
    orjson_s, encoded = median_seconds(lambda: orjson.dumps(pod_list), args.repeat)
    print(f"peer orjson.dumps(PodList): {orjson_s:.3f} s, {len(encoded) / 1e6:.1f} MB")  # type: ignore[arg-type]

    params = {"cluster": "demo"}
    cold_s, model = median_seconds(lambda: history(state, params, HistoryMemo()), args.repeat)
    memo = HistoryMemo()
    history(state, params, memo)
    warm_s, model = median_seconds(lambda: history(state, params, memo), args.repeat)
    changed = copy.deepcopy(pods[len(pods) // 2])

    def one_change() -> object:
        changed["metadata"].setdefault("labels", {})["bench"] = str(time.perf_counter())
        change = state.upsert(copy.deepcopy(changed), "Pod")
        return update_history(state, params, memo, [change])

    update_s, model = median_seconds(one_change, max(5, args.repeat))
    body = orjson.dumps(model)
    print(
        f"history: cold {cold_s:.3f} s, warm {warm_s:.3f} s, update {update_s * 1000:.1f} ms, "
        f"{len(model['points']):,} points, {len(body):,} bytes ({len(body) / 1024:.0f} KiB)"  # type: ignore[index]
    )
    print(
        f"  ratio cold/orjson {cold_s / orjson_s:.2f}, warm/orjson {warm_s / orjson_s:.2f}, "
        f"update/orjson {update_s / orjson_s:.4f}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MiB; Python {platform.python_version()}, {platform.machine()}")


if __name__ == "__main__":
    main()
