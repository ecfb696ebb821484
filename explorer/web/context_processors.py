"""Template context for the header every page shows: the clusters and the one being looked at."""

from __future__ import annotations

from django.http import HttpRequest

from .clusters import choose, known_clusters


def header(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    clusters = known_clusters()
    current = choose(clusters, request.GET.get("cluster"))
    return {"clusters": clusters, "current_cluster": current}
