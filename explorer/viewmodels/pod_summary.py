"""What a pod looks like at a glance: its state (as `kubectl get pods` words it), readiness,
restarts and QoS class. Shared by the views that draw pods."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import NamedTuple

from explorer.lib.pod_states import (
    FAILED,
    NOT_READY,
    PENDING,
    RUNNING,
    SUCCEEDED,
    TERMINATING,
    UNKNOWN,
)
from explorer.state.records import PodRecord, pod_record

from .links import object_link
from .sectors import Sector

MAX_LABELS = 6

# State -> colour, worst first: a folded group of pods takes the colour of its worst member.
STATE_COLOURS: dict[str, str] = {
    FAILED: "#d62728",
    TERMINATING: "#9467bd",
    NOT_READY: "#ff7f0e",
    PENDING: "#f2c12e",
    UNKNOWN: "#7f7f7f",
    RUNNING: "#2ca02c",
    SUCCEEDED: "#9ecae1",
}
_SEVERITY = {state: rank for rank, state in enumerate(STATE_COLOURS)}
_STATE = attrgetter("state")


class PodSummary(NamedTuple):
    """(A named tuple: made for every pod of a cold overview, and a tuple is made in a third of
    the time a frozen dataclass takes.)"""

    namespace: str
    name: str
    node: str  # "" while not scheduled
    phase: str
    state: str  # one of STATE_COLOURS
    reason: str  # the waiting/terminated reason kubectl would show, if any
    ready: int
    containers: int
    restarts: int
    qos: str
    owner: str  # "Kind/name" of the controlling owner, "" for a bare pod
    labels: str  # "key=value, ..." (the first MAX_LABELS)
    scheduler_says: str = ""  # why no node runs it yet: its PodScheduled condition's message

    @property
    def readiness(self) -> str:
        return f"{self.ready}/{self.containers}"


def summarise(pod: dict, words: SharedWords | None = None) -> PodSummary:
    """The pod at a glance; `words`, kept over a pass of many pods, words each shared part
    (labels, owner references: one per ReplicaSet, explorer/state/shared_parts.py) once."""
    return summary_of(pod_record(pod), words)


def summary_of(record: PodRecord, words: SharedWords | None = None) -> PodSummary:
    """The summary `summarise` gives of the pod, from its record (explorer/state/records.py):
    what a page that walks every pod reads, a packed pod unpacked for none of them. The record's
    labels and owner references are shared parts, so `words` words each once per pass."""
    words = words if words is not None else SharedWords()
    return PodSummary(
        namespace=record.namespace,
        name=record.name,
        node=record.node,
        phase=record.phase,
        state=record.state,
        reason=record.reason,
        ready=record.ready,
        containers=record.containers,
        restarts=record.restarts,
        qos=record.qos,
        # an empty part is worded at once: not held by identity, one per pod that has none
        owner=words.said(record.owners or None, _owner),
        labels=words.said(record.labels or None, _labels),
        scheduler_says="" if record.node else record.scheduler_says,
    )


class SharedWords:
    """What a part says, by the part's identity, for as long as the part is held here."""

    def __init__(self) -> None:
        self._said: dict[int, tuple[object, str]] = {}

    def said(self, part: object, say: Callable[[object], str]) -> str:
        if part is None:
            return say(part)
        held = self._said.get(id(part))
        if held is not None and held[0] is part:
            return held[1]
        words = say(part)
        self._said[id(part)] = (part, words)  # the part kept: its id is not reused meanwhile
        return words


def pod_sector(pod: PodSummary) -> Sector:
    """What a figure's sector of one pod says about it, and the page a click on it opens."""
    return {
        "kind": "pod",
        "phase": pod.phase,
        "state": pod.state,
        "ready": pod.readiness,
        "qos": pod.qos,
        "restarts": pod.restarts,
        "link": object_link("Pod", pod.namespace, pod.name),
    }


def states_of(pods: Iterable[PodSummary]) -> Counter[str]:
    """How many of `pods` are in each state (counted in C: a cold overview counts every pod)."""
    return Counter(map(_STATE, pods))


def worst(states: list[str]) -> str:
    return min(states, key=lambda state: _SEVERITY.get(state, len(_SEVERITY)))


def _labels(labels: object) -> str:
    labels = labels if isinstance(labels, dict) else {}
    shown = [f"{key}={value}" for key, value in sorted(labels.items())[:MAX_LABELS]]
    return ", ".join(shown) + (", …" if len(labels) > MAX_LABELS else "")


def _owner(references: object) -> str:
    refs = (
        [ref for ref in references or () if isinstance(ref, dict)]
        if isinstance(references, list)
        else []
    )
    controller = next((ref for ref in refs if ref.get("controller")), refs[0] if refs else None)
    return f"{controller.get('kind', '')}/{controller.get('name', '')}" if controller else ""
