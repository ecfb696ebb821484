"""Small helpers for writing pod specs of system components."""

from __future__ import annotations

LINUX = {"kubernetes.io/os": "linux"}


def host_path(name: str, path: str, kind: str = "DirectoryOrCreate") -> dict:
    """A hostPath volume; kind "" leaves the type unset, as many manifests do."""
    source = {"path": path, "type": kind} if kind else {"path": path}
    return {"hostPath": source, "name": name}


def mount(name: str, path: str, read_only: bool = False) -> dict:
    spec = {"mountPath": path, "name": name}
    if read_only:
        spec["readOnly"] = True
    return spec
