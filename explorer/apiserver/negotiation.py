"""Which representation a client asked for in its Accept header.

kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io,...,application/json`, metadata
informers for `application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`, discovery for
`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`. The first range this
server can answer wins; protobuf and YAML ranges are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from .status import bad_request, not_acceptable

OBJECT = "object"
TABLE = "table"
METADATA = "metadata"
DISCOVERY = "discovery"

_JSON_TYPES = ("application/json", "application/*", "*/*", "*")
_META_GROUP = "meta.k8s.io"
_META_VERSIONS = ("v1", "v1beta1")


@dataclass(frozen=True, slots=True)
class Wanted:
    form: str  # OBJECT, TABLE, METADATA or DISCOVERY
    version: str = "v1"  # of meta.k8s.io (TABLE, METADATA) or apidiscovery.k8s.io (DISCOVERY)


def _media_ranges(accept: str):
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        params = {}
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            params[key.strip()] = value.strip().strip('"')
        yield pieces[0].lower(), params


def _wanted(params: dict[str, str]) -> Wanted | None:
    kind, group, version = params.get("as"), params.get("g"), params.get("v")
    if kind is None:
        return Wanted(OBJECT)
    if kind == "APIGroupDiscoveryList" and group == "apidiscovery.k8s.io":
        return Wanted(DISCOVERY, version or "v2") if version in ("v2", "v2beta1") else None
    if group != _META_GROUP or version not in _META_VERSIONS:
        return None
    if kind == "Table":
        return Wanted(TABLE, version)
    if kind in ("PartialObjectMetadata", "PartialObjectMetadataList"):
        return Wanted(METADATA, version)
    return None


def negotiate(accept: str | None) -> Wanted:
    if not accept:
        return Wanted(OBJECT)
    for media_type, params in _media_ranges(accept):
        if media_type in _JSON_TYPES and (wanted := _wanted(params)) is not None:
            return wanted
    raise not_acceptable(accept)


INCLUDE_OBJECT = ("Metadata", "Object", "None")


def include_object(value: str | None) -> str:
    """The Table rows' `object`: `Metadata` (the default), `Object` or `None`."""
    if not value:
        return "Metadata"
    if value not in INCLUDE_OBJECT:
        raise bad_request(f"includeObject: unsupported value {value!r}")
    return value
