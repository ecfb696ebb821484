"""Which catalogue resources a server serves: `/api/v1`, `/apis` and each group version needed."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from kubernetes.client import ApiClient

from explorer.lib.resources import RESOURCES, Resource

from .transport import ApiError, get_json


@dataclass(frozen=True)
class Discovery:
    served: tuple[Resource, ...]
    not_served: dict[str, str] = field(default_factory=dict)  # kind -> why


def discover(api_client: ApiClient, resources: Iterable[Resource] = RESOURCES) -> Discovery:
    """Ask the server; an unreachable server raises ApiError (status 0)."""
    resources = tuple(resources)
    offered = _group_versions(api_client)
    wanted = sorted({r.group_version for r in resources if r.group_version in offered})
    with ThreadPoolExecutor(max_workers=min(8, len(wanted) or 1)) as pool:
        listed = dict(
            zip(wanted, pool.map(lambda gv: _plurals(api_client, gv), wanted), strict=True)
        )
    served: list[Resource] = []
    not_served: dict[str, str] = {}
    for resource in resources:
        gv = resource.group_version
        plurals = listed.get(gv)
        if gv not in offered:
            not_served[resource.kind] = _missing_version(resource, offered)
        elif isinstance(plurals, str):
            not_served[resource.kind] = f"{gv} could not be read: {plurals}"
        elif resource.plural not in plurals:
            not_served[resource.kind] = f"{gv} does not serve {resource.plural}"
        else:
            served.append(resource)
    return Discovery(tuple(served), not_served)


def _group_versions(api_client: ApiClient) -> set[str]:
    versions = set(get_json(api_client, "/api").get("versions") or ())
    for group in get_json(api_client, "/apis").get("groups") or ():
        versions.update(v.get("groupVersion", "") for v in group.get("versions") or ())
    return versions


def _plurals(api_client: ApiClient, group_version: str) -> set[str] | str:
    """The resource names of a group version, or why they could not be had."""
    path = f"/apis/{group_version}" if "/" in group_version else f"/api/{group_version}"
    try:
        body = get_json(api_client, path)
    except ApiError as error:  # an aggregated API that is down answers 503
        return str(error)
    return {r.get("name", "") for r in body.get("resources") or () if "/" not in r.get("name", "")}


def _missing_version(resource: Resource, offered: set[str]) -> str:
    if not resource.group:
        return f"{resource.group_version} not served"
    others = sorted(v for v in offered if v.startswith(f"{resource.group}/"))
    if others:
        return f"{resource.group_version} not served (served: {', '.join(others)})"
    return f"group {resource.group} not served"
