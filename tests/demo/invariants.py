"""Consistency rules every demo state must keep, before and after churn."""

from __future__ import annotations

import ipaddress

from explorer.demo.facts.cgroups import pod_slice
from explorer.demo.pods import qos_class
from explorer.lib.selectors import selector_matches
from explorer.state.cluster_state import ClusterState
from tests.service_lookup import endpoint_slices_for_service

SERVICE_NET = ipaddress.ip_network("10.96.0.0/12")


def owner_problems(state: ClusterState) -> list[str]:
    problems = []
    for kind in state.kinds():
        for obj in state.list(kind):
            for ref in obj["metadata"].get("ownerReferences") or ():
                owner = state.by_uid(ref["uid"])
                if (
                    owner is None
                    or owner["metadata"]["name"] != ref["name"]
                    or (owner["kind"] != ref["kind"])
                ):
                    problems.append(f"{kind} {obj['metadata']['name']} -> {ref}")
    return problems


def pod_problems(state: ClusterState) -> list[str]:
    problems = []
    nodes = {n["metadata"]["name"]: n for n in state.list("Node")}
    for pod in state.list("Pod"):
        name = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        status = pod["status"]
        if status["qosClass"] != qos_class(pod["spec"]):
            problems.append(f"{name}: qosClass {status['qosClass']}")
        node = nodes.get(pod["spec"].get("nodeName", ""))
        if node is None:
            if status["phase"] != "Pending":
                problems.append(f"{name}: no node but {status['phase']}")
            continue
        node_ip = node["status"]["addresses"][0]["address"]
        if status.get("hostIP") != node_ip:
            problems.append(f"{name}: hostIP {status.get('hostIP')} != {node_ip}")
        ip = status.get("podIP")
        if ip and pod["spec"].get("hostNetwork") and ip != node_ip:
            problems.append(f"{name}: hostNetwork pod IP {ip}")
        if (
            ip
            and not pod["spec"].get("hostNetwork")
            and ipaddress.ip_address(ip) not in (ipaddress.ip_network(node["spec"]["podCIDR"]))
        ):
            problems.append(f"{name}: {ip} outside {node['spec']['podCIDR']}")
        for item in status.get("containerStatuses") or ():
            cid = item.get("containerID", "")
            if cid and (not cid.startswith("containerd://") or len(cid) != 13 + 64):
                problems.append(f"{name}: containerID {cid}")
        labels = pod["metadata"].get("labels") or {}
        for ref in pod["metadata"].get("ownerReferences") or ():
            if ref["kind"] == "ReplicaSet" and not ref["name"].endswith(
                "-" + labels.get("pod-template-hash", "?")
            ):
                problems.append(f"{name}: pod-template-hash does not match {ref['name']}")
    live_ips = [
        p["status"].get("podIP")
        for p in state.list("Pod")
        if p["status"].get("podIP")
        and not p["spec"].get("hostNetwork")
        and p["status"]["phase"] not in ("Succeeded", "Failed")
    ]
    if len(live_ips) != len(set(live_ips)):
        problems.append("two running pods share a pod IP")
    return problems


def endpoint_problems(state: ClusterState) -> list[str]:
    problems = []
    for svc in state.list("Service"):
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        ip = svc["spec"]["clusterIP"]
        if ip != "None" and ipaddress.ip_address(ip) not in SERVICE_NET:
            problems.append(f"{ns}/{name}: clusterIP {ip}")
        selector = svc["spec"].get("selector")
        if not selector:
            continue
        wanted = {
            p["metadata"]["uid"]
            for p in state.list("Pod", ns)
            if selector_matches(selector, p["metadata"].get("labels") or {})
            and p["status"].get("podIP")
            and not (
                p["spec"].get("restartPolicy") != "Always" and p["status"]["phase"] == "Succeeded"
            )
        }
        listed = {}
        for eps in endpoint_slices_for_service(state, ns, name):
            for endpoint in eps.get("endpoints") or ():
                listed[endpoint["targetRef"]["uid"]] = endpoint
        if set(listed) != wanted:
            problems.append(f"{ns}/{name}: slices list {len(listed)} pods, {len(wanted)} wanted")
        for uid, endpoint in listed.items():
            pod = state.by_uid(uid)
            if pod is None:
                continue
            terminating = bool(pod["metadata"].get("deletionTimestamp"))
            if endpoint["conditions"]["terminating"] != terminating:
                problems.append(f"{ns}/{name}: terminating condition of {endpoint['targetRef']}")
            if endpoint["conditions"]["ready"] and terminating:
                problems.append(f"{ns}/{name}: terminating endpoint marked ready")
            if endpoint["addresses"] != [pod["status"]["podIP"]]:
                problems.append(f"{ns}/{name}: address of {endpoint['targetRef']['name']}")
            if endpoint["nodeName"] != pod["spec"]["nodeName"]:
                problems.append(f"{ns}/{name}: nodeName of {endpoint['targetRef']['name']}")
    return problems


def cgroup_problems(state: ClusterState) -> list[str]:
    """Every running container has its scope, named after its containerID, in its node's tree."""
    problems = []
    for node, facts in state.node_facts.items():
        tree = facts["cgroups"]["nodes"]
        for pod in state.pods_on_node(node):
            if pod["status"]["phase"] != "Running":
                continue
            for item in pod["status"].get("containerStatuses") or ():
                if "running" not in item["state"]:
                    continue
                container_id = item["containerID"].removeprefix("containerd://")
                path = f"{pod_slice(pod)}/cri-containerd-{container_id}.scope"
                if path not in tree:
                    problems.append(f"{node}: no cgroup {path}")
    return problems


def all_problems(state: ClusterState) -> list[str]:
    return (
        owner_problems(state)
        + pod_problems(state)
        + endpoint_problems(state)
        + cgroup_problems(state)
    )
