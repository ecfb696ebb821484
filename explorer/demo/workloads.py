"""Workload controllers and the pods they own: Deployment → ReplicaSet → Pods, DaemonSets,
static (mirror) pods, with the labels, annotations, owner references and status each
controller writes."""

from __future__ import annotations

from datetime import datetime

from explorer.lib.objects import annotations_of, meta_of, spec_of, status_of

from .builder import DemoBuilder
from .clock import parse_ts, seconds, ts
from .events import pod_start_events, recorded_event
from .ids import template_hash
from .meta import new_object, owner_ref
from .nodes import NodeSlot
from .pods import bind_pod, clone_pod, copy

DAEMONSET_TOLERATIONS = [
    {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists"},
    {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/disk-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/memory-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/pid-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable", "operator": "Exists"},
]
HOST_NETWORK_TOLERATION = {
    "effect": "NoSchedule",
    "key": "node.kubernetes.io/network-unavailable",
    "operator": "Exists",
}


def stored_template(template: dict) -> dict:
    """A template as the API stores it inside a controller (`creationTimestamp: null`)."""
    data = copy(template)
    data["metadata"] = {"creationTimestamp": None, **data["metadata"]}
    return data


def tolerates(tolerations: list[dict], taint: dict) -> bool:
    for toleration in tolerations or ():
        if toleration.get("effect") and toleration["effect"] != taint["effect"]:
            continue
        if toleration.get("operator") == "Exists":
            if not toleration.get("key") or toleration["key"] == taint["key"]:
                return True
        elif toleration.get("key") == taint["key"] and toleration.get("value", "") == taint.get(
            "value", ""
        ):
            return True
    return False


def eligible(slot: NodeSlot, template: dict) -> bool:
    spec = template["spec"]
    taints = slot.obj.get("spec", {}).get("taints") or ()
    if any(not tolerates(spec.get("tolerations"), taint) for taint in taints):
        return False
    labels = slot.obj["metadata"]["labels"]
    return all(labels.get(k) == v for k, v in (spec.get("nodeSelector") or {}).items())


# ---- Deployments -------------------------------------------------------------------------


def deployment(
    b: DemoBuilder,
    namespace: str,
    name: str,
    template: dict,
    replicas: int,
    *,
    created: datetime,
    nodes: list[NodeSlot],
    labels: dict | None = None,
    annotations: dict | None = None,
) -> dict:
    deploy = new_object(
        "Deployment",
        name,
        b.ids.uid(),
        created,
        namespace=namespace,
        labels=labels or dict(template["metadata"]["labels"]),
        annotations={"deployment.kubernetes.io/revision": "1", **(annotations or {})},
        spec={
            "progressDeadlineSeconds": 600,
            "replicas": replicas,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": dict(template["metadata"]["labels"])},
            "strategy": {
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                "type": "RollingUpdate",
            },
            "template": stored_template(template),
        },
    )
    deploy["metadata"]["generation"] = 1
    rs = replicaset(b, deploy, template, replicas, created + seconds(1), revision=1)
    pods: list[dict] = []
    host_network = template["spec"].get("hostNetwork", False)
    for index in range(replicas):
        slot = nodes[index % len(nodes)] if nodes else None
        if pods and slot is not None and pods[0]["spec"].get("nodeName"):
            name = f"{rs['metadata']['name']}-{b.ids.suffix()}"
            pods.append(clone_pod(pods[0], b.ids, name, b.placement(slot, host_network)))
            continue
        phase = "Running" if slot else "Pending"
        pods.append(replicaset_pod(b, rs, slot, created + seconds(1), phase=phase))
    set_replicaset_status(rs, pods)
    set_deployment_status(deploy, rs, created + seconds(12))
    b.add(deploy, rs, *pods)
    b.add_events(
        recorded_event(
            b.ids,
            deploy,
            "deployment-controller",
            "ScalingReplicaSet",
            f"Scaled up replica set {rs['metadata']['name']} from 0 to {replicas}",
            created + seconds(1),
        ),
        *[
            recorded_event(
                b.ids,
                rs,
                "replicaset-controller",
                "SuccessfulCreate",
                f"Created pod: {pod['metadata']['name']}",
                created + seconds(1),
            )
            for pod in pods
        ],
    )
    if b.with_events:
        for pod in pods:
            if pod["spec"].get("nodeName"):
                b.add(*pod_start_events(b.ids, pod, created + seconds(1), b.control_plane.name))
    return deploy


def replicaset(
    b: DemoBuilder, deploy: dict, template: dict, replicas: int, created: datetime, revision: int
) -> dict:
    pod_hash = template_hash(template)
    rs_labels = {**template["metadata"]["labels"], "pod-template-hash": pod_hash}
    rs_template = stored_template(template)
    rs_template["metadata"]["labels"] = dict(rs_labels)
    surge = replicas + max(1, -(-replicas * 25 // 100))
    rs = new_object(
        "ReplicaSet",
        f"{deploy['metadata']['name']}-{pod_hash}",
        b.ids.uid(),
        created,
        namespace=deploy["metadata"]["namespace"],
        labels=rs_labels,
        annotations={
            "deployment.kubernetes.io/desired-replicas": str(replicas),
            "deployment.kubernetes.io/max-replicas": str(surge),
            "deployment.kubernetes.io/revision": str(revision),
        },
        owners=[owner_ref(deploy)],
        spec={
            "replicas": replicas,
            "selector": {"matchLabels": dict(rs_labels)},
            "template": rs_template,
        },
    )
    rs["metadata"]["generation"] = 1
    return rs


def replicaset_pod(
    b: DemoBuilder, rs: dict, slot: NodeSlot | None, created: datetime, phase: str = "Running"
) -> dict:
    template = rs["spec"]["template"]
    name = rs["metadata"]["name"]
    host_network = template["spec"].get("hostNetwork", False)
    return bind_pod(
        _unstored(template),
        b.ids,
        name=f"{name}-{b.ids.suffix()}",
        generate_name=f"{name}-",
        namespace=rs["metadata"]["namespace"],
        created=created,
        owners=[owner_ref(rs)],
        placement=b.placement(slot, host_network) if slot else None,
        phase=phase,
        started=created + seconds(1),
    )


def _unstored(template: dict) -> dict:
    meta = {k: v for k, v in template["metadata"].items() if k != "creationTimestamp"}
    return {"metadata": meta, "spec": template["spec"]}


def set_replicaset_status(rs: dict, pods: list[dict]) -> None:
    live = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
    ready = sum(1 for p in live if is_ready(p))
    rs["status"] = {
        "availableReplicas": ready,
        "fullyLabeledReplicas": len(live),
        "observedGeneration": rs["metadata"].get("generation", 1),
        "readyReplicas": ready,
        "replicas": len(live),
    }
    if not ready:
        del rs["status"]["availableReplicas"], rs["status"]["readyReplicas"]
    if not live:
        rs["status"] = {"observedGeneration": rs["metadata"].get("generation", 1), "replicas": 0}


def set_deployment_status(
    deploy: dict, new_rs: dict, when: datetime, old_replicas: int = 0, old_ready: int = 0
) -> None:
    rs_status = status_of(new_rs)
    ready = rs_status.get("readyReplicas", 0) + old_ready
    replicas = rs_status.get("replicas", 0) + old_replicas
    wanted = deploy["spec"]["replicas"]
    available = ready >= wanted - max(0, wanted * 25 // 100)
    done = rs_status.get("readyReplicas", 0) == wanted and not old_replicas
    rs_name = new_rs["metadata"]["name"]
    deploy["status"] = {
        "availableReplicas": ready,
        "conditions": [
            {
                "lastTransitionTime": ts(when),
                "lastUpdateTime": ts(when),
                "message": "Deployment has minimum availability."
                if available
                else "Deployment does not have minimum availability.",
                "reason": "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                "status": "True" if available else "False",
                "type": "Available",
            },
            {
                "lastTransitionTime": ts(when),
                "lastUpdateTime": ts(when),
                "message": f'ReplicaSet "{rs_name}" has successfully progressed.'
                if done
                else f'ReplicaSet "{rs_name}" is progressing.',
                "reason": "NewReplicaSetAvailable" if done else "ReplicaSetUpdated",
                "status": "True",
                "type": "Progressing",
            },
        ],
        "observedGeneration": deploy["metadata"].get("generation", 1),
        "readyReplicas": ready,
        "replicas": replicas,
        "updatedReplicas": rs_status.get("replicas", 0),
    }
    if replicas > ready:
        deploy["status"]["unavailableReplicas"] = replicas - ready
    for counter in ("availableReplicas", "readyReplicas", "replicas", "updatedReplicas"):
        if not deploy["status"][counter]:  # omitempty: the API server leaves a zero out
            del deploy["status"][counter]


def revision_of(rs: dict) -> int:
    """The rollout revision a Deployment's ReplicaSet was made for."""
    return int(annotations_of(rs).get("deployment.kubernetes.io/revision", "0"))


def replicasets_to_clean_up(old: list[dict], history_limit: int) -> list[dict]:
    """The old ReplicaSets the Deployment controller deletes to keep `revisionHistoryLimit`:
    the lowest revisions first, and only those scaled to zero with no pod left."""
    alive = [rs for rs in old if not meta_of(rs).get("deletionTimestamp")]
    surplus = len(alive) - history_limit
    if surplus <= 0:
        return []
    return [
        rs
        for rs in sorted(alive, key=revision_of)[:surplus]
        if status_of(rs).get("replicas", 0) == 0
        and spec_of(rs).get("replicas") == 0
        and meta_of(rs).get("generation", 1) <= status_of(rs).get("observedGeneration", 0)
    ]


def is_ready(pod: dict) -> bool:
    for cond in status_of(pod).get("conditions") or ():
        if cond.get("type") == "Ready":
            return cond.get("status") == "True"
    return False


# ---- DaemonSets --------------------------------------------------------------------------


def daemonset(
    b: DemoBuilder,
    namespace: str,
    name: str,
    template: dict,
    *,
    created: datetime,
    labels: dict | None = None,
    annotations: dict | None = None,
) -> dict:
    host_network = template["spec"].get("hostNetwork", False)
    ds = new_object(
        "DaemonSet",
        name,
        b.ids.uid(),
        created,
        namespace=namespace,
        labels=labels or dict(template["metadata"]["labels"]),
        annotations={"deprecated.daemonset.template.generation": "1", **(annotations or {})},
        spec={
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": dict(template["metadata"]["labels"])},
            "template": stored_template(template),
            "updateStrategy": {
                "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1},
                "type": "RollingUpdate",
            },
        },
    )
    ds["metadata"]["generation"] = 1
    revision = template_hash(template)
    extra = list(DAEMONSET_TOLERATIONS) + ([HOST_NETWORK_TOLERATION] if host_network else [])
    pods = []
    for slot in b.nodes:
        if not eligible(slot, template):
            continue
        affinity = {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {
                            "matchFields": [
                                {"key": "metadata.name", "operator": "In", "values": [slot.name]}
                            ]
                        }
                    ]
                }
            }
        }
        born = max(created, _node_born(slot)) + seconds(2)
        pod = bind_pod(
            template,
            b.ids,
            name=f"{name}-{b.ids.suffix()}",
            generate_name=f"{name}-",
            namespace=namespace,
            created=born,
            owners=[owner_ref(ds)],
            placement=b.placement(slot, host_network),
            extra_labels={"controller-revision-hash": revision, "pod-template-generation": "1"},
            tolerations_extra=[
                t for t in extra if t not in (template["spec"].get("tolerations") or ())
            ],
            affinity=affinity,
        )
        pods.append(pod)
        b.add_events(
            recorded_event(
                b.ids,
                ds,
                "daemonset-controller",
                "SuccessfulCreate",
                f"Created pod: {pod['metadata']['name']}",
                born,
            )
        )
        if b.with_events:
            b.add(*pod_start_events(b.ids, pod, born, b.control_plane.name, pulled=True))
    count = len(pods)
    ds["status"] = {
        "currentNumberScheduled": count,
        "desiredNumberScheduled": count,
        "numberAvailable": count,
        "numberMisscheduled": 0,
        "numberReady": count,
        "observedGeneration": 1,
        "updatedNumberScheduled": count,
    }
    b.add(ds, *pods)
    return ds


def _node_born(slot: NodeSlot) -> datetime:
    return parse_ts(slot.obj["metadata"]["creationTimestamp"])


# ---- static pods -------------------------------------------------------------------------


def static_pod(
    b: DemoBuilder,
    slot: NodeSlot,
    template: dict,
    component: str,
    created: datetime,
    annotations: dict | None = None,
) -> dict:
    """A mirror pod: owned by its Node, hostNetwork, named `<component>-<node>`."""
    config_hash = b.ids.hex(32)
    pod = bind_pod(
        template,
        b.ids,
        name=f"{component}-{slot.name}",
        namespace="kube-system",
        created=created,
        owners=[owner_ref(slot.obj, block=False)],
        placement=b.placement(slot, host_network=True),
        annotations={
            **(annotations or {}),
            "kubernetes.io/config.hash": config_hash,
            "kubernetes.io/config.mirror": config_hash,
            "kubernetes.io/config.seen": ts(created).replace("Z", ".000000000Z"),
            "kubernetes.io/config.source": "file",
        },
        token_volume=False,
    )
    pod["spec"]["tolerations"] = [{"effect": "NoExecute", "operator": "Exists"}]
    del pod["spec"]["serviceAccount"], pod["spec"]["serviceAccountName"]
    b.add(pod)
    return pod
