"""What the API server serves, seen as the watcher would hold it: a fresh list of the kinds the
overview reads, into a ClusterState, and the overview model drawn from it — what a tab should
show once the app has caught up. Under churn a tab's model lags the server a little, so it is
compared with two fresh lists around it: each sector must be as one of them had it."""

from __future__ import annotations

import time
import urllib.request
from dataclasses import dataclass
from typing import Any

import orjson

from explorer.lib.resources import BY_KIND
from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.overview import VIEW as OVERVIEW


@dataclass(frozen=True)
class Listing:
    at: float  # time.time() when the list was asked for
    model: dict[str, Any]  # the overview drawn from it


def fresh_state(api_url: str, cluster: str) -> ClusterState:
    """The kinds the overview reads, listed now (one request each, no paging)."""
    state = ClusterState(cluster)
    for kind in sorted(OVERVIEW.kinds):
        resource = BY_KIND[kind]
        url = api_url + resource.path()
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback)
            listed = orjson.loads(response.read())
        items = listed.get("items") or []
        for item in items:
            item.setdefault("kind", kind)
            item.setdefault("apiVersion", resource.api_version)
        state.replace(kind, items, listed["metadata"].get("resourceVersion", ""))
    return state


def overview_of(state: ClusterState) -> dict[str, Any]:
    return OVERVIEW.build(state, {"cluster": state.cluster}, OVERVIEW.memo())


def listing(api_url: str, cluster: str) -> Listing:
    at = time.time()
    return Listing(at, overview_of(fresh_state(api_url, cluster)))


def sandwiched(model: dict[str, Any] | None, before: Listing, after: Listing) -> bool:
    """Whether every sector of `model` (a tab's overview) is as `before` or `after` had it, and
    no sector either had is missing: the tab shows the server's state at some moment between
    the two lists. (The header's counts move with every change; the sectors carry the same.)"""
    if model is None:
        return False
    held = model.get("sectors") or {}
    then, now = before.model["sectors"], after.model["sectors"]
    for key in held.keys() | then.keys() | now.keys():
        if held.get(key) not in (then.get(key), now.get(key)):
            return False
    return True
