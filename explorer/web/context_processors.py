"""Template context for the header every page shows: the clusters and the one being looked at,
and what the user may start. A share session's header knows its snapshot and nothing else."""

from __future__ import annotations

from django.http import HttpRequest

from explorer.lib.sources import SNAPSHOT
from explorer.snapshots.moments import recorded_window
from explorer.snapshots.notes import render_notes

from .clusters import ClusterInfo, known_clusters
from .permissions import COLLECT, NOT_ALLOWED, may
from .share_sessions import Share, share_of
from .sources import Source, recent_snapshots, source_of


def header(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    share = share_of(request)
    if share is not None:
        return _shared(request, share)
    source = source_of(request)
    clusters = known_clusters()
    return {
        "clusters": clusters,
        "notes_html": render_notes(source.snapshot.notes) if source and source.snapshot else "",
        "live_cluster": _live_name(source, clusters),
        "recorded_window": _window(source),
        "snapshots": recent_snapshots(),
        "viewing": source,
        "current_cluster": source.live if source else None,
        "may_collect": may(request.user, COLLECT),
        "collect_not_allowed": NOT_ALLOWED[COLLECT],
    }


def _live_name(source: Source | None, clusters: list[ClusterInfo]) -> str:
    """The live cluster a frozen page's cluster is, when this install watches it."""
    if source is None or not source.frozen or (source.snapshot and source.snapshot.imported):
        return ""  # an imported snapshot's cluster is another install's, whatever its name
    return source.cluster if source.cluster in {c["name"] for c in clusters} else ""


def _window(source: Source | None):
    if source is None or source.kind == SNAPSHOT:
        return None
    return recorded_window(source.cluster)


def _shared(request: HttpRequest, share: Share) -> dict:
    """No live cluster, no other snapshot, no user name, nothing to start."""
    source = source_of(request)
    snapshot = source.snapshot if source else None
    return {
        "share": True,
        "share_download": share.link.allow_download,
        "clusters": [],
        "notes_html": render_notes(snapshot.notes) if snapshot else "",
        "live_cluster": "",
        "recorded_window": None,
        "snapshots": [snapshot] if snapshot else [],
        "viewing": source,
        "current_cluster": None,
        "may_collect": False,
        "collect_not_allowed": "",
    }
