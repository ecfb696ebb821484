"""The names and paths kubelet and the attach/detach controller derive for a CSI volume.

- A VolumeAttachment the attach/detach controller creates is `csi-` + the hex sha256 of the
  volume handle, the driver and the node name, concatenated (others may create VolumeAttachments
  under any name: match them to volumes by `spec.source.persistentVolumeName`, never by name).
- A pod's mount of a CSI persistent volume:
  `<root>/pods/<pod uid>/volumes/kubernetes.io~csi/<pv name>/mount`.
- The staging (NodeStageVolume) mount, for drivers that stage:
  `<root>/plugins/kubernetes.io/csi/<driver, `/` → `~`>/<hex sha256 of the handle>/globalmount`;
  kubelets before 1.24 used `<root>/plugins/kubernetes.io/csi/pv/<pv name>/globalmount`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

KUBELET_ROOT = "/var/lib/kubelet"
CSI_PLUGIN_DIR = "plugins/kubernetes.io/csi"
CSI_POD_PLUGIN = "kubernetes.io~csi"  # the plugin name `kubernetes.io/csi`, escaped
HASHED_STAGING_SINCE = (1, 24)  # kubelet's minor version from which staging paths are hashed


def escape_qualified_name(name: str) -> str:
    """How kubelet makes a qualified name one path segment: every `/` becomes `~`."""
    return name.replace("/", "~")


def attachment_name(volume_handle: str, driver: str, node: str) -> str:
    digest = hashlib.sha256(f"{volume_handle}{driver}{node}".encode()).hexdigest()
    return f"csi-{digest}"


def handle_digest(volume_handle: str) -> str:
    return hashlib.sha256(volume_handle.encode()).hexdigest()


def pod_volume_dir(pod_uid: str, pv_name: str, root: str = KUBELET_ROOT) -> str:
    """Where kubelet keeps a pod's CSI volume (its `mount` and `vol_data.json`)."""
    return f"{root}/pods/{pod_uid}/volumes/{CSI_POD_PLUGIN}/{escape_qualified_name(pv_name)}"


def pod_mount_path(pod_uid: str, pv_name: str, root: str = KUBELET_ROOT) -> str:
    return f"{pod_volume_dir(pod_uid, pv_name, root)}/mount"


def staging_path(driver: str, volume_handle: str, root: str = KUBELET_ROOT) -> str:
    driver_dir = escape_qualified_name(driver)
    return f"{root}/{CSI_PLUGIN_DIR}/{driver_dir}/{handle_digest(volume_handle)}/globalmount"


def legacy_staging_path(pv_name: str, root: str = KUBELET_ROOT) -> str:
    """The staging path of kubelets before 1.24."""
    return f"{root}/{CSI_PLUGIN_DIR}/pv/{escape_qualified_name(pv_name)}/globalmount"


def staging_path_for(
    driver: str,
    volume_handle: str,
    pv_name: str,
    kubelet_version: tuple[int, int] | None = None,
    root: str = KUBELET_ROOT,
) -> str:
    """The staging path a kubelet of this version uses (None: a current one)."""
    if kubelet_version is not None and kubelet_version < HASHED_STAGING_SINCE:
        return legacy_staging_path(pv_name, root)
    return staging_path(driver, volume_handle, root)


_VERSION = re.compile(r"v?(\d+)\.(\d+)")


def kubelet_minor(version: str) -> tuple[int, int] | None:
    """`v1.14.6-eks-5047ed` → (1, 14); None when the text is no version."""
    found = _VERSION.match(version or "")
    return (int(found.group(1)), int(found.group(2))) if found else None


@dataclass(frozen=True, slots=True)
class KubeletPath:
    """What a path under the kubelet's root is, for a CSI volume."""

    what: str  # "pod mount" | "staging" | "legacy staging"
    pod_uid: str = ""  # a pod mount's pod
    pv_name: str = ""  # a pod mount's or a legacy staging path's volume
    driver: str = ""  # a staging path's driver directory (escaped)
    digest: str = ""  # a staging path's sha256 of the volume handle


_POD_MOUNT = re.compile(r"/pods/([^/]+)/volumes/kubernetes\.io~csi/([^/]+)/mount$")
_LEGACY = re.compile(r"/plugins/kubernetes\.io/csi/pv/([^/]+)/globalmount$")
_STAGING = re.compile(r"/plugins/kubernetes\.io/csi/([^/]+)/([0-9a-f]{64})/globalmount$")


def kubelet_path(path: str, root: str = KUBELET_ROOT) -> KubeletPath | None:
    """Read a mount point as kubelet laid it out (None: not a CSI path under `root`)."""
    if not path.startswith(root + "/"):
        return None
    rest = path[len(root) :]
    if found := _POD_MOUNT.fullmatch(rest):
        return KubeletPath("pod mount", pod_uid=found.group(1), pv_name=found.group(2))
    if found := _LEGACY.fullmatch(rest):
        return KubeletPath("legacy staging", pv_name=found.group(1))
    if found := _STAGING.fullmatch(rest):
        return KubeletPath("staging", driver=found.group(1), digest=found.group(2))
    return None
