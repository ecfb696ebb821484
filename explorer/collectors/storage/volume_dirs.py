"""A node's storage as its agent read it (the `storage` fact of explorer/state/node_facts.py):
the mount table, the kubelet's root, and each pod volume directory with the vol_data.json beside
a CSI mount and its statvfs figures. Untrusted JSON: an entry of the wrong shape is passed over,
a fact that is no storage fact at all is refused with one line (ValueError)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from explorer.lib.json_shape import json_type

from .mounts import MountTable, parse_mounts
from .names import CSI_POD_PLUGIN, KUBELET_ROOT
from .usage import NotVolumeData, VolData, vol_data

USAGE_FIELDS = ("capacity_bytes", "used_bytes", "available_bytes", "inodes", "inodes_used")


@dataclass(frozen=True, slots=True)
class DirUsage:
    capacity_bytes: int
    used_bytes: int
    available_bytes: int
    inodes: int
    inodes_used: int


@dataclass(frozen=True, slots=True)
class VolumeDir:
    """`<kubelet root>/pods/<pod_uid>/volumes/<plugin>/<name>`."""

    pod_uid: str
    plugin: str
    name: str
    vol_data: VolData | None
    vol_data_error: str  # why the vol_data.json beside a CSI mount could not be read, or ""
    usage: DirUsage | None  # None: not a mount when read (or not measured)

    @property
    def csi(self) -> bool:
        return self.plugin == CSI_POD_PLUGIN

    def mount_path(self, root: str) -> str:
        """Where the volume is mounted: a CSI volume's `mount` below its directory."""
        path = f"{root}/pods/{self.pod_uid}/volumes/{self.plugin}/{self.name}"
        return f"{path}/mount" if self.csi else path


@dataclass(frozen=True, slots=True)
class NodeStorage:
    kubelet_root: str
    mounts_from: str
    table: MountTable
    dirs: tuple[VolumeDir, ...]
    cut: int  # directories (or bytes of the table) the probe left out

    def dir_at(self, pod_uid: str, plugin: str, name: str) -> VolumeDir | None:
        for found in self.dirs:
            if (found.pod_uid, found.plugin, found.name) == (pod_uid, plugin, name):
                return found
        return None


def _text(mapping: Mapping[str, Any], key: str) -> str:
    value = mapping.get(key)
    return value if isinstance(value, str) else ""


def _usage(raw: object) -> DirUsage | None:
    if not isinstance(raw, Mapping):
        return None
    values = [raw.get(name) for name in USAGE_FIELDS]
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        return None
    return DirUsage(*values)  # type: ignore[arg-type]


def _volume_dir(raw: Mapping[str, Any]) -> VolumeDir | None:
    uid, plugin, name = _text(raw, "pod_uid"), _text(raw, "plugin"), _text(raw, "name")
    if not (uid and plugin and name) or "/" in uid + plugin + name:
        return None
    data, error = None, ""
    if isinstance(raw.get("vol_data"), str):
        try:
            data = vol_data(raw["vol_data"])
        except NotVolumeData as refused:
            error = str(refused)
    return VolumeDir(uid, plugin, name, data, error, _usage(raw.get("usage")))


def node_storage(fact: Mapping[str, Any]) -> NodeStorage:
    if not isinstance(fact, Mapping) or not isinstance(fact.get("mountinfo"), str):
        raise ValueError(f"not a storage fact: {json_type(fact)} without a mount table")
    root = _text(fact, "kubelet_root").rstrip("/") or KUBELET_ROOT
    raw_dirs = fact.get("volumes") if isinstance(fact.get("volumes"), list) else []
    dirs = tuple(
        found
        for raw in raw_dirs
        if isinstance(raw, Mapping) and (found := _volume_dir(raw)) is not None
    )
    cut = fact.get("cut")
    return NodeStorage(
        kubelet_root=root,
        mounts_from=_text(fact, "mounts_from"),
        table=parse_mounts(fact["mountinfo"]),
        dirs=dirs,
        cut=cut if isinstance(cut, int) and not isinstance(cut, bool) else 0,
    )
