"""What the objects say should be mounted on a node: for each pod bound to it, each volume
backed by a bound CSI PersistentVolume (or an inline CSI volume) at its pod mount path, and each
such persistent volume once at its staging path — the last only for drivers that stage, which
the objects do not tell (the CSI node plugin advertises it to kubelet alone)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from explorer.lib.objects import key_of, meta_of, spec_of, status_of, uid_of

from .names import KUBELET_ROOT, pod_mount_path, staging_path_for

POD_MOUNT, STAGING = "pod mount", "staging"
FINISHED = ("Succeeded", "Failed")


@dataclass(frozen=True, slots=True)
class ExpectedMount:
    what: str  # POD_MOUNT | STAGING
    path: str
    driver: str
    volume_handle: str
    pv_name: str  # the PersistentVolume (an inline volume: the pod's name for it)
    pod: str = ""  # namespace/name; "" for a staging mount (shared by the node's pods)
    pod_uid: str = ""
    claim: str = ""  # namespace/name
    inline: bool = False
    pods: tuple[str, ...] = ()  # a staging mount: the pods whose mounts it serves


def expected_mounts(
    node: str,
    pods: Iterable[dict],
    claims: Mapping[tuple[str, str], dict],
    volumes: Mapping[str, dict],
    kubelet_version: tuple[int, int] | None = None,
    root: str = KUBELET_ROOT,
) -> list[ExpectedMount]:
    """`claims` by (namespace, name), `volumes` by name: PersistentVolumeClaims and
    PersistentVolumes as the API serves them."""
    found: list[ExpectedMount] = []
    staging: dict[str, ExpectedMount] = {}
    for pod in pods:
        if spec_of(pod).get("nodeName") != node or status_of(pod).get("phase") in FINISHED:
            continue
        if meta_of(pod).get("deletionTimestamp"):
            continue
        namespace, name = key_of(pod)
        uid = uid_of(pod)
        for volume in spec_of(pod).get("volumes") or ():
            inline = volume.get("csi")
            if isinstance(inline, dict):
                found.append(
                    ExpectedMount(
                        POD_MOUNT,
                        pod_mount_path(uid, str(volume.get("name") or ""), root),
                        str(inline.get("driver") or ""),
                        "",
                        str(volume.get("name") or ""),
                        f"{namespace}/{name}",
                        uid,
                        inline=True,
                    )
                )
                continue
            claim_name = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            claim = claims.get((namespace, claim_name)) if claim_name else None
            pv = volumes.get(spec_of(claim).get("volumeName") or "") if claim else None
            csi = spec_of(pv).get("csi") if pv else None
            if not isinstance(csi, dict) or status_of(claim).get("phase") != "Bound":
                continue
            pv_name = key_of(pv)[1]
            driver, handle = str(csi.get("driver") or ""), str(csi.get("volumeHandle") or "")
            found.append(
                ExpectedMount(
                    POD_MOUNT,
                    pod_mount_path(uid, pv_name, root),
                    driver,
                    handle,
                    pv_name,
                    f"{namespace}/{name}",
                    uid,
                    f"{namespace}/{claim_name}",
                )
            )
            path = staging_path_for(driver, handle, pv_name, kubelet_version, root)
            known = staging.get(path)
            users = (*(known.pods if known else ()), f"{namespace}/{name}")
            staging[path] = ExpectedMount(
                STAGING,
                path,
                driver,
                handle,
                pv_name,
                claim=f"{namespace}/{claim_name}",
                pods=users,
            )
    return found + list(staging.values())
