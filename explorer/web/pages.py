"""The app's pages and small JSON endpoints; every one needs a login unless marked otherwise."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .access import is_api_request, json_error
from .clusters import known_clusters
from .login_links import MAX_AGE_SECONDS, user_for_token

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "overview.html")


@require_GET
def clusters_api(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"clusters": known_clusters()})


@login_not_required
@require_GET
def login_once(request: HttpRequest, token: str) -> HttpResponse:
    user = user_for_token(token)
    if user is None:
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
