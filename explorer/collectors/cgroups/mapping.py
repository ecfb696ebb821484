"""Which pod each pod cgroup belongs to (by UID) and which container each container cgroup is
(by the container ID in the pod's status: containerStatuses, initContainerStatuses,
ephemeralContainerStatuses).

The pod sandbox (pause) has no entry in the pod's status: the one container cgroup of a known
pod that no status names is taken for it, and said to be a guess when the input did not show
it (a `/pause` process, cAdvisor's `container=""`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from explorer.lib.objects import meta_of, spec_of, status_of

from .paths import bare_container_id
from .tree import CgroupTree, ContainerCgroup, PodCgroup

STATUS_FIELDS = ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses")
SPEC_FIELDS = {
    "initContainerStatuses": "initContainers",
    "containerStatuses": "containers",
    "ephemeralContainerStatuses": "ephemeralContainers",
}


@dataclass(frozen=True, slots=True)
class ContainerRef:
    pod: dict
    name: str
    kind: str  # containers, initContainers, ephemeralContainers
    spec: dict  # the container's spec (empty when the spec does not list it)
    running: bool


@dataclass(slots=True)
class PodMapping:
    pods: dict[str, dict] = field(default_factory=dict)  # pod cgroup path -> pod
    containers: dict[str, ContainerRef] = field(default_factory=dict)  # cgroup path -> ref
    sandboxes: dict[str, str] = field(default_factory=dict)  # cgroup path -> how we know
    orphan_pods: list[PodCgroup] = field(default_factory=list)  # no such pod
    unknown_containers: list[ContainerCgroup] = field(default_factory=list)
    missing_pods: list[dict] = field(default_factory=list)  # should have a cgroup, has none
    missing_containers: list[ContainerRef] = field(default_factory=list)


def pod_key(pod: dict) -> str:
    meta = meta_of(pod)
    return f"{meta.get('namespace', '')}/{meta.get('name', '')}"


def container_refs(pod: dict) -> dict[str, ContainerRef]:
    """Bare container ID -> the container, for every container the pod's status names."""
    spec = spec_of(pod)
    status = status_of(pod)
    refs: dict[str, ContainerRef] = {}
    for status_field in STATUS_FIELDS:
        specs = {c.get("name"): c for c in spec.get(SPEC_FIELDS[status_field]) or ()}
        for item in status.get(status_field) or ():
            raw = item.get("containerID") or ""
            if not raw:
                continue
            name = item.get("name", "")
            running = "running" in (item.get("state") or {})
            refs[bare_container_id(raw)] = ContainerRef(
                pod, name, SPEC_FIELDS[status_field], specs.get(name, {}), running
            )
    return refs


def expects_cgroup(pod: dict) -> bool:
    """A pod that should have a pod cgroup now: not finished, and placed on the node."""
    status = status_of(pod)
    return status.get("phase") in ("Running", "Pending") and bool(status.get("containerStatuses"))


def map_pods(tree: CgroupTree, pods: Iterable[dict]) -> PodMapping:
    """Map the tree to the node's pods; names the tree's pods and containers on the way."""
    by_uid = {meta_of(p).get("uid"): p for p in pods}
    found = PodMapping()
    seen: set[str] = set()
    for pod_cgroup in tree.pods:
        pod = by_uid.get(pod_cgroup.uid)
        if pod is None:
            found.orphan_pods.append(pod_cgroup)
            continue
        seen.add(pod_cgroup.uid)
        found.pods[pod_cgroup.path] = pod
        pod_cgroup.name = pod_key(pod)
        _map_containers(pod, pod_cgroup, found)
    for uid, pod in by_uid.items():
        if uid not in seen and expects_cgroup(pod):
            found.missing_pods.append(pod)
    return found


def _map_containers(pod: dict, pod_cgroup: PodCgroup, found: PodMapping) -> None:
    refs = container_refs(pod)
    unmatched: list[ContainerCgroup] = []
    for container in pod_cgroup.containers:
        ref = refs.pop(container.id, None)
        if ref is None:
            unmatched.append(container)
            continue
        container.name = ref.name
        container.sandbox = False
        found.containers[container.path] = ref
    shown = [c for c in unmatched if c.sandbox]
    if shown:
        for container in shown:
            found.sandboxes[container.path] = "the input shows it (pause)"
        unmatched = [c for c in unmatched if not c.sandbox]
    elif len(unmatched) == 1 and unmatched[0].sandbox is None:
        unmatched[0].sandbox = True
        found.sandboxes[unmatched[0].path] = "the one cgroup no container status names"
        unmatched = []
    found.unknown_containers.extend(unmatched)
    found.missing_containers.extend(ref for ref in refs.values() if ref.running)
