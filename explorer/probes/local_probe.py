"""The local probe: run on the node itself (the agent), read its rules and its resolv.conf, and,
when asked (`cgroups=True`, as the agent does), walk its cgroupfs for the kubepods tree.

Each command runs from an argv list with a timeout, never through a shell. A binary that is not
installed, a command that fails or hangs is that fact's error; the other facts are still read.
`netns` runs the commands in a named network namespace (`ip netns exec NAME …`, which is how
tests point the probe at a namespace they made); `root` is where the node's files are (an agent
in a container sees the host's at a mount such as /host), cgroupfs included
(`<root>/sys/fs/cgroup`); `cgroup_root` is the kubelet's `--cgroup-root`, where kubepods is
looked for (a few levels deep). A node without a kubepods cgroup is the `cgroups` fact's error.
With `storage=True` (as the agent does) it also reads the node's mount table and the kubelet's
pod volume directories under `kubelet_root` (the kubelet's `--root-dir`) as the `storage` fact
(storage_fact.py says which mount table, and why).
On a node with kube-scheduler's static pod, its configuration file is read when
`scheduler_config` (the agent's EXPLORER_NODE_ACCESS lists `scheduler-config`), else its error
says the way is off (scheduler_config_probe.py).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from explorer.collectors.cgroups.walk import walk
from explorer.collectors.storage.names import KUBELET_ROOT
from explorer.state.node_facts import (
    CGROUPS,
    COMMANDS,
    RESOLV_CONF,
    STORAGE,
    CgroupsFact,
    Fact,
    NodeFacts,
    ProbeName,
    node_facts,
    now,
    one_line,
)

from . import scheduler_config_probe
from .cgroup_fact import MOUNT, cgroups_fact
from .storage_fact import StorageUnread, read_storage

DEFAULT_TIMEOUT = 30.0


class _Unread(Exception):
    """One fact could not be read; str() is the reason."""


@dataclass(frozen=True)
class LocalProbe:
    netns: str = ""
    root: Path = Path("/")
    timeout: float = DEFAULT_TIMEOUT
    pause: float = 0.0  # seconds to wait before reading (a test hook: a slow probe)
    cgroups: bool = False  # also walk cgroupfs for the kubepods tree
    cgroup_root: str = "/"
    storage: bool = False  # also read the mount table and the kubelet's pod volume directories
    kubelet_root: str = KUBELET_ROOT
    scheduler_config: bool = False  # the way to kube-scheduler's configuration is turned on
    name: ClassVar[ProbeName] = "local"

    def collect(self, node: str) -> NodeFacts:
        if self.pause > 0:
            time.sleep(self.pause)
        taken_at = now()
        facts: dict[str, Fact] = {}
        errors: dict[str, str] = {}
        for fact, argv in COMMANDS.items():
            try:
                facts[fact] = self._resolv_conf() if fact == RESOLV_CONF else self._run(argv)
            except _Unread as error:
                errors[fact] = str(error)
        if self.cgroups:
            try:
                facts[CGROUPS] = self._cgroups(taken_at)
            except _Unread as error:
                errors[CGROUPS] = str(error)
        if self.storage:
            try:
                facts[STORAGE] = read_storage(
                    self.root, self.kubelet_root, "local", taken_at, self.timeout
                )
            except StorageUnread as error:
                errors[STORAGE] = f"{STORAGE}: {error}"
        found, failed = scheduler_config_probe.read(self.root, self.scheduler_config)
        facts.update(found)
        errors.update(failed)
        return node_facts(node, "local", facts, errors, taken_at)

    def _cgroups(self, taken_at: str) -> CgroupsFact:
        mount = self.root / MOUNT.lstrip("/")
        try:
            tree = walk(mount, self.cgroup_root)
        except OSError as error:
            raise _Unread(f"{CGROUPS}: {error.strerror or error}") from None
        if tree.kubepods is None and not tree.pods:
            where = f"{mount}/{self.cgroup_root.strip('/')}".rstrip("/")
            raise _Unread(f"{CGROUPS}: no kubepods cgroup under {where}")
        return cgroups_fact(tree, "local", taken_at)

    def _argv(self, argv: tuple[str, ...]) -> list[str]:
        binary = shutil.which(argv[0])
        if binary is None:
            raise _Unread(f"{argv[0]}: not installed")
        if not self.netns:
            return [binary, *argv[1:]]
        ip = shutil.which("ip")
        if ip is None:
            raise _Unread("ip: not installed (needed to enter the network namespace)")
        return [ip, "netns", "exec", self.netns, binary, *argv[1:]]

    def _run(self, argv: tuple[str, ...]) -> str:
        command = self._argv(argv)
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=self.timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise _Unread(f"{argv[0]}: no answer in {self.timeout:g}s") from None
        except OSError as error:
            raise _Unread(f"{argv[0]}: {error.strerror or error}") from None
        if done.returncode != 0:
            reason = one_line(done.stderr) or f"exit code {done.returncode}"
            raise _Unread(f"{argv[0]}: {reason}")
        return done.stdout

    def _resolv_conf(self) -> str:
        # `ip netns exec` shows /etc/netns/NAME/resolv.conf as /etc/resolv.conf when it exists.
        candidates = [self.root / "etc" / "netns" / self.netns / RESOLV_CONF] if self.netns else []
        candidates.append(self.root / "etc" / RESOLV_CONF)
        for path in candidates[:-1]:
            if path.is_file():
                return _read(path)
        return _read(candidates[-1])


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError as error:
        raise _Unread(f"{path}: {error.strerror or error}") from None
