"""Which clusters the app watches, for the header's switcher and /api/clusters.

The streaming runtime (`explorer.streaming.runtime.clusters()`) knows them once the watcher runs;
until then the list is empty and pages say they are waiting for the watcher.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict


class ClusterInfo(TypedDict):
    name: str
    status: str  # e.g. live, connecting, reconnecting, error
    reason: str
    not_visible: list[str]  # kinds the watcher may not list or watch


def _from_runtime() -> Iterable[Mapping[str, Any]]:
    try:
        runtime = importlib.import_module("explorer.streaming.runtime")
    except ImportError:
        return ()
    clusters = getattr(runtime, "clusters", None)
    return clusters() if callable(clusters) else ()


def known_clusters() -> list[ClusterInfo]:
    return [
        ClusterInfo(
            name=str(item["name"]),
            status=str(item.get("status") or "unknown"),
            reason=str(item.get("reason") or ""),
            not_visible=sorted(str(kind) for kind in item.get("not_visible") or ()),
        )
        for item in _from_runtime()
    ]


def choose(clusters: list[ClusterInfo], wanted: str | None) -> ClusterInfo | None:
    """The cluster asked for by name, else the first one, else None."""
    for cluster in clusters:
        if cluster["name"] == wanted:
            return cluster
    return clusters[0] if clusters else None
