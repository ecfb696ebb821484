"""Rows of the core (`v1`) kinds other than pods: nodes, services, events, storage, config."""

from __future__ import annotations

from explorer.lib.objects import labels_of, name_of, spec_of, status_of

from ..duration import age
from .common import (
    Cells,
    Printer,
    access_modes,
    col,
    format_labels,
    is_terminating,
    named_rows,
    storage_class_of,
)

# ---- nodes -------------------------------------------------------------------------------

_ROLE_PREFIX = "node-role.kubernetes.io/"


def _node_roles(node: dict) -> str:
    roles = set()
    for key, value in labels_of(node).items():
        if key.startswith(_ROLE_PREFIX) and key[len(_ROLE_PREFIX) :]:
            roles.add(key[len(_ROLE_PREFIX) :])
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return ",".join(sorted(roles)) or "<none>"


def _node_address(node: dict, kind: str) -> str:
    for address in status_of(node).get("addresses") or ():
        if address.get("type") == kind:
            return address.get("address", "")
    return "<none>"


def _node_cells(node: dict, _now: float) -> Cells:
    states = [
        c.get("type", "") if c.get("status") == "True" else "Not" + c.get("type", "")
        for c in status_of(node).get("conditions") or ()
        if c.get("type") == "Ready"
    ] or ["Unknown"]
    if spec_of(node).get("unschedulable"):
        states.append("SchedulingDisabled")
    info = status_of(node).get("nodeInfo") or {}
    return [
        ",".join(states),
        _node_roles(node),
        info.get("kubeletVersion", ""),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


NODE = named_rows(
    (
        col("Status", doc="The status of the node"),
        col("Roles", doc="The roles of the node"),
        col("Version", doc="Kubelet Version reported by the node."),
        col("Internal-IP", priority=1, doc="List of addresses reachable to the node."),
        col("External-IP", priority=1, doc="List of addresses reachable to the node."),
        col("OS-Image", priority=1, doc="OS Image reported by the node."),
        col("Kernel-Version", priority=1, doc="Kernel Version reported by the node."),
        col("Container-Runtime", priority=1, doc="ContainerRuntime Version reported by the node."),
    ),
    _node_cells,
    age_at=2,
)

# ---- services ----------------------------------------------------------------------------


def _load_balancer_ips(svc: dict) -> list[str]:
    seen: list[str] = []
    for ingress in (status_of(svc).get("loadBalancer") or {}).get("ingress") or ():
        value = ingress.get("ip") or ingress.get("hostname")
        if value and value not in seen:
            seen.append(value)
    return seen


def _external_ip(svc: dict) -> str:
    svc_spec = spec_of(svc)
    kind = svc_spec.get("type") or "ClusterIP"
    external = svc_spec.get("externalIPs") or []
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) or "<none>"
    if kind == "LoadBalancer":
        return ",".join(_load_balancer_ips(svc) + external) or "<pending>"
    if kind == "ExternalName":
        return svc_spec.get("externalName", "")
    return "<unknown>"


def _ports(ports: list[dict]) -> str:
    pieces = []
    for port in ports:
        protocol = port.get("protocol") or "TCP"
        if port.get("nodePort"):
            pieces.append(f"{port.get('port')}:{port['nodePort']}/{protocol}")
        else:
            pieces.append(f"{port.get('port')}/{protocol}")
    return ",".join(pieces) or "<none>"


def _service_cells(svc: dict, _now: float) -> Cells:
    svc_spec = spec_of(svc)
    cluster_ips = svc_spec.get("clusterIPs") or (
        [svc_spec["clusterIP"]] if svc_spec.get("clusterIP") else []
    )
    return [
        svc_spec.get("type") or "ClusterIP",
        cluster_ips[0] if cluster_ips else "<none>",
        _external_ip(svc),
        _ports(svc_spec.get("ports") or []),
        format_labels(svc_spec.get("selector")),
    ]


SERVICE = named_rows(
    (
        col("Type", doc="type determines how the Service is exposed."),
        col("Cluster-IP", doc="clusterIP is the IP address of the service."),
        col("External-IP", doc="externalIPs of the service."),
        col("Port(s)", doc="The list of ports that are exposed by this service."),
        col("Selector", priority=1, doc="Route service traffic to pods with these labels."),
    ),
    _service_cells,
    age_at=4,
)

# ---- events ------------------------------------------------------------------------------


def _event_source(event: dict) -> str:
    source = event.get("source") or {}
    component = source.get("component") or event.get("reportingController") or ""
    host = source.get("host") or event.get("reportingInstance") or ""
    return f"{component}, {host}" if host else component


def event_cells(event: dict, now: float) -> Cells:
    first = event.get("firstTimestamp")
    first_seen = (
        age(first or event.get("eventTime"), now)
        if (first or event.get("eventTime"))
        else "<unknown>"
    )
    last = event.get("lastTimestamp")
    last_seen = age(last, now) if last else first_seen
    count = event.get("count") or 0
    series = event.get("series")
    if series:
        last_seen = age(series.get("lastObservedTime"), now)
        count = series.get("count") or 0
    elif not count:
        count = 1
    involved = event.get("involvedObject") or {}
    kind = (involved.get("kind") or "").lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    return [
        last_seen,
        event.get("type", ""),
        event.get("reason", ""),
        target,
        involved.get("fieldPath", ""),
        _event_source(event),
        (event.get("message") or "").strip(),
        first_seen,
        count,
        name_of(event),
    ]


EVENT = Printer(
    (
        col(
            "Last Seen",
            doc="The time at which the most recent occurrence of this event was recorded.",
        ),
        col("Type", doc="Type of this event (Normal, Warning)."),
        col("Reason", doc="This should be a short, machine understandable string."),
        col("Object", doc="The object that this event is about."),
        col("Subobject", priority=1, doc="The field of the object the event is about."),
        col("Source", priority=1, doc="The component reporting this event."),
        col("Message", doc="A human-readable description of the status of this operation."),
        col("First Seen", priority=1, doc="The time at which the event was first recorded."),
        col("Count", priority=1, doc="The number of times this event has occurred."),
        col("Name", priority=1, fmt="name", doc="Name must be unique within a namespace."),
    ),
    event_cells,
)

# ---- small core kinds --------------------------------------------------------------------

NAMESPACE = named_rows(
    (col("Status", doc="The status of the namespace"),),
    lambda ns, _now: [status_of(ns).get("phase", "")],
)

CONFIG_MAP = named_rows(
    (col("Data", doc="Data contains the configuration data."),),
    lambda cm, _now: [len(cm.get("data") or {}) + len(cm.get("binaryData") or {})],
)

# The state never holds Secret values, so DATA counts whatever keys are left: 0 in practice.
SECRET = named_rows(
    (
        col("Type", doc="Used to facilitate programmatic handling of secret data."),
        col("Data", doc="Number of data keys."),
    ),
    lambda s, _now: [s.get("type", ""), len(s.get("data") or {})],
)

SERVICE_ACCOUNT = named_rows(
    (col("Secrets", doc="Secrets is a list of the secrets in the same namespace."),),
    lambda sa, _now: [len(sa.get("secrets") or ())],
)


def _endpoints_text(endpoints: dict) -> str:
    subsets = endpoints.get("subsets") or ()
    if not subsets:
        return "<none>"
    shown: list[str] = []
    total = 0
    for subset in subsets:
        addresses = [a.get("ip", "") for a in subset.get("addresses") or ()]
        ports = subset.get("ports") or ()
        if not ports:
            total += len(addresses)
            shown.extend(addresses)
            continue
        for port in ports:
            total += len(addresses)
            shown.extend(_host_port(ip, port.get("port")) for ip in addresses)
    text = ",".join(shown[:3])
    return f"{text} + {total - 3} more..." if total > 3 else text


def _host_port(ip: str, port: object) -> str:
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


ENDPOINTS = named_rows(
    (col("Endpoints", doc="The set of all endpoints is the union of all subsets."),),
    lambda ep, _now: [_endpoints_text(ep)],
)


def _pv_cells(pv: dict, _now: float) -> Cells:
    pv_spec = spec_of(pv)
    claim = pv_spec.get("claimRef")
    claim_text = f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim else ""
    return [
        (pv_spec.get("capacity") or {}).get("storage", "0"),
        access_modes(pv_spec.get("accessModes")),
        pv_spec.get("persistentVolumeReclaimPolicy", ""),
        "Terminating" if is_terminating(pv) else status_of(pv).get("phase", ""),
        claim_text,
        storage_class_of(pv),
        pv_spec.get("volumeAttributesClassName") or "<unset>",
        status_of(pv).get("reason", ""),
        pv_spec.get("volumeMode") or "<unset>",
    ]


PERSISTENT_VOLUME = named_rows(
    (
        col("Capacity", doc="capacity is the description of the persistent volume's resources."),
        col("Access Modes", doc="accessModes contains all ways the volume can be mounted."),
        col("Reclaim Policy", doc="What happens to a persistent volume when released."),
        col(
            "Status", doc="phase indicates if a volume is available, bound to a claim, or released."
        ),
        col("Claim", doc="claimRef is part of a bi-directional binding."),
        col("StorageClass", doc="StorageClass of the pv"),
        col("VolumeAttributesClass", doc="VolumeAttributesClass of the pv"),
        col("Reason", doc="reason is a brief CamelCase string that describes any failure."),
        col(
            "VolumeMode",
            priority=1,
            doc="volumeMode defines if a volume is a filesystem or a block.",
        ),
    ),
    _pv_cells,
    age_at=8,
)


def _pvc_cells(pvc: dict, _now: float) -> Cells:
    pvc_spec, pvc_status = spec_of(pvc), status_of(pvc)
    bound = bool(pvc_spec.get("volumeName"))
    return [
        "Terminating" if is_terminating(pvc) else pvc_status.get("phase", ""),
        pvc_spec.get("volumeName", ""),
        (pvc_status.get("capacity") or {}).get("storage", "") if bound else "",
        access_modes(pvc_status.get("accessModes")) if bound else "",
        storage_class_of(pvc),
        pvc_spec.get("volumeAttributesClassName") or "<unset>",
        pvc_spec.get("volumeMode") or "<unset>",
    ]


PERSISTENT_VOLUME_CLAIM = named_rows(
    (
        col("Status", doc="phase represents the current phase of PersistentVolumeClaim."),
        col("Volume", doc="volumeName is the binding reference to the PersistentVolume."),
        col("Capacity", doc="capacity represents the actual resources of the underlying volume."),
        col("Access Modes", doc="accessModes contains the actual access modes the volume has."),
        col("StorageClass", doc="StorageClass of the pvc"),
        col("VolumeAttributesClass", doc="VolumeAttributesClass of the pvc"),
        col("VolumeMode", priority=1, doc="volumeMode defines what type of volume is required."),
    ),
    _pvc_cells,
    age_at=6,
)


def _quota_cells(quota: dict, _now: float) -> Cells:
    hard = status_of(quota).get("hard") or {}
    used = status_of(quota).get("used") or {}
    requests, limits = [], []
    for resource in sorted(hard):
        target = limits if resource.split(".")[0] == "limits" and "." in resource else requests
        target.append(f"{resource}: {used.get(resource, '0')}/{hard[resource]}")
    return [", ".join(requests), ", ".join(limits)]


RESOURCE_QUOTA = named_rows(
    (
        col("Request", doc="Request represents a minimum amount of cpu/memory."),
        col("Limit", doc="Limits control the maximum amount of cpu/memory."),
    ),
    _quota_cells,
    age_at=0,
)
