"""Which clusters the app watches, for the header's switcher and /api/clusters.

In the embedded install this process watches them (explorer.state.store.watched()); in the team
install the watcher process lists them in Redis (explorer.streaming.directory). Until a watcher
runs the list is empty and pages say they are waiting for it.
"""

from __future__ import annotations

import logging
from typing import TypedDict

import redis
from django.conf import settings

from explorer.state.store import watched
from explorer.streaming.cluster_status import ClusterStatus, status_of
from explorer.streaming.directory import Directory

log = logging.getLogger(__name__)


class ClusterInfo(TypedDict):
    name: str
    status: str  # e.g. live, connecting, reconnecting, error
    reason: str
    not_visible: list[str]  # kinds the watcher may not list or watch


def known_clusters() -> list[ClusterInfo]:
    return [
        ClusterInfo(
            name=status["cluster"],
            status=status["state"] or "unknown",
            reason=status["reason"],
            not_visible=sorted(status["not_visible"]),
        )
        for status in _statuses()
    ]


def _statuses() -> list[ClusterStatus]:
    states = watched()
    if states is not None:
        return [status_of(states, cluster) for cluster in states.clusters()]
    if not settings.REDIS_URL:
        return []
    try:
        return Directory(settings.REDIS_URL).read()
    except redis.RedisError as error:
        log.warning("cannot read the cluster directory: %s", error)
        return []


def choose(clusters: list[ClusterInfo], wanted: str | None) -> ClusterInfo | None:
    """The cluster asked for by name, else the first one, else None."""
    for cluster in clusters:
        if cluster["name"] == wanted:
            return cluster
    return clusters[0] if clusters else None
