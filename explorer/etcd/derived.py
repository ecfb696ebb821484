"""The key space of a cluster whose etcd nobody can read (a managed cluster): the keys
kube-apiserver keeps its objects under, derived from the objects the API serves, each marked
derived. What the API does not serve (the API server's own records, `masterleases` and
`ranges/…`) is not in it, and no value sizes are known.

The caller passes what it has — (resource, namespace, name) tuples with a resource that has
`group`, `plural` and `namespaced` (an explorer Resource), or object dicts with apiVersion and
kind — so that this module stays below the state layer. A custom resource's plural and scope come
from the CustomResourceDefinitions among the objects; an object of a kind no table or CRD names
is counted as unplaced, not guessed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .key_space import DEFAULT_MAX_LEAVES, KeySpace, SpaceKey, key_space
from .keys import DEFAULT_PREFIX, KeyFormError, ResourceLike, key_for, parse_key
from .stored_resources import BY_KIND

Placement = tuple[str, str, bool]  # group, plural, namespaced


@dataclass
class DerivedKeys:
    keys: list[SpaceKey] = field(default_factory=list)
    unplaced: Counter[str] = field(default_factory=Counter)  # apiVersion/kind → objects


def derived_keys(
    objects: Iterable[tuple[ResourceLike, str, str] | Mapping[str, Any]],
    prefix: str = DEFAULT_PREFIX,
) -> DerivedKeys:
    """The key of each object, as kube-apiserver would have written it."""
    items = list(objects)
    custom = _custom_kinds(item for item in items if isinstance(item, Mapping))
    found = DerivedKeys()
    for item in items:
        if isinstance(item, Mapping):
            placed = _placement(item, custom)
            if placed is None:
                found.unplaced[_type_of(item)] += 1
                continue
            (group, plural, namespaced), (namespace, name) = placed, _names(item)
        else:
            resource, namespace, name = item
            group, plural, namespaced = resource.group, resource.plural, resource.namespaced
        if namespaced and not namespace:
            found.unplaced[f"{plural}.{group}" if group else plural] += 1
            continue
        try:
            key = key_for(group, plural, namespace if namespaced else "", name, prefix)
        except KeyFormError:
            found.unplaced[f"{plural}.{group}" if group else plural] += 1
            continue
        found.keys.append(SpaceKey(key, parse_key(key, prefix), derived=True))
    return found


def derived_key_space(
    objects: Iterable[tuple[ResourceLike, str, str] | Mapping[str, Any]],
    prefix: str = DEFAULT_PREFIX,
    max_leaves: int = DEFAULT_MAX_LEAVES,
) -> KeySpace:
    """The key space tree of the derived keys (sized by count: no value was read)."""
    return key_space(derived_keys(objects, prefix).keys, prefix=prefix, max_leaves=max_leaves)


def _custom_kinds(objects: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], Placement]:
    """(group, kind) → where its objects go, from the CustomResourceDefinitions given."""
    found: dict[tuple[str, str], Placement] = {}
    for obj in objects:
        if obj.get("kind") != "CustomResourceDefinition":
            continue
        spec = obj.get("spec")
        names = spec.get("names") if isinstance(spec, Mapping) else None
        if not isinstance(names, Mapping):
            continue
        group, kind, plural = spec.get("group"), names.get("kind"), names.get("plural")
        if all(isinstance(text, str) and text for text in (group, kind, plural)):
            found[(group, kind)] = (group, plural, spec.get("scope") != "Cluster")
    return found


def _placement(
    obj: Mapping[str, Any], custom: dict[tuple[str, str], Placement]
) -> Placement | None:
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None
    group = api_version.rpartition("/")[0]
    stored = BY_KIND.get((group, kind))
    if stored is not None:
        return stored.group, stored.resource, stored.namespaced
    return custom.get((group, kind))


def _names(obj: Mapping[str, Any]) -> tuple[str, str]:
    metadata = obj.get("metadata")
    if not isinstance(metadata, Mapping):
        return "", ""
    namespace, name = metadata.get("namespace"), metadata.get("name")
    return (
        namespace if isinstance(namespace, str) else "",
        name if isinstance(name, str) else "",
    )


def _type_of(obj: Mapping[str, Any]) -> str:
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    return f"{api_version if isinstance(api_version, str) else '?'}/" + (
        kind if isinstance(kind, str) else "?"
    )
