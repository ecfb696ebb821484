"""Template context for the header every page shows: the clusters and the one being looked at,
and what the user may start."""

from __future__ import annotations

from django.http import HttpRequest

from .clusters import choose, known_clusters
from .permissions import COLLECT, NOT_ALLOWED, may


def header(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    clusters = known_clusters()
    current = choose(clusters, request.GET.get("cluster"))
    return {
        "clusters": clusters,
        "current_cluster": current,
        "may_collect": may(request.user, COLLECT),
        "collect_not_allowed": NOT_ALLOWED[COLLECT],
    }
