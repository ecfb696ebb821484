"""What the workload hierarchy keeps between builds of one subscription (its memo): for every
pod only what a folded sector needs — namespace, name, state, owner, how many sectors it would
draw and its size — and the tree namespace → controller → middle owner → pods, followed change
by change. The full facts of a pod (containers, readiness, restarts, …) are read only for the
pods a model draws one by one, which the level of detail bounds (explorer/viewmodels/workloads/
hierarchy.py).

It reads the pods' records (explorer/state/records.py), never the pods, but for those drawn one
by one: a packed pod is unpacked afresh at every read, and a memo holding pods would hold
unshared copies of every one. The state makes a new record whenever a pod changes and keeps the
same one while it does not, so a record's identity says whether what was read of it still holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from explorer.lib.gc_pause import gc_paused
from explorer.lib.objects import CONTAINER_ROLES, Key, meta_of
from explorer.lib.quantities import cpu_millicores, memory_bytes
from explorer.state.cluster_state import Change, ClusterState
from explorer.state.records import PodRecord, record

from .pod_facts import MIDDLE_KINDS, Owner, PodFacts, amount, controller_of, lineage_of, pod_facts

MIB = 1024 * 1024


@dataclass(slots=True)  # not frozen: a frozen dataclass is made field by field, slower
class Slim:
    """One pod as the coarse levels of detail see it."""

    record: PodRecord  # what it was read from; the pod is unpacked only to be drawn alone
    namespace: str
    name: str
    state: str
    owner: Owner | None
    parts: int  # its containers (init, ephemeral included) and its sandbox
    value: float  # its size in the model's unit (1 for count)
    cpu_request: int  # millicores, its (non-init) containers'
    memory_request: int  # bytes


def slim(pod: PodRecord, size: str, owners: dict | None = None) -> Slim:
    """`owners`: the Owners made so far, by (kind, name, uid), shared by the pods of one.
    Its parts and sizes are read from the record's `sizing`, shaped as the pod's spec."""
    spec = pod.sizing.get("spec") or {}
    parts, cpu, memory, values = 1, 0, 0, []
    for role, field_, _status in CONTAINER_ROLES:
        for item in spec.get(field_) or ():
            if not isinstance(item, dict):
                continue
            parts += 1
            if size == "count":
                continue
            resources = item.get("resources") or {}
            requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
            c = amount(cpu_millicores, requests.get("cpu", limits.get("cpu")))
            m = amount(memory_bytes, requests.get("memory", limits.get("memory")))
            if role == "container":
                cpu, memory = cpu + c, memory + m
            values.append(max(c, 1) if size == "cpu" else max(m / MIB, 1))
    return Slim(
        record=pod,
        namespace=pod.namespace,
        name=pod.name,
        state=pod.state,
        owner=_owner(pod.owners, owners if owners is not None else {}),
        parts=parts,
        value=1 if size == "count" else round(sum([*values, 1]), 3),
        cpu_request=cpu,
        memory_request=memory,
    )


def _owner(references: list, owners: dict) -> Owner | None:
    """`controller_of` the pod whose ownerReferences these are, read in one pass."""
    first = None
    for ref in references or ():
        if isinstance(ref, dict):
            if ref.get("controller"):
                first = ref
                break
            if first is None:
                first = ref
    if first is None:
        return None
    key = (first.get("kind"), first.get("name"), first.get("uid"))
    owner = owners.get(key)
    if owner is None:
        owner = owners[key] = Owner(str(key[0] or "?"), str(key[1] or "?"), str(key[2] or ""))
    return owner


@dataclass
class Group:
    """One controller (or middle owner) and what hangs under it."""

    owner: Owner
    pods: dict[Key, Slim] = field(default_factory=dict)
    middles: dict[tuple[str, str], Group] = field(default_factory=dict)

    def all_pods(self) -> list[Slim]:
        return [*self.pods.values(), *(p for m in self.middles.values() for p in m.pods.values())]

    def empty(self) -> bool:
        return not self.pods and not self.middles


Tree = dict[str, dict[tuple[str, str], Group]]  # namespace → (kind, name) → group


class HierarchyIndex:
    """The memo of one hierarchy subscription."""

    def __init__(self) -> None:
        self.size = ""
        self.complete = False
        self._held: dict[Key, Slim] = {}  # each Slim keeps the record it was read from
        self._where: dict[Key, tuple[str, tuple[str, str], tuple[str, str] | None]] = {}
        self._lineage: dict[str, Owner | None] = {}  # a middle owner's uid → its controller
        self._owners: dict[tuple, Owner] = {}  # one Owner for the pods of one, in a load
        self._full: dict[Key, tuple[PodRecord, PodFacts]] = {}
        self._drawn: dict[Key, tuple[PodRecord, PodFacts]] = {}
        self._state: ClusterState | None = None  # read last, for the pods drawn alone
        self.tree: Tree = {}
        self.parts = 0  # sectors every pod and container would draw
        self.level = ""  # of the last model of every namespace
        self.namespace_sectors: dict[str, dict] = {}  # the last model's sectors by namespace

    # -- building ----------------------------------------------------------------------------

    def load(self, state: ClusterState, pods: Iterable[PodRecord], size: str) -> None:
        """Read every pod's record (those unchanged since last time cost nothing)."""
        if size != self.size:
            self._held, self.size = {}, size
        held, fresh = self._held, {}
        self.tree, self._where, self._lineage, self.parts = {}, {}, {}, 0
        self._owners = {}
        self.namespace_sectors, self.level = {}, ""
        self._state = state
        with gc_paused():  # a first build makes an object per pod of a big cluster
            for pod in pods:
                key = pod.key
                entry = held.get(key)
                if entry is None or entry.record is not pod:
                    entry = slim(pod, size, self._owners)
                fresh[key] = entry
                self._add(state, key, entry)
        self._held = fresh
        self.complete = True

    def _add(self, state: ClusterState, key: Key, pod: Slim) -> None:
        top, middle = lineage_of(state, pod.owner, self._lineage)
        groups = self.tree.setdefault(pod.namespace, {})
        top_key = (top.kind, top.name)
        group = groups.get(top_key)
        if group is None:
            group = groups[top_key] = Group(top)
        middle_key = None
        if middle is not None:
            middle_key = (middle.kind, middle.name)
            inner = group.middles.get(middle_key)
            if inner is None:
                inner = group.middles[middle_key] = Group(middle)
            group = inner
        group.pods[key] = pod
        self._where[key] = (pod.namespace, top_key, middle_key)
        self.parts += pod.parts + 1

    def _remove(self, key: Key) -> str:
        namespace, top_key, middle_key = self._where.pop(key)
        groups = self.tree[namespace]
        top = groups[top_key]
        group = top if middle_key is None else top.middles[middle_key]
        pod = group.pods.pop(key)
        self.parts -= pod.parts + 1
        if middle_key is not None and group.empty():
            del top.middles[middle_key]
        if top.empty():
            del groups[top_key]
        if not groups:
            del self.tree[namespace]
        return namespace

    # -- following changes -------------------------------------------------------------------

    def follow(self, state: ClusterState, changes: Iterable[Change], namespace: str) -> set[str]:
        """Apply `changes` (already in `state`); the namespaces whose pods look different.
        Raises LookupError when a change may move pods to another owner (rebuild then)."""
        self._state = state
        touched: set[str] = set()
        for change in changes:
            if change.kind == "Pod":
                if namespace in ("*", change.namespace):
                    touched |= self._touch(state, (change.namespace, change.name))
            elif change.kind in MIDDLE_KINDS:
                uid = meta_of(change.object).get("uid") or ""
                if uid not in self._lineage:
                    continue  # no pod read names it
                now = controller_of(change.object) if change.type != "DELETED" else None
                if now == self._lineage[uid]:
                    continue
                if self._holds(change.namespace, (change.kind, change.name)):
                    raise LookupError("a middle owner of pods changed its controller")
                del self._lineage[uid]  # its pods are gone: read it again if one comes
        return touched

    def _holds(self, namespace: str, key: tuple[str, str]) -> bool:
        """Whether pods of the tree hang under that owner (as their top or their middle)."""
        groups = self.tree.get(namespace, {})
        return key in groups or any(key in group.middles for group in groups.values())

    def _touch(self, state: ClusterState, key: Key) -> set[str]:
        pod = record(state, "Pod", *key)
        entry = self._held.get(key)
        if entry is not None and entry.record is pod:
            return set()
        touched = set()
        if entry is not None:
            touched.add(self._remove(key))
            del self._held[key]
        if pod is not None:
            fresh = self._held[key] = slim(pod, self.size)
            self._add(state, key, fresh)
            touched.add(fresh.namespace)
        return touched

    # -- full facts of the pods drawn one by one ---------------------------------------------

    def facts(self, pod: Slim) -> PodFacts:
        """The full facts of a pod the model draws alone: the pod unpacked from the state last
        read (once, while its record stays the same)."""
        key = (pod.namespace, pod.name)
        entry = self._full.get(key)
        if entry is None or entry[0] is not pod.record:
            obj = self._state.get("Pod", *key) if self._state is not None else None
            if obj is None:  # a model is made from one state, held still (read-locked)
                raise LookupError(f"pod {key[0]}/{key[1]}: not in the state its record is of")
            entry = (pod.record, pod_facts(obj))
        self._drawn[key] = entry
        return entry[1]

    def drawn(self) -> None:
        """A model is made: keep the full facts of the pods it drew, forget the others (and
        the state it read)."""
        self._full, self._drawn = self._drawn, {}
        self._state = None
