"""Equal parts of the held objects kept once.

A pod parsed from the API's JSON takes about 26 KB of Python objects for 4.4 KB of text, and
most of it repeats from pod to pod: a ReplicaSet's pods carry the same labels, owner reference,
tolerations, security context, container specs (image, ports, probes, resources, env) and
service-account volume source; their short strings (image, policy and phase names) repeat too.
`SharedParts` points every object at one copy of each equal part and of each repeated string —
the objects stay whole, plain dicts read as before (the 100-node demo's pods drop to about 8 KB).

Parts are found by their JSON: a part's key is the hash of its orjson text; an equal key is only
taken after an equality check, so a collision costs the sharing, never a wrong value. Unique
parts (a pod's own volume mount, say) go in the table too, so it is swept now and then of the
parts no held object points at any more. Strings are interned (`sys.intern`), and only those of
fields whose values repeat (names of images, policies, phases, nodes; times, which repeat within
a pod and across the pods made in one second; volume names, which a pod's mounts repeat), never
object names or uids.

Shared parts make one rule binding: **an object held in a ClusterState is never changed in
place** (views and jobs copy what they change; they did before, since the objects are the
state's own). tests/state/test_shared_parts.py checks it over every view model of the demo.
"""

from __future__ import annotations

import sys
from typing import Any

import orjson

dumps = orjson.dumps
intern = sys.intern

SHORT = 64  # longer strings are rarely repeated: not worth a table entry
_SWEEP_FLOOR = 4096
_PROBE = object()

_OWN_METADATA = frozenset(("namespace", "generateName", "creationTimestamp"))  # repeated
_POD_SPEC_EACH = frozenset(("containers", "initContainers", "ephemeralContainers", "volumes"))
_CONTAINERS = ("containers", "initContainers", "ephemeralContainers")
_PER_MOUNT = frozenset(("volumeMounts", "state"))  # a status's state has its own times
_NOTHING = frozenset()
_STATUS_WORDS = ("phase", "qosClass", "hostIP", "reason", "startTime")
_CONDITION_WORDS = ("type", "status", "reason", "lastTransitionTime", "lastProbeTime")
_STATE_WORDS = ("startedAt", "finishedAt", "reason")  # a container's state: its times repeat
_MOUNT_WORDS = ("name", "mountPath")  # the pod's own token volume's name is in every mount
_TYPE_WORDS = ("kind", "apiVersion")
_TEMPLATED = frozenset(
    ("ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicationController")
)
_TEMPLATE = frozenset(("template",))
_JOB_TEMPLATE = frozenset(("jobTemplate",))
_EVENT_WORDS = ("reason", "type", "reportingComponent", "reportingInstance")
_ENDPOINT_WORDS = ("nodeName", "zone")
_TARGET_WORDS = ("kind", "namespace")
_NODE_STATUS_EACH = frozenset(("images", "conditions", "nodeInfo"))
_CONTAINER_STATUSES = ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")


class SharedParts:
    """One table of parts for one ClusterState (used under its writer's lock)."""

    def __init__(self) -> None:
        self._parts: dict[Any, Any] = {}  # hash of a part's JSON -> the part
        self._swept_at = 0

    def __len__(self) -> int:
        return len(self._parts)

    def share(self, kind: str, obj: dict) -> None:
        """Point `obj`'s parts at equal parts already held (in place; `obj` is being taken)."""
        _intern_words(obj, _TYPE_WORDS)
        metadata = obj.get("metadata")
        if isinstance(metadata, dict):
            self._metadata(metadata)
        spec = obj.get("spec")
        if isinstance(spec, dict):
            if kind == "Pod":
                self._pod_spec(spec)
            elif kind in _TEMPLATED:
                self._workload_spec(spec)
            elif kind == "CronJob":
                self._fields(spec, _JOB_TEMPLATE)
                job = spec.get("jobTemplate")
                if job.__class__ is dict and job.get("spec").__class__ is dict:
                    self._workload_spec(job["spec"])
            else:
                self._fields(spec, _NOTHING)
        status = obj.get("status")
        if kind == "Pod" and isinstance(status, dict):
            self._pod_status(status)
        elif kind == "Node" and isinstance(status, dict):
            self._node_status(status)
        elif kind == "Event":
            self._event(obj)
        elif kind == "EndpointSlice":
            self._endpoints(obj)
        elif kind == "Endpoints":
            self._subsets(obj)
        self.tidy()

    def tidy(self) -> None:
        """Sweep once the table has doubled since it was last swept."""
        if len(self._parts) > max(_SWEEP_FLOOR, 2 * self._swept_at):
            self.sweep()

    def sweep(self) -> int:
        """Forget the parts no held object points at any more; how many were forgotten. A part
        may hold parts (a volume its source): those are let go in the next pass."""
        forgotten = 0
        while gone := self._sweep_once():
            forgotten += gone
        self._swept_at = len(self._parts)
        return forgotten

    def _sweep_once(self) -> int:
        parts = self._parts
        parts[_PROBE] = {}  # held by the table alone: its count is what "nobody else" reads
        counts = [(key, sys.getrefcount(part)) for key, part in parts.items()]
        alone = next(count for key, count in counts if key is _PROBE)
        gone = [key for key, count in counts if count <= alone]
        for key in gone:
            del parts[key]
        return len(gone) - 1  # the probe

    def altered(self) -> list[Any]:
        """The parts whose JSON no longer hashes to their key: changed in place, against the
        rule (what the tests look for after every view has been built)."""
        return [
            part
            for key, part in self._parts.items()
            if key is not _PROBE and hash(dumps(part)) != key
        ]

    # ---- the walk ------------------------------------------------------------------------

    def _metadata(self, metadata: dict) -> None:
        part = self.part
        for field, value in metadata.items():
            cls = value.__class__
            if cls is dict or cls is list:
                metadata[field] = part(value)
            elif cls is str and field in _OWN_METADATA and len(value) < SHORT:
                metadata[field] = intern(value)

    def _pod_spec(self, spec: dict) -> None:
        part = self.part
        self._fields(spec, _POD_SPEC_EACH)
        for field in _CONTAINERS:
            for container in _dicts(spec.get(field)):
                self._container(container)
        volumes = spec.get("volumes")
        if volumes.__class__ is list:
            for volume in _dicts(volumes):
                _intern_words(volume, _MOUNT_WORDS)
                for field, value in volume.items():
                    if value.__class__ is dict or value.__class__ is list:
                        volume[field] = part(value)
            # replicas' volumes are equal but for the pod's own service-account token volume
            volumes[:] = [part(volume) for volume in volumes]

    def _workload_spec(self, spec: dict) -> None:
        """A controller's spec: its pod template's parts shared with its pods'."""
        self._fields(spec, _TEMPLATE)
        template = spec.get("template")
        if template.__class__ is dict:
            metadata = template.get("metadata")
            if metadata.__class__ is dict:
                self._metadata(metadata)
            pod_spec = template.get("spec")
            if pod_spec.__class__ is dict:
                self._pod_spec(pod_spec)

    def _event(self, event: dict) -> None:
        _intern_words(event, _EVENT_WORDS)
        source = event.get("source")
        if source.__class__ is dict:
            event["source"] = self.part(source)

    def _endpoints(self, endpoint_slice: dict) -> None:
        """Each endpoint's conditions and node shared; its address and target are its own."""
        ports = endpoint_slice.get("ports")
        if ports.__class__ is list:
            endpoint_slice["ports"] = self.part(ports)
        for endpoint in _dicts(endpoint_slice.get("endpoints")):
            _intern_words(endpoint, _ENDPOINT_WORDS)
            _intern_target(endpoint)
            conditions = endpoint.get("conditions")
            if conditions.__class__ is dict:
                endpoint["conditions"] = self.part(conditions)

    def _subsets(self, endpoints: dict) -> None:
        """The older Endpoints: each subset's ports shared, its addresses' words interned."""
        for subset in _dicts(endpoints.get("subsets")):
            ports = subset.get("ports")
            if ports.__class__ is list:
                subset["ports"] = self.part(ports)
            for field in ("addresses", "notReadyAddresses"):
                for address in _dicts(subset.get(field)):
                    _intern_words(address, _ENDPOINT_WORDS)
                    _intern_target(address)

    def _pod_status(self, status: dict) -> None:
        _intern_words(status, _STATUS_WORDS)
        ips = status.get("hostIPs")
        if ips.__class__ is list:
            status["hostIPs"] = self.part(ips)
        for condition in _dicts(status.get("conditions")):
            _intern_words(condition, _CONDITION_WORDS)
        ips = status.get("podIPs")
        first = ips[0] if ips.__class__ is list and len(ips) == 1 else None
        if first.__class__ is dict and first.get("ip") == status.get("podIP"):
            first["ip"] = status["podIP"]  # the same address twice: one string
        for field in _CONTAINER_STATUSES:
            for container in _dicts(status.get(field)):
                self._container(container)

    def _node_status(self, status: dict) -> None:
        """A node's images (each, and the list: nodes of one pool pull the same), capacity,
        allocatable and runtime handlers shared; its conditions' and nodeInfo's words
        interned (a 5,000-node cluster's nodes took 16 KB each, 8 of them their images)."""
        self._fields(status, _NODE_STATUS_EACH)
        images = status.get("images")
        if images.__class__ is list:
            status["images"] = self.part([self.part(image) for image in images])
        for condition in _dicts(status.get("conditions")):
            _intern_words(condition, _CONDITION_WORDS)
        info = status.get("nodeInfo")
        if info.__class__ is dict:
            self._fields(info, _NOTHING)

    def _container(self, container: dict) -> None:
        """A container's spec or status: its parts but the volume mounts (one of which is the
        pod's own) shared, and each mount."""
        self._fields(container, _PER_MOUNT)
        mounts = container.get("volumeMounts")
        if mounts.__class__ is list:
            part = self.part
            for mount in _dicts(mounts):
                _intern_words(mount, _MOUNT_WORDS)
            mounts[:] = [part(mount) for mount in mounts]
        state = container.get("state")
        if state.__class__ is dict:
            for now in _dicts(list(state.values())):
                _intern_words(now, _STATE_WORDS)
        image_id = container.get("imageID")
        if image_id.__class__ is str:  # a digest, longer than SHORT, and the same for many
            container["imageID"] = intern(image_id)

    def _fields(self, fields: dict, each: frozenset[str]) -> None:
        """Share every dict or list value but those named in `each`; the short strings too."""
        part = self.part
        for field, value in fields.items():
            cls = value.__class__
            if cls is str:
                if len(value) < SHORT:
                    fields[field] = intern(value)
            elif (cls is dict or cls is list) and field not in each:
                fields[field] = part(value)

    def part(self, part: Any) -> Any:
        """The equal part held already, else `part` (held from now on)."""
        try:
            key = hash(dumps(part))
        except TypeError:  # not JSON (an object read from YAML may hold dates or int keys)
            return part
        parts = self._parts
        held = parts.get(key)
        if held is None:
            parts[key] = part
            return part
        return held if held == part else part


def _intern_words(fields: dict, names: tuple[str, ...]) -> None:
    for name in names:
        value = fields.get(name)
        if value.__class__ is str and len(value) < SHORT:
            fields[name] = intern(value)


def _intern_target(endpoint: dict) -> None:
    target = endpoint.get("targetRef")
    if target.__class__ is dict:
        _intern_words(target, _TARGET_WORDS)


def _dicts(items: Any) -> Any:
    if items.__class__ is not list:
        return ()
    return [item for item in items if item.__class__ is dict]
