"""One pod from the inside: sandbox, init containers in order, containers, QoS and why, volumes
down to their StorageClass, the Services that select it, its node, its effective resolv.conf,
its owners up to the top controller, its events, and each container's cgroup on the node.

Params: `cluster`, `namespace`, `name`. Every string in the model is plain text (the page puts
it in the DOM as text), except `events[*].hover` and `events[*].tick`, which are Plotly
pseudo-HTML, escaped. `pending`: why a Pending pod waits for a node, in words (pending.py), or
None. `priority`: its priority, PriorityClass and preemption policy (priority.py). `stuck`:
what keeps it from being scheduled or started other than the scheduler's filters — no scheduler
picks it up (not_picked_up.py), or bound but not starting (not_starting.py). `timeline`:
created → scheduled → initialized → containers started → ready, each step when and how long
after the one before (pod_timeline.py). `node_names`: the nodes "why not that node?" offers
(the `scheduling` view answers it).
"""

from __future__ import annotations

from typing import Any, TypedDict

from explorer.collectors.dns.effective import pod_dns
from explorer.lib.objects import (
    containers_and_statuses,
    meta_of,
    name_of,
    namespace_of,
    spec_of,
    status_of,
)
from explorer.lib.qos import explain_pod_qos
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import NODE_FACTS_KIND

from ..base import Params, View
from ..network.dns_trace import _corefile, _dns_service_ips, _node_resolv_conf, cluster_domain
from ..pod_summary import summarise
from .cgroup_tree import pod_cgroups
from .events import events_for, points
from .not_picked_up import not_picked_up
from .not_starting import not_starting
from .pending import why_pending
from .pod_facts import bare_id, container_condition
from .pod_timeline import pod_timeline
from .priority import priority_of

MAX_NODE_NAMES = 5000  # the nodes offered in "why not that node?"
SANDBOX_NOTE = (
    "The pod sandbox (the pause container) is started first and does nothing but sleep: it "
    "holds the pod's network namespace (its IP) and IPC namespace, which every container joins."
)


class Container(TypedDict):
    role: str  # init, sidecar (an init container with restartPolicy Always), container, ephemeral
    order: int
    name: str
    image: str
    condition: str
    detail: str
    ready: bool
    restarts: int
    last_termination: str
    requests: dict[str, str]
    limits: dict[str, str]
    probes: list[str]
    container_id: str
    cgroup: str  # the cgroup path on the node, "" when not known


def pod_view(state: ClusterState, params: Params, memo: Any = None) -> dict[str, Any]:
    namespace, name = params["namespace"], params["name"]
    pod = state.get("Pod", namespace, name)
    if pod is None:
        return {
            "found": False,
            "header": {"cluster": state.cluster, "namespace": namespace, "name": name},
        }
    meta, spec, status = meta_of(pod), spec_of(pod), status_of(pod)
    summary = summarise(pod)
    node_name = spec.get("nodeName") or ""
    cgroup = pod_cgroups(state, node_name).get(meta.get("uid") or "") if node_name else None
    paths = {c.id: c.path for c in cgroup.containers} if cgroup else {}
    containers = containers_of(pod, paths)
    verdict = explain_pod_qos(pod)
    known = {c["container_id"] for c in containers}
    sandbox_path = next(
        (c.path for c in (cgroup.containers if cgroup else ()) if c.id not in known), ""
    )
    events = events_for(state, "Pod", namespace, name, meta.get("uid") or "")
    return {
        "found": True,
        "header": {
            "cluster": state.cluster,
            "namespace": namespace,
            "name": name,
            "uid": meta.get("uid") or "",
            "phase": summary.phase,
            "state": summary.state,
            "reason": summary.reason,
            "ready": summary.readiness,
            "restarts": summary.restarts,
            "node": node_name,
            "pod_ip": status.get("podIP") or "",
            "host_ip": status.get("hostIP") or "",
            "created": meta.get("creationTimestamp") or "",
            "labels": {str(k): str(v) for k, v in sorted((meta.get("labels") or {}).items())},
        },
        "qos": {
            "class": verdict.qos_class,
            "reported": status.get("qosClass") or "",
            "reasons": list(verdict.reasons),
        },
        "sandbox": {
            "note": SANDBOX_NOTE,
            "cgroup": sandbox_path,
            "pod_cgroup": cgroup.path if cgroup else "",
            "host_network": bool(spec.get("hostNetwork")),
        },
        "containers": containers,
        "volumes": volumes_of(state, pod),
        "services": services_selecting(state, pod),
        "node": node_of(state, node_name),
        "dns": _dns(state, pod, node_name),
        "owners": [
            {
                "kind": o.get("kind", ""),
                "namespace": namespace_of(o),
                "name": name_of(o),
            }
            for o in state.owner_chain(pod)
        ]
        or _named_owners(meta),
        "pending": why_pending(pod, events),
        "priority": priority_of(state, pod),
        "stuck": [*not_picked_up(state, pod, events), *not_starting(pod, events)],
        "timeline": pod_timeline(pod, events),
        "events": points(events),
        "node_names": sorted(name_of(n) for n in state.list("Node"))[:MAX_NODE_NAMES],
    }


def containers_of(pod: dict, cgroup_paths: dict[str, str]) -> list[Container]:
    found: list[Container] = []
    for role, order, item, own in containers_and_statuses(pod):
        condition, detail = container_condition(own, role)
        resources = item.get("resources") or {}
        container_id = bare_id(str(own.get("containerID") or ""))
        sidecar = role == "init" and item.get("restartPolicy") == "Always"
        found.append(
            {
                "role": "sidecar" if sidecar else role,
                "order": order,
                "name": str(item.get("name") or "?"),
                "image": str(item.get("image") or ""),
                "condition": condition,
                "detail": detail,
                "ready": bool(own.get("ready")),
                "restarts": int(own.get("restartCount") or 0),
                "last_termination": _last_termination(own),
                "requests": {k: str(v) for k, v in (resources.get("requests") or {}).items()},
                "limits": {k: str(v) for k, v in (resources.get("limits") or {}).items()},
                "probes": [
                    f"{kind}: {describe_probe(item[key])}"
                    for kind, key in (
                        ("startup", "startupProbe"),
                        ("liveness", "livenessProbe"),
                        ("readiness", "readinessProbe"),
                    )
                    if isinstance(item.get(key), dict)
                ],
                "container_id": container_id,
                "cgroup": cgroup_paths.get(container_id, ""),
            }
        )
    return found


def _last_termination(status: dict) -> str:
    last = ((status.get("lastState") or {}).get("terminated")) or {}
    if not last:
        return ""
    when = last.get("finishedAt") or ""
    reason = last.get("reason") or "terminated"
    return f"{reason} (exit code {last.get('exitCode', '?')})" + (f" at {when}" if when else "")


def describe_probe(probe: dict) -> str:
    if "httpGet" in probe:
        get = probe["httpGet"] or {}
        scheme = str(get.get("scheme", "HTTP")).lower()
        how = f"HTTP GET {scheme}://:{get.get('port', '?')}{get.get('path', '/')}"
    elif "tcpSocket" in probe:
        how = f"TCP connect to port {(probe['tcpSocket'] or {}).get('port', '?')}"
    elif "grpc" in probe:
        how = f"gRPC health check on port {(probe['grpc'] or {}).get('port', '?')}"
    elif "exec" in probe:
        how = "exec " + " ".join(str(a) for a in (probe["exec"] or {}).get("command") or ())
    else:
        how = "unknown handler"
    timing = (
        f"every {probe.get('periodSeconds', 10)}s, timeout {probe.get('timeoutSeconds', 1)}s, "
        f"after {probe.get('initialDelaySeconds', 0)}s, "
        f"{probe.get('failureThreshold', 3)} failures to fail"
    )
    return f"{how} ({timing})"


def volumes_of(state: ClusterState, pod: dict) -> list[dict[str, Any]]:
    namespace = namespace_of(pod)
    found = []
    for volume in spec_of(pod).get("volumes") or ():
        name = str(volume.get("name") or "?")
        kind = next((k for k in volume if k != "name"), "unknown")
        entry: dict[str, Any] = {
            "name": name,
            "type": kind,
            "detail": _volume_detail(kind, volume.get(kind)),
        }
        claim_name = (volume.get("persistentVolumeClaim") or {}).get("claimName")
        if claim_name:
            entry.update(_claim_chain(state, namespace, claim_name))
        found.append(entry)
    return found


def _volume_detail(kind: str, source: object) -> str:
    if not isinstance(source, dict):
        return ""
    if kind in ("configMap", "secret"):
        return str(source.get("name") or source.get("secretName") or "")
    if kind == "emptyDir":
        medium = "memory (tmpfs)" if source.get("medium") == "Memory" else "node disk"
        limit = source.get("sizeLimit")
        return medium + (f", at most {limit}" if limit else "")
    if kind == "hostPath":
        return str(source.get("path") or "")
    if kind == "projected":
        return ", ".join(
            next(iter(s), "?") for s in source.get("sources") or () if isinstance(s, dict)
        )
    if kind == "persistentVolumeClaim":
        return str(source.get("claimName") or "")
    return ""


def _claim_chain(state: ClusterState, namespace: str, claim_name: str) -> dict[str, Any]:
    claim = state.get("PersistentVolumeClaim", namespace, claim_name)
    chain: dict[str, Any] = {
        "claim": {
            "name": claim_name,
            "phase": status_of(claim).get("phase", "not visible" if claim is None else ""),
            "requested": str(
                ((spec_of(claim).get("resources") or {}).get("requests") or {}).get("storage", "")
            ),
        }
    }
    volume = state.volume_for_claim(namespace, claim_name)
    if volume is not None:
        spec = spec_of(volume)
        name = name_of(volume)
        source = next(
            (
                k
                for k in (
                    "csi",
                    "hostPath",
                    "local",
                    "nfs",
                    "awsElasticBlockStore",
                    "gcePersistentDisk",
                )
                if k in spec
            ),
            "",
        )
        chain["volume"] = {
            "name": name,
            "capacity": str((spec.get("capacity") or {}).get("storage", "")),
            "reclaim": str(spec.get("persistentVolumeReclaimPolicy") or ""),
            "source": source
            + (
                f" {spec['csi'].get('driver', '')} {spec['csi'].get('volumeHandle', '')}"
                if source == "csi"
                else ""
            ),
        }
        storage_class = state.storage_class_for_volume(name)
        class_name = spec.get("storageClassName") or ""
        if class_name:
            chain["storage_class"] = {
                "name": class_name,
                "provisioner": str(
                    (storage_class or {}).get("provisioner")
                    or ("not visible" if storage_class is None else "")
                ),
                "binding": str((storage_class or {}).get("volumeBindingMode") or ""),
            }
    return chain


def selects(selector: dict, labels: dict) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def services_selecting(state: ClusterState, pod: dict) -> list[dict[str, str]]:
    meta = meta_of(pod)
    labels = meta.get("labels") or {}
    found = []
    for service in state.list("Service", meta.get("namespace") or ""):
        spec = spec_of(service)
        if selects(spec.get("selector") or {}, labels):
            found.append(
                {
                    "name": service["metadata"]["name"],
                    "namespace": service["metadata"].get("namespace", ""),
                    "type": str(spec.get("type") or "ClusterIP"),
                    "cluster_ip": str(spec.get("clusterIP") or ""),
                }
            )
    return found


def node_of(state: ClusterState, name: str) -> dict[str, str] | None:
    if not name:
        return None
    node = state.get("Node", "", name)
    status = status_of(node)
    ready = next(
        (c.get("status", "") for c in status.get("conditions") or () if c.get("type") == "Ready"),
        "",
    )
    address = next(
        (
            a.get("address", "")
            for a in status.get("addresses") or ()
            if a.get("type") == "InternalIP"
        ),
        "",
    )
    return {
        "name": name,
        "ready": ready or ("not visible" if node is None else "unknown"),
        "internal_ip": address,
    }


def _dns(state: ClusterState, pod: dict, node: str) -> dict[str, Any]:
    corefile, _ = _corefile(state)
    effective = pod_dns(
        pod, _dns_service_ips(state), cluster_domain(corefile), _node_resolv_conf(state, node)
    )
    return {
        "policy": effective.policy,
        "applied": effective.applied,
        "text": effective.text,
        "notes": list(effective.notes),
    }


def _named_owners(meta: dict) -> list[dict[str, str]]:
    """The owner the pod names, when the owner object itself is not held."""
    refs = [r for r in meta.get("ownerReferences") or () if isinstance(r, dict)]
    return [
        {
            "kind": str(r.get("kind", "")),
            "namespace": meta.get("namespace", ""),
            "name": str(r.get("name", "")),
        }
        for r in refs[:1]
    ]


VIEW = View(
    "pod",
    pod_view,
    frozenset(
        {
            "Pod",
            "Event",
            "Service",
            "PersistentVolumeClaim",
            "PersistentVolume",
            "StorageClass",
            "Node",
            "ReplicaSet",
            "Deployment",
            "PriorityClass",
            "Lease",
            NODE_FACTS_KIND,
        }
    ),
    params=("cluster", "namespace", "name"),
    concerns=lambda params, change: (
        change.kind != "Pod"
        or (change.namespace, change.name) == (params["namespace"], params["name"])
    ),
)
