"""What a cgroup path means to Kubernetes: the kubepods root, a QoS level, a pod, a container.

The kubelet names its cgroups after its cgroup driver:
- systemd: `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice`, the
  UID's dashes written as `_` (a dash means nesting to systemd); Guaranteed pods sit directly
  under the root as `kubepods-pod<uid>.slice`. A `--cgroup-root` (kind: `kubelet.slice`) adds
  its own prefix: `kubelet-kubepods-besteffort-pod<uid>.slice`.
- cgroupfs: `kubepods/burstable/pod<uid>`, Guaranteed `kubepods/pod<uid>`.
The runtime names each container's cgroup (the pod sandbox's included): containerd
`cri-containerd-<id>.scope`, CRI-O `crio-<id>.scope`, Docker (cri-dockerd) `docker-<id>.scope`
under systemd, and the bare `<id>` (CRI-O: `crio-<id>`) under cgroupfs. CRI-O's monitor,
`crio-conmon-<id>.scope`, is not a container.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Literal

Qos = Literal["guaranteed", "burstable", "besteffort"]
Driver = Literal["systemd", "cgroupfs"]
Role = Literal["kubepods", "qos", "pod", "container", "conmon"]

_SLICE_ROOT = re.compile(r"^(?:[\w.@]+-)?kubepods\.slice$")
_SLICE_QOS = re.compile(r"^(?:[\w.@]+-)?kubepods-(burstable|besteffort)\.slice$")
_SLICE_POD = re.compile(
    r"^(?:[\w.@]+-)?kubepods(?:-(burstable|besteffort))?-pod([0-9a-fA-F_]+)\.slice$"
)
_FS_POD = re.compile(r"^pod([0-9a-fA-F-]+)$")
_CONMON = re.compile(r"^crio-conmon-([0-9a-f]{12,})(?:\.scope)?$")
_SCOPE = re.compile(r"^(cri-containerd|crio|docker)-([0-9a-f]{12,})\.scope$")
_FS_CONTAINER = re.compile(r"^(?:(crio)-)?([0-9a-f]{12,})$")

RUNTIMES = {"cri-containerd": "containerd", "crio": "cri-o", "docker": "docker"}
# The scheme a pod's status puts before a container ID (`containerd://…`).
ID_SCHEMES = ("containerd://", "cri-o://", "docker://", "cri-dockerd://")


@dataclass(frozen=True, slots=True)
class Segment:
    """One path segment that means something to Kubernetes."""

    role: Role
    driver: Driver
    qos: Qos | None = None  # for "qos" and "pod"
    uid: str | None = None  # for "pod", the Kubernetes form
    container_id: str | None = None  # for "container" and "conmon", bare
    runtime: str | None = None  # for "container": containerd, cri-o, docker (None: unknown)


def slice_path(name: str) -> str:
    """The cgroup path systemd gives the slice unit `name`, each `-` a level below:
    `kubepods-besteffort-pod<uid>.slice` →
    `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod<uid>.slice` (a dash
    inside a name is escaped as `\\x2d`, and a pod UID's are written `_`)."""
    parts = name.removesuffix(".slice").split("-")
    return "/" + "/".join("-".join(parts[: index + 1]) + ".slice" for index in range(len(parts)))


def nests_as_systemd(path: str) -> bool:
    """Whether every slice of `path` is named as systemd names a slice under its parent slice
    (`a.slice/a-b.slice`); other segments (a prefix, scopes) are not checked."""
    names = [name for name in path.split("/") if name]
    return all(
        child.startswith(parent.removesuffix(".slice") + "-")
        for parent, child in pairwise(names)
        if parent.endswith(".slice") and child.endswith(".slice") and parent != "-.slice"
    )


def is_kubepods_slice(name: str) -> bool:
    """Whether `name` is the kubelet's slice for kubepods, a QoS level or a pod."""
    return bool(_SLICE_ROOT.match(name) or _SLICE_QOS.match(name) or _SLICE_POD.match(name))


def pod_uid(written: str) -> str:
    """The Kubernetes form of a UID as a cgroup name writes it (`_` for `-` under systemd)."""
    return written.replace("_", "-").lower()


def bare_container_id(status_id: str) -> str:
    """`containerd://abc…` → `abc…` (a pod status's containerID without its scheme)."""
    for scheme in ID_SCHEMES:
        if status_id.startswith(scheme):
            return status_id[len(scheme) :]
    return status_id.split("://", 1)[-1]


def classify(name: str, under_pod: bool = False, under_kubepods: bool = False) -> Segment | None:
    """The meaning of one segment; container names are only recognised below a pod, and the
    cgroupfs QoS names only below kubepods (a bare `burstable` means nothing elsewhere)."""
    if under_pod:
        return _container(name)
    if _SLICE_ROOT.match(name):
        return Segment("kubepods", "systemd")
    if match := _SLICE_QOS.match(name):
        return Segment("qos", "systemd", qos=match.group(1))  # type: ignore[arg-type]
    if match := _SLICE_POD.match(name):
        qos = match.group(1) or "guaranteed"
        return Segment("pod", "systemd", qos=qos, uid=pod_uid(match.group(2)))  # type: ignore[arg-type]
    if name == "kubepods":
        return Segment("kubepods", "cgroupfs")
    if under_kubepods:
        if name in ("burstable", "besteffort"):
            return Segment("qos", "cgroupfs", qos=name)  # type: ignore[arg-type]
        if match := _FS_POD.match(name):
            return Segment("pod", "cgroupfs", uid=pod_uid(match.group(1)))
    return None


def _container(name: str) -> Segment | None:
    if match := _CONMON.match(name):
        driver: Driver = "systemd" if name.endswith(".scope") else "cgroupfs"
        return Segment("conmon", driver, container_id=match.group(1), runtime="cri-o")
    if match := _SCOPE.match(name):
        return Segment(
            "container", "systemd", container_id=match.group(2), runtime=RUNTIMES[match.group(1)]
        )
    if match := _FS_CONTAINER.match(name):
        runtime = "cri-o" if match.group(1) else None
        return Segment("container", "cgroupfs", container_id=match.group(2), runtime=runtime)
    return None


@dataclass(frozen=True, slots=True)
class PathMeaning:
    """A whole path read from the root: where kubepods is, and the pod and container in it."""

    path: str  # normalised: leading `/`, no trailing `/`
    kubepods: str | None  # the path of the kubepods cgroup above (or at) this one
    driver: Driver | None
    qos: Qos | None
    role: Role | None  # of the last segment (None: not a Kubernetes cgroup)
    uid: str | None
    pod_path: str | None
    container_id: str | None
    runtime: str | None


def normalise(path: str) -> str:
    stripped = path.strip().strip("/")
    return "/" + stripped if stripped else "/"


@lru_cache(maxsize=65536)
def meaning(path: str) -> PathMeaning:
    """Read a path from its root down: `/kubepods.slice/…-pod<uid>.slice/cri-containerd-…`.
    A prefix above kubepods (a `--cgroup-root`) is allowed; below it every segment must mean
    something, else the path is not the kubelet's (role None)."""
    path = normalise(path)
    names = [n for n in path.split("/") if n]
    kubepods: str | None = None
    found: Segment | None = None
    qos: Qos | None = None
    uid = pod_path = container_id = runtime = None
    driver: Driver | None = None
    for index, name in enumerate(names):
        here = "/" + "/".join(names[: index + 1])
        if kubepods is None:
            found = classify(name)
            if found is not None and found.role == "kubepods":
                kubepods, driver = here, found.driver
            continue
        if found is not None and found.role in ("container", "conmon"):
            found = None  # a cgroup a container made inside its own
            break
        found = classify(name, under_pod=pod_path is not None, under_kubepods=True)
        if found is None:
            break
        if found.role == "qos":
            qos = found.qos
        elif found.role == "pod":
            uid, pod_path, qos = found.uid, here, found.qos or qos or "guaranteed"
        elif found.role in ("container", "conmon"):
            container_id, runtime = found.container_id, found.runtime
    role = found.role if found is not None and kubepods is not None else None
    return PathMeaning(path, kubepods, driver, qos, role, uid, pod_path, container_id, runtime)
