"""A pod's state as `kubectl get pods` words it, read from the pod once: its phase, the state
word the pages colour by, the waiting or terminated reason kubectl would show, and its ready,
containers and restarts counts. Kept in each pod's record (explorer/state/records.py) and read
by the pages that draw pods (explorer/viewmodels/pod_summary.py)."""

from __future__ import annotations

from typing import NamedTuple

from .json_shape import items, mapping

RUNNING, PENDING, SUCCEEDED, FAILED, UNKNOWN = (
    "Running",
    "Pending",
    "Succeeded",
    "Failed",
    "Unknown",
)
NOT_READY = "Running, not ready"
TERMINATING = "Terminating"
STATES = (FAILED, TERMINATING, NOT_READY, PENDING, UNKNOWN, RUNNING, SUCCEEDED)  # worst first


class Glance(NamedTuple):
    phase: str  # status.phase, UNKNOWN when it says none
    state: str  # one of STATES
    reason: str
    ready: int
    containers: int
    restarts: int


def glance(pod: dict) -> Glance:
    meta, spec, status = (mapping(pod.get(part)) for part in ("metadata", "spec", "status"))
    statuses = [s for s in items(status.get("containerStatuses")) if s.__class__ is dict]
    init_statuses = [s for s in items(status.get("initContainerStatuses")) if s.__class__ is dict]
    phase = status.get("phase") or UNKNOWN
    ready = restarts = 0
    for container in statuses:
        if container.get("ready"):
            ready += 1
        restarts += _count(container.get("restartCount"))
    for container in init_statuses:
        restarts += _count(container.get("restartCount"))
    containers = len(items(spec.get("containers"))) or len(statuses)
    return Glance(
        phase=phase,
        state=state_of(phase, bool(meta.get("deletionTimestamp")), ready, containers),
        reason=_reason(statuses) or _reason(init_statuses) or str(status.get("reason") or ""),
        ready=ready,
        containers=containers,
        restarts=restarts,
    )


def state_of(phase: str, deleting: bool, ready: int, containers: int) -> str:
    if deleting and phase not in (SUCCEEDED, FAILED):
        return TERMINATING
    if phase == RUNNING and ready < containers:
        return NOT_READY
    return phase if phase in STATES else UNKNOWN


def _count(value: object) -> int:
    return value if value.__class__ is int else 0


def _reason(statuses: list[dict]) -> str:
    for container in statuses:
        for key in ("waiting", "terminated"):
            reason = mapping(mapping(container.get("state")).get(key)).get("reason")
            if reason and reason != "Completed":
                return str(reason)
    return ""
