"""The agent's read of a node's storage (the `storage` fact, explorer/state/node_facts.py): the
mount table and the kubelet's pod volume directories, each bounded in size.

The mount table is `<root>/proc/1/mountinfo`, not `/proc/self/mountinfo`: kubelet and the CSI
node plugins mount in the host's mount namespace, the one its PID 1 is in. The agent runs in a
container of its own mount namespace, where `self` would show the container's mounts (and the
host's only as far as a mount's propagation lets them in, at the container's paths). With the
host's PID namespace (`hostPID`) or the host's /proc under `<root>`, PID 1 is the host's init,
and its table is the node's as kubelet left it, at the host's paths.

The directories are `<root><kubelet root>/pods/<pod uid>/volumes/<plugin>/<name>`, with the
`vol_data.json` kubelet writes beside a CSI volume's `mount`, and, for a directory that is a
mount, its statvfs(2) figures (used and free bytes as the kubelet's own fs stats count them). A
mount that does not answer (a hung NFS server) is given a deadline and left unmeasured.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from explorer.collectors.storage.names import CSI_POD_PLUGIN
from explorer.state.node_facts import DirUsage, ProbeName, StorageFact, StorageVolume

MOUNTS_FROM = "/proc/1/mountinfo"
MAX_MOUNTINFO_BYTES = 32 * 1024 * 1024  # a node with ~150,000 mounts
MAX_VOLUME_DIRS = 50_000  # 110 pods of a few dozen volumes each is a few thousand
MAX_VOL_DATA_BYTES = 64 * 1024  # kubelet writes a few hundred bytes
VOL_DATA = "vol_data.json"


class StorageUnread(OSError):
    """The mount table could not be read; str() is the reason."""


def read_bounded(path: Path, limit: int) -> tuple[str, int]:
    """The text of `path`, at most `limit` bytes of it, and how many bytes were left out."""
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
        left = 0
        if len(data) > limit:
            data = data[:limit]
            rest = handle.read()
            left = 1 + len(rest)
    return data.decode("utf-8", errors="replace"), left


def _usage(path: Path) -> DirUsage | None:
    try:
        found = os.statvfs(path)
    except OSError:
        return None
    return DirUsage(
        capacity_bytes=found.f_blocks * found.f_frsize,
        used_bytes=(found.f_blocks - found.f_bfree) * found.f_frsize,
        available_bytes=found.f_bavail * found.f_frsize,
        inodes=found.f_files,
        inodes_used=found.f_files - found.f_ffree,
    )


def _measure(volumes: list[tuple[StorageVolume, Path]], deadline: float) -> int:
    """statvfs every mounted volume on a thread of its own, for at most `deadline` seconds; how
    many were left unmeasured. (A hung mount keeps the daemon thread, never the probe: what the
    thread finds after the deadline is dropped.)"""
    lock = threading.Lock()
    measured: dict[int, DirUsage] = {}
    finished = threading.Event()
    given_up = False

    def run() -> None:
        for index, (_, path) in enumerate(volumes):
            usage = _usage(path) if os.path.ismount(path) else None
            with lock:
                if given_up:
                    return
                if usage is not None:
                    measured[index] = usage
        finished.set()

    threading.Thread(target=run, name="storage-statvfs", daemon=True).start()
    finished.wait(deadline)
    with lock:
        given_up = True
        for index, usage in measured.items():
            volumes[index][0]["usage"] = usage
    return 0 if finished.is_set() else len(volumes) - len(measured)


def _pod_volume_dirs(pods_dir: Path) -> tuple[list[tuple[StorageVolume, Path]], int]:
    found: list[tuple[StorageVolume, Path]] = []
    cut = 0
    try:
        pods = sorted(os.scandir(pods_dir), key=lambda e: e.name)
    except FileNotFoundError:
        return [], 0
    for pod in pods:
        plugins_dir = Path(pod.path) / "volumes"
        try:
            plugins = sorted(os.scandir(plugins_dir), key=lambda e: e.name)
        except OSError:
            continue
        for plugin in plugins:
            try:
                names = sorted(os.scandir(plugin.path), key=lambda e: e.name)
            except OSError:
                continue
            for name in names:
                if len(found) >= MAX_VOLUME_DIRS:
                    cut += 1
                    continue
                volume = StorageVolume(pod_uid=pod.name, plugin=plugin.name, name=name.name)
                directory = Path(name.path)
                if plugin.name == CSI_POD_PLUGIN:
                    with contextlib.suppress(OSError):
                        text, _ = read_bounded(directory / VOL_DATA, MAX_VOL_DATA_BYTES)
                        volume["vol_data"] = text
                    directory = directory / "mount"
                found.append((volume, directory))
    return found, cut


def read_storage(
    root: Path, kubelet_root: str, probe: ProbeName, taken_at: str, deadline: float
) -> StorageFact:
    """StorageUnread when the mount table cannot be read; a missing kubelet directory is a node
    without pod volumes."""
    table = root / MOUNTS_FROM.lstrip("/")
    try:
        mountinfo, left_out = read_bounded(table, MAX_MOUNTINFO_BYTES)
    except OSError as error:
        raise StorageUnread(f"{table}: {error.strerror or error}") from None
    volumes, cut = _pod_volume_dirs(root / kubelet_root.strip("/") / "pods")
    _measure(volumes, deadline)
    return StorageFact(
        kubelet_root=kubelet_root.rstrip("/") or "/",
        mounts_from=MOUNTS_FROM,
        mountinfo=mountinfo,
        volumes=[volume for volume, _ in volumes],
        cut=cut + left_out,
        source="node",
        probe=probe,
        taken_at=taken_at,
    )
