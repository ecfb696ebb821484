"""Object skeletons: apiVersion, kind and metadata as the API server returns them."""

from __future__ import annotations

from datetime import datetime

from explorer.lib.resources import for_kind

from .clock import ts


def set_fields(fields: dict, always: frozenset[str] = frozenset()) -> dict:
    """`fields` without the unset ones (empty or None), but for those in `always`: an object as
    the API stores it, where an unset field is left out rather than null."""
    return {key: value for key, value in fields.items() if value or key in always}


def new_object(
    kind: str,
    name: str,
    uid: str,
    created: datetime,
    namespace: str | None = None,
    labels: dict | None = None,
    annotations: dict | None = None,
    owners: list[dict] | None = None,
    generate_name: str | None = None,
    api_version: str | None = None,
    **body,
) -> dict:
    metadata: dict = {"creationTimestamp": ts(created)}
    if generate_name:
        metadata["generateName"] = generate_name
    if labels:
        metadata["labels"] = labels
    if annotations:
        metadata["annotations"] = annotations
    metadata["name"] = name
    if namespace is not None:
        metadata["namespace"] = namespace
    if owners:
        metadata["ownerReferences"] = owners
    metadata["uid"] = uid
    obj = {
        "apiVersion": api_version or for_kind(kind).api_version,
        "kind": kind,
        "metadata": metadata,
    }
    obj.update(body)
    return obj


def owner_ref(owner: dict, controller: bool = True, block: bool = True) -> dict:
    ref = {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
    }
    if controller:
        ref["controller"] = True
    if block:
        ref["blockOwnerDeletion"] = True
    return ref
