"""A kubepods tree made on this machine's own cgroup v1 mounts, under a root the caller owns
(`/sys/fs/cgroup/<controller>/explorer-…/`), and removed again: for the real-cgroupfs tests
and the walk benchmark. Needs root. Nothing outside that root is touched.

Each cgroup is made in the memory, cpu and pids hierarchies; each interface file is written in
the hierarchy of its controller, in the order given (the kernel checks some values against the
parent's, so parents first).
"""

from __future__ import annotations

import errno
import os
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import pytest

from explorer.collectors.cgroups.walk import MOUNT, hierarchies


def _v1_mounted() -> bool:
    try:
        return hierarchies(MOUNT)[0] == 1
    except OSError:
        return False


# The marks of a test that makes a scratch tree: it skips, with the reason, where it cannot.
NEEDS_V1_CGROUPFS = [
    pytest.mark.skipif(os.geteuid() != 0, reason="making cgroups needs root"),
    pytest.mark.skipif(not _v1_mounted(), reason="needs cgroup v1 memory/cpu/pids mounts"),
]


class ScratchTree:
    def __init__(self, prefix: str = "explorer-test", mount: Path = MOUNT) -> None:
        version, dirs = hierarchies(mount)
        if version != 1:
            raise OSError(f"{mount} is cgroup v2: a scratch tree is made on v1 mounts only")
        self.mount = mount
        self.name = f"{prefix}-{secrets.token_hex(4)}"
        self.cgroup_root = f"/{self.name}"
        self.hierarchies = {d.name.split(",")[0]: d for d in dirs}  # memory, cpu, pids
        self.made: list[Path] = []

    def open(self) -> ScratchTree:
        """Make the root in every hierarchy."""
        for hierarchy in self.hierarchies.values():
            self._mkdir(hierarchy / self.name)
        return self

    def __enter__(self) -> ScratchTree:
        return self.open()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.remove()

    def _mkdir(self, directory: Path) -> None:
        directory.mkdir()
        self.made.append(directory)

    def directory(self, controller: str, path: str) -> Path:
        return self.hierarchies[controller] / self.name / path.strip("/")

    def make(self, path: str, files: Mapping[str, str] | None = None) -> None:
        """Make the cgroup `path` (relative to the scratch root) in every hierarchy, parents
        first, and write its files."""
        for hierarchy in self.hierarchies.values():
            current = hierarchy / self.name
            for name in path.strip("/").split("/"):
                current = current / name
                if not current.is_dir():
                    self._mkdir(current)
        for name, value in (files or {}).items():
            controller = name.split(".", 1)[0]
            self.directory(controller, path).joinpath(name).write_text(value)

    def move(self, path: str, pid: int) -> None:
        """Put a process into the cgroup in every hierarchy."""
        for controller in self.hierarchies:
            self.directory(controller, path).joinpath("cgroup.procs").write_text(str(pid))

    def remove(self, timeout: float = 5.0) -> None:
        """rmdir every cgroup made, leaves first (a cgroup with a live process stays busy:
        the caller kills its processes first; this waits a little for them to go)."""
        deadline = time.monotonic() + timeout
        for directory in sorted(self.made, key=lambda d: len(d.parts), reverse=True):
            while True:
                try:
                    os.rmdir(directory)
                    break
                except FileNotFoundError:
                    break
                except OSError as error:
                    if error.errno != errno.EBUSY or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        self.made.clear()
