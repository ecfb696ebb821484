"""The key space as a tree — the prefix, each resource, its namespaces, their keys — with a count
and, when the values' sizes were read, bytes at every node; and what dominates it (Events and
Leases usually do). Plain data in the form a Plotly icicle or treemap is drawn from (ids,
parents, labels, values, with `branchvalues="total"`): the view model layer draws it.

A namespace (or a cluster-scoped resource) shows at most `max_leaves` keys, the largest first;
the rest are one node, "… and 1,234 more".
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple, TypedDict

from .keys import KeyParts, parse_key

DEFAULT_MAX_LEAVES = 50
DOMINANT_SHOWN = 3
UNKNOWN_LABEL = "(unknown form)"
KEY_ID = "key:"  # a leaf's id is this and its key (a key may equal a branch's path)


class SizeBy(StrEnum):
    COUNT = "count"
    BYTES = "bytes"


class SpaceKey(NamedTuple):  # a tuple: hundreds of thousands may be made
    key: str
    parts: KeyParts
    size: int | None = None  # the value's length, when read
    derived: bool = False  # made from an API object, not read from etcd


class Share(TypedDict):
    group: str
    resource: str
    label: str
    keys: int
    share: float  # of all keys, 0..1
    bytes: int | None
    bytes_share: float | None


class KeySpace(TypedDict):
    ids: list[str]
    parents: list[str]
    labels: list[str]
    values: list[int]  # counts or bytes, as size_by says
    counts: list[int]
    bytes: list[int] | None  # None when a size is not known
    size_by: str
    keys: int
    total_bytes: int | None
    dominant: list[Share]
    headline: str  # what dominates, in a sentence
    derived: bool  # every key derived from API objects (nobody read etcd)


@dataclass
class _Node:
    id: str
    parent: str
    label: str
    count: int = 0
    size: int = 0
    group: str = ""
    resource: str = ""


def key_space(
    keys: Iterable[SpaceKey],
    *,
    prefix: str = "/registry",
    max_leaves: int = DEFAULT_MAX_LEAVES,
    size_by: SizeBy | str = SizeBy.COUNT,
) -> KeySpace:
    """The tree of `keys`. ValueError when sized by bytes and a size is not known."""
    groups: dict[tuple[str, str], _Group] = {}
    sized = derived = True
    for item in keys:
        sized = sized and item.size is not None
        derived = derived and item.derived
        _group_of(groups, prefix, item.parts).add(item, 1, item.size or 0)
    return _tree(groups, prefix, max_leaves, SizeBy(size_by), sized, derived)


def listing_key_space(
    keys: list[str], *, prefix: str = "/registry", max_leaves: int = DEFAULT_MAX_LEAVES
) -> KeySpace:
    """The tree of a keys-only listing (sized by count), built per parent path: one parse per
    namespace of a resource, and only the keys shown as leaves made into SpaceKeys — a listing
    of hundreds of thousands of keys is mostly counted, not walked. Keys outside the prefix are
    not in the tree."""
    by_parent: defaultdict[str, list[str]] = defaultdict(list)
    for key in keys:
        by_parent[key.rpartition("/")[0]].append(key)
    groups: dict[tuple[str, str], _Group] = {}
    under = prefix + "/"
    for parent, members in by_parent.items():
        if not parent.startswith(under) and parent != prefix:
            continue
        shared = parse_key(parent + "/-", prefix) if parent.startswith(under) else None
        if shared is not None and shared.known and all(key[-1:] != "/" for key in members):
            group = _group_of(groups, prefix, shared)
            group.count += len(members)
            group.shown.extend(
                SpaceKey(key, shared._replace(name=key.rpartition("/")[2]))
                for key in heapq.nsmallest(max(0, max_leaves), members)
            )
            continue
        for key in members:
            if key.startswith(under):
                parts = parse_key(key, prefix)
                _group_of(groups, prefix, parts).add(SpaceKey(key, parts), 1, 0)
    return _tree(groups, prefix, max_leaves, SizeBy.COUNT, sized=False, derived=False)


@dataclass
class _Group:
    parts: KeyParts  # of its first key: names the resource
    shown: list[SpaceKey] = field(default_factory=list)  # the keys that may be leaves
    count: int = 0
    size: int = 0

    def add(self, item: SpaceKey, count: int, size: int) -> None:
        self.shown.append(item)
        self.count += count
        self.size += size


def _group_of(groups: dict[tuple[str, str], _Group], prefix: str, parts: KeyParts) -> _Group:
    which = (f"{prefix}/{parts.segment}", parts.namespace if parts.known else UNKNOWN_LABEL)
    group = groups.get(which)
    if group is None:
        group = groups[which] = _Group(parts)
    return group


def _tree(
    groups: dict[tuple[str, str], _Group],
    prefix: str,
    max_leaves: int,
    size_by: SizeBy,
    sized: bool,
    derived: bool,
) -> KeySpace:
    if size_by is SizeBy.BYTES and not sized:
        raise ValueError("the key space cannot be sized by bytes: the values' sizes were not read")
    max_leaves = max(0, max_leaves)
    root = _Node(prefix, "", prefix)
    nodes: dict[str, _Node] = {prefix: root}
    for (resource_id, branch), group in groups.items():
        resource = nodes.get(resource_id) or _resource_node(resource_id, prefix, group.parts)
        nodes[resource_id] = resource
        parent = resource
        if branch:
            branch_id = f"{resource_id}/{branch}" if branch != UNKNOWN_LABEL else f"{resource_id} ?"
            parent = nodes.setdefault(branch_id, _Node(branch_id, resource_id, branch))
        _add_leaves(nodes, parent, group, max_leaves)
        for node in (root, resource) if parent is resource else (root, resource, parent):
            node.count += group.count
            node.size += group.size
    count = root.count
    ordered = list(nodes.values())
    counts = [node.count for node in ordered]
    sizes = [node.size for node in ordered] if sized and count else None
    dominant = _dominant([n for n in ordered if n.parent == prefix], count, sized, root.size)
    return KeySpace(
        ids=[node.id for node in ordered],
        parents=[node.parent for node in ordered],
        labels=[node.label for node in ordered],
        values=sizes if size_by is SizeBy.BYTES and sizes is not None else counts,
        counts=counts,
        bytes=sizes,
        size_by=str(size_by),
        keys=count,
        total_bytes=root.size if sized and count else None,
        dominant=dominant,
        headline=_headline(dominant, count),
        derived=derived and count > 0,
    )


def _add_leaves(nodes: dict[str, _Node], parent: _Node, group: _Group, max_leaves: int) -> None:
    ranked = sorted(group.shown, key=lambda item: (-(item.size or 0), item.key))[:max_leaves]
    for item in ranked:
        if item.parts.known and not item.parts.name:
            continue  # a record kept as one key (`ranges/serviceips`): its resource node is it
        label = item.parts.name or item.key
        leaf_id = KEY_ID + item.key
        nodes[leaf_id] = _Node(leaf_id, parent.id, label, 1, item.size or 0)
    rest = group.count - len(ranked)
    if rest > 0:
        more_id = f"{parent.id} …more"
        rest_size = group.size - sum(item.size or 0 for item in ranked)
        nodes[more_id] = _Node(more_id, parent.id, f"… and {rest:,} more", rest, rest_size)


def _resource_node(node_id: str, prefix: str, parts: KeyParts) -> _Node:
    return _Node(
        node_id, prefix, _resource_label(parts), group=parts.group, resource=parts.resource
    )


def _resource_label(parts: KeyParts) -> str:
    if not parts.known and not parts.custom and not parts.record and parts.group == "":
        return parts.segment
    name = f"{parts.resource}.{parts.group}" if parts.group else parts.resource
    return (
        name
        if parts.segment in (parts.resource, f"{parts.group}/{parts.resource}")
        else (f"{name} ({parts.segment})")
    )


def _dominant(resources: list[_Node], total: int, sized: bool, total_bytes: int) -> list[Share]:
    ranked = sorted(resources, key=lambda node: (-(node.size if sized else node.count), node.id))
    shares = []
    for node in ranked[:DOMINANT_SHOWN]:
        shares.append(
            Share(
                group=node.group,
                resource=node.resource,
                label=node.label,
                keys=node.count,
                share=node.count / total if total else 0.0,
                bytes=node.size if sized else None,
                bytes_share=(node.size / total_bytes if total_bytes else 0.0) if sized else None,
            )
        )
    return shares


def _headline(dominant: list[Share], total: int) -> str:
    if not dominant:
        return "no keys"
    by_bytes = dominant[0]["bytes_share"] is not None
    said = [
        f"{share['label']} {100 * (share['bytes_share'] if by_bytes else share['share']):.0f} %"
        for share in dominant
    ]
    measure = "of the bytes" if by_bytes else f"of the {total:,} keys"
    return f"{', '.join(said)} {measure}"
