"""The one extension point of a snapshot: what later parts of the explorer add to it beside the
objects and node facts (the etcd listing, storage and scheduling facts). Each registers a name
and a function of the captured state that returns JSON data, or None for nothing; a snapshot's
bundle keeps them under "extras" and gives them back as `Bundle.extras` (and on the restored
state, `state.extras`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from explorer.state.cluster_state import ClusterState

log = logging.getLogger(__name__)

Extra = Callable[[ClusterState], Any]
_EXTRAS: dict[str, Extra] = {}


def register(name: str, capture: Extra) -> None:
    _EXTRAS[name] = capture


def captured_extras(state: ClusterState) -> dict[str, Any]:
    """Every registered extra of `state`; one that fails is left out (and logged), never the
    snapshot."""
    found: dict[str, Any] = dict(getattr(state, "extras", None) or {})
    for name, capture in sorted(_EXTRAS.items()):
        try:
            value = capture(state)
        except Exception:
            log.exception("snapshot extra %s failed: left out", name)
            continue
        if value is not None:
            found[name] = value
    return found
