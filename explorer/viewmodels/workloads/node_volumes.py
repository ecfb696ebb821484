"""A node's volumes, expected vs found: every CSI mount the objects call for on it (each pod's
mount of a claim's volume, each volume's staging mount) against the node's mount table, every
other pod volume the table shows mounted under the kubelet's root (projected tokens, secrets,
memory-backed emptyDirs), and CSI mounts no object calls for; each with its pod, claim and
volume, its device, and its used and free bytes (explorer/viewmodels/storage_node.py).

Params: `cluster`, `name` (the node). Every string is plain text (the page sets it as text).

The model:
- `found`: whether the node is held; `header`: cluster, node, `read` (the mount table's time and
  probe), `missing` (why there is no mount table, or ""), `kubelet_root`, `mounts_from`,
  `usage_missing` (why the kubelet's /stats/summary was not read, or ""), `counts` by state;
- `rows`: `{id, path, what, state, verdict, healthy, pod, claim, volume, driver, device, usage}`
  — `pod`, `claim`, `volume`: links or None; `verdict`: mounted, missing, not staged, unexpected
  or waiting (a pod not running yet); `usage`: `{value, max, text, free, source}` or None.
"""

from __future__ import annotations

from typing import Any

from explorer.collectors.storage.compare import (
    MISSING,
    MOUNTED,
    NOT_STAGED,
    UNEXPECTED,
    MountComparison,
)
from explorer.collectors.storage.names import CSI_POD_PLUGIN, kubelet_path
from explorer.collectors.storage.volume_dirs import NodeStorage
from explorer.lib.objects import key_of, spec_of, uid_of
from explorer.lib.quantities import approx_bytes
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import NODE_FACTS_KIND

from ..base import Params, View, on_node
from ..links import Link, object_link
from ..storage_node import Measured, NodeMounts, node_mounts, not_running_yet

WAITING = "waiting"
_STATES = {
    MOUNTED: "mounted",
    MISSING: "missing: kubelet has not mounted it",
    NOT_STAGED: "no staging mount (the driver may not stage)",
    UNEXPECTED: "mounted, but no pod or volume held calls for it",
}


def _claim_volume_name(pod: dict | None, claim: str) -> str:
    for volume in spec_of(pod).get("volumes") or ():
        if (volume.get("persistentVolumeClaim") or {}).get("claimName") == claim:
            return str(volume.get("name") or "")
    return ""


def _usage(measured: Measured | None) -> dict[str, Any] | None:
    if measured is None:
        return None
    used, capacity = measured.used_bytes, measured.capacity_bytes
    share = f" ({100 * used / capacity:.0f}%)" if capacity else ""
    return {
        "value": min(used, capacity),
        "max": max(capacity, 1),
        "text": f"{approx_bytes(used)} of {approx_bytes(capacity)}{share}",
        "free": approx_bytes(measured.available_bytes),
        "source": measured.source,
    }


def _link(kind: str, namespace: str, name: str) -> Link | None:
    return object_link(kind, namespace, name) if name else None


def _checked_rows(
    mounts: NodeMounts, storage: NodeStorage, comparison: MountComparison, pods: dict[str, dict]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for check in comparison.checks:
        expected, mount = check.expected, check.mount
        where = kubelet_path(check.path, storage.kubelet_root)
        pod_uid = expected.pod_uid if expected else (where.pod_uid if where else "")
        pod = pods.get(pod_uid)
        verdict, state = check.verdict, _STATES.get(check.verdict, check.verdict)
        waiting = not_running_yet(pod) if pod is not None else ""
        if expected is not None and expected.pods and verdict != MOUNTED:
            waiting = _all_waiting(expected.pods, pods)
        if verdict != MOUNTED and expected is not None and waiting:
            verdict, state = WAITING, waiting
        claim_ns, _, claim = (expected.claim if expected else "").partition("/")
        pv = expected.pv_name if expected and not expected.inline else ""
        measured = None
        if pod is not None and expected is not None and expected.claim:
            measured = mounts.usage(pod_uid, _claim_volume_name(pod, claim), pv)
        rows.append(
            {
                "id": check.path,
                "path": check.path,
                "what": expected.what if expected else (where.what if where else "mount"),
                "state": state,
                "verdict": verdict,
                "healthy": verdict in (MOUNTED, NOT_STAGED, WAITING),
                "pod": _link("Pod", *key_of(pod)) if pod else None,
                "pod_text": "/".join(key_of(pod)) if pod else (expected.pod if expected else ""),
                "claim": _link("PersistentVolumeClaim", claim_ns, claim),
                "claim_text": expected.claim if expected else "",
                "volume": _link("PersistentVolume", "", pv),
                "volume_text": pv,
                "driver": expected.driver if expected else "",
                "device": f"{mount.fstype} from {mount.source}" if mount else "",
                "usage": _usage(measured),
            }
        )
    return rows


def _all_waiting(users: tuple[str, ...], pods: dict[str, dict]) -> str:
    """Why a staging mount need not be there yet: every pod it serves is not running."""
    by_name = {"/".join(key_of(p)): p for p in pods.values()}
    reasons = [not_running_yet(by_name.get(user)) for user in users]
    return reasons[0] if reasons and all(reasons) else ""


def _other_rows(storage: NodeStorage, pods: dict[str, dict]) -> list[dict[str, Any]]:
    """Pod volumes of the other plugins the table shows mounted under the kubelet's root."""
    prefix = f"{storage.kubelet_root}/pods/"
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for mount in storage.table.mounts:
        parts = mount.target.removeprefix(prefix).split("/")
        if not mount.target.startswith(prefix) or len(parts) != 4 or parts[1] != "volumes":
            continue
        if parts[2] == CSI_POD_PLUGIN or mount.target in seen:
            continue
        seen.add(mount.target)
        pod = pods.get(parts[0])
        rows.append(
            {
                "id": mount.target,
                "path": mount.target,
                "what": parts[2].replace("~", "/"),
                "state": "mounted" if pod else "mounted, but no pod held has this UID",
                "verdict": MOUNTED if pod else UNEXPECTED,
                "healthy": pod is not None,
                "pod": _link("Pod", *key_of(pod)) if pod else None,
                "pod_text": "/".join(key_of(pod)) if pod else parts[0],
                "claim": None,
                "claim_text": "",
                "volume": None,
                "volume_text": parts[3],
                "driver": "",
                "device": f"{mount.fstype} from {mount.source}",
                "usage": None,
            }
        )
    return rows


def node_volumes(state: ClusterState, params: Params, memo: Any = None) -> dict[str, Any]:
    name = params["name"]
    header: dict[str, Any] = {"cluster": state.cluster, "node": name}
    if state.get("Node", "", name) is None:
        return {"found": False, "header": header, "rows": []}
    mounts = node_mounts(state, name)
    pods = {uid_of(p): p for p in state.pods_on_node(name)}
    rows: list[dict[str, Any]] = []
    storage = mounts.storage
    if storage is not None and mounts.comparison is not None:
        rows = _checked_rows(mounts, storage, mounts.comparison, pods) + _other_rows(storage, pods)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
    header.update(
        read=mounts.table_read,
        missing=mounts.table_missing,
        kubelet_root=storage.kubelet_root if storage else "",
        mounts_from=storage.mounts_from if storage else "",
        mounts=len(storage.table.mounts) if storage else 0,
        cut=storage.cut if storage else 0,
        usage_missing=mounts.usage_missing,
        counts=counts,
    )
    return {"found": True, "header": header, "rows": rows}


VIEW = View(
    "node-volumes",
    node_volumes,
    frozenset(
        {
            "Node",
            "Pod",
            "PersistentVolumeClaim",
            "PersistentVolume",
            "VolumeAttachment",
            NODE_FACTS_KIND,
        }
    ),
    params=("cluster", "name"),
    concerns=lambda params, change: change.kind != "Pod" or on_node(change, params["name"]),
)
