"""Printers: the columns and cells of each kind's Table, as kube-apiserver prints them.

Kinds without a printer of their own get the default table (NAME, CREATED AT), as on a real server.
"""

from __future__ import annotations

from explorer.lib.objects import meta_of, name_of

from . import core, platform, pods, workloads
from .common import NAME, Column, Printer, col

DEFAULT = Printer(
    (NAME, col("Created At", "date", doc="CreationTimestamp is the time this object was created.")),
    lambda obj, _now: [name_of(obj), meta_of(obj).get("creationTimestamp", "")],
)

PRINTERS: dict[str, Printer] = {
    "Pod": pods.PRINTER,
    "Node": core.NODE,
    "Service": core.SERVICE,
    "Event": core.EVENT,
    "Namespace": core.NAMESPACE,
    "ConfigMap": core.CONFIG_MAP,
    "Secret": core.SECRET,
    "ServiceAccount": core.SERVICE_ACCOUNT,
    "Endpoints": core.ENDPOINTS,
    "PersistentVolume": core.PERSISTENT_VOLUME,
    "PersistentVolumeClaim": core.PERSISTENT_VOLUME_CLAIM,
    "ResourceQuota": core.RESOURCE_QUOTA,
    "Deployment": workloads.DEPLOYMENT,
    "ReplicaSet": workloads.REPLICA_SET,
    "StatefulSet": workloads.STATEFUL_SET,
    "DaemonSet": workloads.DAEMON_SET,
    "Job": workloads.JOB,
    "CronJob": workloads.CRON_JOB,
    "HorizontalPodAutoscaler": workloads.HORIZONTAL_POD_AUTOSCALER,
    "PodDisruptionBudget": workloads.POD_DISRUPTION_BUDGET,
    "StorageClass": platform.STORAGE_CLASS,
    "Lease": platform.LEASE,
    "PriorityClass": platform.PRIORITY_CLASS,
    "RoleBinding": platform.BINDING,
    "ClusterRoleBinding": platform.BINDING,
    "Ingress": platform.INGRESS,
    "NetworkPolicy": platform.NETWORK_POLICY,
    "EndpointSlice": platform.ENDPOINT_SLICE,
    "CSINode": platform.CSI_NODE,
    "CSIDriver": platform.CSI_DRIVER,
    "VolumeAttachment": platform.VOLUME_ATTACHMENT,
}


def printer_for(kind: str) -> Printer:
    return PRINTERS.get(kind, DEFAULT)


__all__ = ["DEFAULT", "PRINTERS", "Column", "Printer", "printer_for"]
