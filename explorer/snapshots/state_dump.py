"""A ClusterState as plain JSON-ready data, and back: for bundles, debugging and tests.

The dump shares the held objects with the state (no copy, as a state may hold 150k pods): treat
it as read-only. Everything in it has already been redacted at ingest.
"""

from __future__ import annotations

from typing import Any, TypedDict

from explorer.lib.objects import key_of
from explorer.state.cluster_state import ClusterState


class StateDump(TypedDict):
    cluster: str
    objects: dict[str, list[dict]]  # kind -> objects, ordered by (namespace, name)
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


def restore_state(dump: StateDump) -> ClusterState:
    """A ClusterState from a dump; objects go through ingest (redaction) again."""
    state = ClusterState(dump["cluster"])
    for kind, objects in dump["objects"].items():
        state.replace(kind, objects)
    for node, facts in dump["node_facts"].items():
        state.set_node_facts(node, facts)
    state.resource_versions.update(dump["resource_versions"])
    state.not_visible.update(dump["not_visible"])
    return state
