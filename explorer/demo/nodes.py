"""Nodes as kubeadm joins them (labels, taints, addresses, nodeInfo, conditions, podCIDR,
capacity/allocatable), with their heartbeat Leases and CSINodes.

Addresses: nodes sit on 172.18.0.0/16; each gets a /24 pod CIDR from the cluster CIDR
10.244.0.0/16, or 10.224.0.0/12 when there are more than 256 nodes (a /16 has only 256 /24s).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import datetime

from .clock import micro_ts, parse_ts, seconds, ts
from .ids import Ids
from .meta import new_object, owner_ref

KUBERNETES_VERSION = "v1.33.1"
CONTAINERD_VERSION = "containerd://1.7.27"
KERNEL = "6.8.0-60-generic"
OS_IMAGE = "Ubuntu 24.04.2 LTS"
NODE_LEASE_SECONDS = 40

CONTROL_PLANE_TAINT = {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}
GPU_TAINT = {"effect": "NoSchedule", "key": "nvidia.com/gpu", "value": "present"}


@dataclass
class NodeSlot:
    name: str
    ip: str
    pod_cidr: str
    role: str  # control-plane, worker, gpu
    cpu: int
    memory_gi: int
    gpus: int = 0
    next_host: int = 2  # .1 is the cni0 bridge
    obj: dict = field(default_factory=dict)

    def allocate_ip(self) -> str:
        network = ipaddress.ip_network(self.pod_cidr)
        address = network.network_address + self.next_host
        self.next_host += 1
        return str(address)


def cluster_cidr(node_count: int) -> str:
    if node_count <= 256:
        return "10.244.0.0/16"
    return "10.224.0.0/12" if node_count <= 4096 else "10.224.0.0/11"


def plan_nodes(cluster: str, count: int) -> list[NodeSlot]:
    """The control plane, a GPU worker, then plain workers, with addresses and pod CIDRs."""
    if count < 3:
        raise ValueError("the demo cluster needs at least 3 nodes (control plane, worker, GPU)")
    pod_net = ipaddress.ip_network(cluster_cidr(count))
    subnets = pod_net.subnets(new_prefix=24)
    slots = []
    for index in range(count):
        if index == 0:
            name, role, cpu, mem, gpus = f"{cluster}-control-plane", "control-plane", 4, 8, 0
        elif index == 1:
            name, role, cpu, mem, gpus = f"{cluster}-worker", "worker", 8, 32, 0
        elif index == 2:
            name, role, cpu, mem, gpus = f"{cluster}-gpu-worker", "gpu", 16, 64, 4
        else:
            name, role, cpu, mem, gpus = f"{cluster}-worker{index - 1}", "worker", 8, 32, 0
        host = index + 2
        ip = f"172.18.{host // 256}.{host % 256}"
        slots.append(NodeSlot(name, ip, str(next(subnets)), role, cpu, mem, gpus))
    return slots


def _memory_ki(gi: int) -> int:
    # A machine's usable memory is a little under its nominal size.
    return gi * 1024 * 1024 - 180_000 - gi * 1_500


def node_object(slot: NodeSlot, ids: Ids, created: datetime, now: datetime) -> dict:
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": slot.name,
        "kubernetes.io/os": "linux",
    }
    taints = []
    if slot.role == "control-plane":
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        taints.append(dict(CONTROL_PLANE_TAINT))
    if slot.role == "gpu":
        labels["nvidia.com/gpu.present"] = "true"
        labels["nvidia.com/gpu.product"] = "NVIDIA-A10"
        labels["nvidia.com/gpu.count"] = str(slot.gpus)
        taints.append(dict(GPU_TAINT))
    vtep_mac = ":".join(f"{ids.rng.randrange(256):02x}" for _ in range(6))
    annotations = {
        "flannel.alpha.coreos.com/backend-data": f'{{"VNI":1,"VtepMAC":"{vtep_mac}"}}',
        "flannel.alpha.coreos.com/backend-type": "vxlan",
        "flannel.alpha.coreos.com/kube-subnet-manager": "true",
        "flannel.alpha.coreos.com/public-ip": slot.ip,
        "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
    }
    memory_ki = _memory_ki(slot.memory_gi)
    storage_ki = 101_430_960
    capacity = {
        "cpu": str(slot.cpu),
        "ephemeral-storage": f"{storage_ki}Ki",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": f"{memory_ki}Ki",
        "pods": "110",
    }
    allocatable = dict(capacity)
    allocatable["ephemeral-storage"] = str(storage_ki * 1024 * 9 // 10)
    allocatable["memory"] = f"{memory_ki - 102_400}Ki"
    if slot.gpus:
        capacity["nvidia.com/gpu"] = str(slot.gpus)
        allocatable["nvidia.com/gpu"] = str(slot.gpus)
    heartbeat = ts(now - seconds(ids.rng.randrange(5, 50)))
    joined = ts(created)
    spec: dict = {"podCIDR": slot.pod_cidr, "podCIDRs": [slot.pod_cidr]}
    if taints:
        spec["taints"] = taints
    node = new_object(
        "Node",
        slot.name,
        ids.uid(),
        created,
        labels=labels,
        annotations=annotations,
        spec=spec,
        status={
            "addresses": [
                {"address": slot.ip, "type": "InternalIP"},
                {"address": slot.name, "type": "Hostname"},
            ],
            "allocatable": allocatable,
            "capacity": capacity,
            "conditions": [
                _node_condition(
                    "NetworkUnavailable",
                    False,
                    heartbeat,
                    joined,
                    "FlannelIsUp",
                    "Flannel is running on this node",
                    heartbeat_field=False,
                ),
                _node_condition(
                    "MemoryPressure",
                    False,
                    heartbeat,
                    joined,
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                _node_condition(
                    "DiskPressure",
                    False,
                    heartbeat,
                    joined,
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                _node_condition(
                    "PIDPressure",
                    False,
                    heartbeat,
                    joined,
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                _node_condition(
                    "Ready",
                    True,
                    heartbeat,
                    ts(created + seconds(31)),
                    "KubeletReady",
                    "kubelet is posting ready status",
                ),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "images": [],
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": ids.uid(),
                "containerRuntimeVersion": CONTAINERD_VERSION,
                "kernelVersion": KERNEL,
                "kubeProxyVersion": "",
                "kubeletVersion": KUBERNETES_VERSION,
                "machineID": ids.hex(32),
                "operatingSystem": "linux",
                "osImage": OS_IMAGE,
                "systemUUID": ids.uid(),
            },
            "runtimeHandlers": [
                {
                    "features": {"recursiveReadOnlyMounts": True, "userNamespaces": True},
                    "name": "runc",
                },
                {"features": {"recursiveReadOnlyMounts": True, "userNamespaces": True}, "name": ""},
            ],
        },
    )
    slot.obj = node
    return node


def _node_condition(kind, status, heartbeat, transition, reason, message, heartbeat_field=True):
    cond = {}
    if heartbeat_field:
        cond["lastHeartbeatTime"] = heartbeat
    else:
        cond["lastHeartbeatTime"] = transition
    cond.update(
        {
            "lastTransitionTime": transition,
            "message": message,
            "reason": reason,
            "status": "True" if status else "False",
            "type": kind,
        }
    )
    return cond


def node_lease(slot: NodeSlot, ids: Ids, now: datetime) -> dict:
    return new_object(
        "Lease",
        slot.name,
        ids.uid(),
        _created(slot),
        namespace="kube-node-lease",
        owners=[owner_ref(slot.obj, controller=False, block=False)],
        spec={
            "holderIdentity": slot.name,
            "leaseDurationSeconds": NODE_LEASE_SECONDS,
            "renewTime": micro_ts(now - seconds(ids.rng.randrange(1, 9))),
        },
    )


def _created(slot: NodeSlot) -> datetime:
    return parse_ts(slot.obj["metadata"]["creationTimestamp"])


def csinode(slot: NodeSlot, ids: Ids, drivers: list[dict] | None) -> dict:
    return new_object(
        "CSINode",
        slot.name,
        ids.uid(),
        _created(slot),
        annotations={"storage.alpha.kubernetes.io/migrated-plugins": _MIGRATED},
        owners=[owner_ref(slot.obj, controller=False, block=False)],
        spec={"drivers": drivers},
    )


_MIGRATED = (
    "kubernetes.io/aws-ebs,kubernetes.io/azure-disk,kubernetes.io/azure-file,"
    "kubernetes.io/cinder,kubernetes.io/gce-pd,kubernetes.io/portworx-volume,"
    "kubernetes.io/vsphere-volume"
)
