"""Small, hand-written clusters for the API server tests (no demo generator involved)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from explorer.state.cluster_state import ClusterState


def ago(**delta: float) -> str:
    """A time that long ago. Tests use ages of ten minutes or more, which kubectl prints
    without seconds, so a slow run does not change what is printed."""
    return (datetime.now(UTC) - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def node(name: str, ip: str, role: str | None = None, ready: bool = True) -> dict[str, Any]:
    labels = {"kubernetes.io/hostname": name}
    if role:
        labels[f"node-role.kubernetes.io/{role}"] = ""
    return {
        "kind": "Node",
        "apiVersion": "v1",
        "metadata": {"name": name, "labels": labels, "creationTimestamp": ago(days=3, hours=2)},
        "spec": {},
        "status": {
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "addresses": [
                {"type": "InternalIP", "address": ip},
                {"type": "Hostname", "address": name},
            ],
            "nodeInfo": {
                "kubeletVersion": "v1.31.2",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "kernelVersion": "6.1.0-26-amd64",
                "containerRuntimeVersion": "containerd://1.7.22",
            },
        },
    }


def pod(
    namespace: str,
    name: str,
    node_name: str | None,
    *,
    phase: str = "Running",
    labels: dict[str, str] | None = None,
    ip: str = "",
    containers: tuple[str, ...] = ("app",),
    ready: bool = True,
    restarts: int = 0,
    waiting: str = "",
) -> dict[str, Any]:
    statuses = []
    for container in containers:
        state: dict[str, Any] = {"running": {"startedAt": ago(minutes=30)}}
        if waiting:
            state = {"waiting": {"reason": waiting}}
        status: dict[str, Any] = {
            "name": container,
            "ready": ready and not waiting,
            "restartCount": restarts,
            "state": state,
        }
        if restarts:
            status["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": ago(minutes=15)}}
        statuses.append(status)
    spec: dict[str, Any] = {
        "containers": [{"name": c, "image": f"registry.local/{c}:1"} for c in containers]
    }
    if node_name:
        spec["nodeName"] = node_name
    return {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": labels or {},
            "creationTimestamp": ago(hours=1),
        },
        "spec": spec,
        "status": {
            "phase": phase,
            "podIPs": [{"ip": ip}] if ip else [],
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "containerStatuses": statuses if node_name else [],
        },
    }


def service(
    namespace: str, name: str, cluster_ip: str, port: int, selector: dict[str, str]
) -> dict:
    return {
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": {"name": name, "namespace": namespace, "creationTimestamp": ago(days=3)},
        "spec": {
            "type": "ClusterIP",
            "clusterIP": cluster_ip,
            "clusterIPs": [cluster_ip],
            "ports": [{"name": "http", "port": port, "protocol": "TCP", "targetPort": port}],
            "selector": selector,
        },
    }


def event(
    namespace: str, name: str, reason: str, message: str, involved: dict, kind: str = "Normal"
) -> dict:
    return {
        "kind": "Event",
        "apiVersion": "v1",
        "metadata": {"name": name, "namespace": namespace, "creationTimestamp": ago(minutes=20)},
        "involvedObject": involved,
        "reason": reason,
        "message": message,
        "type": kind,
        "count": 2,
        "firstTimestamp": ago(minutes=20),
        "lastTimestamp": ago(minutes=14),
        "source": {"component": "kubelet", "host": involved.get("host", "")},
    }


def secret(namespace: str, name: str) -> dict:
    return {
        "kind": "Secret",
        "apiVersion": "v1",
        "metadata": {"name": name, "namespace": namespace},
        "type": "Opaque",
        "data": {"password": "aHVudGVyMg=="},
    }


def namespace(name: str) -> dict:
    return {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": {"name": name},
        "status": {"phase": "Active"},
    }


def small_cluster() -> ClusterState:
    """Two nodes, pods in two namespaces (one pending, one crash-looping), two services, events,
    a secret."""
    state = ClusterState("test")
    for obj in (
        namespace("default"),
        namespace("kube-system"),
        node("cp-1", "10.0.0.10", role="control-plane"),
        node("worker-1", "10.0.0.11"),
        pod(
            "default", "web-1", "worker-1", labels={"app": "web", "tier": "front"}, ip="10.244.1.5"
        ),
        pod("default", "web-2", "worker-1", labels={"app": "web", "tier": "back"}, ip="10.244.1.6"),
        pod("default", "pending-1", None, phase="Pending", labels={"app": "batch"}, ready=False),
        pod(
            "kube-system",
            "coredns-1",
            "cp-1",
            labels={"k8s-app": "kube-dns"},
            ip="10.244.0.3",
            ready=False,
            restarts=4,
            waiting="CrashLoopBackOff",
        ),
        service("default", "web", "10.96.0.20", 80, {"app": "web"}),
        service("kube-system", "kube-dns", "10.96.0.10", 53, {"k8s-app": "kube-dns"}),
        event(
            "default",
            "web-1.17a",
            "Pulled",
            "Successfully pulled image",
            {
                "kind": "Pod",
                "name": "web-1",
                "namespace": "default",
                "fieldPath": "spec.containers{app}",
            },
        ),
        event(
            "kube-system",
            "coredns-1.17b",
            "BackOff",
            "Back-off restarting failed container",
            {"kind": "Pod", "name": "coredns-1", "namespace": "kube-system"},
            kind="Warning",
        ),
        secret("default", "db-credentials"),
    ):
        state.upsert(obj)
    state.set_node_facts(
        "worker-1", {"logs": {"default/web-1/app": "line one\nline two\nline three\n"}}
    )
    return state
