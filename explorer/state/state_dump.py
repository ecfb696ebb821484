"""A ClusterState as plain JSON-ready data, and back: for bundles, the flight recorder's
checkpoints, debugging and tests.

The dump shares the held objects with the state (no copy, as a state may hold 150k pods): treat
it as read-only. Everything in it has already been redacted at ingest. Sharing is safe beyond
the state's lock because a ClusterState never changes an object it holds: a change puts a new
object in its place (`_put`, `_remove`), and the store replaces a node's facts entry whole
(`merged`); so `captured` — the maps copied, the objects not — stays what the state was when it
was taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

from explorer.lib.objects import key_of

from .cluster_state import ClusterState


class StateDump(TypedDict):
    cluster: str
    # kind -> objects (ordered by (namespace, name) in dump_state; in `captured`, a packed
    # kind's are explorer/state/packed.py PackedObjects: read-only, unpacked as read)
    objects: dict[str, Sequence[dict]]
    node_facts: dict[str, dict[str, Any]]
    resource_versions: dict[str, str]
    not_visible: dict[str, str]


def dump_state(state: ClusterState) -> StateDump:
    return {
        "cluster": state.cluster,
        "objects": {kind: sorted(state.list(kind), key=key_of) for kind in sorted(state.kinds())},
        "node_facts": state.node_facts,
        "resource_versions": dict(state.resource_versions),
        "not_visible": dict(state.not_visible),
    }


def captured(state: ClusterState) -> StateDump:
    """The state as it is now, at the cost of copying its maps (not its objects, not sorted):
    what a checkpoint takes under the cluster's lock, to write out after letting it go."""
    return {
        "cluster": state.cluster,
        "objects": {kind: state.held(kind) for kind in state.kinds()},
        "node_facts": {node: dict(entry) for node, entry in state.node_facts.items()},
        "resource_versions": dict(state.resource_versions),
        "not_visible": dict(state.not_visible),
    }


def restore_state(dump: StateDump) -> ClusterState:
    """A ClusterState from a dump; objects go through ingest (redaction) again."""
    state = ClusterState.compact(dump["cluster"])
    for kind, objects in dump["objects"].items():
        state.replace(kind, objects)
    for node, facts in dump["node_facts"].items():
        state.set_node_facts(node, facts)
    state.resource_versions.update(dump["resource_versions"])
    state.not_visible.update(dump["not_visible"])
    return state
