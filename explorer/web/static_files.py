"""Static files served by the app itself, with or without DEBUG: daphne has no static handler.

A URL route rather than an ASGI wrapper, so that static files pass through the middleware (the
security headers) and work with whatever ASGI entry point runs the app. Files are found through
Django's staticfiles finders, so `collectstatic` is optional. They need no login.
"""

from __future__ import annotations

import asyncio
import mimetypes
import posixpath
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import URLPattern, re_path
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

CACHE_CONTROL = "public, max-age=300"


def _find(path: str) -> Path:
    relative = posixpath.normpath(path).lstrip("/")
    found = finders.find(relative) if relative not in ("", ".") else None
    if not found or not Path(found).is_file():
        raise Http404("no such static file")
    return Path(found)


@login_not_required
@require_safe
async def static_file(request: HttpRequest, path: str) -> HttpResponse:
    found = _find(path)
    modified = found.stat().st_mtime
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), modified):
        return HttpResponseNotModified()
    content_type, encoding = mimetypes.guess_type(found.name)
    body = await asyncio.to_thread(found.read_bytes)
    response = HttpResponse(body, content_type=content_type or "application/octet-stream")
    response.headers["Last-Modified"] = http_date(modified)
    response.headers["Cache-Control"] = CACHE_CONTROL
    if encoding:
        response.headers["Content-Encoding"] = encoding
    return response


def static_urlpatterns() -> list[URLPattern]:
    prefix = settings.STATIC_URL.lstrip("/")
    return [re_path(rf"^{prefix}(?P<path>.+)$", static_file, name="static-file")]
