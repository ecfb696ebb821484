"""An object's etcd key and a key's object: the two directions of the links between the object
pages and the key pages."""

from __future__ import annotations

from explorer.etcd.keys import DEFAULT_PREFIX, KeyFormError, key_for, parse_key
from explorer.etcd.stored_resources import BY_RESOURCE
from explorer.lib.resources import BY_PLURAL, resource_named


def key_of(kind: str, namespace: str, name: str, prefix: str = DEFAULT_PREFIX) -> str | None:
    """The key kube-apiserver keeps the object under; None for a kind the explorer does not
    know or a name that cannot be a key."""
    resource = resource_named(kind)
    if resource is None:
        return None
    try:
        return key_for(
            resource.group, resource.plural, namespace if resource.namespaced else "", name, prefix
        )
    except (KeyFormError, ValueError):
        return None


def object_of(key: str, prefix: str = DEFAULT_PREFIX) -> tuple[str, str, str] | None:
    """(kind, namespace, name) of the object kept under `key`; None for a key of no object the
    explorer shows (the API server's own records, a kind it does not watch)."""
    try:
        parts = parse_key(key, prefix)
    except KeyFormError:
        return None
    if not parts.known or parts.record or not parts.name:
        return None
    stored = BY_RESOURCE.get((parts.group, parts.resource))
    watched = BY_PLURAL.get((parts.group, parts.resource))
    kind = watched.kind if watched else (stored.kind if stored else "")
    if not kind or resource_named(kind) is None:
        return None
    return kind, parts.namespace, parts.name
