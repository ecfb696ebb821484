"""What the workload views read off a pod: its top controller, its middle owner (ReplicaSet or
Job), its containers with their state and requests, and the summary shared with the overview.

`pod_facts` reads a whole pod: the workload hierarchy (explorer/viewmodels/workloads/
hierarchy_index.py) reads it only for the pods it draws one by one, and the pods' records
(explorer/state/records.py) for every other.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.lib.objects import (
    containers_and_statuses,
    controlling_reference,
    meta_of,
)
from explorer.lib.quantities import QuantityError, cpu_millicores, memory_bytes
from explorer.state.cluster_state import ClusterState
from explorer.state.records import OwnedRecord, record_by_uid

from ..pod_summary import PodSummary, summarise

# Owner kinds that sit between a pod and the controller a person manages.
MIDDLE_KINDS = {"ReplicaSet": "Deployment", "Job": "CronJob"}
BARE = "bare"  # the pseudo-controller of pods nobody owns

# Container colours: by what the container is doing, not the pod's phase.
CONTAINER_COLOURS = {
    "running": "#2ca02c",
    "running, not ready": "#ff7f0e",
    "waiting": "#f2c12e",
    "failing": "#d62728",
    "completed": "#9ecae1",
    "unknown": "#7f7f7f",
}
SANDBOX_COLOUR = "#b8c2cc"
_FAILING_REASONS = {"CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "OOMKilled", "Error"}


@dataclass(frozen=True, slots=True)
class ContainerFacts:
    role: str  # "init", "container" or "ephemeral"
    name: str
    image: str
    condition: str  # one of CONTAINER_COLOURS
    detail: str  # the waiting/terminated reason, or "" when running
    restarts: int
    cpu_request: int  # millicores
    memory_request: int  # bytes
    container_id: str  # bare, "" before it started


@dataclass(frozen=True, slots=True)
class Owner:
    kind: str
    name: str
    uid: str


@dataclass(frozen=True, slots=True)
class PodFacts:
    summary: PodSummary
    uid: str
    owner: Owner | None  # the controlling owner as the pod names it
    containers: tuple[ContainerFacts, ...]

    @property
    def cpu_request(self) -> int:
        return sum(c.cpu_request for c in self.containers if c.role == "container")

    @property
    def memory_request(self) -> int:
        return sum(c.memory_request for c in self.containers if c.role == "container")


def pod_facts(pod: dict) -> PodFacts:
    meta = meta_of(pod)
    return PodFacts(
        summary=summarise(pod),
        uid=meta.get("uid") or "",
        owner=controller_of(pod),
        containers=tuple(containers_of(pod)),
    )


def controller_of(obj: dict) -> Owner | None:
    ref = controlling_reference(obj)
    if ref is None:
        return None
    return Owner(
        str(ref.get("kind") or "?"), str(ref.get("name") or "?"), str(ref.get("uid") or "")
    )


def lineage_of(
    state: ClusterState, owner: Owner | None, cache: dict[str, Owner | None]
) -> tuple[Owner, Owner | None]:
    """(top controller, middle owner or None) of a pod whose controlling owner is `owner`:
    Deployment → ReplicaSet, CronJob → Job, StatefulSet/DaemonSet/… directly, or the BARE
    pseudo-owner. `cache` maps a middle owner's uid to its own controller (kept for one build)."""
    if owner is None:
        return Owner(BARE, "", ""), None
    if owner.kind not in MIDDLE_KINDS:
        return owner, None
    if owner.uid not in cache:
        cache[owner.uid] = _controller_by_uid(state, owner.uid)
    top = cache[owner.uid]
    if top is None:
        return owner, None  # a ReplicaSet or Job nobody owns is itself the top
    return top, owner


def _controller_by_uid(state: ClusterState, uid: str) -> Owner | None:
    """The controller of the object with that uid: from its record when its kind keeps one
    (a packed ReplicaSet is not unpacked), else from the object."""
    if not uid:
        return None
    found = record_by_uid(state, uid)
    if isinstance(found, OwnedRecord):
        return Owner(*found.controller) if found.controller else None
    held = state.by_uid(uid)
    return controller_of(held) if held is not None else None


def bare_id(status_id: str) -> str:
    """`containerd://abc…` → `abc…`."""
    return status_id.split("://", 1)[-1] if status_id else ""


def containers_of(pod: dict) -> list[ContainerFacts]:
    found: list[ContainerFacts] = []
    for role, _order, item, own in containers_and_statuses(pod):
        condition, detail = container_condition(own, role)
        requests = (item.get("resources") or {}).get("requests") or {}
        limits = (item.get("resources") or {}).get("limits") or {}
        found.append(
            ContainerFacts(
                role=role,
                name=str(item.get("name") or "?"),
                image=str(item.get("image") or ""),
                condition=condition,
                detail=detail,
                restarts=int(own.get("restartCount") or 0),
                cpu_request=amount(cpu_millicores, requests.get("cpu", limits.get("cpu"))),
                memory_request=amount(memory_bytes, requests.get("memory", limits.get("memory"))),
                container_id=bare_id(str(own.get("containerID") or "")),
            )
        )
    return found


def container_condition(status: dict, role: str) -> tuple[str, str]:
    """(one of CONTAINER_COLOURS, the reason shown beside it)."""
    state = status.get("state") or {}
    if "running" in state:
        if role == "container" and not status.get("ready", True):
            return "running, not ready", ""
        return "running", ""
    if "waiting" in state:
        reason = str((state["waiting"] or {}).get("reason") or "waiting")
        return ("failing" if reason in _FAILING_REASONS else "waiting"), reason
    if "terminated" in state:
        terminated = state["terminated"] or {}
        reason = str(terminated.get("reason") or "")
        if int(terminated.get("exitCode") or 0) == 0:
            return "completed", reason or "Completed"
        return "failing", reason or f"exit code {terminated.get('exitCode')}"
    return "unknown", ""


def amount(parse, value: object) -> int:
    if value is None:
        return 0
    try:
        return parse(value)  # type: ignore[arg-type]
    except (QuantityError, ValueError, TypeError):
        return 0
