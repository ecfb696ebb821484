"""Storage: the ceph RBD StorageClass and CSIDriver, and for each claim the PV the external
provisioner creates and the VolumeAttachment the attach/detach controller asks for."""

from __future__ import annotations

import hashlib
from datetime import datetime

from .builder import DemoBuilder
from .clock import seconds, ts
from .csi import CEPH_CLUSTER_ID, CEPH_DRIVER, CEPH_NS
from .meta import new_object

STORAGE_CLASS = "ceph-rbd"
POOL = "kubernetes"


def storage_class(b: DemoBuilder) -> list[dict]:
    created = b.at(hours=2, minutes=1)
    secret = {"name": "csi-rbd-secret", "namespace": CEPH_NS}
    sc = new_object(
        "StorageClass",
        STORAGE_CLASS,
        b.ids.uid(),
        created,
        annotations={"storageclass.kubernetes.io/is-default-class": "true"},
        allowVolumeExpansion=True,
        mountOptions=["discard"],
        parameters={
            "clusterID": CEPH_CLUSTER_ID,
            "csi.storage.k8s.io/controller-expand-secret-name": secret["name"],
            "csi.storage.k8s.io/controller-expand-secret-namespace": CEPH_NS,
            "csi.storage.k8s.io/fstype": "ext4",
            "csi.storage.k8s.io/node-stage-secret-name": secret["name"],
            "csi.storage.k8s.io/node-stage-secret-namespace": CEPH_NS,
            "csi.storage.k8s.io/provisioner-secret-name": secret["name"],
            "csi.storage.k8s.io/provisioner-secret-namespace": CEPH_NS,
            "imageFeatures": "layering",
            "pool": POOL,
        },
        provisioner=CEPH_DRIVER,
        reclaimPolicy="Delete",
        volumeBindingMode="WaitForFirstConsumer",
    )
    driver = new_object(
        "CSIDriver",
        CEPH_DRIVER,
        b.ids.uid(),
        created,
        labels={"app.kubernetes.io/managed-by": "Helm"},
        annotations={
            "meta.helm.sh/release-name": "ceph-csi-rbd",
            "meta.helm.sh/release-namespace": CEPH_NS,
        },
        spec={
            "attachRequired": True,
            "fsGroupPolicy": "File",
            "podInfoOnMount": False,
            "requiresRepublish": False,
            "seLinuxMount": True,
            "storageCapacity": False,
            "volumeLifecycleModes": ["Persistent"],
        },
    )
    return [sc, driver]


def provision(b: DemoBuilder, claim: dict, node: str, created: datetime) -> list[dict]:
    """Bind `claim` (mutated in place) to a freshly provisioned PV attached to `node`."""
    namespace = claim["metadata"]["namespace"]
    size = claim["spec"]["resources"]["requests"]["storage"]
    pv_name = f"pvc-{claim['metadata']['uid']}"
    image_uuid = b.ids.uid()
    handle = f"0001-0024-{CEPH_CLUSTER_ID}-0000000000000002-{image_uuid}"
    bound = created + seconds(3)
    identity = f"1717000000000-{b.ids.rng.randrange(1000, 9999)}-{CEPH_DRIVER}"
    claim["metadata"]["annotations"] = {
        "pv.kubernetes.io/bind-completed": "yes",
        "pv.kubernetes.io/bound-by-controller": "yes",
        "volume.beta.kubernetes.io/storage-provisioner": CEPH_DRIVER,
        "volume.kubernetes.io/selected-node": node,
        "volume.kubernetes.io/storage-provisioner": CEPH_DRIVER,
    }
    claim["metadata"]["finalizers"] = ["kubernetes.io/pvc-protection"]
    claim["spec"]["volumeName"] = pv_name
    claim["status"] = {
        "accessModes": list(claim["spec"]["accessModes"]),
        "capacity": {"storage": size},
        "phase": "Bound",
    }
    pv = new_object(
        "PersistentVolume",
        pv_name,
        b.ids.uid(),
        bound,
        annotations={
            "pv.kubernetes.io/provisioned-by": CEPH_DRIVER,
            "volume.kubernetes.io/provisioner-deletion-secret-name": "csi-rbd-secret",
            "volume.kubernetes.io/provisioner-deletion-secret-namespace": CEPH_NS,
        },
        spec={
            "accessModes": list(claim["spec"]["accessModes"]),
            "capacity": {"storage": size},
            "claimRef": {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "name": claim["metadata"]["name"],
                "namespace": namespace,
                "uid": claim["metadata"]["uid"],
            },
            "csi": {
                "controllerExpandSecretRef": {"name": "csi-rbd-secret", "namespace": CEPH_NS},
                "driver": CEPH_DRIVER,
                "fsType": "ext4",
                "nodeStageSecretRef": {"name": "csi-rbd-secret", "namespace": CEPH_NS},
                "volumeAttributes": {
                    "clusterID": CEPH_CLUSTER_ID,
                    "csi.storage.k8s.io/pv/name": pv_name,
                    "csi.storage.k8s.io/pvc/name": claim["metadata"]["name"],
                    "csi.storage.k8s.io/pvc/namespace": namespace,
                    "imageFeatures": "layering",
                    "imageName": f"csi-vol-{image_uuid}",
                    "journalPool": POOL,
                    "pool": POOL,
                    "storage.kubernetes.io/csiProvisionerIdentity": identity,
                },
                "volumeHandle": handle,
            },
            "mountOptions": ["discard"],
            "persistentVolumeReclaimPolicy": "Delete",
            "storageClassName": claim["spec"]["storageClassName"],
            "volumeMode": "Filesystem",
        },
        status={"lastPhaseTransitionTime": ts(bound), "phase": "Bound"},
    )
    pv["metadata"]["finalizers"] = [
        "external-provisioner.volume.kubernetes.io/finalizer",
        "kubernetes.io/pv-protection",
    ]
    attachment_name = "csi-" + hashlib.sha256(f"{handle}{CEPH_DRIVER}{node}".encode()).hexdigest()
    attachment = new_object(
        "VolumeAttachment",
        attachment_name,
        b.ids.uid(),
        bound + seconds(2),
        annotations={"csi.alpha.kubernetes.io/node-id": node},
        spec={
            "attacher": CEPH_DRIVER,
            "nodeName": node,
            "source": {"persistentVolumeName": pv_name},
        },
        status={"attached": True},
    )
    attachment["metadata"]["finalizers"] = ["external-attacher/rbd-csi-ceph-com"]
    return [pv, attachment]


def csi_volume_name(pv: dict) -> str:
    """How the kubelet names an attached CSI volume in Node status."""
    return f"kubernetes.io/csi/{pv['spec']['csi']['driver']}^{pv['spec']['csi']['volumeHandle']}"
