"""Small pods and nodes for the view tests."""

from __future__ import annotations

from typing import Any


def node(name: str, ready: str = "True") -> dict[str, Any]:
    return {
        "kind": "Node",
        "apiVersion": "v1",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "status": {"conditions": [{"type": "Ready", "status": ready}]},
    }


def pod(
    namespace: str,
    name: str,
    node_name: str | None = "n1",
    phase: str = "Running",
    ready: bool = True,
    restarts: int = 0,
    labels: dict[str, str] | None = None,
    owner: str | None = None,
    resources: dict[str, Any] | None = None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"namespace": namespace, "name": name, "labels": labels or {}}
    if owner:
        meta["ownerReferences"] = [
            {"kind": "ReplicaSet", "name": owner, "uid": f"uid-{owner}", "controller": True}
        ]
    spec: dict[str, Any] = {"containers": [{"name": "app", "resources": resources or {}}]}
    if node_name:
        spec["nodeName"] = node_name
    status = {
        "phase": phase,
        "containerStatuses": [{"name": "app", "ready": ready, "restartCount": restarts}],
    }
    return {"kind": "Pod", "apiVersion": "v1", "metadata": meta, "spec": spec, "status": status}
