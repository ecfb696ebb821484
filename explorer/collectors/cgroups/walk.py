"""The local probe's cgroup walk: read the kubepods tree from the node's own cgroupfs.

cgroup v2 (`cgroup.controllers` at the mount): one unified tree. cgroup v1: one tree per
controller, and the same cgroup path in each of `memory/`, `cpu/` (or `cpu,cpuacct/`) and
`pids/`: each is walked and the values are joined by path. A v2 mount without the memory and
cpu controllers (a hybrid host's `unified/`) is not where limits live, so v1 is read there.

`root` is where cgroupfs is mounted (an agent in a container sees the host's at e.g.
/host/sys/fs/cgroup; tests point it at a tree of plain files); `cgroup_root` is the kubelet's
`--cgroup-root`, the path under which kubepods is looked for (a few levels deep at most, e.g.
kind's `/kubelet.slice/kubelet-kubepods.slice`). Paths are reported from the hierarchy's root,
as `/proc/<pid>/cgroup` shows them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .limits import V1_FILES, V2_FILES, limits_from_files
from .paths import classify, meaning
from .tree import CgroupEntry, CgroupTree, build_tree

MOUNT = Path("/sys/fs/cgroup")
V1_CONTROLLERS = (("memory",), ("cpu,cpuacct", "cpu"), ("pids",))
SEARCH_DEPTH = 3  # levels below cgroup_root where kubepods may sit


class NoCgroupfs(OSError):
    pass


def hierarchies(root: Path = MOUNT) -> tuple[int, list[Path]]:
    """The cgroup version and the hierarchy directories holding memory, cpu and pids."""
    controllers = root / "cgroup.controllers"
    if controllers.is_file():
        available = set(controllers.read_text().split())
        if {"memory", "cpu"} <= available or not (root / "memory").is_dir():
            return 2, [root]
    found = []
    for names in V1_CONTROLLERS:
        directory = next((root / n for n in names if (root / n).is_dir()), None)
        if directory is not None:
            found.append(directory)
    if not found:
        raise NoCgroupfs(f"no cgroup v1 controller or v2 mount under {root}")
    return 1, found


def _controller_files(hierarchy: str) -> tuple[str, ...]:
    """The v1 files one controller's hierarchy has (`cpu,cpuacct` has the cpu ones)."""
    controllers = hierarchy.split(",")
    return tuple(f for f in V1_FILES if f.split(".", 1)[0] in controllers)


def _kubepods_dirs(base: Path, depth: int = SEARCH_DEPTH) -> Iterator[Path]:
    if classify(base.name) is not None and classify(base.name).role == "kubepods":  # type: ignore[union-attr]
        yield base
        return
    if depth == 0:
        return
    try:
        children = [e for e in os.scandir(base) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for entry in children:
        yield from _kubepods_dirs(Path(entry.path), depth - 1)


def _read_files(directory: str, wanted: tuple[str, ...]) -> dict[str, str]:
    # os.open/os.read: a cgroup file is one short line, and a text-mode open() costs more
    # than reading it (hundreds of cgroups x several files x each hierarchy).
    files: dict[str, str] = {}
    for name in wanted:
        try:
            descriptor = os.open(f"{directory}/{name}", os.O_RDONLY)
        except OSError:
            continue
        try:
            files[name] = os.read(descriptor, 4096).decode()
        except OSError:
            continue
        finally:
            os.close(descriptor)
    return files


def _walk_kubepods(
    hierarchy: str, kubepods: str, wanted: tuple[str, ...]
) -> Iterator[tuple[str, dict[str, str]]]:
    """(cgroup path, files) for kubepods and every QoS, pod and container cgroup below it."""
    stack = [kubepods]
    prefix = len(hierarchy)
    while stack:
        directory = stack.pop()
        path = directory[prefix:] or "/"
        found = meaning(path)
        if found.role is None:
            continue
        yield path, _read_files(directory, wanted)
        if found.role in ("container", "conmon"):
            continue
        try:
            with os.scandir(directory) as entries:
                stack.extend(e.path for e in entries if e.is_dir(follow_symlinks=False))
        except OSError:
            continue


def walk(root: Path = MOUNT, cgroup_root: str = "/") -> CgroupTree:
    """The kubepods tree with limits and usage as the kernel reports them."""
    version, dirs = hierarchies(root)
    merged: dict[str, dict[str, str]] = {}
    for hierarchy in dirs:
        wanted = V2_FILES if version == 2 else _controller_files(hierarchy.name)
        base = hierarchy / cgroup_root.strip("/") if cgroup_root.strip("/") else hierarchy
        for kubepods in _kubepods_dirs(base):
            for path, files in _walk_kubepods(str(hierarchy), str(kubepods), wanted):
                merged.setdefault(path, {}).update(files)
    entries = (
        CgroupEntry(path, limits_from_files(files)) for path, files in sorted(merged.items())
    )
    return build_tree(entries, "walk", version)
