"""Readiness flips: a steady, traceable stream of pod changes for latency benchmarks.

Each step takes the next node in turn and flips the readiness of one running pod on it (its first
container goes not ready, or ready again: what a kubelet writes when a readiness probe starts or
stops failing), stamping the pod with the time the change is applied in the annotation APPLIED_AT.
Visiting the nodes in turn means a node's pods change once per round (nodes / rate seconds), so a
view that shows only nodes still says which change it carries: the node's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from explorer.lib.objects import status_of
from explorer.state.cluster_state import ClusterState

from .pods import copy

APPLIED_AT = "bench.explorer/applied-at"  # seconds since the epoch, as a decimal string
Key = tuple[str, str]


class ReadinessFlips:
    def __init__(self, state: ClusterState) -> None:
        self.state = state
        self.targets: list[Key] = []
        for node in sorted(n["metadata"]["name"] for n in state.list("Node", "")):
            pod = next((p for p in state.pods_on_node(node) if _flippable(p)), None)
            if pod is not None:
                self.targets.append((pod["metadata"]["namespace"], pod["metadata"]["name"]))
        if not self.targets:
            raise ValueError("no running pod on any node to flip")
        self.count = 0

    def step(self, now: float | None = None) -> dict:
        """The next change, as a MODIFIED watch event; the caller applies it at once."""
        namespace, name = self.targets[self.count % len(self.targets)]
        self.count += 1
        pod = copy(self.state.get("Pod", namespace, name) or {})
        if not pod:
            raise LookupError(f"pod {namespace}/{name} is gone")
        now = time.time() if now is None else now
        flip_readiness(pod, datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        meta = pod["metadata"]
        meta.pop("resourceVersion", None)
        meta["annotations"] = {**(meta.get("annotations") or {}), APPLIED_AT: f"{now:.6f}"}
        return {"type": "MODIFIED", "object": pod}


def flip_at_rate(
    apply: Callable[[dict], object], flips: ReadinessFlips, rate: float, stop: threading.Event
) -> None:
    """Apply `rate` flips a second, evenly, until `stop` is set. A caller that falls behind by
    more than a second skips ahead rather than bursting."""
    start, done = time.monotonic(), 0
    while not stop.is_set():
        due = int((time.monotonic() - start) * rate) - done
        if due > rate:
            done += due - int(rate)
            due = int(rate)
        for _ in range(max(due, 0)):
            apply(flips.step())
        done += max(due, 0)
        stop.wait(1 / rate)


def _flippable(pod: dict) -> bool:
    status = status_of(pod)
    return status.get("phase") == "Running" and bool(status.get("containerStatuses"))


def flip_readiness(pod: dict, stamp: str) -> None:
    """The first container goes not ready, or ready again, as the kubelet writes it."""
    status = pod["status"]
    first = status["containerStatuses"][0]
    first["ready"] = not first.get("ready")
    unready = [s.get("name", "") for s in status["containerStatuses"] if not s.get("ready")]
    for condition in status.get("conditions") or ():
        if condition.get("type") in ("Ready", "ContainersReady"):
            condition["status"] = "False" if unready else "True"
            condition["lastTransitionTime"] = stamp
            condition.pop("reason", None)
            condition.pop("message", None)
            if unready:  # as the kubelet words it
                condition["reason"] = "ContainersNotReady"
                condition["message"] = f"containers with unready status: [{' '.join(unready)}]"
