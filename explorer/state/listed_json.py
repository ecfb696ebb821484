"""A listed object taken from its JSON as the server wrote it, without parsing all of it.

At 165,000 pods the list is the sync's critical path, and a whole pod parsed into dicts
(~28 µs), written back to JSON to be packed (~9 µs) and freed (~15 µs) was most of it. For a
kind read here (READS: pods, Events, Endpoints), a list's items arrive as their JSON
(`msgspec.Raw`, explorer/kube/reflector.py): only the fields its record and indexes read
(`PodFields`…) are decoded — msgspec skips the rest without making objects (~11 µs a pod) —
and the JSON itself is what gets packed.

The fields are TypedDicts, so what they decode is the same dicts a whole object has, with fewer
keys: the records (explorer/state/records.py) and the indexes read them as they read a whole
object (tests/state/test_listed_json.py holds them equal over the demo's and real clusters'
objects). An
object of another shape than they say (a status that is a list), one that needs more than
keeping (a namespace to default, a last-applied annotation that repeats a Secret to drop) is
parsed whole and taken as any dict is.
"""

from __future__ import annotations

from sys import intern
from typing import Any, NamedTuple, TypedDict

import msgspec
import orjson

from explorer.lib.redact import LAST_APPLIED, describes_secret
from explorer.lib.resources import BY_KIND

Key = tuple[str, str]


class _Named(TypedDict, total=False):
    claimName: Any


class _Volume(TypedDict, total=False):
    name: Any
    persistentVolumeClaim: _Named
    ephemeral: Any
    csi: Any


class _Container(TypedDict, total=False):
    name: Any
    resources: Any
    restartPolicy: Any


class _ContainerState(TypedDict, total=False):
    waiting: Any
    terminated: Any


class _ContainerStatus(TypedDict, total=False):
    ready: Any
    restartCount: Any
    state: _ContainerState
    containerID: Any


class _Condition(TypedDict, total=False):
    type: Any
    status: Any
    lastTransitionTime: Any
    message: Any
    reason: Any


class _Address(TypedDict, total=False):
    ip: Any


# the one annotation redaction reads (the others are skipped)
_Annotations = TypedDict("_Annotations", {LAST_APPLIED: Any}, total=False)


class _Metadata(TypedDict, total=False):
    name: Any
    annotations: _Annotations
    managedFields: msgspec.Raw  # skipped, not read: whether it is there
    namespace: Any
    uid: Any
    labels: Any
    ownerReferences: Any
    creationTimestamp: Any
    deletionTimestamp: Any


class _PodSpec(TypedDict, total=False):
    nodeName: Any
    containers: list[_Container]
    initContainers: list[_Container]
    ephemeralContainers: list[_Container]
    volumes: list[_Volume]
    hostNetwork: Any
    schedulerName: Any
    overhead: Any
    resources: Any


class _PodStatus(TypedDict, total=False):
    phase: Any
    reason: Any
    conditions: list[_Condition]
    initContainerStatuses: list[_ContainerStatus]
    containerStatuses: list[_ContainerStatus]
    ephemeralContainerStatuses: list[_ContainerStatus]
    podIP: Any
    podIPs: list[_Address]
    qosClass: Any


class PodFields(TypedDict, total=False):
    """What a pod's record (explorer/state/records.py `pod_record`: its glance, QoS, sizing)
    and the state's indexes (uid, owners, node) read of it."""

    kind: Any
    apiVersion: Any
    metadata: _Metadata
    spec: _PodSpec
    status: _PodStatus


class _Involved(TypedDict, total=False):
    kind: Any
    namespace: Any
    name: Any
    uid: Any


class _Series(TypedDict, total=False):
    lastObservedTime: Any


class EventFields(TypedDict, total=False):
    """What an Event's record (`event_record`, its time as lib/events.py `event_time` reads
    it) and the indexes read of it."""

    kind: Any
    apiVersion: Any
    metadata: _Metadata
    involvedObject: _Involved
    regarding: _Involved
    reason: Any
    lastTimestamp: Any
    series: _Series
    eventTime: Any
    firstTimestamp: Any


class NamedFields(TypedDict, total=False):
    """What a `labelled_record`, an `owned_record` and the indexes read of an object: its
    metadata."""

    kind: Any
    apiVersion: Any
    metadata: _Metadata


class _TargetRef(TypedDict, total=False):
    kind: Any
    namespace: Any
    name: Any


class _SliceEndpoint(TypedDict, total=False):
    addresses: Any
    conditions: Any
    nodeName: Any
    targetRef: _TargetRef


class _SlicePort(TypedDict, total=False):
    port: Any


class SliceFields(TypedDict, total=False):
    """What an EndpointSlice's record (`slice_record`) and the indexes read of it."""

    kind: Any
    apiVersion: Any
    metadata: _Metadata
    endpoints: list[_SliceEndpoint] | None  # null in a slice of none, as the API writes it
    ports: list[_SlicePort] | None


READS: dict[str, msgspec.json.Decoder] = {
    "Pod": msgspec.json.Decoder(PodFields),
    "Event": msgspec.json.Decoder(EventFields),
    "Endpoints": msgspec.json.Decoder(NamedFields),
    "ReplicaSet": msgspec.json.Decoder(NamedFields),
    "Deployment": msgspec.json.Decoder(NamedFields),
    "EndpointSlice": msgspec.json.Decoder(SliceFields),
}

_PARTS = msgspec.json.Decoder(dict[str, msgspec.Raw])
_ENCODE = msgspec.json.Encoder()


class TakenJson(NamedTuple):
    key: Key
    json: bytes  # the object's JSON as the state holds it (redacted, its kind said)
    fields: dict  # what READS decoded of it


def take_json(kind: str, raw: msgspec.Raw) -> TakenJson | Any:
    """The object of `raw` (an item of a list of `kind`, one of READS) taken as the state would
    take it parsed: its key, its JSON redacted (explorer/lib/redact.py: managedFields dropped)
    and saying its kind and apiVersion, and the fields its record reads. Or, when it cannot be
    kept as it came, the object parsed whole, to be taken as any other."""
    text = bytes(raw)
    try:
        fields = READS[kind].decode(text)
    except msgspec.ValidationError:
        return orjson.loads(text)
    metadata = fields.get("metadata") or {}
    name, namespace = metadata.get("name"), metadata.get("namespace")
    resource = BY_KIND[kind]
    said = fields.get("kind"), fields.get("apiVersion")
    if (
        not (name.__class__ is str and name)
        or not (namespace.__class__ is str and namespace)
        or said not in ((None, None), (kind, resource.api_version))
        or describes_secret((metadata.get("annotations") or {}).get(LAST_APPLIED, ""))
        or text[:1] != b"{"
    ):
        return orjson.loads(text)
    if "managedFields" in metadata:
        text = _without_managed_fields(text)
        del metadata["managedFields"]
    if said[0] is None:
        text = b'{"kind":"%s","apiVersion":"%s",%s' % (
            kind.encode(),
            resource.api_version.encode(),
            text[1:].lstrip(),
        )
    return TakenJson((intern(namespace), name), text, fields)


def _without_managed_fields(text: bytes) -> bytes:
    parts = _PARTS.decode(text)
    meta = _PARTS.decode(parts["metadata"])
    del meta["managedFields"]
    parts["metadata"] = msgspec.Raw(_ENCODE.encode(meta))
    return _ENCODE.encode(parts)
