"""The fields a ClusterState files an object under (its name, namespace and uid, its owners'
uids, a pod's spec.nodeName, a volume's spec.claimRef), checked on objects read from outside
(object files, bundles), so that one of the wrong type is refused in a line rather than failing
deep inside the state's indexes."""

from __future__ import annotations

from typing import Any

from explorer.lib.json_shape import json_type


def _not_text(value: Any) -> bool:
    return value is not None and not isinstance(value, str)


def shape_problem(obj: dict[str, Any]) -> str | None:
    """What is wrong with `obj` for a ClusterState to hold it, or None."""
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        return f"metadata is {json_type(metadata)}, not an object"
    for field in ("name", "namespace", "uid"):
        if _not_text(metadata.get(field)):
            return f"metadata.{field} is {json_type(metadata[field])}, not a string"
    owners = metadata.get("ownerReferences")
    if owners is not None and not isinstance(owners, list):
        return f"metadata.ownerReferences is {json_type(owners)}, not a list"
    if any(isinstance(owner, dict) and _not_text(owner.get("uid")) for owner in owners or ()):
        return "an ownerReference's uid is not a string"
    spec = obj.get("spec") or {}
    if not isinstance(spec, dict):
        return f"spec is {json_type(spec)}, not an object"
    if _not_text(spec.get("nodeName")):
        return f"spec.nodeName is {json_type(spec['nodeName'])}, not a string"
    claim = spec.get("claimRef")
    if claim is not None and not (
        isinstance(claim, dict)
        and not _not_text(claim.get("name"))
        and not _not_text(claim.get("namespace"))
    ):
        return "spec.claimRef is not an object with a string name and namespace"
    return None
