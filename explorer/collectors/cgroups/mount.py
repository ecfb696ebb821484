"""A path under the cgroup mount (`/sys/fs/cgroup/memory/kubepods/…`) as the cgroup path it
is (`/kubepods/…`): the mount and, on v1, the controller's directory (`memory/`,
`cpu,cpuacct/`, `name=systemd`'s `systemd/`) or the hybrid `unified/` taken off, so the same
cgroup seen under several controllers is one cgroup."""

from __future__ import annotations

from dataclasses import dataclass

MOUNT = "/sys/fs/cgroup"
V1_CONTROLLERS = frozenset(
    [
        "cpu",
        "cpuacct",
        "cpuset",
        "memory",
        "pids",
        "blkio",
        "devices",
        "freezer",
        "net_cls",
        "net_prio",
        "perf_event",
        "hugetlb",
        "rdma",
        "misc",
        "systemd",
    ]
)


@dataclass(frozen=True, slots=True)
class MountedPath:
    path: str  # the cgroup path, from the cgroup root: `/` or `/kubepods/…`
    hierarchy: str | None  # the v1 controller directory it was under (`cpu,cpuacct`)
    unified: bool  # under a hybrid host's `unified/` (the v2 hierarchy)


def mounted_path(path: str) -> MountedPath | None:
    """The cgroup path of a filesystem path under MOUNT (None: not under it)."""
    if path != MOUNT and not path.startswith(MOUNT + "/"):
        return None
    names = [name for name in path[len(MOUNT) :].split("/") if name]
    hierarchy, unified = None, False
    if names and (set(names[0].split(",")) <= V1_CONTROLLERS or names[0].startswith("name=")):
        hierarchy, names = names[0], names[1:]
    elif names and names[0] == "unified":
        unified, names = True, names[1:]
    return MountedPath("/" + "/".join(names), hierarchy, unified)
