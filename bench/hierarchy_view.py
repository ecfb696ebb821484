"""Benchmark: the workload hierarchy view model for a big demo, against serialising its pods.

Builds the demo at N nodes x M pods in this process, then times (median of --repeat):
  - explorer: `hierarchy(state, {namespace: *, size: count|cpu})` cold (a fresh per-subscription
    memo, as on subscribe) and warm (the memo kept, as on a rebuild), `update_hierarchy` after
    one pod changed (what the publisher runs per change), and the model's size as the JSON a
    browser receives;
  - peers, on the same pods in the same run: `orjson.dumps` of the PodList (what any consumer
    of the state pays to ship the pods once) and the standard library's `json.dumps`.
Prints the figures and the ratios explorer/peer. Usage:
  python bench/hierarchy_view.py [--nodes 5000] [--pods-per-node 30] [--repeat 3]
"""

from __future__ import annotations

import copy
import gc
import json
import platform
import resource
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _harness import arguments, median_seconds

from explorer.demo import build_demo
from explorer.viewmodels.workloads.hierarchy import hierarchy, update_hierarchy
from explorer.viewmodels.workloads.hierarchy_index import HierarchyIndex


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
    json_s, _ = median_seconds(lambda: json.dumps(pod_list), max(1, args.repeat - 1))
    print(f"peer orjson.dumps(PodList): {orjson_s:.3f} s, {len(encoded) / 1e6:.1f} MB")  # type: ignore[arg-type]
    print(f"peer json.dumps(PodList):   {json_s:.3f} s")

    for size in ("count", "cpu"):
        params = {"cluster": "demo", "namespace": "*", "size": size}
        cold_s, model = median_seconds(
            lambda params=params: hierarchy(state, params, HierarchyIndex()), args.repeat
        )
        memo = HierarchyIndex()
        hierarchy(state, params, memo)
        warm_s, model = median_seconds(
            lambda params=params, memo=memo: hierarchy(state, params, memo), args.repeat
        )
        pod = next(p for p in state.list("Pod", "shop") if p["spec"].get("nodeName"))
        changed = copy.deepcopy(pod)
        changed["status"]["phase"] = "Failed" if size == "count" else "Pending"
        change = state.upsert(changed, "Pod")
        start = time.perf_counter()
        update_hierarchy(state, params, memo, [change])
        update_s = time.perf_counter() - start
        body = orjson.dumps(model)
        header = model["header"]  # type: ignore[index]
        print(
            f"hierarchy size={size}: cold {cold_s:.3f} s, warm {warm_s:.3f} s, "
            f"update {update_s * 1000:.1f} ms, "
            f"{header['counts']['sectors']:,} sectors at level {header['detail']!r}, "
            f"{len(body):,} bytes ({len(body) / 1024:.0f} KiB)"
        )
        print(
            f"  ratio cold/orjson {cold_s / orjson_s:.2f}, warm/orjson {warm_s / orjson_s:.2f}, "
            f"cold/json {cold_s / json_s:.2f}; goals 3 s / 0.3 s: "
            f"{cold_s / 3:.2f} / {update_s / 0.3:.2f}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MiB; Python {platform.python_version()}, {platform.machine()}")


if __name__ == "__main__":
    main()
