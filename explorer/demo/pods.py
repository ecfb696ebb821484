"""Pod templates and pods: spec defaults as the API server stores them, status as the kubelet
writes it (conditions, containerStatuses with containerd IDs, QoS class).

A template is written once per workload; `bind_pod` turns it into one pod (admission defaults,
the scheduler's nodeName, the kubelet's status). Templates are copied through orjson, which is
the fastest deep copy for JSON-shaped data and keeps 30,000 pods cheap to build.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import orjson

from explorer.lib.quantities import cpu_millicores, memory_bytes

from .clock import seconds, ts
from .ids import Ids, image_id
from .meta import new_object, set_fields

SA_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"
DEFAULT_TOLERATIONS = [
    {
        "effect": "NoExecute",
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "tolerationSeconds": 300,
    },
    {
        "effect": "NoExecute",
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "tolerationSeconds": 300,
    },
]


# what a container always carries, even empty
_ALWAYS_IN_CONTAINER = frozenset(("image", "imagePullPolicy", "name", "resources"))
# what a pod spec always carries, even empty (the others are left out when unset, as the API does)
_ALWAYS_IN_POD_SPEC = frozenset(
    (
        "containers",
        "dnsPolicy",
        "restartPolicy",
        "schedulerName",
        "securityContext",
        "terminationGracePeriodSeconds",
    )
)


def container(
    name: str,
    image: str,
    *,
    ports: list[tuple[str, int, str]] = (),
    requests: dict | None = None,
    limits: dict | None = None,
    command: list[str] | None = None,
    args: list[str] | None = None,
    env: list[dict] | None = None,
    mounts: list[dict] | None = None,
    liveness: dict | None = None,
    readiness: dict | None = None,
    security: dict | None = None,
    pull: str = "IfNotPresent",
    host_ports: bool = False,
) -> dict:
    """A container as stored: with imagePullPolicy and termination message defaults."""
    return set_fields(
        {
            "args": args,
            "command": command,
            "env": env,
            "image": image,
            "imagePullPolicy": pull,
            "livenessProbe": liveness,
            "name": name,
            "ports": [
                {
                    "containerPort": port,
                    **({"hostPort": port} if host_ports else {}),
                    "name": pname,
                    "protocol": proto,
                }
                for pname, port, proto in ports
            ],
            "readinessProbe": readiness,
            "resources": set_fields({"limits": limits, "requests": requests}),
            "securityContext": security,
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
            "volumeMounts": mounts,
        },
        always=_ALWAYS_IN_CONTAINER,
    )


def http_probe(path: str, port: int | str, period: int = 10, delay: int = 0) -> dict:
    probe: dict = {
        "failureThreshold": 3,
        "httpGet": {"path": path, "port": port, "scheme": "HTTP"},
    }
    if delay:
        probe["initialDelaySeconds"] = delay
    probe.update({"periodSeconds": period, "successThreshold": 1, "timeoutSeconds": 1})
    return probe


def pod_template(
    labels: dict,
    containers: list[dict],
    *,
    init_containers: list[dict] | None = None,
    volumes: list[dict] | None = None,
    service_account: str | None = None,
    tolerations: list[dict] | None = None,
    node_selector: dict | None = None,
    priority_class: str | None = None,
    host_network: bool = False,
    dns_policy: str = "ClusterFirst",
    restart_policy: str = "Always",
    grace: int = 30,
    security_context: dict | None = None,
    annotations: dict | None = None,
    affinity: dict | None = None,
) -> dict:
    spec = set_fields(
        {
            "affinity": affinity,
            "containers": containers,
            "dnsPolicy": dns_policy,
            "hostNetwork": host_network or None,
            "initContainers": init_containers,
            "nodeSelector": node_selector,
            "priorityClassName": priority_class,
            "restartPolicy": restart_policy,
            "schedulerName": "default-scheduler",
            "securityContext": security_context or {},
            "serviceAccount": service_account,
            "serviceAccountName": service_account,
            "terminationGracePeriodSeconds": grace,
            "tolerations": tolerations,
            "volumes": volumes,
        },
        always=_ALWAYS_IN_POD_SPEC,
    )
    metadata: dict = {}
    if annotations:
        metadata["annotations"] = annotations
    metadata["labels"] = labels
    return {"metadata": metadata, "spec": spec}


def copy(data: dict) -> dict:
    return orjson.loads(orjson.dumps(data))


# ---- QoS ---------------------------------------------------------------------------------


def qos_class(spec: dict) -> str:
    """Guaranteed, Burstable or BestEffort, by the kubelet's rule (init containers count)."""
    containers = list(spec.get("containers") or ()) + list(spec.get("initContainers") or ())
    any_set = False
    guaranteed = True
    for item in containers:
        resources = item.get("resources") or {}
        requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
        if requests or limits:
            any_set = True
        for res in ("cpu", "memory"):
            limit = limits.get(res)
            request = requests.get(res, limit)
            if limit is None or amount(res, request) != amount(res, limit):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


@lru_cache(maxsize=4096)
def amount(resource: str, value) -> int:
    """A cpu quantity in millicores, anything else in its base unit."""
    return cpu_millicores(value) if resource == "cpu" else memory_bytes(value)


def pod_requests(spec: dict) -> dict[str, int]:
    """Effective requests (max of init containers, sum of app containers): cpu in millicores,
    memory in bytes, extended resources as counts."""
    total: dict[str, int] = {}
    for item in spec.get("containers") or ():
        for res, value in _requests(item).items():
            total[res] = total.get(res, 0) + value
    for item in spec.get("initContainers") or ():
        for res, value in _requests(item).items():
            total[res] = max(total.get(res, 0), value)
    return total


def _requests(item: dict) -> dict[str, int]:
    resources = item.get("resources") or {}
    merged = dict(resources.get("limits") or {})
    merged.update(resources.get("requests") or {})
    return {res: amount(res, value) for res, value in merged.items()}


# ---- binding a template into a pod ---------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    node: str
    host_ip: str
    pod_ip: str  # "" while the sandbox has no IP yet


PRIORITIES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}


def bind_pod(
    template: dict,
    ids: Ids,
    *,
    name: str,
    namespace: str,
    created: datetime,
    owners: list[dict] | None = None,
    generate_name: str | None = None,
    placement: Placement | None,
    extra_labels: dict | None = None,
    annotations: dict | None = None,
    phase: str = "Running",
    started: datetime | None = None,
    token_volume: bool = True,
    tolerations_extra: list[dict] | None = None,
    hostname: str | None = None,
    subdomain: str | None = None,
    affinity: dict | None = None,
) -> dict:
    """One pod from a template, with the admission defaults and the kubelet's status for
    `phase`: "Pending" (unscheduled when placement is None, else ContainerCreating),
    "Running" or "Succeeded"."""
    data = copy(template)
    spec = data["spec"]
    labels = dict(data["metadata"].get("labels") or {})
    labels.update(extra_labels or {})
    all_annotations = dict(data["metadata"].get("annotations") or {})
    all_annotations.update(annotations or {})
    if affinity:
        spec["affinity"] = affinity
    spec["enableServiceLinks"] = True
    if hostname:
        spec["hostname"] = hostname
    if subdomain:
        spec["subdomain"] = subdomain
    if placement is not None:
        spec["nodeName"] = placement.node
    spec["preemptionPolicy"] = "PreemptLowerPriority"
    spec["priority"] = PRIORITIES.get(spec.get("priorityClassName", ""), 0)
    spec.setdefault("serviceAccount", "default")
    spec.setdefault("serviceAccountName", "default")
    tolerations = list(spec.get("tolerations") or ()) + list(tolerations_extra or ())
    present = {(t.get("key"), t.get("effect")) for t in tolerations}
    for default in DEFAULT_TOLERATIONS:
        if (default["key"], default["effect"]) not in present:
            tolerations.append(dict(default))
    spec["tolerations"] = tolerations
    if token_volume:
        _add_token_volume(spec, ids.suffix())
    spec = {key: spec[key] for key in sorted(spec)}
    pod = new_object(
        "Pod",
        name,
        ids.uid(),
        created,
        namespace=namespace,
        labels=labels,
        annotations=all_annotations or None,
        owners=owners,
        generate_name=generate_name,
        spec=spec,
    )
    pod["metadata"]["generation"] = 1
    pod["status"] = pod_status(pod, ids, phase, placement, started or created)
    return pod


def _add_token_volume(spec: dict, suffix: str) -> None:
    volume_name = f"kube-api-access-{suffix}"
    spec.setdefault("volumes", []).append(
        {
            "name": volume_name,
            "projected": {
                "defaultMode": 420,
                "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {
                        "configMap": {
                            "items": [{"key": "ca.crt", "path": "ca.crt"}],
                            "name": "kube-root-ca.crt",
                        }
                    },
                    {
                        "downwardAPI": {
                            "items": [
                                {
                                    "fieldRef": {
                                        "apiVersion": "v1",
                                        "fieldPath": "metadata.namespace",
                                    },
                                    "path": "namespace",
                                }
                            ]
                        }
                    },
                ],
            },
        }
    )
    mount = {"mountPath": SA_MOUNT, "name": volume_name, "readOnly": True}
    for item in list(spec.get("initContainers") or ()) + spec["containers"]:
        item.setdefault("volumeMounts", []).append(dict(mount))


# ---- status --------------------------------------------------------------------------------


def condition(kind: str, status: bool, when: datetime, reason: str = "", message: str = "") -> dict:
    cond = {"lastProbeTime": None, "lastTransitionTime": ts(when)}
    if message:
        cond["message"] = message
    cond["observedGeneration"] = 1
    if reason:
        cond["reason"] = reason
    cond["status"] = "True" if status else "False"
    cond["type"] = kind
    return cond


def pod_status(
    pod: dict, ids: Ids, phase: str, placement: Placement | None, started: datetime
) -> dict:
    spec = pod["spec"]
    qos = qos_class(spec)
    if placement is None:
        return {"conditions": [], "phase": "Pending", "qosClass": qos}
    init = spec.get("initContainers") or []
    creating = phase == "Pending"
    done = phase == "Succeeded"
    ready_at = started if creating else _after(started, 6 + 4 * len(init))
    conditions = [
        condition("PodReadyToStartContainers", not creating, _after(started, 2)),
        condition(
            "Initialized",
            not (creating and init),
            _after(started, 1 + 4 * len(init)),
            *(
                ("ContainersNotInitialized", _not_ready_message(init, "initialized"))
                if creating and init
                else ()
            ),
        ),
        _ready_condition("Ready", not creating and not done, ready_at, spec, done),
        _ready_condition("ContainersReady", not creating and not done, ready_at, spec, done),
        condition("PodScheduled", True, started),
    ]
    status: dict = {"conditions": conditions}
    status["containerStatuses"] = [
        container_status(
            item,
            ids,
            "waiting" if creating else "terminated" if done else "running",
            _after(started, 3 + 4 * len(init)),
        )
        for item in spec["containers"]
    ]
    status["hostIP"] = placement.host_ip
    status["hostIPs"] = [{"ip": placement.host_ip}]
    if init:
        status["initContainerStatuses"] = [
            container_status(
                item,
                ids,
                "waiting" if creating else "completed",
                _after(started, 2 + 4 * index),
                init=True,
            )
            for index, item in enumerate(init)
        ]
    status["observedGeneration"] = 1
    status["phase"] = phase
    if placement.pod_ip and not creating:
        status["podIP"] = placement.pod_ip
        status["podIPs"] = [{"ip": placement.pod_ip}]
    status["qosClass"] = qos
    status["startTime"] = ts(started)
    return status


def _after(moment: datetime, secs: int) -> datetime:
    return moment + seconds(secs)


def _not_ready_message(containers: list[dict], what: str) -> str:
    names = " ".join(c["name"] for c in containers)
    return (
        f"containers with incomplete status: [{names}]"
        if what == "initialized"
        else (f"containers with unready status: [{names}]")
    )


def _ready_condition(kind: str, ready: bool, when: datetime, spec: dict, done: bool) -> dict:
    if ready:
        return condition(kind, True, when)
    reason = "PodCompleted" if done else "ContainersNotReady"
    message = "" if done else _not_ready_message(spec["containers"], "ready")
    return condition(kind, False, when, reason, message)


def container_status(
    item: dict, ids: Ids, state: str, started: datetime, init: bool = False
) -> dict:
    """state: waiting (ContainerCreating / PodInitializing), running, terminated (Completed),
    completed (a finished init container)."""
    status: dict = {}
    resources = item.get("resources") or {}
    if resources.get("requests"):
        status["allocatedResources"] = dict(resources["requests"])
    if state != "waiting":
        status["containerID"] = f"containerd://{ids.container_id()}"
    status["image"] = item["image"]
    status["imageID"] = image_id(item["image"]) if state != "waiting" else ""
    status["lastState"] = {}
    status["name"] = item["name"]
    status["ready"] = state in ("running", "completed") and not (init and state == "running")
    if state == "completed":
        status["ready"] = True
    if resources:
        status["resources"] = resources
    status["restartCount"] = 0
    status["started"] = state == "running"
    if state == "waiting":
        status["state"] = {
            "waiting": {"reason": "PodInitializing" if init else "ContainerCreating"}
        }
        status["started"] = False
    elif state == "running":
        status["state"] = {"running": {"startedAt": ts(started)}}
    else:
        status["state"] = {
            "terminated": {
                "containerID": status["containerID"],
                "exitCode": 0,
                "finishedAt": ts(_after(started, 2 if init else 20)),
                "reason": "Completed",
                "startedAt": ts(started),
            }
        }
    mounts = item.get("volumeMounts")
    if mounts:
        status["volumeMounts"] = [
            {**m, "recursiveReadOnly": "Disabled"} if m.get("readOnly") else dict(m) for m in mounts
        ]
    return status


def clone_pod(proto: dict, ids: Ids, name: str, placement: Placement) -> dict:
    """A sibling of `proto` (same template, same times) on another node: new name, UID, token
    volume, IPs and container IDs. Much cheaper than `bind_pod` for thousands of replicas."""
    pod = copy(proto)
    meta, spec, status = pod["metadata"], pod["spec"], pod["status"]
    meta["name"] = name
    meta["uid"] = ids.uid()
    spec["nodeName"] = placement.node
    old_volume = next(
        (v["name"] for v in spec.get("volumes") or () if v["name"].startswith("kube-api-access-")),
        None,
    )
    if old_volume:
        new_volume = f"kube-api-access-{ids.suffix()}"
        for volume in spec["volumes"]:
            if volume["name"] == old_volume:
                volume["name"] = new_volume
        for item in (
            *spec.get("initContainers", ()),
            *spec["containers"],
            *status.get("initContainerStatuses", ()),
            *status.get("containerStatuses", ()),
        ):
            for mount in item.get("volumeMounts") or ():
                if mount["name"] == old_volume:
                    mount["name"] = new_volume
    if "hostIP" in status:
        status["hostIP"] = placement.host_ip
        status["hostIPs"] = [{"ip": placement.host_ip}]
    if "podIP" in status:
        status["podIP"] = placement.pod_ip
        status["podIPs"] = [{"ip": placement.pod_ip}]
    for item in (*status.get("initContainerStatuses", ()), *status.get("containerStatuses", ())):
        if item.get("containerID"):
            item["containerID"] = f"containerd://{ids.container_id()}"
            terminated = (item.get("state") or {}).get("terminated")
            if terminated:
                terminated["containerID"] = item["containerID"]
    return pod
