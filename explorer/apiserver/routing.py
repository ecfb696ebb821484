"""From a REST path under `/api/v1` or `/apis/<group>/<version>` to what it names."""

from __future__ import annotations

from dataclasses import dataclass

from explorer.lib.resources import BY_PLURAL, Resource

from .discovery_documents import SUBRESOURCES
from .status import path_not_found

# `pods/exec` is served (explorer/apiserver/exec_stream.py) though discovery does not list it.
EXEC_SUBRESOURCES = {("pods", "exec")}


@dataclass(frozen=True, slots=True)
class Target:
    resource: Resource
    namespace: str  # "" for the cluster scope
    name: str  # "" for the collection
    subresource: str = ""
    watch_path: bool = False  # the legacy `/watch/` prefix


def resolve(group: str, version: str, tail: str) -> Target:
    """Raise 404 for a path that names nothing this server serves."""
    parts = [p for p in tail.split("/") if p]
    watch_path = bool(parts) and parts[0] == "watch"
    if watch_path:
        parts = parts[1:]
    namespace = ""
    if len(parts) >= 3 and parts[0] == "namespaces":
        namespace, parts = parts[1], parts[2:]
    if not parts or len(parts) > 3:
        raise path_not_found()
    resource = BY_PLURAL.get((group, parts[0]))
    if resource is None or resource.version != version:
        raise path_not_found()
    if namespace and not resource.namespaced:
        raise path_not_found()
    name = parts[1] if len(parts) > 1 else ""
    subresource = parts[2] if len(parts) > 2 else ""
    if name and resource.namespaced and not namespace:
        raise path_not_found()
    if subresource and not _serves(resource.plural, subresource):
        raise path_not_found()
    return Target(resource, namespace, name, subresource, watch_path)


def _serves(plural: str, subresource: str) -> bool:
    return subresource in dict(SUBRESOURCES.get(plural, ())) or (plural, subresource) in (
        EXEC_SUBRESOURCES
    )
