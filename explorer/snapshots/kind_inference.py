"""The kind of an object that does not say it, told from its content.

The kubelet's `/pods` serves a PodList whose items carry no `kind`; gatherers such as OpenShift's
Insights Operator save bare objects without `kind` or `apiVersion`. Such an object is typed, in
order, by the list that holds it (`PodList` → Pod), by its `metadata.selfLink` (older servers set
one), then by the fields only one kind has. Where the shape does not decide (a bare `data` map may
be a ConfigMap or a Secret) the answer is None, and the caller asks for an explicit `kind`.
"""

from __future__ import annotations

from collections.abc import Callable

from explorer.lib.objects import meta_of, namespace_of
from explorer.lib.resources import BY_KIND, BY_PLURAL

# Kinds that one apiVersion group does not pin down alone.
_EXTRA_GROUPS = {"Event": {"events.k8s.io"}}


def infer_kind(obj: dict, list_kind: str | None = None) -> str | None:
    """The kind of `obj`, from itself, its list's kind, its selfLink or its shape."""
    kind = obj.get("kind")
    if isinstance(kind, str) and kind:
        return kind
    if list_kind and list_kind.endswith("List") and list_kind != "List":
        return list_kind.removesuffix("List")
    return _kind_from_self_link(obj) or _kind_from_shape(obj)


def _kind_from_self_link(obj: dict) -> str | None:
    link = meta_of(obj).get("selfLink")
    if not isinstance(link, str):
        return None
    parts = link.strip("/").split("/")
    if parts[:1] == ["api"]:
        group, rest = "", parts[2:]
    elif parts[:1] == ["apis"] and len(parts) > 2:
        group, rest = parts[1], parts[3:]
    else:
        return None
    if len(rest) >= 4 and rest[0] == "namespaces":
        rest = rest[2:]
    resource = BY_PLURAL.get((group, rest[0])) if rest else None
    return resource.kind if resource else None


def _kind_from_shape(obj: dict) -> str | None:
    group = _group_of(obj.get("apiVersion"))
    for kind, matches in _SHAPES:
        if group is not None and not _in_group(kind, group):
            continue
        if matches(obj):
            return _scoped(kind, obj)
    return None


def _group_of(api_version: object) -> str | None:
    if not isinstance(api_version, str) or not api_version:
        return None
    return api_version.rpartition("/")[0]


def _in_group(kind: str, group: str) -> bool:
    return BY_KIND[kind].group == group or group in _EXTRA_GROUPS.get(kind, ())


def _scoped(kind: str, obj: dict) -> str:
    """Role/ClusterRole and RoleBinding/ClusterRoleBinding differ only in having a namespace."""
    if kind in ("Role", "RoleBinding") and not namespace_of(obj):
        return f"Cluster{kind}"
    return kind


def _spec(obj: dict) -> dict:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def _status(obj: dict) -> dict:
    status = obj.get("status")
    return status if isinstance(status, dict) else {}


def _spec_has(*fields: str) -> Callable[[dict], bool]:
    return lambda obj: any(field in _spec(obj) for field in fields)


def _has(*fields: str) -> Callable[[dict], bool]:
    return lambda obj: any(field in obj for field in fields)


def _is_secret(obj: dict) -> bool:
    secret_type = obj.get("type")
    return "stringData" in obj or (isinstance(secret_type, str) and "data" in obj)


def _is_workload(obj: dict, *fields: str) -> bool:
    spec = _spec(obj)
    return "template" in spec and any(field in spec for field in fields)


def _is_namespace(obj: dict) -> bool:
    return _spec(obj).get("finalizers") == ["kubernetes"] or _status(obj).get("phase") in (
        "Active",
        "Terminating",
    )


# Order matters: the first match wins, so narrower shapes come before broader ones.
_SHAPES: tuple[tuple[str, Callable[[dict], bool]], ...] = (
    ("Pod", _spec_has("containers")),
    ("Node", lambda o: "nodeInfo" in _status(o) or _spec_has("podCIDR", "providerID", "taints")(o)),
    ("PersistentVolume", _spec_has("persistentVolumeReclaimPolicy", "capacity")),
    ("PersistentVolumeClaim", lambda o: _spec_has("accessModes")(o) and "resources" in _spec(o)),
    ("StorageClass", _has("provisioner")),
    ("Endpoints", _has("subsets")),
    ("EndpointSlice", _has("addressType")),
    ("Secret", _is_secret),
    ("CronJob", _spec_has("jobTemplate")),
    ("Job", lambda o: _is_workload(o, "completions", "parallelism", "backoffLimit")),
    ("StatefulSet", lambda o: _is_workload(o, "serviceName", "volumeClaimTemplates")),
    ("Deployment", lambda o: _is_workload(o, "strategy", "progressDeadlineSeconds")),
    ("DaemonSet", lambda o: "desiredNumberScheduled" in _status(o)),
    ("ReplicaSet", lambda o: _is_workload(o, "replicas") and "fullyLabeledReplicas" in _status(o)),
    ("HorizontalPodAutoscaler", _spec_has("scaleTargetRef")),
    ("Lease", _spec_has("holderIdentity", "renewTime", "leaseDurationSeconds")),
    ("Event", _has("involvedObject", "regarding")),
    ("ResourceQuota", _spec_has("hard")),
    ("LimitRange", _spec_has("limits")),
    ("RoleBinding", _has("roleRef")),
    ("Role", _has("rules", "aggregationRule")),
    ("NetworkPolicy", _spec_has("podSelector")),
    ("Ingress", _spec_has("ingressClassName", "defaultBackend", "backend")),
    ("PodDisruptionBudget", _spec_has("minAvailable", "maxUnavailable")),
    ("CustomResourceDefinition", lambda o: _spec_has("names")(o) and "group" in _spec(o)),
    ("VolumeAttachment", _spec_has("attacher")),
    ("CSINode", _spec_has("drivers")),
    ("CSIDriver", _spec_has("attachRequired", "podInfoOnMount", "volumeLifecycleModes")),
    ("PriorityClass", lambda o: isinstance(o.get("value"), int) and "data" not in o),
    ("Service", _spec_has("clusterIP", "ports", "externalName")),
    ("ServiceAccount", _has("secrets", "imagePullSecrets", "automountServiceAccountToken")),
    ("Namespace", _is_namespace),
)
