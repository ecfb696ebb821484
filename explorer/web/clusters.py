"""Which clusters the app watches, for the header's switcher and /api/clusters.

The streaming runtime knows them once the watcher runs (in this process, or in the team install
through Redis); until then the list is empty and pages say they are waiting for the watcher.
"""

from __future__ import annotations

from typing import TypedDict

from explorer.streaming.runtime import clusters as watched_clusters


class ClusterInfo(TypedDict):
    name: str
    status: str  # e.g. live, connecting, reconnecting, error
    reason: str
    not_visible: list[str]  # kinds the watcher may not list or watch


def known_clusters() -> list[ClusterInfo]:
    return [
        ClusterInfo(
            name=item["name"],
            status=item["status"] or "unknown",
            reason=item["reason"],
            not_visible=sorted(item["not_visible"]),
        )
        for item in watched_clusters()
    ]


def choose(clusters: list[ClusterInfo], wanted: str | None) -> ClusterInfo | None:
    """The cluster asked for by name, else the first one, else None."""
    for cluster in clusters:
        if cluster["name"] == wanted:
            return cluster
    return clusters[0] if clusters else None
