"""A node's storage as its agent would read it (the `storage` fact of
explorer/state/node_facts.py): a containerd node's mount table with, for each running pod's
claim bound to an attached CSI volume, the driver's staging mount (an RBD device, ext4) and the
pod's bind of it, and the kubelet's pod volume directories with the vol_data.json it writes and
each mounted volume's usage.

The usage is made up but stable (from the volume's name), and the filesystem is the size the
claim's status says: a claim whose volume grew while its filesystem waits for the node still
shows the old size. A pod not yet running (its attachment failed, say) has nothing mounted.
"""

from __future__ import annotations

import hashlib

import orjson

from explorer.collectors.storage.names import (
    CSI_POD_PLUGIN,
    KUBELET_ROOT,
    attachment_name,
    pod_mount_path,
    staging_path,
)
from explorer.lib.objects import key_of, name_of, spec_of, status_of, uid_of
from explorer.lib.quantities import memory_bytes
from explorer.state.cluster_state import ClusterState

BLOCK = 4096
BYTES_PER_INODE = 16384  # mke2fs's default inode ratio
RBD_MAJOR = 252
BASE_MOUNTS = (
    "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw",
    "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:5 - proc proc rw",
    "24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:6 - sysfs sysfs rw",
    "25 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot",
    "26 22 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,mode=755",
    "27 22 0:24 / /run rw,nosuid,nodev,noexec,relatime shared:3 - tmpfs tmpfs rw,mode=755",
    "28 22 254:1 /var/lib/containerd /var/lib/containerd rw,relatime shared:1 - ext4 /dev/vda1 rw",
)


def _fraction(name: str) -> float:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") / 2**32


def _usage(pv_name: str, size: int) -> dict[str, int]:
    capacity = size // BLOCK * BLOCK
    used = int(capacity * (0.08 + 0.6 * _fraction(pv_name))) // BLOCK * BLOCK
    inodes = max(1, size // BYTES_PER_INODE)
    return {
        "capacity_bytes": capacity,
        "used_bytes": used,
        "available_bytes": capacity - used,
        "inodes": inodes,
        "inodes_used": 11 + int(inodes * 0.02 * _fraction(pv_name[::-1])),
    }


def _attached(state: ClusterState, driver: str, handle: str, node: str) -> bool:
    attachment = state.get("VolumeAttachment", "", attachment_name(handle, driver, node))
    if attachment is None:
        return state.get("CSIDriver", "", driver) is not None and not spec_of(
            state.get("CSIDriver", "", driver)
        ).get("attachRequired", True)
    return bool(status_of(attachment).get("attached"))


def storage_fact(state: ClusterState, node: str, pods: list[dict]) -> dict:
    lines = list(BASE_MOUNTS)
    volumes: list[dict] = []
    staged: dict[str, int] = {}  # staging path -> the RBD device's number
    mount_id = 100
    for pod in pods:
        if status_of(pod).get("phase") != "Running":
            continue
        namespace = key_of(pod)[0]
        for volume in spec_of(pod).get("volumes") or ():
            claim_name = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            claim = state.get("PersistentVolumeClaim", namespace, claim_name or "")
            pv = state.volume_for_claim(namespace, claim_name) if claim_name else None
            csi = spec_of(pv).get("csi") if pv else None
            if not isinstance(csi, dict) or status_of(claim).get("phase") != "Bound":
                continue
            driver, handle = str(csi.get("driver") or ""), str(csi.get("volumeHandle") or "")
            if not _attached(state, driver, handle, node):
                continue
            pv_name = name_of(pv)
            staging = staging_path(driver, handle)
            first = staging not in staged
            rbd = staged.setdefault(staging, len(staged))
            device = f"{RBD_MAJOR}:{rbd * 16} / "
            source = f" - ext4 /dev/rbd{rbd} rw,discard,stripe=16"
            if first:  # the driver stages each volume once per node; each pod binds it
                mount_id += 1
                options = f"rw,relatime shared:{mount_id}"
                lines.append(f"{mount_id} 22 {device}{staging} {options}{source}")
            mount_id += 1
            target = pod_mount_path(uid_of(pod), pv_name)
            lines.append(f"{mount_id} 22 {device}{target} rw,relatime shared:{mount_id}{source}")
            size = memory_bytes(
                (status_of(claim).get("capacity") or {}).get("storage")
                or (spec_of(pv).get("capacity") or {}).get("storage", "0")
            )
            data = {
                "attachmentID": attachment_name(handle, driver, node),
                "driverName": driver,
                "nodeName": node,
                "specVolID": pv_name,
                "volumeHandle": handle,
                "volumeLifecycleMode": "Persistent",
            }
            volumes.append(
                {
                    "pod_uid": uid_of(pod),
                    "plugin": CSI_POD_PLUGIN,
                    "name": pv_name,
                    "vol_data": orjson.dumps(data).decode(),
                    "usage": _usage(pv_name, int(size)),
                }
            )
    return {
        "kubelet_root": KUBELET_ROOT,
        "mounts_from": "/proc/1/mountinfo",
        "mountinfo": "\n".join(lines) + "\n",
        "volumes": volumes,
    }
