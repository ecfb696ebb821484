"""Small builders of Nodes and Pods as the API serves them, for the scheduling tests."""

from __future__ import annotations


def node(
    name: str,
    *,
    cpu: str = "4",
    memory: str = "8Gi",
    pods: str = "110",
    labels: dict | None = None,
    taints: list | None = None,
    unschedulable: bool = False,
    **allocatable: str,
) -> dict:
    spec: dict = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    room = {"cpu": cpu, "memory": memory, "pods": pods, **allocatable}
    return {
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
        "spec": spec,
        "status": {"allocatable": room, "capacity": room},
    }


def container(name: str = "app", *, requests: dict | None = None, **extra) -> dict:
    body = {"name": name, "image": "busybox", **extra}
    if requests is not None:
        body["resources"] = {"requests": requests}
    return body


def pod(
    name: str = "pending",
    *,
    namespace: str = "default",
    node_name: str | None = None,
    requests: dict | None = None,
    labels: dict | None = None,
    phase: str | None = None,
    priority: int | None = None,
    **spec,
) -> dict:
    body_spec = {"containers": [container(requests=requests)], **spec}
    if node_name:
        body_spec["nodeName"] = node_name
    if priority is not None:
        body_spec["priority"] = priority
    return {
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": f"uid-{namespace}-{name}",
            "labels": labels or {},
        },
        "spec": body_spec,
        "status": {"phase": phase or ("Running" if node_name else "Pending")},
    }
