"""StatefulSet → ordinal pods with stable hostnames, and their claims bound through storage."""

from __future__ import annotations

from datetime import datetime

from .builder import DemoBuilder
from .clock import seconds
from .events import pod_start_events, recorded_event
from .ids import template_hash
from .meta import new_object, owner_ref
from .nodes import NodeSlot
from .pods import bind_pod, copy
from .storage import STORAGE_CLASS, provision
from .workloads import stored_template


def statefulset(
    b: DemoBuilder,
    namespace: str,
    name: str,
    template: dict,
    replicas: int,
    *,
    service_name: str,
    claim: str,
    size: str,
    created: datetime,
    nodes: list[NodeSlot],
) -> dict:
    claim_template = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"creationTimestamp": None, "name": claim},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": size}},
            "storageClassName": STORAGE_CLASS,
            "volumeMode": "Filesystem",
        },
        "status": {"phase": "Pending"},
    }
    sts = new_object(
        "StatefulSet",
        name,
        b.ids.uid(),
        created,
        namespace=namespace,
        labels=dict(template["metadata"]["labels"]),
        spec={
            "persistentVolumeClaimRetentionPolicy": {
                "whenDeleted": "Retain",
                "whenScaled": "Retain",
            },
            "podManagementPolicy": "OrderedReady",
            "replicas": replicas,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": dict(template["metadata"]["labels"])},
            "serviceName": service_name,
            "template": stored_template(template),
            "updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"},
            "volumeClaimTemplates": [claim_template],
        },
    )
    sts["metadata"]["generation"] = 1
    revision = f"{name}-{template_hash(template)}"
    objects: list[dict] = [sts]
    for ordinal in range(replicas):
        slot = nodes[ordinal % len(nodes)]
        pod_name = f"{name}-{ordinal}"
        born = created + seconds(40 * ordinal)
        pvc = new_object(
            "PersistentVolumeClaim",
            f"{claim}-{pod_name}",
            b.ids.uid(),
            born,
            namespace=namespace,
            labels=dict(template["metadata"]["labels"]),
            spec=copy(claim_template["spec"]),
        )
        volumes = provision(b, pvc, slot.name, born)
        pod_template = {
            "metadata": template["metadata"],
            "spec": {
                **template["spec"],
                "volumes": [
                    {
                        "name": claim,
                        "persistentVolumeClaim": {"claimName": pvc["metadata"]["name"]},
                    },
                    *(template["spec"].get("volumes") or ()),
                ],
            },
        }
        pod = bind_pod(
            pod_template,
            b.ids,
            name=pod_name,
            generate_name=f"{name}-",
            namespace=namespace,
            created=born,
            owners=[owner_ref(sts)],
            placement=b.placement(slot),
            extra_labels={
                "apps.kubernetes.io/pod-index": str(ordinal),
                "controller-revision-hash": revision,
                "statefulset.kubernetes.io/pod-name": pod_name,
            },
            hostname=pod_name,
            subdomain=service_name,
        )
        objects += [pvc, *volumes, pod]
        b.add_events(
            recorded_event(
                b.ids,
                sts,
                "statefulset-controller",
                "SuccessfulCreate",
                f"create Claim {pvc['metadata']['name']} Pod {pod_name} in "
                f"StatefulSet {name} success",
                born,
            ),
            recorded_event(
                b.ids,
                sts,
                "statefulset-controller",
                "SuccessfulCreate",
                f"create Pod {pod_name} in StatefulSet {name} successful",
                born,
            ),
        )
        if b.with_events:
            b.add(*pod_start_events(b.ids, pod, born, b.control_plane.name, pulled=True))
    sts["status"] = {
        "availableReplicas": replicas,
        "collisionCount": 0,
        "currentReplicas": replicas,
        "currentRevision": revision,
        "observedGeneration": 1,
        "readyReplicas": replicas,
        "replicas": replicas,
        "updateRevision": revision,
        "updatedReplicas": replicas,
    }
    b.add(*objects)
    return sts
