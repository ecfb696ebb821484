"""etcd keys of Kubernetes objects, both ways: the key of an object, and what a key names.

`<prefix>/<segment>/<namespace>/<name>` for a namespaced resource, `<prefix>/<segment>/<name>`
for a cluster-scoped one; the segment is the resource's plural for built-in groups (with the
exceptions in stored_resources), `<group>/<plural>` for custom resources. The prefix is
kube-apiserver's `--etcd-prefix`, `/registry` unless configured.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple, Protocol

from .stored_resources import (
    BY_SEGMENT,
    StoredResource,
    is_custom_group,
    segment_of,
    stored_resource,
)

DEFAULT_PREFIX = "/registry"
MAX_PREFIX_LENGTH = 256
_PREFIX_SEGMENT = re.compile(r"[A-Za-z0-9._-]+")


class KeyFormError(ValueError):
    """A prefix, name or key that cannot be an etcd key of a Kubernetes object."""


class KeyOutsidePrefix(KeyFormError):
    """A key that is not under the prefix (another program's key, or another prefix)."""


class KeyParts(NamedTuple):  # a tuple: hundreds of thousands are made per listing
    group: str  # "" for the core group, the API server's records and unknown keys
    resource: str  # the API's plural (`nodes` for `minions`); a record's or unknown key's segment
    segment: str  # the path under the prefix that names the resource (`minions`)
    namespace: str  # "" when cluster scoped
    name: str
    known: bool  # the key has the form of a known resource, a record or a custom resource
    record: bool = False  # the API server's own record (`masterleases`, `ranges/…`)
    custom: bool = False  # a custom resource's key (`<group>/<plural>/…`)


class ResourceLike(Protocol):
    group: str
    plural: str
    namespaced: bool


def normalise_prefix(text: str) -> str:
    """`--etcd-prefix` as kube-apiserver uses it: one leading slash, no trailing one
    (`registry/` → `/registry`). KeyFormError when empty, too long, or holding anything but
    path segments of letters, digits, `.`, `_` and `-`."""
    stripped = text.strip()
    if not stripped.strip("/"):
        raise KeyFormError("the etcd prefix is empty")
    if len(stripped) > MAX_PREFIX_LENGTH:
        raise KeyFormError(f"the etcd prefix is longer than {MAX_PREFIX_LENGTH} characters")
    segments = stripped.strip("/").split("/")
    for segment in segments:
        if not _PREFIX_SEGMENT.fullmatch(segment) or segment in (".", ".."):
            raise KeyFormError(f"the etcd prefix {stripped!r} is not a path of plain segments")
    return "/" + "/".join(segments)


def key_for(
    group: str, resource: str, namespace: str, name: str, prefix: str = DEFAULT_PREFIX
) -> str:
    """The key kube-apiserver writes an object under. A custom resource is namespaced when a
    namespace is given. KeyFormError when the scope and the namespace disagree or a name is
    not a single path segment."""
    prefix = normalise_prefix(prefix)
    stored = _record(group, resource) or _stored(group, resource, namespace)
    if not stored.named:
        if namespace or name:
            raise KeyFormError(f"{stored.segment} is a single key: it takes no namespace or name")
        return f"{prefix}/{stored.segment}"
    _check_segment("name", name)
    if stored.namespaced:
        _check_segment("namespace", namespace)
        return f"{prefix}/{stored.segment}/{namespace}/{name}"
    if namespace:
        raise KeyFormError(f"{stored.api_name} is cluster scoped: its key has no namespace")
    return f"{prefix}/{stored.segment}/{name}"


def key_of_object(
    obj: Mapping[str, Any], resource: ResourceLike, prefix: str = DEFAULT_PREFIX
) -> str:
    """The key of an object as the API serves it, given its resource (an explorer Resource)."""
    metadata = obj.get("metadata") if isinstance(obj, Mapping) else None
    if not isinstance(metadata, Mapping):
        raise KeyFormError("the object has no metadata")
    name, namespace = metadata.get("name"), metadata.get("namespace") or ""
    if not isinstance(name, str) or not isinstance(namespace, str):
        raise KeyFormError("the object's name or namespace is not a string")
    return key_for(
        resource.group,
        resource.plural,
        namespace if resource.namespaced else "",
        name,
        prefix,
    )


def parse_key(key: str | bytes, prefix: str = DEFAULT_PREFIX) -> KeyParts:
    """What a key under `prefix` names. A key of no known form is still described (its first
    segment as the resource, the rest as the name) with known=False. KeyOutsidePrefix for a
    key not under the prefix."""
    text = key.decode("utf-8", "backslashreplace") if isinstance(key, bytes) else key
    prefix = prefix.rstrip("/")  # callers pass a normalised prefix; a trailing slash is forgiven
    if not text.startswith(prefix + "/"):
        raise KeyOutsidePrefix(f"{text[:200]!r} is not under {prefix}")
    parts = text[len(prefix) + 1 :].split("/")
    stored, length = segment_of(parts)
    if stored is not None:
        return _described(stored, parts[length:])
    if len(parts) >= 2 and is_custom_group(parts[0]):
        return _custom(parts)
    return KeyParts(
        group="",
        resource=parts[0],
        segment=parts[0],
        namespace="",
        name="/".join(parts[1:]),
        known=False,
    )


def _described(stored: StoredResource, rest: list[str]) -> KeyParts:
    if not stored.named:
        namespace, name, known = "", "/".join(rest), not rest
    elif stored.namespaced:
        known = len(rest) == 2 and all(rest)
        namespace, name = (rest[0], rest[1]) if known else ("", "/".join(rest))
    else:
        namespace, name, known = "", "/".join(rest), len(rest) == 1 and bool(rest[0])
    return KeyParts(
        group=stored.group,
        resource=stored.resource,
        segment=stored.segment,
        namespace=namespace,
        name=name,
        known=known,
        record=stored.record,
    )


def _custom(parts: list[str]) -> KeyParts:
    group, plural, rest = parts[0], parts[1], parts[2:]
    known = bool(plural) and len(rest) in (1, 2) and all(rest)
    namespace, name = (rest[0], rest[1]) if known and len(rest) == 2 else ("", "/".join(rest))
    return KeyParts(
        group=group,
        resource=plural,
        segment=f"{group}/{plural}",
        namespace=namespace,
        name=name,
        known=known,
        custom=True,
    )


def _record(group: str, resource: str) -> StoredResource | None:
    found = BY_SEGMENT.get(resource) if not group else None
    return found if found is not None and found.record else None


def _stored(group: str, resource: str, namespace: str) -> StoredResource:
    try:
        return stored_resource(group, resource, namespaced=bool(namespace))
    except ValueError as error:
        raise KeyFormError(str(error)) from None


def _check_segment(what: str, text: str) -> None:
    if not text or "/" in text or text in (".", ".."):
        raise KeyFormError(f"the {what} {text!r} is not a single path segment")
