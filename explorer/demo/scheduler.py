"""Why a pod does not fit: kube-scheduler's filter verdicts per node and its FailedScheduling
message, word for word (reason histogram sorted as strings, then the preemption verdicts)."""

from __future__ import annotations

from collections import Counter

from explorer.lib.objects import status_of
from explorer.lib.quantities import cpu_millicores, memory_bytes

from .pods import pod_requests
from .workloads import tolerates

NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"


def _allocatable(node: dict) -> dict[str, int]:
    out = {}
    for res, value in (node["status"].get("allocatable") or {}).items():
        out[res] = cpu_millicores(value) if res == "cpu" else memory_bytes(value)
    return out


def filter_reasons(pod: dict, node: dict, pods_on_node: list[dict]) -> tuple[list[str], bool]:
    """(reasons, resolvable): the first failing filter's reasons, and whether evicting
    lower-priority pods could ever help."""
    spec = pod["spec"]
    for taint in node["spec"].get("taints") or ():
        if taint["effect"] in ("NoSchedule", "NoExecute") and not tolerates(
            spec.get("tolerations"), taint
        ):
            return [
                f"node(s) had untolerated taint {{{taint['key']}: {taint.get('value', '')}}}"
            ], False
    labels = node["metadata"].get("labels") or {}
    if any(labels.get(k) != v for k, v in (spec.get("nodeSelector") or {}).items()):
        return ["node(s) didn't match Pod's node affinity/selector"], False
    wanted = pod_requests(spec)
    free = _allocatable(node)
    for other in pods_on_node:
        if status_of(other).get("phase") in ("Succeeded", "Failed"):
            continue
        for res, value in pod_requests(other["spec"]).items():
            free[res] = free.get(res, 0) - value
    short = sorted(res for res, value in wanted.items() if value > free.get(res, 0))
    return [f"Insufficient {res}" for res in short], True


def _histogram(reasons: Counter) -> str:
    return ", ".join(sorted(f"{count} {reason}" for reason, count in reasons.items()))


def failed_scheduling_message(
    pod: dict, nodes: list[dict], pods_by_node: dict[str, list[dict]]
) -> str | None:
    """The scheduler's message, or None when some node fits."""
    reasons: Counter = Counter()
    preemption: Counter = Counter()
    for node in nodes:
        name = node["metadata"]["name"]
        found, resolvable = filter_reasons(pod, node, pods_by_node.get(name, []))
        if not found:
            return None
        reasons.update(found)
        if not resolvable:
            preemption[NOT_HELPFUL] += 1
        else:
            # Nothing below the pod's priority can be evicted here, or the node is too small.
            preemption[NO_VICTIMS] += 1
    total = len(nodes)
    return (
        f"0/{total} nodes are available: {_histogram(reasons)}. "
        f"preemption: 0/{total} nodes are available: {_histogram(preemption)}."
    )
