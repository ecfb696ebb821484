"""Where kube-apiserver keeps each resource in etcd: the key segment under the prefix, the scope
(it decides whether the key holds a namespace) and the encoding of the values.

Built-in groups drop the group from the key (`/registry/deployments/…`, not `…/apps/…`), so the
group of a built-in key comes from this table. The exceptions to "the segment is the plural" are
history: services → `services/specs`, endpoints → `services/endpoints`, nodes → `minions`,
replicationcontrollers → `controllers`, ingresses → `ingress`, PodSecurityPolicies →
`podsecuritypolicy`. Events of both groups share `events` (the core Event is what is stored).
The aggregator and apiextensions-apiserver keep their group (`apiregistration.k8s.io/apiservices`,
`apiextensions.k8s.io/customresourcedefinitions`) and store JSON, as do custom resources
(`<group>/<plural>`). The API server's own records (`masterleases/<ip>`, the allocators'
`ranges/…`) are not API resources: their segment is their name.

Source: kube-apiserver's storage paths as its integration test lists them
(kubernetes/kubernetes test/integration/etcd/data.go, ExpectedEtcdPath) and the registry's
allocators (`/ranges/serviceips`, `/ranges/secondaryserviceips`, `/ranges/servicenodeports`,
`/masterleases/`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Encoding(StrEnum):
    """How kube-apiserver writes a resource's values by default (`--storage-media-type` can make
    built-in kinds JSON or YAML)."""

    PROTOBUF = "protobuf"  # `k8s\x00` + runtime.Unknown
    JSON = "json"


@dataclass(frozen=True, slots=True)
class StoredResource:
    group: str  # "" for the core group
    resource: str  # the API's plural; a record's segment
    segment: str  # the key's path under the prefix: `services/specs`, `cr.bar.com/foos`
    namespaced: bool
    encoding: Encoding
    kind: str = ""  # "" when not known (custom resources read from a key)
    record: bool = False  # the API server's own record, not an API resource
    named: bool = True  # a key per object; False: one key, the segment itself (`ranges/…`)
    removed_in: str = ""  # the release that stopped serving it (seen in older clusters' etcd)
    built_in: bool = True

    @property
    def api_name(self) -> str:
        """`plural.group` as kubectl spells it (`deployments.apps`, `pods`)."""
        return f"{self.resource}.{self.group}" if self.group else self.resource


def _b(
    group: str,
    resource: str,
    kind: str,
    namespaced: bool,
    segment: str = "",
    *,
    encoding: Encoding = Encoding.PROTOBUF,
    removed_in: str = "",
) -> StoredResource:
    return StoredResource(
        group=group,
        resource=resource,
        segment=segment or resource,
        namespaced=namespaced,
        encoding=encoding,
        kind=kind,
        removed_in=removed_in,
    )


NS, CLUSTER = True, False
_ADMISSION = "admissionregistration.k8s.io"
_CERTIFICATES = "certificates.k8s.io"
_COORDINATION = "coordination.k8s.io"
_FLOWCONTROL = "flowcontrol.apiserver.k8s.io"
_NETWORKING = "networking.k8s.io"
_RBAC = "rbac.authorization.k8s.io"
_RESOURCE = "resource.k8s.io"
_SCHEDULING = "scheduling.k8s.io"
_STORAGE = "storage.k8s.io"

BUILT_IN: tuple[StoredResource, ...] = (
    _b("", "configmaps", "ConfigMap", NS),
    _b("", "endpoints", "Endpoints", NS, "services/endpoints"),
    _b("", "events", "Event", NS),
    _b("", "limitranges", "LimitRange", NS),
    _b("", "namespaces", "Namespace", CLUSTER),
    _b("", "nodes", "Node", CLUSTER, "minions"),
    _b("", "persistentvolumeclaims", "PersistentVolumeClaim", NS),
    _b("", "persistentvolumes", "PersistentVolume", CLUSTER),
    _b("", "pods", "Pod", NS),
    _b("", "podtemplates", "PodTemplate", NS),
    _b("", "replicationcontrollers", "ReplicationController", NS, "controllers"),
    _b("", "resourcequotas", "ResourceQuota", NS),
    _b("", "secrets", "Secret", NS),
    _b("", "serviceaccounts", "ServiceAccount", NS),
    _b("", "services", "Service", NS, "services/specs"),
    _b(_ADMISSION, "mutatingadmissionpolicies", "MutatingAdmissionPolicy", CLUSTER),
    _b(_ADMISSION, "mutatingadmissionpolicybindings", "MutatingAdmissionPolicyBinding", CLUSTER),
    _b(_ADMISSION, "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", CLUSTER),
    _b(_ADMISSION, "validatingadmissionpolicies", "ValidatingAdmissionPolicy", CLUSTER),
    _b(
        _ADMISSION,
        "validatingadmissionpolicybindings",
        "ValidatingAdmissionPolicyBinding",
        CLUSTER,
    ),
    _b(_ADMISSION, "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", CLUSTER),
    _b(
        "apiextensions.k8s.io",
        "customresourcedefinitions",
        "CustomResourceDefinition",
        CLUSTER,
        "apiextensions.k8s.io/customresourcedefinitions",
        encoding=Encoding.JSON,
    ),
    _b(
        "apiregistration.k8s.io",
        "apiservices",
        "APIService",
        CLUSTER,
        "apiregistration.k8s.io/apiservices",
        encoding=Encoding.JSON,
    ),
    _b("apps", "controllerrevisions", "ControllerRevision", NS),
    _b("apps", "daemonsets", "DaemonSet", NS),
    _b("apps", "deployments", "Deployment", NS),
    _b("apps", "replicasets", "ReplicaSet", NS),
    _b("apps", "statefulsets", "StatefulSet", NS),
    _b("autoscaling", "horizontalpodautoscalers", "HorizontalPodAutoscaler", NS),
    _b("batch", "cronjobs", "CronJob", NS),
    _b("batch", "jobs", "Job", NS),
    _b(_CERTIFICATES, "certificatesigningrequests", "CertificateSigningRequest", CLUSTER),
    _b(_CERTIFICATES, "clustertrustbundles", "ClusterTrustBundle", CLUSTER),
    _b(_CERTIFICATES, "podcertificaterequests", "PodCertificateRequest", NS),
    _b(_COORDINATION, "leasecandidates", "LeaseCandidate", NS),
    _b(_COORDINATION, "leases", "Lease", NS),
    _b("discovery.k8s.io", "endpointslices", "EndpointSlice", NS),
    _b(_FLOWCONTROL, "flowschemas", "FlowSchema", CLUSTER),
    _b(_FLOWCONTROL, "prioritylevelconfigurations", "PriorityLevelConfiguration", CLUSTER),
    _b("internal.apiserver.k8s.io", "storageversions", "StorageVersion", CLUSTER),
    _b(_NETWORKING, "ingressclasses", "IngressClass", CLUSTER),
    _b(_NETWORKING, "ingresses", "Ingress", NS, "ingress"),
    _b(_NETWORKING, "ipaddresses", "IPAddress", CLUSTER),
    _b(_NETWORKING, "networkpolicies", "NetworkPolicy", NS),
    _b(_NETWORKING, "servicecidrs", "ServiceCIDR", CLUSTER),
    _b("node.k8s.io", "runtimeclasses", "RuntimeClass", CLUSTER),
    _b("policy", "poddisruptionbudgets", "PodDisruptionBudget", NS),
    _b(_RBAC, "clusterrolebindings", "ClusterRoleBinding", CLUSTER),
    _b(_RBAC, "clusterroles", "ClusterRole", CLUSTER),
    _b(_RBAC, "rolebindings", "RoleBinding", NS),
    _b(_RBAC, "roles", "Role", NS),
    _b(_RESOURCE, "deviceclasses", "DeviceClass", CLUSTER),
    _b(_RESOURCE, "devicetaintrules", "DeviceTaintRule", CLUSTER),
    _b(_RESOURCE, "resourceclaims", "ResourceClaim", NS),
    _b(_RESOURCE, "resourceclaimtemplates", "ResourceClaimTemplate", NS),
    _b(_RESOURCE, "resourcepoolstatusrequests", "ResourcePoolStatusRequest", CLUSTER),
    _b(_RESOURCE, "resourceslices", "ResourceSlice", CLUSTER),
    _b(_SCHEDULING, "podgroups", "PodGroup", NS),
    _b(_SCHEDULING, "priorityclasses", "PriorityClass", CLUSTER),
    _b(_SCHEDULING, "workloads", "Workload", NS),
    _b(_STORAGE, "csidrivers", "CSIDriver", CLUSTER),
    _b(_STORAGE, "csinodes", "CSINode", CLUSTER),
    _b(_STORAGE, "csistoragecapacities", "CSIStorageCapacity", NS),
    _b(_STORAGE, "storageclasses", "StorageClass", CLUSTER),
    _b(_STORAGE, "volumeattachments", "VolumeAttachment", CLUSTER),
    _b(_STORAGE, "volumeattributesclasses", "VolumeAttributesClass", CLUSTER),
    _b("storagemigration.k8s.io", "storageversionmigrations", "StorageVersionMigration", CLUSTER),
    # no longer served, still found in the etcd of clusters that ran them
    _b(
        "policy",
        "podsecuritypolicies",
        "PodSecurityPolicy",
        CLUSTER,
        "podsecuritypolicy",
        removed_in="1.25",
    ),
    _b("settings.k8s.io", "podpresets", "PodPreset", NS, removed_in="1.20"),
)

# Events of events.k8s.io are stored as core Events under the same segment: a key of `events`
# reads back as the core resource.
SHARED_SEGMENTS: dict[tuple[str, str], str] = {("events.k8s.io", "events"): "events"}


def _record(segment: str, kind: str, named: bool) -> StoredResource:
    return StoredResource(
        group="",
        resource=segment,
        segment=segment,
        namespaced=False,
        encoding=Encoding.PROTOBUF,
        kind=kind,
        record=True,
        named=named,
    )


RECORDS: tuple[StoredResource, ...] = (
    # one key per API server address, with a lease: the endpoint reconciler's view of who serves
    _record("masterleases", "Endpoints", named=True),
    # the Service ClusterIP and NodePort allocators' bitmaps (RangeAllocation), one key each
    _record("ranges/serviceips", "RangeAllocation", named=False),
    _record("ranges/secondaryserviceips", "RangeAllocation", named=False),
    _record("ranges/servicenodeports", "RangeAllocation", named=False),
)

BY_RESOURCE: dict[tuple[str, str], StoredResource] = {(r.group, r.resource): r for r in BUILT_IN}
BY_KIND: dict[tuple[str, str], StoredResource] = {(r.group, r.kind): r for r in BUILT_IN}
BY_SEGMENT: dict[str, StoredResource] = {r.segment: r for r in (*BUILT_IN, *RECORDS)}
BY_KIND[("events.k8s.io", "Event")] = BY_RESOURCE[("", "events")]
BY_RESOURCE[("events.k8s.io", "events")] = BY_RESOURCE[("", "events")]
BUILT_IN_GROUPS = frozenset({r.group for r in BUILT_IN} | {"events.k8s.io", "extensions"})


def is_custom_group(group: str) -> bool:
    """A group whose resources keep it in their keys: any group not built in (built-in groups
    are `""`, `apps`, `batch`, …, and `*.k8s.io` ones listed above)."""
    return "." in group and group not in BUILT_IN_GROUPS


def custom_resource(group: str, plural: str, namespaced: bool, kind: str = "") -> StoredResource:
    """A custom resource: `<group>/<plural>`, stored as JSON."""
    return StoredResource(
        group=group,
        resource=plural,
        segment=f"{group}/{plural}",
        namespaced=namespaced,
        encoding=Encoding.JSON,
        kind=kind,
        built_in=False,
    )


def stored_resource(group: str, resource: str, namespaced: bool | None = None) -> StoredResource:
    """Where a resource is kept: the table's entry for a built-in one, `<group>/<plural>` for a
    custom one (its scope as the caller says; namespaced when not said). ValueError for a
    resource of a built-in group that the table does not know."""
    found = BY_RESOURCE.get((group, resource))
    if found is not None:
        return found
    if group and is_custom_group(group):
        return custom_resource(group, resource, True if namespaced is None else namespaced)
    raise ValueError(f"no etcd key layout known for {resource}.{group or 'core'}")


def segment_of(parts: list[str]) -> tuple[StoredResource | None, int]:
    """The stored resource that the first path parts under the prefix name, and how many parts
    its segment takes; (None, 0) when no built-in segment or record matches."""
    if parts[0] in _FIRST_OF_LONGER and len(parts) > 1:
        found = BY_SEGMENT.get(f"{parts[0]}/{parts[1]}")
        return (found, 2) if found is not None else (None, 0)
    found = BY_SEGMENT.get(parts[0])
    return (found, 1) if found is not None else (None, 0)


# the first parts of the two-part segments (`services`, `ranges`, the aggregated groups); none of
# them is a segment of its own, so one look-up decides (tests hold the table to this)
_FIRST_OF_LONGER = frozenset(s.split("/")[0] for s in BY_SEGMENT if "/" in s)
