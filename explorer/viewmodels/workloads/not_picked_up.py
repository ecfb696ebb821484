"""Pods no scheduler picks up, in words: a pod with `schedulingGates` is not even tried until
every gate is removed (the PodScheduled condition says SchedulingGated), and a pod naming a
`schedulerName` nobody runs waits for ever — the default scheduler leaves pods of other names
alone, and no FailedScheduling event ever comes. A scheduler is taken to run when a Lease
(its leader election) or a pod is named after it.

Every string is plain text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from explorer.lib.objects import condition, name_of, namespaced_name, spec_of, status_of
from explorer.lib.timestamps import utc_second
from explorer.state.cluster_state import ClusterState
from explorer.state.records import records

DEFAULT_SCHEDULER = "default-scheduler"
GATED = "SchedulingGated"


class Stuck(TypedDict):
    concern: str  # gated, scheduler, image, network, mount, multi-attach
    headline: str  # what it means, in words
    said: str  # the cluster's own words (an event's or a condition's), "" when none
    reason: str  # the event's or the condition's reason
    count: int | None  # how many times the event was said; None for a condition or a spec field
    last_seen: str


def waiting_for_a_node(pod: Mapping) -> bool:
    return not spec_of(pod).get("nodeName") and status_of(pod).get("phase", "Pending") == "Pending"


def gated(pod: Mapping) -> Stuck | None:
    gates = [
        str(g.get("name") or "?")
        for g in spec_of(pod).get("schedulingGates") or ()
        if isinstance(g, Mapping)
    ]
    if not gates or not waiting_for_a_node(pod):
        return None
    said = condition(pod, "PodScheduled") or {}
    plural = "s" if len(gates) != 1 else ""
    return {
        "concern": "gated",
        "headline": (
            f"It is gated: the scheduler does not try it until its scheduling gate{plural} "
            f"{', '.join(gates)} {'are' if plural else 'is'} removed (by whoever added "
            f"{'them' if plural else 'it'})."
        ),
        "said": str(said.get("message") or ""),
        "reason": str(said.get("reason") or GATED),
        "count": None,
        "last_seen": utc_second(str(said.get("lastTransitionTime") or "")),
    }


def scheduler_seen(state: ClusterState, scheduler: str) -> str:
    """What shows a scheduler of that name runs (a Lease or a pod named after it), "" if none."""
    for lease in state.list("Lease"):
        if name_of(lease) == scheduler:
            return f"Lease {namespaced_name(lease)}"
    for pod in records(state, "Pod"):  # by their records: none unpacked
        name = pod.name
        if (
            name == scheduler
            or name.startswith(scheduler + "-")
            or (pod.node and scheduler in pod.labels.values())
        ):
            return f"pod {pod.namespace}/{name}" if pod.namespace else f"pod {name}"
    return ""


def unknown_scheduler(
    state: ClusterState, pod: Mapping, has_scheduler_events: bool
) -> Stuck | None:
    scheduler = str(spec_of(pod).get("schedulerName") or DEFAULT_SCHEDULER)
    if scheduler == DEFAULT_SCHEDULER or not waiting_for_a_node(pod) or has_scheduler_events:
        return None
    if spec_of(pod).get("schedulingGates"):
        return None
    seen = scheduler_seen(state, scheduler)
    if seen:
        headline = (
            f"It asks for the scheduler {scheduler} (spec.schedulerName), which seems to run "
            f"({seen}), but that scheduler has not placed it nor said why: look at its logs."
        )
    else:
        headline = (
            f"No scheduler picks it up: it asks for the scheduler {scheduler} "
            f"(spec.schedulerName), and no pod or Lease of that name is in the cluster. The "
            f"default scheduler ({DEFAULT_SCHEDULER}) leaves pods of other names alone."
        )
    return {
        "concern": "scheduler",
        "headline": headline,
        "said": "",
        "reason": "",
        "count": None,
        "last_seen": "",
    }


def not_picked_up(state: ClusterState, pod: Mapping, events: list[dict]) -> list[Stuck]:
    """Why no scheduler tries the pod, if that is so."""
    said = any(e.get("reason") in ("FailedScheduling", "Scheduled") for e in events)
    return [s for s in (gated(pod), unknown_scheduler(state, pod, said)) if s is not None]
