"""Known changes made to a demo state, as the cluster's controllers and kubelets would write them,
for the tests of the diff of two moments: a rollout, an endpoint gone, a container's memory
limit resized in place, and the noise a quiet cluster makes (leases renewed, heartbeats,
resourceVersions, trigger-time annotations). Node facts are made again by the demo's own facts
code after a change, as the next collection would bring them.

Every change copies the object it changes: B never shares a dict with A.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

from explorer.demo.facts import node_facts
from explorer.demo.ids import Ids, template_hash
from explorer.demo.network import endpoint_slices, legacy_endpoints
from explorer.demo.pods import Placement, clone_pod, copy
from explorer.lib.objects import name_of, spec_of, status_of
from explorer.lib.selectors import selector_matches
from explorer.snapshots.bundle import bundle_to_bytes, decode_bundle
from explorer.state.cluster_state import ClusterState

NOW = datetime(2025, 6, 2, 9, 0, 0, tzinfo=UTC)
LATER = "2025-06-02T09:05:00Z"
IDS = Ids(4242)


def snapshot(state: ClusterState) -> ClusterState:
    """A copy of the state through a real bundle: what `snapshot take` keeps."""
    return decode_bundle(bundle_to_bytes(state)).state


def refresh_facts(state: ClusterState) -> None:
    """Every node's facts made again from the objects, as the next collection brings them."""
    for node, facts in node_facts(state).items():
        state.set_node_facts(node, facts)


def roll_out(state: ClusterState, namespace: str, name: str, container: str, image: str) -> dict:
    """`kubectl set image`, finished: the Deployment's template names the new image, a new
    ReplicaSet runs as many new pods, the old one is scaled to 0 and its pods are gone, and the
    Services' endpoints follow. Returns the names involved."""
    deploy = copy(state.get("Deployment", namespace, name))
    template = deploy["spec"]["template"]
    _container(template["spec"], container)["image"] = image
    revision = int(deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"]) + 1
    deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(revision)
    deploy["metadata"]["generation"] += 1
    state.upsert(deploy)
    old_rs = next(
        rs for rs in state.children(deploy["metadata"]["uid"]) if rs["kind"] == "ReplicaSet"
    )
    old_rs = copy(old_rs)
    pod_hash = template_hash(template)
    new_rs = copy(old_rs)
    new_rs["metadata"].update(
        {"name": f"{name}-{pod_hash}", "uid": IDS.uid(), "creationTimestamp": LATER}
    )
    new_rs["metadata"]["labels"]["pod-template-hash"] = pod_hash
    new_rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(revision)
    new_rs["spec"]["selector"]["matchLabels"]["pod-template-hash"] = pod_hash
    new_rs["spec"]["template"] = copy(template)
    new_rs["spec"]["template"]["metadata"]["labels"]["pod-template-hash"] = pod_hash
    state.upsert(new_rs)
    old_pods = [pod for pod in state.children(old_rs["metadata"]["uid"]) if pod["kind"] == "Pod"]
    new_pods = []
    for old in old_pods:
        node = spec_of(old)["nodeName"]
        placement = Placement(node, status_of(old)["hostIP"], _free_pod_ip(state, node))
        pod = clone_pod(old, IDS, f"{name_of(new_rs)}-{IDS.suffix()}", placement)
        pod["metadata"]["labels"]["pod-template-hash"] = pod_hash
        pod["metadata"]["ownerReferences"][0].update(
            name=name_of(new_rs), uid=new_rs["metadata"]["uid"]
        )
        _container(pod["spec"], container)["image"] = image
        _container(pod["status"], container, "containerStatuses")["image"] = image
        state.delete("Pod", namespace, name_of(old))
        state.upsert(pod)
        new_pods.append(pod)
    old_rs["spec"]["replicas"] = 0
    old_rs["status"] = {
        "observedGeneration": old_rs["metadata"].get("generation", 1),
        "replicas": 0,
    }
    state.upsert(old_rs)
    follow_endpoints(state, namespace)
    return {
        "old_rs": name_of(old_rs),
        "new_rs": name_of(new_rs),
        "old_pods": sorted(name_of(p) for p in old_pods),
        "new_pods": sorted(name_of(p) for p in new_pods),
        "old_ips": sorted(status_of(p)["podIP"] for p in old_pods),
        "new_ips": sorted(status_of(p)["podIP"] for p in new_pods),
    }


def follow_endpoints(state: ClusterState, namespace: str) -> None:
    """The EndpointSlice and Endpoints controllers, after pods of `namespace` changed."""
    when = datetime(2025, 6, 2, 9, 5, tzinfo=UTC)
    pods = list(state.list("Pod", namespace))
    for svc in list(state.list("Service", namespace)):
        selector = spec_of(svc).get("selector")
        if not selector:
            continue
        chosen = [p for p in pods if selector_matches(selector, p["metadata"].get("labels") or {})]
        existing = [
            copy(s)
            for s in state.list("EndpointSlice", namespace)
            if s["metadata"]["labels"].get("kubernetes.io/service-name") == name_of(svc)
        ]
        for eps in endpoint_slices(IDS, svc, chosen, when, existing):
            state.upsert(eps)
        previous = state.get("Endpoints", namespace, name_of(svc))
        legacy = legacy_endpoints(IDS, svc, chosen, when, previous)
        if previous is None or legacy.get("subsets") != previous.get("subsets"):
            state.upsert(legacy)


def remove_endpoint(state: ClusterState, namespace: str, service: str, address: str) -> str:
    """One endpoint gone from the Service's EndpointSlice (its pod left it); returns the
    slice's name."""
    eps = next(
        copy(s)
        for s in state.list("EndpointSlice", namespace)
        if s["metadata"]["labels"].get("kubernetes.io/service-name") == service
    )
    eps["endpoints"] = [e for e in eps["endpoints"] if e["addresses"][0] != address]
    eps["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"] = LATER
    eps["metadata"]["generation"] += 1
    state.upsert(eps)
    return name_of(eps)


def resize_memory(state: ClusterState, namespace: str, pod: str, container: str, memory: str):
    """An in-place resize of one container's memory limit (the kubelet has applied it)."""
    found = copy(state.get("Pod", namespace, pod))
    _container(found["spec"], container)["resources"]["limits"]["memory"] = memory
    held = _container(found["status"], container, "containerStatuses")
    held["resources"]["limits"]["memory"] = memory
    state.upsert(found)


def make_noise(state: ClusterState) -> None:
    """Five quiet minutes: every object's resourceVersion moves, node leases are renewed, the
    nodes' conditions say they were checked, a pod's readiness was probed again, and every
    EndpointSlice's trigger time moves (none of its endpoints did)."""
    for kind in list(state.kinds()):
        for obj in list(state.list(kind)):
            obj = copy(obj)
            obj["metadata"]["resourceVersion"] = str(
                int(obj["metadata"].get("resourceVersion") or 0) + 1000
            )
            if kind == "Lease" and "renewTime" in spec_of(obj):
                obj["spec"]["renewTime"] = "2025-06-02T09:05:00.000000Z"
            if kind in ("Node", "Pod"):
                for condition in status_of(obj).get("conditions") or ():
                    field = "lastHeartbeatTime" if kind == "Node" else "lastProbeTime"
                    condition[field] = LATER
            if kind == "EndpointSlice":
                obj["metadata"].setdefault("annotations", {})[
                    "endpoints.kubernetes.io/last-change-trigger-time"
                ] = LATER
            state.upsert(obj)


def _container(spec: dict, name: str, field: str = "containers") -> dict:
    return next(item for item in spec[field] if item["name"] == name)


def _free_pod_ip(state: ClusterState, node: str) -> str:
    used = {status_of(p).get("podIP") for p in state.list("Pod")}
    cidr = spec_of(state.get("Node", "", node))["podCIDR"]
    return next(
        str(ip) for ip in list(ipaddress.ip_network(cidr).hosts())[100:] if str(ip) not in used
    )
