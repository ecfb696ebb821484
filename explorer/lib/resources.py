"""The Kubernetes resources Cluster Explorer lists and watches.

One catalogue shared by the client (`kube/`), the state (`state/`) and the read-only API server
(`apiserver/`), so that all three agree on names, groups and scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Resource:
    kind: str
    plural: str
    group: str  # "" for the core group
    version: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    singular: str = field(default="")
    # Secrets are only ever fetched as PartialObjectMetadata: their values never cross the wire.
    metadata_only: bool = False

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_version(self) -> str:
        return self.api_version

    @property
    def name(self) -> str:
        """`plural.group` as RBAC and kubectl spell it (`deployments.apps`, `pods`)."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        """The REST path of the collection (or one object) on a kube-apiserver."""
        prefix = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            prefix += f"/namespaces/{namespace}"
        prefix += f"/{self.plural}"
        return f"{prefix}/{name}" if name else prefix


def _r(kind, plural, group, version, namespaced, short=(), categories=(), **kw) -> Resource:
    return Resource(
        kind=kind,
        plural=plural,
        group=group,
        version=version,
        namespaced=namespaced,
        short_names=tuple(short),
        categories=tuple(categories),
        singular=kind.lower(),
        **kw,
    )


ALL = ("all",)

RESOURCES: tuple[Resource, ...] = (
    _r("Namespace", "namespaces", "", "v1", False, ["ns"]),
    _r("Node", "nodes", "", "v1", False, ["no"]),
    _r("Pod", "pods", "", "v1", True, ["po"], ALL),
    _r("Service", "services", "", "v1", True, ["svc"], ALL),
    _r("Endpoints", "endpoints", "", "v1", True, ["ep"]),
    _r("ConfigMap", "configmaps", "", "v1", True, ["cm"]),
    _r("Secret", "secrets", "", "v1", True, metadata_only=True),
    _r("ServiceAccount", "serviceaccounts", "", "v1", True, ["sa"]),
    _r("PersistentVolume", "persistentvolumes", "", "v1", False, ["pv"]),
    _r("PersistentVolumeClaim", "persistentvolumeclaims", "", "v1", True, ["pvc"]),
    _r("Event", "events", "", "v1", True, ["ev"]),
    _r("ResourceQuota", "resourcequotas", "", "v1", True, ["quota"]),
    _r("LimitRange", "limitranges", "", "v1", True, ["limits"]),
    _r("EndpointSlice", "endpointslices", "discovery.k8s.io", "v1", True),
    _r("Deployment", "deployments", "apps", "v1", True, ["deploy"], ALL),
    _r("ReplicaSet", "replicasets", "apps", "v1", True, ["rs"], ALL),
    _r("StatefulSet", "statefulsets", "apps", "v1", True, ["sts"], ALL),
    _r("DaemonSet", "daemonsets", "apps", "v1", True, ["ds"], ALL),
    _r("Job", "jobs", "batch", "v1", True, (), ALL),
    _r("CronJob", "cronjobs", "batch", "v1", True, ["cj"], ALL),
    _r("StorageClass", "storageclasses", "storage.k8s.io", "v1", False, ["sc"]),
    _r("CSIDriver", "csidrivers", "storage.k8s.io", "v1", False),
    _r("CSINode", "csinodes", "storage.k8s.io", "v1", False),
    _r("VolumeAttachment", "volumeattachments", "storage.k8s.io", "v1", False),
    _r("Lease", "leases", "coordination.k8s.io", "v1", True),
    _r("PriorityClass", "priorityclasses", "scheduling.k8s.io", "v1", False, ["pc"]),
    _r("Role", "roles", "rbac.authorization.k8s.io", "v1", True),
    _r("RoleBinding", "rolebindings", "rbac.authorization.k8s.io", "v1", True),
    _r("ClusterRole", "clusterroles", "rbac.authorization.k8s.io", "v1", False),
    _r("ClusterRoleBinding", "clusterrolebindings", "rbac.authorization.k8s.io", "v1", False),
    _r("NetworkPolicy", "networkpolicies", "networking.k8s.io", "v1", True, ["netpol"]),
    _r("Ingress", "ingresses", "networking.k8s.io", "v1", True, ["ing"]),
    _r(
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        "autoscaling",
        "v2",
        True,
        ["hpa"],
        ALL,
    ),
    _r("PodDisruptionBudget", "poddisruptionbudgets", "policy", "v1", True, ["pdb"]),
    _r(
        "CustomResourceDefinition",
        "customresourcedefinitions",
        "apiextensions.k8s.io",
        "v1",
        False,
        ["crd", "crds"],
    ),
)

BY_KIND: dict[str, Resource] = {r.kind: r for r in RESOURCES}
BY_PLURAL: dict[tuple[str, str], Resource] = {(r.group, r.plural): r for r in RESOURCES}


def for_kind(kind: str) -> Resource:
    """The resource of a kind name (`Pod`); KeyError for a kind the explorer does not know."""
    return BY_KIND[kind]


def resource_named(text: str) -> Resource | None:
    """The resource a person may name as kubectl takes it — kind, plural, singular or short name,
    in any case (`Deployment`, `deployments`, `deploy`) — or None."""
    wanted = text.lower()
    for resource in RESOURCES:
        names = (resource.kind.lower(), resource.plural, resource.singular, *resource.short_names)
        if wanted in names:
            return resource
    return None
