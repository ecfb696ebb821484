"""Share sessions: what a browser that opened a share link (explorer/web/share_links.py) is, and
all it may reach.

The session holds the link's id and no user. On every request its link is read afresh (a
revoked or expired one ends the session: 410), the request's user is a `ShareViewer` (no account,
no permission, no name), `?cluster=` is the link's snapshot whatever the request said, and only
the pages of that snapshot answer (`SHOWN`; the bundle when the link allows downloads): every
other route, and a page asked for another cluster or snapshot, is a 404 that names nothing.
The websocket is scoped the same way (`ShareSocketMiddleware` → explorer/streaming/shared.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from explorer.lib.sources import snapshot_source
from explorer.snapshots import sharing
from explorer.snapshots.models import ShareLink
from explorer.streaming.shared import SCOPE_KEY, SharedSource

from .login_required import is_api_request, json_error

SESSION_KEY = "explorer_share_link"
OPEN_ROUTE = "share-open"  # a new token: answered whatever the session was
# The pages of the snapshot a share session may open (each shows the session's snapshot).
SHOWN = frozenset(
    {
        "overview",
        "workloads",
        "pod",
        "node",
        "object",
        "object-cluster-scoped",
        "events",
        "headroom",
        "scheduling-history",
        "search",
        "storage",
        "network",
        "network-service-chain",
        "network-chains",
        "network-dns",
        "network-corefile",
        "network-drift",
        "network-packet-trace",
        "network-proxy-mode",
        "etcd",
        "etcd-key",
        "api-etcd-overview",
        "api-etcd-key",
        "api-etcd-object",
    }
)
NAMELESS = frozenset({"logout", "favicon", "healthz"})  # show nothing of any cluster
DOWNLOADS = frozenset({"snapshot-bundle", "snapshot-export"})  # only when the link allows downloads


class ShareViewer(AnonymousUser):
    """The user of a share session: let through the login requirement, holds no permission,
    has no name."""

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_authenticated(self) -> bool:
        return True

    def has_perm(self, perm, obj=None) -> bool:
        return False

    async def ahas_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perm_list, obj=None) -> bool:
        return False

    def has_module_perms(self, module) -> bool:
        return False


@dataclass(frozen=True)
class Share:
    link: ShareLink
    source: str  # snapshot:<id>
    asked_elsewhere: bool  # the request's ?cluster= named something else

    def reaches(self, route: str | None, kwargs: dict) -> bool:
        if route in NAMELESS:
            return True
        if self.asked_elsewhere:
            return False
        if route in SHOWN:
            return True
        return (
            route in DOWNLOADS
            and self.link.allow_download
            and kwargs.get("snapshot_id") == self.link.snapshot_id
        )


def share_of(request: HttpRequest) -> Share | None:
    return getattr(request, "share", None)


def start_share_session(request: HttpRequest, link: ShareLink) -> None:
    """Make the request's (new, empty) session a share session of `link`, ending with it."""
    request.session[SESSION_KEY] = link.pk
    request.session.set_expiry(link.expires)


class ShareSessionMiddleware:
    """Between Django's AuthenticationMiddleware and the login requirement."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        link_id = request.session.get(SESSION_KEY)
        if link_id is None:
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if match is not None and match.url_name == OPEN_ROUTE:
            return self.get_response(request)
        link = sharing.open_link(link_id)
        if link is None:
            request.session.flush()
            return share_gone(request)
        source = snapshot_source(link.snapshot_id)
        asked = request.GET.get("cluster")
        request.GET = request.GET.copy()
        request.GET["cluster"] = source
        viewer = ShareViewer()
        request.user = viewer

        async def auser() -> ShareViewer:
            return viewer

        request.auser = auser
        share = Share(link, source, asked_elsewhere=asked not in (None, source))
        request.share = share  # type: ignore[attr-defined]
        if match is None or not share.reaches(match.url_name, match.kwargs):
            return share_not_found(request)
        return self.get_response(request)


def share_not_found(request: HttpRequest) -> HttpResponse:
    """A 404 that echoes nothing of what was asked (the path may name another cluster)."""
    if is_api_request(request):
        return json_error(404, "not_found", "A share link opens its snapshot's pages only.")
    return render(request, "snapshots/share_not_found.html", status=404)


def share_gone(request: HttpRequest) -> HttpResponse:
    return render(request, "snapshots/share_gone.html", status=410)


class ShareSocketMiddleware(BaseMiddleware):
    """For the websocket, inside AuthMiddlewareStack: a share session's socket gets a
    ShareViewer and its SharedSource when its link is open, and no user (refused) otherwise."""

    async def __call__(self, scope, receive, send):
        link_id = await _session_link(scope)
        if link_id is not None:
            link = await database_sync_to_async(sharing.open_link)(link_id)
            scope = dict(scope)
            scope.pop(SCOPE_KEY, None)
            if link is None:
                scope["user"] = AnonymousUser()
            else:
                scope["user"] = ShareViewer()
                scope[SCOPE_KEY] = SharedSource(link.pk, snapshot_source(link.snapshot_id))
        return await super().__call__(scope, receive, send)


@database_sync_to_async
def _session_link(scope) -> object:
    session = scope.get("session")
    return session.get(SESSION_KEY) if session is not None else None
