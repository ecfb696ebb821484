"""Two moments of a cluster compared: `diff_states(a, b)`, A then B.

A and B are any two `ClusterState`s (a snapshot, the live state, a moment of the flight
recorder: explorer/state/as_of.py): what the diff reads is `kinds`, `list` and `node_facts`.

- `added`, `removed`: objects only in B, only in A (`{kind, namespace, name}`);
- `changed`: objects in both whose fields differ beyond the noise, each with its `fields`
  (`{path, before, after}`: explorer/state/object_diff.py says the path form, the noise and how
  values are cut) and `more_fields` (how many were past the bound);
- `nodes`: node name → what changed in its Service chains and cgroup limits
  (explorer/state/node_diff.py), only the nodes where something did.
Every list is sorted by kind, namespace and name (nodes by name): the same two states give the
same diff. An object held unchanged (the same dict, or an equal one) costs a comparison.
"""

from __future__ import annotations

from typing import TypedDict

from explorer.lib.objects import Key, key_of

from .cluster_state import ClusterState
from .node_diff import NodeChanges, node_changes
from .object_diff import FieldChange, field_changes


class ObjectRef(TypedDict):
    kind: str
    namespace: str  # "" for a cluster-scoped object
    name: str


class ObjectChange(ObjectRef):
    fields: list[FieldChange]
    more_fields: int


class StateDiff(TypedDict):
    added: list[ObjectRef]
    removed: list[ObjectRef]
    changed: list[ObjectChange]
    nodes: dict[str, NodeChanges]


def diff_states(a: ClusterState, b: ClusterState) -> StateDiff:
    diff = StateDiff(added=[], removed=[], changed=[], nodes={})
    for kind in sorted(set(a.kinds()) | set(b.kinds())):
        _diff_kind(kind, _held(a, kind), _held(b, kind), diff)
    for node in sorted(set(a.node_facts) | set(b.node_facts)):
        changes = node_changes(a, b, node)
        if changes is not None:
            diff["nodes"][node] = changes
    return diff


def _held(state: ClusterState, kind: str) -> dict[Key, dict]:
    return {key_of(obj): obj for obj in state.list(kind)}


def _diff_kind(kind: str, held_a: dict[Key, dict], held_b: dict[Key, dict], diff: StateDiff):
    for key in sorted(held_a.keys() | held_b.keys()):
        before, after = held_a.get(key), held_b.get(key)
        if before is after:
            continue
        ref = ObjectRef(kind=kind, namespace=key[0], name=key[1])
        if before is None:
            diff["added"].append(ref)
        elif after is None:
            diff["removed"].append(ref)
        elif before != after:
            fields, more = field_changes(kind, before, after)
            if fields:
                diff["changed"].append(ObjectChange(**ref, fields=fields, more_fields=more))


def diff_counts(diff: StateDiff) -> dict[str, int]:
    return {
        "added": len(diff["added"]),
        "removed": len(diff["removed"]),
        "changed": len(diff["changed"]),
        "nodes": len(diff["nodes"]),
    }
