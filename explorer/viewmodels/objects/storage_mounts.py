"""A claim's volume on the nodes of the pods that mount it, expected vs actual
(explorer/viewmodels/storage_node.py): each pod's mount, the staging mount of each node and the
VolumeAttachment named for it, against what the node's mount table holds, read when; and each
pod's used and free bytes of the volume, with a bar, or why they are not known."""

from __future__ import annotations

from explorer.collectors.storage import names
from explorer.collectors.storage.compare import MISSING, MOUNTED, NOT_STAGED, MountCheck
from explorer.lib.objects import key_of, name_of, spec_of, status_of, uid_of
from explorer.lib.quantities import approx_bytes
from explorer.state.cluster_state import ClusterState
from explorer.state.records import records

from ..storage_node import NodeMounts, node_mounts, not_running_yet
from .sections import Cell, Section, bar, section, to, to_named

MOUNTS_NOTE = (
    "Where kubelet is to mount the volume (from the objects) against the node's mount table "
    "(as its agent, or the recorded facts, last read it), and the VolumeAttachment the "
    "attach/detach controller names for it."
)
USAGE_NOTE = (
    "Used and free bytes of the filesystem on the volume, as the node measures it: the kubelet's "
    "/stats/summary through nodes/proxy when the operator turned nodes-proxy on, else the "
    "agent's statvfs of the mount."
)


def claim_users_on_nodes(state: ClusterState, claim: dict) -> list[tuple[dict, str, str]]:
    """(pod, node, the pod's name for the volume) for each pod bound to a node that mounts it,
    by name. The pods are picked by their records (explorer/state/records.py: node and claims);
    only those, which the page draws, are unpacked, for their volumes' names."""
    namespace, name = key_of(claim)
    picked = sorted(p.name for p in records(state, "Pod", namespace) if p.node and name in p.claims)
    found = []
    for pod_name in picked:
        pod = state.get("Pod", namespace, pod_name)
        node = spec_of(pod).get("nodeName") or ""
        for volume in spec_of(pod).get("volumes") or ():
            if node and (volume.get("persistentVolumeClaim") or {}).get("claimName") == name:
                found.append((pod, node, str(volume.get("name") or "")))
                break
    return found


def on_the_node(state: ClusterState, claim: dict, volume: dict | None) -> list[Section]:
    csi = spec_of(volume).get("csi") if volume else None
    if volume is None or not isinstance(csi, dict) or not csi.get("driver"):
        return []
    users = claim_users_on_nodes(state, claim)
    by_node: dict[str, NodeMounts] = {}
    for _, node, _ in users:
        if node not in by_node:
            by_node[node] = node_mounts(state, node)
    return [
        _mounts(state, volume, csi, users, by_node),
        _usage(volume, users, by_node),
    ]


def _found(check: MountCheck | None, mounts: NodeMounts, waiting: str) -> str:
    if mounts.comparison is None:
        return "not known: no mount table"
    if check is None or (check.verdict != MOUNTED and waiting):
        return waiting or "not checked"
    if check.verdict == MOUNTED and check.mount is not None:
        read_only = ", read-only" if check.mount.read_only else ""
        return f"mounted: {check.mount.fstype} from {check.mount.source}{read_only}"
    if check.verdict == NOT_STAGED:
        return "no staging mount (the driver may not stage)"
    return "missing" if check.verdict == MISSING else check.verdict


def _check_at(mounts: NodeMounts, path: str) -> MountCheck | None:
    if mounts.comparison is None:
        return None
    return next((c for c in mounts.comparison.checks if c.path == path), None)


def _mounts(
    state: ClusterState,
    volume: dict,
    csi: dict,
    users: list[tuple[dict, str, str]],
    by_node: dict[str, NodeMounts],
) -> Section:
    driver, handle = str(csi["driver"]), str(csi.get("volumeHandle") or "")
    rows: list[list[Cell]] = []
    for node, mounts in by_node.items():
        root = mounts.storage.kubelet_root if mounts.storage else names.KUBELET_ROOT
        read = mounts.table_read
        pods = [pod for pod, on, _ in users if on == node]
        for pod in pods:
            path = names.pod_mount_path(uid_of(pod), name_of(volume), root)
            found = _found(_check_at(mounts, path), mounts, not_running_yet(pod))
            rows.append([to(pod), to_named("Node", "", node), "pod mount", found, read, path])
        info = status_of(state.get("Node", "", node)).get("nodeInfo") or {}
        version = names.kubelet_minor(str(info.get("kubeletVersion") or ""))
        path = names.staging_path_for(driver, handle, name_of(volume), version, root)
        waiting = "" if any(not not_running_yet(p) for p in pods) else not_running_yet(pods[0])
        found = _found(_check_at(mounts, path), mounts, waiting)
        rows.append(["", to_named("Node", "", node), "staging", found, read, path])
        attachment_name = names.attachment_name(handle, driver, node)
        attachment = state.get("VolumeAttachment", "", attachment_name)
        rows.append(
            [
                "",
                to_named("Node", "", node),
                "attachment",
                _attachment_state(attachment),
                "",
                to(attachment) if attachment else attachment_name,
            ]
        )
    unread = [
        f"No mount table of {node}: {mounts.table_missing}."
        for node, mounts in by_node.items()
        if mounts.comparison is None
    ]
    return section(
        "on-the-node",
        "On the node: expected vs found",
        ["pod", "node", "what", "found on the node", "mount table of", "expected at"],
        rows,
        note=" ".join([MOUNTS_NOTE, *unread]),
        empty="no pod using it is on a node",
    )


def _attachment_state(attachment: dict | None) -> str:
    if attachment is None:
        return "no VolumeAttachment of that name held"
    status = status_of(attachment)
    error = (status.get("attachError") or {}).get("message")
    if error:
        return f"attach failed: {error}"
    return "attached" if status.get("attached") else "not attached yet"


def _usage(
    volume: dict, users: list[tuple[dict, str, str]], by_node: dict[str, NodeMounts]
) -> Section:
    rows: list[list[Cell]] = []
    for pod, node, pod_volume in users:
        mounts = by_node[node]
        measured = mounts.usage(uid_of(pod), pod_volume, name_of(volume))
        if measured is None:
            why = not_running_yet(pod) or _not_measured(mounts)
            rows.append([to(pod), to_named("Node", "", node), "not measured", "", why])
            continue
        used, capacity = measured.used_bytes, measured.capacity_bytes
        share = f" ({100 * used / capacity:.0f}%)" if capacity else ""
        rows.append(
            [
                to(pod),
                to_named("Node", "", node),
                bar(used, capacity, f"{approx_bytes(used)} of {approx_bytes(capacity)}{share}"),
                approx_bytes(measured.available_bytes),
                measured.source,
            ]
        )
    return section(
        "usage",
        "Used and free",
        ["pod", "node", "used", "free", "measured by"],
        rows,
        note=USAGE_NOTE,
        empty="no pod using it is on a node",
    )


def _not_measured(mounts: NodeMounts) -> str:
    why = []
    if mounts.usage_missing:
        why.append(f"kubelet /stats/summary not read: {mounts.usage_missing}")
    elif mounts.summary:
        why.append("the kubelet's /stats/summary does not list it")
    if mounts.storage is None:
        why.append(f"no agent read the node's mounts: {mounts.table_missing}")
    else:
        why.append("the agent found no mount to measure")
    return "; ".join(why)
