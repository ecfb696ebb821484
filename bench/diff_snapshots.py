"""Benchmark: the diff of two 30,000-pod moments, against GNU diff of their sorted JSON dumps.

Builds the demo at N nodes x M pods in this process (A), copies it through a real bundle (B, what
`snapshot take` keeps) and makes B five minutes later: a rollout of shop/api, one pod in a hundred
restarted (its restart count and container state), every node's Lease renewed and heartbeat
taken, and the facts of the nodes that have them collected again. Then times, in the same run:
  - explorer: `diff_states(a, b)` — warm (the node facts parsed at ingest, as the store does) and
    cold (the parse of both moments' rules and cgroups counted in) — and `diff_as_json`;
  - peer: the two states dumped as sorted, indented JSON (`orjson`, what `kubectl get -o json`
    prints) to files and `diff -u` of the two files (GNU diffutils), each timed apart.
With --touch-all every object of B also gets a new resourceVersion (the worst case: no object is
held unchanged, every one is compared field by field). Prints the figures and the ratio
explorer/peer. Usage:
  python bench/diff_snapshots.py [--nodes 1000] [--pods-per-node 30] [--repeat 3] [--touch-all 0]
"""

from __future__ import annotations

import gc
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _harness import arguments, median_seconds

from explorer.demo import build_demo
from explorer.demo.facts import node_facts
from explorer.demo.pods import copy
from explorer.snapshots.diff import diff_as_json, diff_states
from explorer.state.cluster_state import ClusterState
from explorer.state.parsed_facts import PARSED_FACTS
from explorer.state.state_dump import dump_state
from tests.snapshots.known_changes import roll_out, snapshot

LATER = "2025-06-02T09:05:00Z"


def five_minutes_later(a: ClusterState, touch_all: bool) -> ClusterState:
    b = snapshot(a)
    roll_out(b, "shop", "api", "api", "registry.example/api:2.0")
    for index, pod in enumerate(sorted(b.list("Pod"), key=lambda p: p["metadata"]["uid"])):
        statuses = pod.get("status", {}).get("containerStatuses") or []
        if index % 100 == 0 and statuses:
            pod = copy(pod)
            status = pod["status"]["containerStatuses"][0]
            status["restartCount"] = status.get("restartCount", 0) + 1
            status["lastState"] = {"terminated": {"exitCode": 137, "reason": "OOMKilled"}}
            b.upsert(pod)
    for kind in ("Lease", "Node"):
        for obj in list(b.list(kind)):
            obj = copy(obj)
            if kind == "Lease" and "renewTime" in (obj.get("spec") or {}):
                obj["spec"]["renewTime"] = "2025-06-02T09:05:00.000000Z"
            for condition in (obj.get("status") or {}).get("conditions") or ():
                condition["lastHeartbeatTime"] = LATER
            b.upsert(obj)
    if touch_all:
        for kind in b.kinds():
            for obj in list(b.list(kind)):
                obj = copy(obj)
                obj["metadata"]["resourceVersion"] = str(
                    int(obj["metadata"].get("resourceVersion") or 0) + 7
                )
                b.upsert(obj)
    for node, facts in node_facts(b, list(a.node_facts)).items():
        b.set_node_facts(node, facts)
    return b


def peer(a: ClusterState, b: ClusterState, scratch: Path) -> tuple[float, float, int, int]:
    """Seconds to dump both states as sorted JSON files, seconds of `diff -u`, the files' size,
    the diff's lines."""
    options = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2
    start = time.perf_counter()
    for name, state in (("a.json", a), ("b.json", b)):
        (scratch / name).write_bytes(orjson.dumps(dump_state(state), option=options))
    dumped = time.perf_counter() - start
    start = time.perf_counter()
    result = subprocess.run(
        ["diff", "-u", str(scratch / "a.json"), str(scratch / "b.json")],
        capture_output=True,
        check=False,
    )
    diffed = time.perf_counter() - start
    size = (scratch / "a.json").stat().st_size
    return dumped, diffed, size, result.stdout.count(b"\n")


def main() -> None:
    args = arguments(__doc__.split("\n")[0], nodes=1000, pods_per_node=30, repeat=3, touch_all=0)
    if shutil.which("diff") is None:
        raise SystemExit("GNU diff (diffutils) is needed for the peer")
    start = time.perf_counter()
    a = build_demo(args.nodes, args.pods_per_node)
    b = five_minutes_later(a, bool(args.touch_all))
    gc.freeze()  # as the reflector leaves a listed state (explorer/lib/gc_pause.py)
    print(
        f"demo: {args.nodes} nodes, {a.count('Pod'):,} pods, {len(a):,} objects, "
        f"{len(a.node_facts)} nodes with facts; A and B made in {time.perf_counter() - start:.1f} s"
    )

    PARSED_FACTS.clear()
    start = time.perf_counter()
    diff = diff_states(a, b)
    cold = time.perf_counter() - start
    warm, diff = median_seconds(lambda: diff_states(a, b), args.repeat)
    as_json, form = median_seconds(lambda: orjson.dumps(diff_as_json(diff)), args.repeat)
    counts = {key: len(diff[key]) for key in ("added", "removed", "changed", "nodes")}
    print(f"explorer diff_states: warm {warm:.3f} s, cold (rules parsed) {cold:.3f} s; {counts}")
    print(f"explorer diff_as_json: {as_json:.3f} s, {len(form) / 1e3:.0f} kB")  # type: ignore[arg-type]

    with tempfile.TemporaryDirectory() as scratch:
        runs = [peer(a, b, Path(scratch)) for _ in range(args.repeat)]
    dumped = statistics.median(r[0] for r in runs)
    diffed = statistics.median(r[1] for r in runs)
    size, lines = runs[0][2], runs[0][3]
    print(
        f"peer: sorted JSON dumps {dumped:.3f} s ({size / 1e6:.0f} MB each), "
        f"diff -u {diffed:.3f} s ({lines:,} lines of output); total {dumped + diffed:.3f} s"
    )
    print(
        f"ratio explorer/peer: warm {warm / (dumped + diffed):.3f} "
        f"(vs diff -u alone {warm / diffed:.2f}); cold {cold / (dumped + diffed):.3f}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"peak RSS {peak:.1f} GiB; Python {platform.python_version()}, {platform.machine()}")


if __name__ == "__main__":
    main()
