"""What every page of a cluster does the same way: name what it shows (a live cluster, a
snapshot, a past moment: explorer/web/sources.py), hand its script the view's parameters, and say
"not found" as a page with links instead of a bare 404."""

from __future__ import annotations

import orjson
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .sources import source_of


def cluster_of(request: HttpRequest) -> str:
    """The name of what the page shows (a live cluster's, as the header chooses it, or a
    snapshot's or past moment's), "" before any cluster is watched."""
    found = source_of(request)
    return found.name if found else ""


def live_page(
    request: HttpRequest, template: str, params: dict[str, str], **context
) -> HttpResponse:
    cluster = cluster_of(request)
    data = orjson.dumps({"cluster": cluster, **params}).decode()
    return render(request, template, {**context, "params": data, "cluster": cluster})


def not_found(
    request: HttpRequest, what: str, cluster: str, name: str = "", why: str = ""
) -> HttpResponse:
    """A 404 that is still a page: what is not there, why it may be so, and where to look
    (`name`: what the search box and the events page are offered)."""
    context = {"what": what, "cluster": cluster, "name": name, "why": why}
    return render(request, "workloads/not_found.html", context, status=404)
