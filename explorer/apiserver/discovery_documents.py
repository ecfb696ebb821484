"""Discovery documents: `/version`, `/api`, `/apis`, each group version's APIResourceList, and the
aggregated `apidiscovery.k8s.io/v2` lists that kubectl 1.37 asks for first."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from explorer.lib.resources import RESOURCES, Resource

READ_VERBS = ["get", "list", "watch"]
AUTHORIZATION_GROUP = "authorization.k8s.io"
# (plural, kind) of the reviews a client may POST to ask what it is allowed
REVIEWS = (
    ("selfsubjectaccessreviews", "SelfSubjectAccessReview"),
    ("selfsubjectrulesreviews", "SelfSubjectRulesReview"),
)
SUBRESOURCES: dict[str, tuple[tuple[str, str], ...]] = {"pods": (("log", "Pod"),)}

VERSION_INFO = {
    "major": "1",
    "minor": "37",
    "emulationMajor": "1",
    "emulationMinor": "37",
    "minCompatibilityMajor": "1",
    "minCompatibilityMinor": "36",
    "gitVersion": "v1.37.0+explorer",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2026-01-01T00:00:00Z",
    "goVersion": "go1.25.0",
    "compiler": "gc",
    "platform": "linux/amd64",
}

DISCOVERY_CONTENT_TYPE = (
    "application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList"
)


def _groups() -> dict[str, list[Resource]]:
    """Named groups in catalogue order, each with its resources."""
    groups: dict[str, list[Resource]] = {}
    for resource in RESOURCES:
        if resource.group:
            groups.setdefault(resource.group, []).append(resource)
    groups.setdefault(AUTHORIZATION_GROUP, [])
    return groups


def _versions(resources: Iterable[Resource], group: str) -> list[str]:
    versions = list(dict.fromkeys(r.version for r in resources))
    return versions or (["v1"] if group == AUTHORIZATION_GROUP else [])


def api_versions() -> dict:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": ""}],
    }


def _api_group(name: str, versions: list[str]) -> dict:
    entries = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": entries, "preferredVersion": entries[0]}


def api_group_list() -> dict:
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [_api_group(g, _versions(rs, g)) for g, rs in _groups().items()],
    }


def api_group(group: str) -> dict | None:
    resources = _groups().get(group)
    if resources is None:
        return None
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        **_api_group(group, _versions(resources, group)),
    }


def _with_aliases(entry: dict, resource: Resource) -> dict:
    if resource.short_names:
        entry["shortNames"] = list(resource.short_names)
    if resource.categories:
        entry["categories"] = list(resource.categories)
    return entry


def _resource_entry(resource: Resource) -> dict:
    entry = {
        "name": resource.plural,
        "singularName": resource.singular,
        "namespaced": resource.namespaced,
        "kind": resource.kind,
        "verbs": READ_VERBS,
    }
    return _with_aliases(entry, resource)


def _served(group: str, version: str) -> list[Resource]:
    return [r for r in RESOURCES if r.group == group and r.version == version]


@cache
def resource_list(group: str, version: str) -> dict | None:
    """The APIResourceList of one group version, None when it is not served."""
    resources = _served(group, version)
    entries = []
    for resource in resources:
        entries.append(_resource_entry(resource))
        for sub, kind in SUBRESOURCES.get(resource.plural, ()):
            entries.append(
                {
                    "name": f"{resource.plural}/{sub}",
                    "singularName": "",
                    "namespaced": resource.namespaced,
                    "kind": kind,
                    "verbs": ["get"],
                }
            )
    if group == AUTHORIZATION_GROUP and version == "v1":
        entries += [
            {"name": p, "singularName": "", "namespaced": False, "kind": k, "verbs": ["create"]}
            for p, k in REVIEWS
        ]
    if not entries:
        return None
    group_version = f"{group}/{version}" if group else version
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": entries,
    }


def _discovered_resource(resource: Resource) -> dict:
    entry = {
        "resource": resource.plural,
        "responseKind": {
            "group": resource.group,
            "version": resource.version,
            "kind": resource.kind,
        },
        "scope": "Namespaced" if resource.namespaced else "Cluster",
        "singularResource": resource.singular,
        "verbs": READ_VERBS,
    }
    _with_aliases(entry, resource)
    subresources = [
        {
            "subresource": sub,
            "responseKind": {"group": resource.group, "version": resource.version, "kind": kind},
            "verbs": ["get"],
        }
        for sub, kind in SUBRESOURCES.get(resource.plural, ())
    ]
    if subresources:
        entry["subresources"] = subresources
    return entry


def _review_entries() -> list[dict]:
    return [
        {
            "resource": plural,
            "responseKind": {"group": AUTHORIZATION_GROUP, "version": "v1", "kind": kind},
            "scope": "Cluster",
            "singularResource": plural[:-1],
            "verbs": ["create"],
        }
        for plural, kind in REVIEWS
    ]


def _group_discovery(group: str, resources: list[Resource]) -> dict:
    versions = []
    for version in _versions(resources, group):
        entries = [_discovered_resource(r) for r in resources if r.version == version]
        if group == AUTHORIZATION_GROUP:
            entries += _review_entries()
        versions.append({"version": version, "resources": entries, "freshness": "Current"})
    metadata = {"name": group} if group else {"creationTimestamp": None}
    return {"metadata": metadata, "versions": versions}


@cache
def aggregated(legacy: bool, version: str = "v2") -> dict:
    """`/api` (legacy=True: the core group) or `/apis` as an APIGroupDiscoveryList."""
    if legacy:
        items = [_group_discovery("", [r for r in RESOURCES if not r.group])]
    else:
        items = [_group_discovery(g, rs) for g, rs in _groups().items()]
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": f"apidiscovery.k8s.io/{version}",
        "metadata": {},
        "items": items,
    }
