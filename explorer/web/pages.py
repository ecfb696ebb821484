"""The app's pages and small JSON endpoints; every one needs a login unless marked otherwise."""

from __future__ import annotations

import asyncio

from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from explorer.jobs import dispatch
from explorer.jobs.tasks import BUNDLE_STEPS, download_bundle
from explorer.snapshots import downloads

from . import login_throttle
from .client_address import client_address
from .clusters import known_clusters
from .login_links import MAX_AGE_SECONDS, user_for_token
from .login_required import is_api_request, json_error

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask /favicon.ico of every site whatever the page says: the icon, not a 404."""
    return redirect(static("favicon.svg"), permanent=True)


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """`?first=&last=`: a run of nodes shown alone (the overview of thousands of nodes leads to
    each run); the view checks the names."""
    run = {"nodes_first": request.GET.get("first", ""), "nodes_last": request.GET.get("last", "")}
    return render(request, "overview.html", run)


@require_GET
def clusters_api(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"clusters": known_clusters()})


@require_POST
async def start_bundle_download(request: HttpRequest, cluster: str) -> JsonResponse:
    """Start writing a bundle of `cluster`; the page follows the task and then offers the file."""
    if cluster not in {c["name"] for c in await asyncio.to_thread(known_clusters)}:
        return json_error(404, "no_such_cluster", f"Cluster {cluster!r} is not watched.")
    user = await request.auser()
    kwargs = {"cluster": cluster, "user_id": user.pk}
    task = await dispatch.start(download_bundle, kwargs, total=BUNDLE_STEPS)
    return JsonResponse({"task": task, "download": reverse("download", args=[task])}, status=202)


@require_GET
def download(request: HttpRequest, task: str) -> StreamingHttpResponse:
    """A finished bundle, for the user who asked for it only."""
    found = downloads.find(task)
    if found is None or found[0]["user"] != request.user.pk:
        raise Http404("No such download.")
    record, path = found
    response = StreamingHttpResponse(downloads.chunks(path), content_type="application/zstd")
    response.headers["Content-Length"] = str(record["size"])
    response.headers["Content-Disposition"] = f'attachment; filename="{record["filename"]}"'
    return response


@login_not_required
@require_GET
def login_once(request: HttpRequest, token: str) -> HttpResponse:
    """Throttled as failed logins are, by the client address alone."""
    address = client_address(request)
    wait = login_throttle.wait_seconds(None, address)
    if wait:
        context = {"throttled": wait, "minutes": MAX_AGE_SECONDS // 60}
        response = render(request, "registration/login_link_invalid.html", context, status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    user = user_for_token(token)
    if user is None:
        login_throttle.failed(None, address)
        context = {"minutes": MAX_AGE_SECONDS // 60}
        return render(request, "registration/login_link_invalid.html", context, status=410)
    login(request, user, backend=MODEL_BACKEND)
    return redirect("overview")


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """JSON for JSON endpoints; for pages, a short page that says to reload and try again."""
    if is_api_request(request):
        return json_error(403, "csrf_failed", reason or "CSRF check failed.")
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
