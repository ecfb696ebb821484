"""Records: the few fields of a held object that pages filter and order by, kept beside it.

A page that shows some objects of a kind out of many (the latest Events, those about one
object, those that say a pod was scheduled) picks them by their records and reads only those:
for a packed kind (explorer/state/packed.py) reading every object would unpack every one.

`records(state, kind, namespace)` works on any state a page is given (a ClusterState, a state as
of an earlier moment, a bundle's): one that keeps no records of the kind has them made from its
objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from sys import intern
from typing import Any, NamedTuple

from explorer.lib.events import event_time
from explorer.lib.json_shape import items, mapping
from explorer.lib.objects import controlling_reference
from explorer.lib.pod_states import glance
from explorer.lib.qos import pod_qos_class

# a part -> the equal part held already (explorer/state/shared_parts.py SharedParts.part)
Share = Callable[[Any], Any]


class EventRecord(NamedTuple):
    namespace: str
    name: str
    time: str  # explorer/lib/events.py event_time: when it was last said
    reason: str
    involved_kind: str  # involvedObject, or regarding (events.k8s.io)
    involved_namespace: str
    involved_name: str
    involved_uid: str
    labels: dict  # metadata.labels (most Events have none), for find
    uid: str  # its own: an Event is kept out of the state's uid index (`by_uid`), for find

    def involves(self, kind: str, namespace: str, name: str, uid: str = "") -> bool:
        """Whether the event is about that object: by uid when both have one, else by kind,
        namespace and name."""
        if uid and self.involved_uid:
            return self.involved_uid == uid
        return (
            self.involved_kind == kind
            and self.involved_name == name
            and self.involved_namespace == (namespace or "")
        )

    @property
    def in_time_order(self) -> tuple[str, str, str]:
        """As events.py `in_time_order`: its time, then its namespace and name."""
        return (self.time, self.namespace, self.name)


def event_record(event: dict, share: Share | None = None) -> EventRecord:
    """The record of an Event. Its words are interned: the few Events about one object (a pod's
    Scheduled, Pulled, Created, Started) and those said in one second hold one copy of each."""
    metadata = mapping(event.get("metadata"))
    involved = mapping(event.get("involvedObject") or event.get("regarding"))
    return EventRecord(
        namespace=_word(metadata.get("namespace")),
        name=metadata.get("name") or "",  # the same string as the state's key
        time=intern(event_time(event)),
        reason=_word(event.get("reason")),
        involved_kind=_word(involved.get("kind")),
        involved_namespace=_word(involved.get("namespace")),
        involved_name=_word(involved.get("name")),
        involved_uid=_word(involved.get("uid")),
        labels=(share or _same)(mapping(metadata.get("labels"))),
        uid=str(metadata.get("uid") or ""),
    )


def _word(value: Any) -> str:
    return intern(value) if value.__class__ is str else str(value or "")


class PodRecord(NamedTuple):
    """What the pages that walk every pod read of one (the overview, the workload hierarchy,
    the headroom, find, the storage and network pages, the scheduling history): a pod held
    packed is unpacked only by a page that draws it alone."""

    namespace: str
    name: str
    uid: str
    node: str  # spec.nodeName, "" while not scheduled
    phase: str  # explorer/lib/pod_states.py Glance: phase to restarts
    state: str
    reason: str
    ready: int
    containers: int
    restarts: int
    qos: str
    deleting: bool  # it has a deletionTimestamp
    created: str  # metadata.creationTimestamp
    labels: dict  # metadata.labels, shared with the pods that have equal ones
    owners: list  # metadata.ownerReferences, shared likewise
    sizing: dict  # the pod reduced to what its size is read from (`sizing_of`), shared likewise
    claims: tuple[str, ...]  # the PersistentVolumeClaims its volumes name by claimName
    ephemeral_claims: tuple[str, ...]  # its generic ephemeral volumes' claims: <pod>-<volume>
    inline_drivers: tuple[str, ...]  # its CSI inline volumes' drivers ("?" when not said)
    ips: tuple[str, ...]  # status.podIP and podIPs
    host_network: bool
    scheduler: str  # spec.schedulerName
    scheduled_at: str  # its PodScheduled condition's lastTransitionTime, once True
    scheduler_says: str  # that condition's message (or reason) while False
    disrupted: bool  # status.reason Evicted, or a DisruptionTarget condition True
    container_ids: str  # its containers' IDs' first ID_KEPT characters, without scheme, by " "
    # (as explorer/collectors/cgroups/paths.py bare_container_id reads them)

    @property
    def key(self) -> tuple[str, str]:
        return (self.namespace, self.name)


_SIZED_ROLES = ("containers", "initContainers", "ephemeralContainers")
_SIZED_FIELDS = ("resources", "restartPolicy")


def sizing_of(pod: dict) -> dict:
    """The pod as far as its size goes — `{"spec": {role: [{"resources", "restartPolicy"}, …],
    "overhead", "resources"}}` —, which the scheduler's request and limit rules
    (explorer/collectors/scheduling/resources.py) and the hierarchy's sizes read as they read
    the pod. Equal for the pods of one template."""
    spec = mapping(pod.get("spec"))
    sized: dict = {}
    for role in _SIZED_ROLES:
        if containers := items(spec.get(role)):
            sized[role] = [
                {f: item[f] for f in _SIZED_FIELDS if f in item}
                for item in containers
                if item.__class__ is dict
            ]
    for field in ("overhead", "resources"):
        if spec.get(field):
            sized[field] = spec[field]
    return {"spec": sized}


def pod_record(pod: dict, share: Share | None = None) -> PodRecord:
    share = share or _same
    meta, spec, status = (mapping(pod.get(part)) for part in ("metadata", "spec", "status"))
    seen = glance(pod)
    scheduled = target = None
    for condition in items(status.get("conditions")):
        kind = condition.get("type") if condition.__class__ is dict else None
        if kind == "PodScheduled" and scheduled is None:  # the first, as conditions_of reads
            scheduled = condition
        elif kind == "DisruptionTarget":
            target = condition
    scheduled = scheduled or {}
    claims, ephemeral, drivers = [], [], []
    for volume in items(spec.get("volumes")):
        if volume.__class__ is not dict:
            continue
        if claim := mapping(volume.get("persistentVolumeClaim")).get("claimName"):
            claims.append(str(claim))
        elif volume.get("ephemeral").__class__ is dict:
            ephemeral.append(f"{meta.get('name') or ''}-{volume.get('name') or ''}")
        if volume.get("csi").__class__ is dict:
            drivers.append(str(volume["csi"].get("driver") or "?"))
    ips = [status["podIP"]] if status.get("podIP") else []
    for item in items(status.get("podIPs")):
        ip = item.get("ip") if item.__class__ is dict else None
        if ip and ip not in ips:
            ips.append(ip)
    return PodRecord(
        namespace=_word(meta.get("namespace")),
        name=meta.get("name") or "",
        uid=str(meta.get("uid") or ""),
        node=_word(spec.get("nodeName")),
        phase=_word(seen.phase),
        state=_word(seen.state),
        reason=_word(seen.reason),
        ready=seen.ready,
        containers=seen.containers,
        restarts=seen.restarts,
        qos=_word(status.get("qosClass") or pod_qos_class(pod)),
        deleting=bool(meta.get("deletionTimestamp")),
        created=_word(meta.get("creationTimestamp")),
        labels=share(mapping(meta.get("labels"))),
        owners=share([ref for ref in items(meta.get("ownerReferences")) if ref.__class__ is dict]),
        sizing=share(sizing_of(pod)),
        claims=share(tuple(claims)) if claims else (),
        ephemeral_claims=tuple(ephemeral),
        inline_drivers=share(tuple(drivers)) if drivers else (),
        ips=tuple(ips),
        host_network=bool(spec.get("hostNetwork")),
        scheduler=_word(spec.get("schedulerName")),
        scheduled_at=_word(scheduled.get("lastTransitionTime"))
        if scheduled.get("status") == "True"
        else "",
        scheduler_says=str(scheduled.get("message") or scheduled.get("reason") or "")
        if scheduled.get("status") == "False"
        else "",
        disrupted=status.get("reason") == "Evicted"
        or (target is not None and target.get("status") == "True"),
        container_ids=_container_ids(status),
    )


_STATUSES = ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses")


ID_KEPT = 12  # the characters of a container ID a record keeps, as `docker ps` shows them


def _container_ids(status: dict) -> str:
    return " ".join(
        bare[:ID_KEPT]
        for field in _STATUSES
        for item in items(status.get(field))
        if item.__class__ is dict
        and (bare := str(item.get("containerID") or "").split("://", 1)[-1])
    )


def has_container_id(found: PodRecord, prefix: str) -> bool:
    """Whether one of the pod's container IDs may start with `prefix` (one with no space): the
    record keeps each ID's first ID_KEPT characters (a 64-character ID a pod is most of a
    record's strings), so a longer prefix is matched on those and the caller reads the pod to
    tell."""
    return f" {found.container_ids}".find(f" {prefix[:ID_KEPT]}") >= 0


def _same(part: Any) -> Any:
    return part


class LabelledRecord(NamedTuple):
    """Of a packed kind no page walks but find: its name and labels."""

    namespace: str
    name: str
    labels: dict


def labelled_record(obj: dict, share: Share | None = None) -> LabelledRecord:
    metadata = mapping(obj.get("metadata"))
    return LabelledRecord(
        namespace=_word(metadata.get("namespace")),
        name=metadata.get("name") or "",
        labels=(share or _same)(mapping(metadata.get("labels"))),
    )


class OwnedRecord(NamedTuple):
    """Of a packed workload controller (a ReplicaSet, a Deployment): its name and labels, for
    find, and the owner that counts (kind, name, uid of lib/objects.py `controlling_reference`;
    None for none), for the workload hierarchy's Deployment → ReplicaSet."""

    namespace: str
    name: str
    labels: dict
    controller: tuple[str, str, str] | None


def owned_record(obj: dict, share: Share | None = None) -> OwnedRecord:
    metadata = mapping(obj.get("metadata"))
    ref = controlling_reference(obj)
    controller = None
    if ref is not None:
        controller = (
            _word(ref.get("kind") or "?"),
            _word(ref.get("name") or "?"),
            _word(ref.get("uid")),
        )
    return OwnedRecord(
        namespace=_word(metadata.get("namespace")),
        name=metadata.get("name") or "",
        labels=(share or _same)(mapping(metadata.get("labels"))),
        controller=controller,
    )


class SliceEndpoint(NamedTuple):
    """One endpoint of an EndpointSlice, as the network pages read it; the values as the
    object says them (None for what it leaves out)."""

    addresses: tuple[str, ...]
    ready: Any  # conditions.ready, True when the conditions leave it out
    node: str | None  # nodeName
    target_kind: str | None  # targetRef.kind, None without a targetRef
    target_namespace: str | None
    target_name: str | None


class SliceRecord(NamedTuple):
    """Of an EndpointSlice: what the network pages that walk every slice read (who answers at
    an address, a headless Service's addresses) and find (its labels)."""

    namespace: str
    name: str
    labels: dict
    ports: tuple[Any, ...]  # each port's `port`
    endpoints: tuple[SliceEndpoint, ...]

    @property
    def service(self) -> str | None:
        """The Service it is a slice of (its kubernetes.io/service-name label)."""
        return self.labels.get("kubernetes.io/service-name")


def slice_record(eps: dict, share: Share | None = None) -> SliceRecord:
    metadata = mapping(eps.get("metadata"))
    return SliceRecord(
        namespace=_word(metadata.get("namespace")),
        name=metadata.get("name") or "",
        labels=(share or _same)(mapping(metadata.get("labels"))),
        ports=tuple(mapping(port).get("port") for port in items(eps.get("ports"))),
        endpoints=tuple(_slice_endpoint(mapping(e)) for e in items(eps.get("endpoints"))),
    )


def _slice_endpoint(endpoint: dict) -> SliceEndpoint:
    target = endpoint.get("targetRef") or {}
    return SliceEndpoint(
        addresses=tuple(items(endpoint.get("addresses"))),
        ready=(endpoint.get("conditions") or {}).get("ready", True),
        node=_maybe_word(endpoint.get("nodeName")),
        target_kind=_maybe_word(target.get("kind")),
        target_namespace=_maybe_word(target.get("namespace")),
        target_name=target.get("name"),
    )


def _maybe_word(value: Any) -> Any:
    return intern(value) if value.__class__ is str else value


RECORDED: dict[str, Callable[[dict, Share | None], Any]] = {
    "Event": event_record,
    "Pod": pod_record,
    "Endpoints": labelled_record,
    "ReplicaSet": owned_record,
    "Deployment": owned_record,
    "EndpointSlice": slice_record,
}


def records(state: Any, kind: str, namespace: str | None = None) -> Iterator[Any]:
    """The records of `kind` (in `namespace`, when given) that `state` holds, in no order."""
    kept = getattr(state, "records", None)
    if kept is not None:
        return kept(kind, namespace)
    return map(RECORDED[kind], state.list(kind, namespace))


def record(state: Any, kind: str, namespace: str, name: str) -> Any:
    """The record of one object `state` holds, None when it holds none so named."""
    kept = getattr(state, "record", None)
    if kept is not None:
        return kept(kind, namespace, name)
    obj = state.get(kind, namespace, name)
    return None if obj is None else RECORDED[kind](obj)


def record_by_uid(state: Any, uid: str) -> Any:
    """The record of the object `state` holds with that uid, None when it holds none or its
    kind has no records."""
    kept = getattr(state, "record_by_uid", None)
    if kept is not None:
        return kept(uid)
    obj = state.by_uid(uid)
    make = RECORDED.get(obj.get("kind")) if obj is not None else None
    return make(obj) if make is not None else None


def pod_records_on(state: Any, node: str) -> list[PodRecord]:
    """The records of the pods on `node` that `state` holds, by key."""
    kept = getattr(state, "pod_records_on_node", None)
    if kept is not None:
        return kept(node)
    return [pod_record(pod) for pod in state.pods_on_node(node)]
