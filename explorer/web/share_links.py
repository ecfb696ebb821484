"""Share links to a snapshot, from the snapshot page: make one (the share permission; the token
shown once, in the answer), list them with their expiry and openings, revoke one (closing the
websockets it opened) — and `/share/<token>`, which exchanges a token for a share session
(explorer/web/share_sessions.py) and redirects to the snapshot's overview, without the token.

`/share/<token>` is throttled as login links are, by the client's address: every token that
opens nothing counts as a failed login. The token never reaches a log (web/secret_paths.py)."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from explorer.lib.sources import snapshot_source
from explorer.snapshots import sharing
from explorer.snapshots.models import ShareLink, Snapshot
from explorer.streaming.names import share_group
from explorer.streaming.shared import REVOKED

from . import login_throttle
from .client_address import client_address
from .permissions import NOT_ALLOWED, SHARE, may
from .share_sessions import share_gone, start_share_session

log = logging.getLogger(__name__)
OPENINGS_LISTED = 20  # the latest of each link's; all are counted


@login_not_required
@require_GET
def open_share(request: HttpRequest, token: str) -> HttpResponse:
    address = client_address(request)
    wait = login_throttle.wait_seconds(None, address)
    if wait:
        context = {"throttled": wait}
        response = render(request, "snapshots/share_gone.html", context, status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    link = sharing.open_link_for_token(token)
    if link is None:
        login_throttle.failed(None, address)
        return share_gone(request)
    logout(request)  # a new session: whoever was logged in here is no longer
    start_share_session(request, link)
    sharing.record_opening(link, address)
    response = redirect(f"{reverse('overview')}?cluster={snapshot_source(link.snapshot_id)}")
    response.headers["Cache-Control"] = "no-store"
    return response


def share_context(request: HttpRequest, snapshot: Snapshot) -> dict:
    """The snapshot page's Share section: the links its viewer may see (staff and the
    snapshot's creator: all of them; others: their own) and whether they may make one."""
    links = (
        snapshot.share_links.select_related("creator")
        .annotate(opened=Count("openings"))
        .order_by("-created", "-pk")  # a GROUP BY query ignores Meta.ordering
    )
    if not (request.user.is_staff or snapshot.creator_id == request.user.pk):
        links = links.filter(creator_id=request.user.pk)
    now = timezone.now()
    listed = [
        {
            "link": link,
            "open": link.is_open(now),
            "expired": link.revoked is None and not link.is_open(now),
            "openings": list(link.openings.all()[:OPENINGS_LISTED]),
            "may_revoke": _may_revoke(request, link, snapshot),
        }
        for link in links
    ]
    return {
        "share_links": listed,
        "may_share": may(request.user, SHARE),
        "share_not_allowed": NOT_ALLOWED[SHARE],
        "share_days": settings.EXPLORER_SHARE_DAYS,
        "share_max_days": sharing.MAX_DAYS,
    }


@require_POST
def create_share_link(request: HttpRequest, snapshot_id: str) -> HttpResponse:
    from .snapshot_pages import render_snapshot_page

    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    if not may(request.user, SHARE):
        return HttpResponse(NOT_ALLOWED[SHARE], status=403, content_type="text/plain")
    days = request.POST.get("days", "").strip() or str(settings.EXPLORER_SHARE_DAYS)
    if not days.isdigit() or not 1 <= int(days) <= sharing.MAX_DAYS:
        return HttpResponseBadRequest(f"days: a whole number from 1 to {sharing.MAX_DAYS}")
    allow_download = request.POST.get("allow_download") == "on"
    _, token = sharing.make_link(
        snapshot, request.user, days=int(days), allow_download=allow_download
    )
    url = request.build_absolute_uri(reverse("share-open", args=[token]))
    response = render_snapshot_page(request, snapshot, new_share_url=url)
    response.headers["Cache-Control"] = "no-store"  # the token is in it, shown this once
    return response


@require_POST
def revoke_share_link(request: HttpRequest, snapshot_id: str, link_id: int) -> HttpResponse:
    link = get_object_or_404(
        ShareLink.objects.select_related("snapshot"), pk=link_id, snapshot_id=snapshot_id
    )
    if not _may_revoke(request, link, link.snapshot):
        return HttpResponse(
            "Only who made this link, the snapshot's creator or staff may revoke it.",
            status=403,
            content_type="text/plain",
        )
    sharing.revoke(link)
    close_share_sockets(link)
    return redirect("snapshot", snapshot_id)


def close_share_sockets(link: ShareLink) -> None:
    """Tell every websocket the link opened to close (explorer/streaming/shared.py). Should the
    message be lost, pages refuse the session from its next request and sockets from their next
    subscription all the same."""
    try:
        async_to_sync(get_channel_layer().group_send)(share_group(link.pk), {"type": REVOKED})
    except Exception as error:  # the channel layer is down (Redis gone)
        log.warning("could not close the websockets of share link %s: %s", link.pk, error)


def _may_revoke(request: HttpRequest, link: ShareLink, snapshot: Snapshot) -> bool:
    user = request.user
    return bool(user.is_staff) or user.pk in (link.creator_id, snapshot.creator_id)
