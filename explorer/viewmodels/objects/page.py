"""The object page's view: any object of a watched kind, live — its YAML, its owners and
dependents, its events and the links its kind is worth opening for (the modules beside this one);
for an object no longer held, when it was deleted and what it was (the change log).

Params: `cluster`, `kind` (as the API names it: `Deployment`), `namespace` (CLUSTER_SCOPED for a
cluster-scoped object: a parameter may not be empty), `name`.

The model, every string plain text but the events' `hover` and `tick` (Plotly's, escaped):
- `found`: whether the state holds the object now; `known`: whether it is held or in the change
  log (else the page says the explorer knows nothing of it).
- `header`: cluster, kind, namespace, name, uid, created; `page`: the richer page of its kind (a
  pod's, a node's) or None; `events`: the link to its events page.
- `facts`: `[[term, cell]]` and `sections`: `[Section]` (sections.py): what its kind's module says.
- `yaml`: `{text, folded}` (yaml_text.py); `secret`: what the page says of a Secret's data, or "".
- `owners`, `dependents` (relations.py), `more_dependents`: how many were left out.
- `events`: timeline points (workloads/events.py).
- `deleted`: None, or `{at, deleted}` (deletion.py) when the object is known only from the log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from explorer.lib.objects import meta_of, uid_of
from explorer.lib.resources import RESOURCES
from explorer.lib.timestamps import utc_second
from explorer.state.change_log import Logged
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import NODE_FACTS_KIND

from ..base import Params, View
from ..links import Link, events_link, object_link
from ..workloads.events import events_for, points
from . import controllers, namespaces, references, services, storage, usage
from .deletion import gone, last_seen
from .relations import dependents, owners
from .sections import NOTHING, Described
from .usage import DATA_NEVER_FETCHED
from .yaml_text import as_yaml

CLUSTER_SCOPED = "-"  # the namespace parameter of a cluster-scoped object
RICHER_PAGES = ("Pod", "Node")

DESCRIBERS: dict[str, Callable[[ClusterState, dict], Described]] = {
    **services.DESCRIBERS,
    **controllers.DESCRIBERS,
    **storage.DESCRIBERS,
    **usage.DESCRIBERS,
    **namespaces.DESCRIBERS,
    **references.DESCRIBERS,
}


class ObjectMemo:
    """What one subscription keeps: the change log's answer about an object not held, asked once
    while it stays away (the log may be read from disk)."""

    def __init__(self) -> None:
        self.last_seen: tuple[Logged | None] | None = None


def object_view(state: ClusterState, params: Params, memo: ObjectMemo | None = None) -> dict:
    kind, name = params["kind"], params["name"]
    namespace = "" if params["namespace"] == CLUSTER_SCOPED else params["namespace"]
    memo = memo or ObjectMemo()
    obj = state.get(kind, namespace, name)
    if obj is not None:
        memo.last_seen = None
        return _model(state, kind, namespace, name, obj, None)
    if memo.last_seen is None:
        memo.last_seen = (last_seen(state, kind, namespace, name),)
    entry = memo.last_seen[0]
    if entry is None:
        return _model(state, kind, namespace, name, None, None)
    deleted, last = gone(entry)
    return _model(state, kind, namespace, name, last, deleted)


def _model(
    state: ClusterState,
    kind: str,
    namespace: str,
    name: str,
    obj: dict | None,
    deleted: Any,
) -> dict[str, Any]:
    held = obj is not None and deleted is None
    meta = meta_of(obj)
    described = DESCRIBERS.get(kind, _nothing)(state, obj) if held and obj else NOTHING
    below, more = dependents(state, obj) if obj else ([], 0)
    events = events_for(state, kind, namespace, name, uid_of(obj))
    return {
        "found": held,
        "known": obj is not None,
        "header": {
            "cluster": state.cluster,
            "kind": kind,
            "namespace": namespace,
            "name": name,
            "uid": uid_of(obj),
            "created": utc_second(meta.get("creationTimestamp") or ""),
            "page": _richer_page(kind, namespace, name) if held else None,
            "events": events_link(kind, namespace, name),
        },
        "facts": [list(fact) for fact in described.facts],
        "sections": described.sections,
        "yaml": as_yaml(obj) if obj else {"text": "", "folded": []},
        "secret": DATA_NEVER_FETCHED if kind == "Secret" else "",
        "owners": owners(state, obj) if obj else [],
        "dependents": below,
        "more_dependents": more,
        "events": points(events),
        "deleted": deleted,
    }


def _richer_page(kind: str, namespace: str, name: str) -> Link | None:
    return object_link(kind, namespace, name) if kind in RICHER_PAGES else None


def _nothing(state: ClusterState, obj: dict) -> Described:
    return NOTHING


VIEW = View(
    "object",
    object_view,
    # node facts: a claim's and a volume's pages show their mounts on the nodes
    frozenset({*(resource.kind for resource in RESOURCES), NODE_FACTS_KIND}),
    params=("cluster", "kind", "namespace", "name"),
    memo=ObjectMemo,
)
