"""`build_demo`: the whole demo cluster as a ClusterState, node facts included.

Node facts at scale: computing every node's iptables-save costs O(endpoints) per node, so
`build_demo` fills them for every node up to EAGER_FACTS_NODES nodes; beyond that only for the
control plane, the first worker and the GPU worker, and `facts.node_facts(state, nodes=[...])`
computes any other node on demand.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from datetime import datetime

from explorer.lib.quantities import format_bytes, format_millicores
from explorer.state.cluster_state import ClusterState

from . import cni, configs, controlplane, crds, csi, namespaces, scale, shop, storage, system
from .builder import KUBERNETES_SERVICE_IP, DemoBuilder
from .clock import parse_ts, seconds, utcnow
from .events import scheduler_event
from .facts import node_facts
from .ids import image_digest
from .meta import new_object
from .network import endpoint_slices, kubernetes_endpoints, legacy_endpoints, service, service_port
from .nodes import csinode, node_lease, node_object
from .pending_stories import pending_stories
from .pods import amount, condition, pod_requests
from .scheduler import cluster_view, failed_scheduling_message
from .scheduling_stories import scheduling_stories
from .storage_stories import storage_stories

EAGER_FACTS_NODES = 10


def build_demo(
    nodes: int = 3,
    pods_per_node: int | None = None,
    services: int | None = None,
    seed: int = 0,
    cluster: str = "demo",
    *,
    now: datetime | None = None,
) -> ClusterState:
    """A kubeadm-like cluster (control plane, a worker, a GPU worker, then more workers) with its
    system add-ons and the `shop` app; `now` pins the clock (default: the wall clock)."""
    # Building allocates millions of acyclic dicts; the cyclic collector would rescan them
    # over and over (it took half the time at 30,000 pods).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(nodes, pods_per_node, services, seed, cluster, now or utcnow())
    finally:
        if collecting:
            gc.enable()


def _build(
    nodes: int,
    pods_per_node: int | None,
    services: int | None,
    seed: int,
    cluster: str,
    now: datetime,
) -> ClusterState:
    b = DemoBuilder(seed=seed, now=now, cluster=cluster, node_count=nodes)
    for index, slot in enumerate(b.nodes):
        b.add(node_object(slot, b.ids, b.at(seconds=10 + 40 * min(index, 3)), b.now))
    extra_namespaces = scale.filler_namespaces(b, pods_per_node)
    namespaces.namespaces(b, extra_namespaces)
    namespaces.priority_classes(b)
    namespaces.rbac(b)
    namespaces.secrets(b)
    namespaces.leader_leases(b)
    configs.config_maps(b)
    crds.crds(b)
    kubernetes = service(
        b.ids,
        "default",
        "kubernetes",
        [service_port("https", 443, 6443)],
        None,
        created=b.at(seconds=5),
        cluster_ip=KUBERNETES_SERVICE_IP,
        labels={"component": "apiserver", "provider": "kubernetes"},
    )
    b.add(kubernetes, *kubernetes_endpoints(b.ids, kubernetes, b.control_plane.ip, b.at(seconds=5)))
    controlplane.control_plane(b)
    system.coredns(b)
    system.kube_proxy(b)
    cni.flannel(b)
    system.nvidia_device_plugin(b)
    csi.ceph_csi(b)
    b.add(*storage.storage_class(b))
    shop.build(b)
    shop.policies(b)
    scale.fill(b, pods_per_node, services, extra_namespaces)
    storage_stories(b, shop.NS)
    scheduling_stories(b, shop.NS)
    pending_stories(b, shop.NS)
    _finish(b)
    state = ClusterState(cluster)
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for obj in b.objects:
        by_kind[obj["kind"]].append(obj)
    for kind, objects in by_kind.items():
        state.replace(kind, objects)
    chosen = None
    if len(b.nodes) > EAGER_FACTS_NODES:
        chosen = [b.control_plane.name, b.workers[0].name, b.gpu_node.name]
    for node, facts in node_facts(state, nodes=chosen).items():
        state.set_node_facts(node, facts)
    return state


def _finish(b: DemoBuilder) -> None:
    """What controllers derive once everything exists: endpoints, scheduling verdicts, node
    images and volumes, CSINodes, Leases, quota usage."""
    pods = [obj for obj in b.objects if obj["kind"] == "Pod"]
    _endpoints(b, pods)
    _unschedulable(b, pods)
    _node_status(b, pods)
    with_plugin = {
        p["spec"].get("nodeName")
        for p in pods
        if p["metadata"]["name"].startswith("ceph-csi-rbd-nodeplugin-")
    }
    for slot in b.nodes:
        drivers = [{"name": csi.CEPH_DRIVER, "nodeID": slot.name, "topologyKeys": None}]
        plugin = drivers if slot.name in with_plugin else None
        b.add(csinode(slot, b.ids, plugin), node_lease(slot, b.ids, b.now))
    b.add(_quota(b, [p for p in pods if p["metadata"]["namespace"] == shop.NS]))


def _endpoints(b: DemoBuilder, pods: list[dict]) -> None:
    by_label: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for pod in pods:
        for key, value in (pod["metadata"].get("labels") or {}).items():
            by_label[(pod["metadata"]["namespace"], key, value)].append(pod)
    for svc in [obj for obj in b.objects if obj["kind"] == "Service"]:
        selector = svc["spec"].get("selector")
        if not selector:
            continue
        key, value = next(iter(selector.items()))
        candidates = by_label.get((svc["metadata"]["namespace"], key, value), [])
        chosen = [
            p
            for p in candidates
            if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in selector.items())
        ]
        when = b.now - seconds(3600)
        b.add(*endpoint_slices(b.ids, svc, chosen, when))
        b.add(legacy_endpoints(b.ids, svc, chosen, when))


def _unschedulable(b: DemoBuilder, pods: list[dict]) -> None:
    nodes = [slot.obj for slot in b.nodes]
    storage = {
        arg: [obj for obj in b.objects if obj["kind"] == kind]
        for arg, kind in (
            ("namespaces", "Namespace"),
            ("claims", "PersistentVolumeClaim"),
            ("volumes", "PersistentVolume"),
            ("pdbs", "PodDisruptionBudget"),
        )
    }
    bound = [pod for pod in pods if pod["spec"].get("nodeName")]
    view = None
    said: dict[str, str | None] = {}  # the pods of one ReplicaSet share a spec, so a message
    for pod in pods:
        if pod["spec"].get("nodeName") or not _for_the_default_scheduler(pod):
            continue
        if view is None:
            view = cluster_view(nodes, bound, **storage)
        owner = (pod["metadata"].get("ownerReferences") or [{}])[0].get("uid")
        if owner is None or owner not in said:
            message = failed_scheduling_message(pod, view)
            if owner is not None:
                said[owner] = message
        else:
            message = said[owner]
        if message is None:
            continue
        created = parse_ts(pod["metadata"]["creationTimestamp"])
        pod["status"]["conditions"] = [
            condition("PodScheduled", False, created, "Unschedulable", message)
        ]
        retries = max(1, int((b.now - created).total_seconds() // 300))
        b.add_events(
            scheduler_event(
                b.ids,
                pod,
                "FailedScheduling",
                message,
                created,
                b.control_plane.name,
                warning=True,
                repeats=retries,
                last=b.now - seconds(95),
            )
        )


def _for_the_default_scheduler(pod: dict) -> bool:
    """Whether kube-scheduler tries the pod: not gated, and its schedulerName is its own."""
    spec = pod["spec"]
    return not spec.get("schedulingGates") and spec.get("schedulerName") in (
        None,
        "default-scheduler",
    )


def _node_status(b: DemoBuilder, pods: list[dict]) -> None:
    images: dict[str, set[str]] = defaultdict(set)
    for pod in pods:
        node = pod["spec"].get("nodeName")
        if node:
            for item in list(pod["spec"].get("initContainers") or ()) + pod["spec"]["containers"]:
                images[node].add(item["image"])
    volumes: dict[str, list[str]] = defaultdict(list)
    pvs = {obj["metadata"]["name"]: obj for obj in b.objects if obj["kind"] == "PersistentVolume"}
    for obj in b.objects:
        if obj["kind"] == "VolumeAttachment" and obj["status"].get("attached"):
            volumes[obj["spec"]["nodeName"]].append(
                storage.csi_volume_name(pvs[obj["spec"]["source"]["persistentVolumeName"]])
            )
    for slot in b.nodes:
        names = [*sorted(images.get(slot.name, ())), "registry.k8s.io/pause:3.10"]
        slot.obj["status"]["images"] = [
            {
                "names": [f"{image.rsplit(':', 1)[0]}@{image_digest(image)}", image],
                "sizeBytes": 1_000_000 + int(image_digest(image)[7:13], 16) * 64,
            }
            for image in names
        ]
        if volumes.get(slot.name):
            attached = sorted(volumes[slot.name])
            slot.obj["status"]["volumesAttached"] = [
                {"devicePath": "", "name": n} for n in attached
            ]
            slot.obj["status"]["volumesInUse"] = attached


def _quota(b: DemoBuilder, pods: list[dict]) -> dict:
    used: dict[str, int] = defaultdict(int)
    count = 0
    for pod in pods:
        if pod["status"].get("phase") in ("Succeeded", "Failed"):
            continue
        count += 1
        requests = pod_requests(pod["spec"])
        for res, value in requests.items():
            used[f"requests.{res}"] += value
        for item in pod["spec"]["containers"]:
            for res, value in ((item.get("resources") or {}).get("limits") or {}).items():
                if res in ("cpu", "memory"):
                    used[f"limits.{res}"] += amount(res, value)
    hard = {
        "limits.cpu": "16",
        "limits.memory": "32Gi",
        "persistentvolumeclaims": "10",
        "pods": "50",
        "requests.cpu": "10",
        "requests.memory": "24Gi",
        "requests.nvidia.com/gpu": "2",
    }
    claims = sum(
        1
        for obj in b.objects
        if obj["kind"] == "PersistentVolumeClaim" and obj["metadata"]["namespace"] == shop.NS
    )
    shown = {
        "limits.cpu": format_millicores(used["limits.cpu"]),
        "limits.memory": format_bytes(used["limits.memory"]),
        "persistentvolumeclaims": str(claims),
        "pods": str(count),
        "requests.cpu": format_millicores(used["requests.cpu"]),
        "requests.memory": format_bytes(used["requests.memory"]),
        "requests.nvidia.com/gpu": str(used["requests.nvidia.com/gpu"]),
    }
    return new_object(
        "ResourceQuota",
        "shop-quota",
        b.ids.uid(),
        b.at(days=3),
        namespace=shop.NS,
        spec={"hard": hard},
        status={"hard": dict(hard), "used": shown},
    )
