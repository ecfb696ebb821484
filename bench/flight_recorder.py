"""Benchmark: the flight recorder's cost — disk a hour and extra memory at 200 pod changes a
second — and the time to rebuild a moment at 30,000 pods, each against a peer in the same run.

The demo at --nodes x --pods-per-node (default 1,000 x 30: 32,958 pods of ~4.4 KB) is listed
into a recording store (explorer/state/store.py with a change log on disk, checkpoints every
--checkpoint-minutes), then --minutes of pod changes at --rate a second are applied through
`ClusterStates.event` as a watcher would, on a pinned clock (the run takes what it takes; the
changes are stamped --rate a second): a pod's status moving (Ready flipping, a restart), a pod
deleted, a pod added. Measured:
  - disk: the recorder's files (segments + checkpoints) a hour, against the same changes kept
    as etcd keeps them, a whole object a change (the peer: their JSON, as a line each);
  - extra memory: what a process holds (Python's allocations, traced) once it has listed the
    demo and applied --memory-changes of the same changes (the writer kept up, as at --rate it
    does), with the recorder, against the same without it (the peer: the store's own memory);
  - rebuild: `recorded_moments.state_at` of a moment just after a checkpoint and of one just
    before the next (a whole interval replayed), against `snapshots/bundle.py` `read_bundle` of
    a bundle of the same state.
Usage: python bench/flight_recorder.py [--nodes 1000] [--pods-per-node 30] [--minutes 10]
"""

from __future__ import annotations

import gc
import os
import random
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

import orjson
from _harness import PYTHON, ROOT, arguments

from explorer.demo import build_demo
from explorer.lib.choices import LISTING, WATCHING
from explorer.snapshots.bundle import read_bundle, write_bundle
from explorer.state.change_log import Retention
from explorer.state.recorded_moments import rebuild
from explorer.state.recorder_files import checkpoints, directory_for, segments
from explorer.state.state_dump import dump_state
from explorer.state.store import ClusterStates

CLUSTER = "demo"
T0 = 1_900_000_000.0
MB = 1024 * 1024


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


class PodChanges:
    """A seeded stream of pod watch events over the demo's pods: 70% a status update (Ready
    flips, a container restarts), 15% a pod deleted, 15% a pod added (a deleted one's spec under
    a new name)."""

    def __init__(self, pods: list[dict], seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.pods = [orjson.loads(orjson.dumps(pod)) for pod in pods]
        self.rv = 10_000_000
        self.made = 0

    def next(self) -> dict:
        """The next event, its object the store's own (as a watcher parses each afresh)."""
        event = self._next()
        return {"type": event["type"], "object": orjson.loads(orjson.dumps(event["object"]))}

    def _next(self) -> dict:
        self.rv += 1
        roll = self.rng.random()
        index = self.rng.randrange(len(self.pods))
        if roll < 0.15 and len(self.pods) > 1:
            gone = self.pods[index]
            self.pods[index] = self.pods[-1]
            self.pods.pop()
            return {"type": "DELETED", "object": _stamped(gone, self.rv)}
        pod = orjson.loads(orjson.dumps(self.pods[index]))
        if roll < 0.30:
            self.made += 1
            meta = pod["metadata"]
            meta["name"] = f"{meta['name'][:40]}-r{self.made}"
            meta["uid"] = f"bench-{self.made:08d}-0000-0000-000000000000"
            pod.setdefault("status", {})["phase"] = "Pending"
            self.pods.append(pod)
            return {"type": "ADDED", "object": _stamped(pod, self.rv)}
        status = pod.setdefault("status", {})
        for condition in status.get("conditions") or []:
            if condition.get("type") == "Ready":
                condition["status"] = "False" if condition.get("status") == "True" else "True"
                condition["lastTransitionTime"] = f"2030-01-01T00:{self.rv % 60:02d}:00Z"
        for container in (status.get("containerStatuses") or [])[:1]:
            container["restartCount"] = int(container.get("restartCount") or 0) + 1
        self.pods[index] = pod
        return {"type": "MODIFIED", "object": _stamped(pod, self.rv)}


def _stamped(pod: dict, rv: int) -> dict:
    pod["metadata"]["resourceVersion"] = str(rv)
    return pod


def listed(states: ClusterStates, state) -> None:
    """The watcher's first lists: every kind reported listing, then each listed."""
    kinds = sorted(state.kinds())
    for kind in kinds:
        states.status(CLUSTER, kind, LISTING)
    for kind in kinds:
        objects = orjson.loads(orjson.dumps(list(state.list(kind))))
        states.replace(CLUSTER, kind, objects, "1")
        states.status(CLUSTER, kind, WATCHING)


def record(args, root: Path) -> dict:
    """The recording run: the demo listed, then --minutes of changes; what it wrote, and the
    moments to rebuild."""
    demo = build_demo(nodes=args.nodes, pods_per_node=args.pods_per_node, cluster=CLUSTER)
    changes = PodChanges(list(demo.list("Pod")))
    clock = Clock()
    interval = args.checkpoint_minutes * 60
    states = ClusterStates(
        [CLUSTER], Retention(directory=root, clock=clock, checkpoint_seconds=interval)
    )
    listed(states, demo)
    del demo
    count = args.minutes * 60 * args.rate
    peer_bytes = 0
    applied = 0.0
    for number in range(count):
        clock.now += 1 / args.rate
        event = changes.next()
        peer_bytes += len(orjson.dumps(event["object"])) + 1
        started = time.perf_counter()
        states.event(CLUSTER, "Pod", event)
        applied += time.perf_counter() - started
        if number == count - args.rate:  # a second before the next checkpoint is due
            before_next = clock.now + 0.5 / args.rate
            with states.read(CLUSTER) as state:
                at_end = as_json(state)
                pods = state.count("Pod")
    started = time.perf_counter()
    states.close()  # what the writer still had to write
    applied += time.perf_counter() - started
    after_checkpoint = T0 + 1
    return {
        "changes": count,
        "applied": applied,
        "peer_bytes": peer_bytes,
        "after_checkpoint": after_checkpoint,
        "before_next": before_next,
        "at_end": at_end,
        "pods": pods,
    }


def memory(args, with_recorder: bool) -> int:
    """The bytes a fresh process holds (Python's allocations, traced) once it has listed the
    demo and applied --memory-changes, with or without the recorder."""
    argv = [PYTHON, __file__, "--memory-run", str(int(with_recorder))]
    argv += ["--nodes", str(args.nodes), "--pods-per-node", str(args.pods_per_node)]
    argv += ["--memory-changes", str(args.memory_changes), "--rate", str(args.rate)]
    out = subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return int(out.split()[-1])


def memory_run(args) -> None:
    demo = build_demo(nodes=args.nodes, pods_per_node=args.pods_per_node, cluster=CLUSTER)
    changes = PodChanges(list(demo.list("Pod")))
    with tempfile.TemporaryDirectory() as scratch:
        retention = Retention(directory=Path(scratch)) if args.memory_run else None
        tracemalloc.start()
        states = ClusterStates([CLUSTER], retention)
        listed(states, demo)
        del demo
        gc.collect()
        for number in range(args.memory_changes):
            states.event(CLUSTER, "Pod", changes.next())
            if number % args.rate == 0 and retention is not None:
                with states.read(CLUSTER) as state:
                    log = state.change_log
                log.flush()  # a second's changes: at this rate the writer keeps up
        del changes
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        states.close()
        print(held)


def as_json(state) -> bytes:
    return orjson.dumps(dump_state(state), option=orjson.OPT_SORT_KEYS)


def timed(function, *arguments) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*arguments)
    return time.perf_counter() - started, result


def main() -> None:
    args = arguments(
        __doc__.splitlines()[0],
        nodes=1000,
        pods_per_node=30,
        rate=200,
        minutes=10,
        checkpoint_minutes=10,
        memory_changes=12_000,  # past the 10,000 changes the log holds in memory
        memory_run=-1,
    )
    if args.memory_run >= 0:
        memory_run(args)
        return
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "changes"
        run = record(args, root)
        directory = directory_for(root, CLUSTER)
        segment_bytes = sum(path.stat().st_size for _, path in segments(directory))
        kept = checkpoints(directory)
        checkpoint_bytes = max(c.path.stat().st_size for c in kept)
        hours = args.minutes / 60
        per_hour = segment_bytes / hours + checkpoint_bytes * 60 / args.checkpoint_minutes
        peer_per_hour = run["peer_bytes"] / hours

        best, _ = timed(rebuild, root, CLUSTER, run["after_checkpoint"])
        worst, rebuilt = timed(rebuild, root, CLUSTER, run["before_next"])
        assert as_json(rebuilt.state) == run["at_end"], "the moment rebuilt is not the one held"
        bundle = Path(scratch) / "same.cxb.zst"
        write_bundle(rebuilt.state, bundle)
        del rebuilt
        peer_load, _ = timed(read_bundle, bundle)

    with_rss, without_rss = memory(args, True), memory(args, False)

    print(f"machine: {os.cpu_count()} CPU, load {os.getloadavg()[0]:.1f}; {run['pods']} pods")
    print(
        f"recording: {run['changes']} changes stamped {args.rate}/s over {args.minutes} min, "
        f"applied in {run['applied']:.1f} s ({run['changes'] / run['applied']:.0f}/s)"
    )
    segments_per_hour = segment_bytes / hours / MB
    print(
        f"disk a hour: recorder {per_hour / MB:,.0f} MiB (segments {segments_per_hour:,.0f}"
        f" + checkpoints {checkpoint_bytes / MB:,.1f} MiB x {60 // args.checkpoint_minutes}) "
        f"vs whole objects a change {peer_per_hour / MB:,.0f} MiB: ratio "
        f"{per_hour / peer_per_hour:.3f}"
    )
    print(
        f"memory held after {args.memory_changes} changes (traced): with the recorder "
        f"{with_rss / MB:,.0f} MiB, without (the store alone) {without_rss / MB:,.0f} MiB: "
        f"extra {(with_rss - without_rss) / MB:,.0f} MiB, ratio {with_rss / without_rss:.2f}"
    )
    print(
        f"rebuild a moment: just after a checkpoint {best:.2f} s, a whole interval replayed "
        f"({args.checkpoint_minutes} min) {worst:.2f} s; read_bundle of the same state "
        f"{peer_load:.2f} s: ratios {best / peer_load:.2f} and {worst / peer_load:.2f}"
    )


if __name__ == "__main__":
    main()
