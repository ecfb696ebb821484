"""A cluster's state as it was at an earlier moment, and what was changing around it.

`state_as_of(state, moment)` is the current state with every change logged after `moment`
undone (explorer/state/change_log.py): reads (`get`, `list`, `records`, `pods_on_node`,
`count`) see the objects as they were; everything else (node facts, the parse cache, the
cluster's name) is the state's own. It costs what the changes since then cost, not a copy of
the state. A state without a change log (a bundle, a test's) is its own past.

`in_flight(state, moment)`: the objects changed within the log's `in_flight_seconds` either
side of `moment`. A node's rules and cgroups follow a change a little later (kube-proxy syncs at
least a second after it; the kubelet, the runtime), and the node's clock is not ours: a finding
about an object in flight is not drift.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from explorer.lib.objects import key_of, labels_of, namespace_of, spec_of, status_of

from .change_log import ChangeLog, Logged
from .cluster_state import ClusterState, Ref
from .records import RECORDED, records

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def change_log_of(state: ClusterState) -> ChangeLog | None:
    return getattr(state, "change_log", None)


class StateAsOf:
    """Reads of `state` as it was before `undone` (the changes after the moment, oldest first)."""

    def __init__(self, state: ClusterState, undone: list[Logged]) -> None:
        self._state = state
        self._then: dict[Ref, dict | None] = {}
        for entry in undone:
            self._then.setdefault(entry.ref, entry.before)  # the first change after the moment
        self._kinds = {ref[0] for ref in self._then}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._state, name)

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        ref = (kind, namespace or "", name)
        if ref in self._then:
            return self._then[ref]
        return self._state.get(kind, namespace, name)

    def records(self, kind: str, namespace: str | None = None) -> Iterator[Any]:
        """As ClusterState.records, of the objects as they were: the state's own records of
        those unchanged since, made afresh only for those changed."""
        if kind not in self._kinds:
            yield from records(self._state, kind, namespace)
            return
        for found in records(self._state, kind, namespace):
            if (kind, found.namespace, found.name) not in self._then:
                yield found
        for (then_kind, then_namespace, _), obj in self._then.items():
            if then_kind == kind and obj is not None and _in(namespace, then_namespace):
                yield RECORDED[kind](obj)

    def record(self, kind: str, namespace: str, name: str) -> Any:
        ref = (kind, namespace or "", name)
        if ref not in self._then:
            return self._state.record(kind, namespace, name)
        obj = self._then[ref]
        return None if obj is None else RECORDED[kind](obj)

    def list(self, kind: str, namespace: str | None = None) -> Iterator[dict]:
        if kind not in self._kinds:
            yield from self._state.list(kind, namespace)
            return
        for obj in self._state.list(kind, namespace):
            if (kind, *key_of(obj)) not in self._then:
                yield obj
        for (then_kind, then_namespace, _), obj in self._then.items():
            if then_kind == kind and obj is not None and _in(namespace, then_namespace):
                yield obj

    def count(self, kind: str) -> int:
        return sum(1 for _ in self.list(kind))

    def pods_on_node(self, node: str) -> list[dict]:
        if "Pod" not in self._kinds:
            return self._state.pods_on_node(node)
        pods = [p for p in self._state.pods_on_node(node) if ("Pod", *key_of(p)) not in self._then]
        pods += [
            obj
            for (kind, _, _), obj in self._then.items()
            if kind == "Pod" and obj is not None and spec_of(obj).get("nodeName") == node
        ]
        return sorted(pods, key=key_of)

    def pod_records_on_node(self, node: str) -> list[Any]:
        if "Pod" not in self._kinds:
            return self._state.pod_records_on_node(node)
        kept = [
            found
            for found in self._state.pod_records_on_node(node)
            if ("Pod", found.namespace, found.name) not in self._then
        ]
        kept += [
            RECORDED["Pod"](obj)
            for (kind, _, _), obj in self._then.items()
            if kind == "Pod" and obj is not None and spec_of(obj).get("nodeName") == node
        ]
        return sorted(kept, key=lambda found: (found.namespace, found.name))


def _in(namespace: str | None, candidate: str) -> bool:
    return namespace is None or namespace == candidate


def state_as_of(state: ClusterState, moment: float) -> ClusterState:
    """The state as it was at `moment` (time.time() seconds)."""
    changes = change_log_of(state)
    if changes is None:
        return state
    undone = changes.after(moment)
    return StateAsOf(state, undone) if undone else state  # type: ignore[return-value]


@dataclass
class InFlight:
    """What was changing around a moment: the objects, the Services whose endpoints moved, and
    the pods' addresses and UIDs, for the views to tell such findings apart."""

    refs: set[Ref] = field(default_factory=set)
    services: set[str] = field(default_factory=set)  # namespace/name
    pod_ips: set[str] = field(default_factory=set)
    pod_uids: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.refs)

    def add(self, entry: Logged) -> None:
        self.refs.add(entry.ref)
        kind, namespace, name = entry.ref
        for obj in (entry.before, entry.after):
            if obj is None:
                continue
            if kind == "Service":
                self.services.add(f"{namespace}/{name}")
            elif kind == "EndpointSlice":
                service = labels_of(obj).get(SERVICE_NAME_LABEL)
                if service:
                    self.services.add(f"{namespace_of(obj)}/{service}")
            elif kind == "Pod":
                self.pod_ips.update(_pod_ips(obj))
                uid = (obj.get("metadata") or {}).get("uid")
                if uid:
                    self.pod_uids.add(str(uid))


def _pod_ips(pod: dict) -> set[str]:
    status = status_of(pod)
    ips = {str(item.get("ip")) for item in status.get("podIPs") or () if item.get("ip")}
    if status.get("podIP"):
        ips.add(str(status["podIP"]))
    return ips


def in_flight(state: ClusterState, moment: float) -> InFlight:
    found = InFlight()
    changes = change_log_of(state)
    if changes is not None:
        grace = changes.retention.in_flight_seconds
        for entry in changes.between(moment - grace, moment + grace):
            found.add(entry)
    return found
