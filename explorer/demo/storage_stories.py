"""What a real cluster's storage shows besides volumes that just work: a claim asking for no
class that nothing can bind, a Retain class that waits for the first consumer with a claim no pod
uses yet, the database's claim grown while the filesystem waits for the node, a Released volume
kept under Retain, and a restore pod stuck on a failed attachment. The messages are those of
kube-controller-manager, the external resizer and the external attacher."""

from __future__ import annotations

from datetime import datetime

from . import images
from .builder import DemoBuilder
from .clock import seconds, ts
from .csi import CEPH_CLUSTER_ID, CEPH_DRIVER
from .events import recorded_event
from .ids import Ids
from .meta import new_object
from .pods import Placement, bind_pod, container, pod_template
from .storage import STORAGE_CLASS, provision

RETAIN_CLASS = "ceph-rbd-retain"
STORIES_SEED = 0x5707A6E
NO_CLASS_MESSAGE = "no persistent volumes available for this claim and no storage class is set"
WAITING_MESSAGE = "waiting for first consumer to be created before binding"
RESIZE_PENDING = (
    "Waiting for user to (re-)start a pod to finish file system resize of volume on node."
)
ATTACH_ERROR = (
    "rpc error: code = Internal desc = rbd: map failed with error an error (exit status 110) "
    "occurred while running rbd args: [--id csi-rbd-node -m 10.0.0.21:6789 map "
    "kubernetes/csi-vol-{image}]: rbd: map failed: (110) Connection timed out"
)


def storage_stories(b: DemoBuilder, namespace: str) -> None:
    """Drawn from identities of their own (and no pod IP), so that everything the builder makes
    after them is named as it was before they existed."""
    main = b.ids
    b.ids = Ids(STORIES_SEED)
    try:
        b.add(_retain_class(b))
        _no_class(b, namespace)
        _waiting_for_consumer(b, namespace)
        _released(b, namespace)
        _expanding(b, namespace)
        _failed_attachment(b)
    finally:
        b.ids = main


def claim(
    b: DemoBuilder, namespace: str, name: str, size: str, cls: str, created: datetime
) -> dict:
    spec: dict = {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": size}},
        "volumeMode": "Filesystem",
    }
    spec["storageClassName"] = cls
    made = new_object(
        "PersistentVolumeClaim",
        name,
        b.ids.uid(),
        created,
        namespace=namespace,
        spec=spec,
        status={"phase": "Pending"},
    )
    made["metadata"]["finalizers"] = ["kubernetes.io/pvc-protection"]
    return made


def _retain_class(b: DemoBuilder) -> dict:
    base = next(
        obj
        for obj in b.objects
        if obj["kind"] == "StorageClass" and obj["metadata"]["name"] == STORAGE_CLASS
    )
    return new_object(
        "StorageClass",
        RETAIN_CLASS,
        b.ids.uid(),
        b.at(days=1),
        allowVolumeExpansion=True,
        mountOptions=["discard"],
        parameters=dict(base["parameters"]),
        provisioner=CEPH_DRIVER,
        reclaimPolicy="Retain",
        volumeBindingMode="WaitForFirstConsumer",
    )


def _pending_event(b: DemoBuilder, obj: dict, reason: str, message: str, warning: bool) -> None:
    first = b.ago(hours=3)
    b.add_events(
        recorded_event(
            b.ids,
            obj,
            "persistentvolume-controller",
            reason,
            message,
            b.ago(seconds=12),
            warning=warning,
            count=720,
            first=first,
        )
    )


def _no_class(b: DemoBuilder, namespace: str) -> None:
    made = claim(b, namespace, "scratch", "5Gi", "", b.ago(hours=3))
    b.add(made)
    _pending_event(b, made, "FailedBinding", NO_CLASS_MESSAGE, warning=True)


def _waiting_for_consumer(b: DemoBuilder, namespace: str) -> None:
    made = claim(b, namespace, "exports", "20Gi", RETAIN_CLASS, b.ago(hours=3))
    b.add(made)
    _pending_event(b, made, "WaitForFirstConsumer", WAITING_MESSAGE, warning=False)


def _released(b: DemoBuilder, namespace: str) -> None:
    """The volume of a claim deleted last week: kept, Released, bound to nothing ever again."""
    gone_uid = b.ids.uid()
    image = b.ids.uid()
    name = f"pvc-{gone_uid}"
    made = new_object(
        "PersistentVolume",
        name,
        b.ids.uid(),
        b.at(days=1, hours=1),
        annotations={"pv.kubernetes.io/provisioned-by": CEPH_DRIVER},
        spec={
            "accessModes": ["ReadWriteOnce"],
            "capacity": {"storage": "50Gi"},
            "claimRef": {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "name": "reports-archive",
                "namespace": namespace,
                "uid": gone_uid,
            },
            "csi": {
                "driver": CEPH_DRIVER,
                "fsType": "ext4",
                "volumeAttributes": {
                    "clusterID": CEPH_CLUSTER_ID,
                    "imageName": f"csi-vol-{image}",
                    "pool": "kubernetes",
                },
                "volumeHandle": f"0001-0024-{CEPH_CLUSTER_ID}-0000000000000002-{image}",
            },
            "persistentVolumeReclaimPolicy": "Retain",
            "storageClassName": RETAIN_CLASS,
            "volumeMode": "Filesystem",
        },
        status={"lastPhaseTransitionTime": ts(b.ago(days=6)), "phase": "Released"},
    )
    made["metadata"]["finalizers"] = ["kubernetes.io/pv-protection"]
    b.add(made)


def _expanding(b: DemoBuilder, namespace: str) -> None:
    """The second database's claim asked for twice its size: the storage grew, the filesystem
    waits for the node (the pod has not been restarted)."""
    found = next(
        (
            obj
            for obj in b.objects
            if obj["kind"] == "PersistentVolumeClaim"
            and obj["metadata"]["namespace"] == namespace
            and obj["metadata"]["name"] == "data-db-1"
        ),
        None,
    )
    if found is None:
        return
    volume = next(
        obj
        for obj in b.objects
        if obj["kind"] == "PersistentVolume"
        and obj["metadata"]["name"] == found["spec"]["volumeName"]
    )
    asked = b.ago(minutes=40)
    found["spec"]["resources"]["requests"]["storage"] = "20Gi"
    volume["spec"]["capacity"]["storage"] = "20Gi"
    found["status"]["allocatedResources"] = {"storage": "20Gi"}
    found["status"]["allocatedResourceStatuses"] = {"storage": "NodeResizePending"}
    found["status"]["conditions"] = [
        {
            "lastProbeTime": None,
            "lastTransitionTime": ts(asked + seconds(4)),
            "message": RESIZE_PENDING,
            "status": "True",
            "type": "FileSystemResizePending",
        }
    ]
    resizer = f"external-resizer {CEPH_DRIVER}"
    b.add_events(
        recorded_event(
            b.ids,
            found,
            resizer,
            "Resizing",
            f"External resizer is resizing volume {volume['metadata']['name']}",
            asked,
        ),
        recorded_event(
            b.ids,
            found,
            resizer,
            "FileSystemResizeRequired",
            "Require file system resize of volume on node",
            asked + seconds(4),
        ),
    )


def _failed_attachment(b: DemoBuilder) -> None:
    """A restore pod whose volume the attacher cannot map: it stays ContainerCreating."""
    namespace = "default"
    slot = b.workers[-1]
    created = b.ago(minutes=25)
    made = claim(b, namespace, "restore-data", "10Gi", RETAIN_CLASS, created)
    volume, attachment = provision(b, made, slot.name, created)
    volume["spec"]["persistentVolumeReclaimPolicy"] = "Retain"
    image = volume["spec"]["csi"]["volumeAttributes"]["imageName"].removeprefix("csi-vol-")
    failed_at = b.ago(seconds=40)
    attachment["metadata"]["finalizers"] = ["external-attacher/rbd-csi-ceph-com"]
    attachment["status"] = {
        "attached": False,
        "attachError": {"message": ATTACH_ERROR.format(image=image), "time": ts(failed_at)},
    }
    template = pod_template(
        {"app": "restore"},
        [
            container(
                "restore",
                images.BUSYBOX,
                command=["sh", "-c", "cp -a /backup/. /data/ && sleep 3600"],
                mounts=[{"mountPath": "/data", "name": "data"}],
            )
        ],
        volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "restore-data"}}],
    )
    pod = bind_pod(
        template,
        b.ids,
        name="restore",
        namespace=namespace,
        created=created + seconds(5),
        placement=Placement(slot.name, slot.ip, ""),  # no sandbox yet: no IP
        phase="Pending",
    )
    b.add(made, volume, attachment, pod)
    b.add_events(
        recorded_event(
            b.ids,
            pod,
            "attachdetach-controller",
            "FailedAttachVolume",
            f'AttachVolume.Attach failed for volume "{volume["metadata"]["name"]}" : '
            + ATTACH_ERROR.format(image=image),
            failed_at,
            warning=True,
            count=9,
            first=created + seconds(8),
        )
    )


__all__ = ["RETAIN_CLASS", "STORAGE_CLASS", "storage_stories"]
