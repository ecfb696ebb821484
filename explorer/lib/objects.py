"""The words for a Kubernetes object: small pure accessors on the plain dict bodies the API serves.

Modelled on kopf's `structs/bodies`: an object is a JSON dict as the API serves it, and these
functions read its parts without ever failing on a missing one — a missing `metadata`, `spec` or
`status` (or one that is `null`) reads as empty, a missing name as "". Each accessor also takes
None, so `spec_of(state.get(...))` reads an object that may not be there.

    meta_of, spec_of, status_of     the three parts (a dict, empty when missing)
    name_of, namespace_of, uid_of   strings, "" when missing
    key_of                          (namespace, name): where ClusterState holds the object
    namespaced_name                 "namespace/name", or "name" when cluster scoped
    labels_of, annotations_of       dicts, empty when missing
    owner_references                the ownerReferences that are dicts
    controller_reference            the ownerReference with controller: true, or None
    template_spec_of                spec.template.spec (a workload's pod spec)
    containers_of                   spec.containers (with initContainers when asked)
    container_statuses              status.containerStatuses (with initContainerStatuses when asked)
    containers_and_statuses         every container of a pod by role, with its status
    conditions_of, condition        status.conditions, and the one of a type
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypedDict

Body = Mapping[str, Any]
Key = tuple[str, str]  # (namespace or "", name)


class OwnerReference(TypedDict, total=False):
    apiVersion: str
    kind: str
    name: str
    uid: str
    controller: bool
    blockOwnerDeletion: bool


def _part(obj: Body | None, part: str) -> dict:
    value = obj.get(part) if isinstance(obj, Mapping) else None
    return value if isinstance(value, Mapping) else {}  # type: ignore[return-value]


def meta_of(obj: Body | None) -> dict:
    """`metadata`, empty when the object (or its metadata) is missing."""
    return _part(obj, "metadata")


def spec_of(obj: Body | None) -> dict:
    """`spec`, empty when the object (or its spec) is missing."""
    return _part(obj, "spec")


def status_of(obj: Body | None) -> dict:
    """`status`, empty when the object (or its status) is missing."""
    return _part(obj, "status")


def name_of(obj: Body | None) -> str:
    return meta_of(obj).get("name") or ""


def namespace_of(obj: Body | None) -> str:
    """The namespace, "" for a cluster-scoped object."""
    return meta_of(obj).get("namespace") or ""


def uid_of(obj: Body | None) -> str:
    return meta_of(obj).get("uid") or ""


def resource_version_of(obj: Body | None) -> str | None:
    return meta_of(obj).get("resourceVersion")


def key_of(obj: Body | None) -> Key:
    """(namespace or "", name): the object's place among the objects of its kind."""
    meta = meta_of(obj)
    return (meta.get("namespace") or "", meta.get("name") or "")


def namespaced_name(obj: Body | None) -> str:
    """ "namespace/name", or "name" when the object is cluster scoped."""
    namespace, name = key_of(obj)
    return f"{namespace}/{name}" if namespace else name


def labels_of(obj: Body | None) -> dict[str, str]:
    return meta_of(obj).get("labels") or {}


def annotations_of(obj: Body | None) -> dict[str, str]:
    return meta_of(obj).get("annotations") or {}


def owner_references(obj: Body | None) -> list[OwnerReference]:
    """`metadata.ownerReferences`, the entries that are dicts."""
    return [ref for ref in meta_of(obj).get("ownerReferences") or () if isinstance(ref, dict)]


def controller_reference(obj: Body | None) -> OwnerReference | None:
    """The ownerReference with `controller: true` (an object has at most one), else None."""
    return next((ref for ref in owner_references(obj) if ref.get("controller")), None)


def controlling_reference(obj: Body | None) -> OwnerReference | None:
    """The owner that counts: the ownerReference with `controller: true`, else the first."""
    refs = owner_references(obj)
    return controller_reference(obj) or (refs[0] if refs else None)


def template_spec_of(obj: Body | None) -> dict:
    """`spec.template.spec`: the pod spec of a workload (Deployment, Job, DaemonSet, ...)."""
    return spec_of(spec_of(obj).get("template"))


def containers_of(pod: Body | None, *, init: bool = False) -> list[dict]:
    """`spec.containers` of a pod (or a pod spec's owner), the initContainers first when asked."""
    spec = spec_of(pod)
    containers = list(spec.get("containers") or ())
    return [*(spec.get("initContainers") or ()), *containers] if init else containers


def container_statuses(pod: Body | None, *, init: bool = False) -> list[dict]:
    """`status.containerStatuses`, the initContainerStatuses first when asked."""
    status = status_of(pod)
    statuses = list(status.get("containerStatuses") or ())
    return [*(status.get("initContainerStatuses") or ()), *statuses] if init else statuses


# (role, spec field, status field) of a pod's containers, in the order the kubelet starts them
CONTAINER_ROLES = (
    ("init", "initContainers", "initContainerStatuses"),
    ("container", "containers", "containerStatuses"),
    ("ephemeral", "ephemeralContainers", "ephemeralContainerStatuses"),
)


def containers_and_statuses(pod: Body | None) -> Iterator[tuple[str, int, dict, dict]]:
    """(role, place in its list from 1, container, its status or {}) of every container of a
    pod: init containers, then the others, then ephemeral ones (entries not dicts skipped)."""
    spec, status = spec_of(pod), status_of(pod)
    for role, field, status_field in CONTAINER_ROLES:
        statuses = {s.get("name"): s for s in status.get(status_field) or () if isinstance(s, dict)}
        for order, item in enumerate(spec.get(field) or (), start=1):
            if isinstance(item, dict):
                yield role, order, item, statuses.get(item.get("name"), {})


def conditions_of(obj: Body | None) -> list[dict]:
    return [c for c in status_of(obj).get("conditions") or () if isinstance(c, dict)]


def condition(obj: Body | None, type_: str) -> dict | None:
    """The status condition of that type, or None."""
    return next((c for c in conditions_of(obj) if c.get("type") == type_), None)
