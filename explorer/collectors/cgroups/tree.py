"""The kubepods cgroup tree of one node: kubepods → QoS level → pod → container, with limits.

Every input (a cgroupfs walk, `systemd-cgls`, a `find`/`ls -R` listing, `/proc/<pid>/cgroup`,
cAdvisor metrics, a recorded tree) becomes `{path: {interface file: text}}` or a list of paths
with limits, and `build_tree` reads the Kubernetes meaning off the paths.

The recorded form (the demo's, explorer/demo/facts/cgroups.py) is
`{"version": 2, "driver": "systemd", "root": "/sys/fs/cgroup", "nodes": {path: {file: text}}}`
with paths relative to the root: `tree_from_recorded` reads it. A probe's tree
(explorer/state/node_facts.py) has the same form and says which input it was read from
(`"source": "walk"`, `"cadvisor"`); the tree keeps that source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .limits import Limits, limits_from_files, version_of_files
from .paths import Driver, Qos, meaning, normalise


@dataclass(slots=True)
class ContainerCgroup:
    id: str  # bare container ID
    path: str
    runtime: str | None = None  # containerd, cri-o, docker (None: the path does not say)
    limits: Limits = field(default_factory=lambda: Limits())
    sandbox: bool | None = None  # True: the pause container; None: the input does not say
    name: str | None = None  # the container's name in the pod, once known
    processes: list[str] = field(default_factory=list)  # "<pid> <command>" where listed


@dataclass(slots=True)
class PodCgroup:
    uid: str  # Kubernetes form
    qos: Qos
    path: str
    limits: Limits = field(default_factory=lambda: Limits())
    containers: list[ContainerCgroup] = field(default_factory=list)
    name: str | None = None  # "namespace/name" once known
    conmon: list[str] = field(default_factory=list)  # CRI-O monitor scopes (not containers)

    def container(self, container_id: str) -> ContainerCgroup | None:
        return next((c for c in self.containers if c.id == container_id), None)


@dataclass(slots=True)
class LevelCgroup:
    """kubepods itself or one QoS level (burstable, besteffort)."""

    path: str
    limits: Limits = field(default_factory=lambda: Limits())


@dataclass(slots=True)
class CgroupTree:
    driver: Driver | None
    version: int | None
    source: str  # which input it was read from: walk, systemd-cgls, listing, proc, cadvisor, …
    kubepods: LevelCgroup | None = None
    qos_levels: dict[str, LevelCgroup] = field(default_factory=dict)
    pods: list[PodCgroup] = field(default_factory=list)

    def pod(self, uid: str) -> PodCgroup | None:
        return next((p for p in self.pods if p.uid == uid), None)

    def copy(self) -> CgroupTree:
        """A copy whose pods and containers `map_pods` may name without touching this one (a
        parsed tree is shared: explorer/state/parsed_facts.py)."""
        pods = [replace(pod, containers=[replace(c) for c in pod.containers]) for pod in self.pods]
        return replace(self, pods=pods)


@dataclass(slots=True)
class CgroupEntry:
    """One cgroup as an input shows it."""

    path: str
    limits: Limits = field(default_factory=lambda: Limits())
    processes: list[str] = field(default_factory=list)
    sandbox: bool | None = None
    container_name: str | None = None
    pod_name: str | None = None  # "namespace/name"


def entries_from_files(nodes: Mapping[str, Mapping[str, str]]) -> list[CgroupEntry]:
    return [CgroupEntry(path, limits_from_files(files)) for path, files in nodes.items()]


def build_tree(
    entries: Iterable[CgroupEntry],
    source: str,
    version: int | None = None,
    driver: Driver | None = None,
) -> CgroupTree:
    """Pods and containers, in the order the input names them; limits where it has them.
    A container cgroup whose pod cgroup was not listed still makes the pod (a
    `/proc/<pid>/cgroup` names only the leaf)."""
    tree = CgroupTree(driver=driver, version=version, source=source)
    pods: dict[str, PodCgroup] = {}
    for entry in entries:
        found = meaning(entry.path)
        if found.kubepods is None or found.role is None:
            continue
        tree.driver = tree.driver or found.driver
        if found.role == "kubepods":
            tree.kubepods = _merge_level(tree.kubepods, found.path, entry.limits)
            continue
        if found.role == "qos":
            level = tree.qos_levels.get(found.qos or "")
            tree.qos_levels[found.qos or ""] = _merge_level(level, found.path, entry.limits)
            continue
        assert found.uid is not None and found.pod_path is not None and found.qos is not None
        pod = pods.get(found.pod_path)
        if pod is None:
            pod = pods[found.pod_path] = PodCgroup(found.uid, found.qos, found.pod_path)
            tree.pods.append(pod)
        if entry.pod_name and not pod.name:
            pod.name = entry.pod_name
        if found.role == "pod":
            pod.limits.update(entry.limits)
        elif found.role == "conmon":
            if found.path not in pod.conmon:
                pod.conmon.append(found.path)
        else:
            _add_container(pod, found.container_id or "", found.path, found.runtime, entry)
    return tree


def _merge_level(level: LevelCgroup | None, path: str, limits: Limits) -> LevelCgroup:
    if level is None:
        return LevelCgroup(path, Limits(**limits))
    level.limits.update(limits)
    return level


def _add_container(
    pod: PodCgroup, cid: str, path: str, runtime: str | None, entry: CgroupEntry
) -> None:
    container = pod.container(cid)
    if container is None:
        container = ContainerCgroup(cid, path, runtime)
        pod.containers.append(container)
    container.limits.update(entry.limits)
    container.processes.extend(entry.processes)
    if entry.sandbox is not None:
        container.sandbox = entry.sandbox
    if entry.container_name:
        container.name = entry.container_name


class NotRecordedTree(ValueError):
    """JSON that is not a recorded cgroup tree (a bundle edited by hand, a pasted file)."""


def _recorded_nodes(recorded: object) -> Mapping[str, Mapping[str, str]]:
    nodes = (recorded.get("nodes") or {}) if isinstance(recorded, Mapping) else None
    if not isinstance(nodes, Mapping) or not all(
        isinstance(files, Mapping) and all(isinstance(text, str) for text in files.values())
        for files in nodes.values()
    ):
        raise NotRecordedTree("not a recorded cgroup tree: nodes must map paths to files' text")
    return nodes


def tree_from_recorded(recorded: Mapping[str, Any]) -> CgroupTree:
    """The demo's (or a bundle's) recorded tree: paths relative to the root, files as text."""
    nodes = {normalise(path): files for path, files in _recorded_nodes(recorded).items()}
    version = recorded.get("version")
    if version not in (1, 2):
        version = version_of_files({name for files in nodes.values() for name in files}) or None
    driver = recorded.get("driver") if recorded.get("driver") in ("systemd", "cgroupfs") else None
    source = recorded.get("source")
    source = source if isinstance(source, str) and source else "recorded"
    return build_tree(entries_from_files(nodes), source, version, driver)
