"""Static files for the ASGI app, with or without DEBUG (daphne has no static handler).

Django's ASGIStaticFilesHandler (what runserver uses), answering STATIC_URL requests before the
Django app sees them: files are found through the staticfiles finders (so `collectstatic` is
optional), need no login, and get the same security headers as pages. explorer/asgi.py wraps its
HTTP application with `with_static_files`.
"""

from __future__ import annotations

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseBadRequest

from .security import add_security_headers

CACHE_CONTROL = "public, max-age=300"


class _StaticFilesWithHeaders(ASGIStaticFilesHandler):
    async def get_response_async(self, request):
        try:
            response = await super().get_response_async(request)
        except SuspiciousOperation:  # a path that climbs out of the static directories
            response = HttpResponseBadRequest("bad static file path", content_type="text/plain")
        if response.status_code == 200:
            response.headers.setdefault("Cache-Control", CACHE_CONTROL)
        return add_security_headers(response)


def with_static_files(application):
    """An ASGI app that answers STATIC_URL requests itself and hands the rest to `application`."""
    return _StaticFilesWithHeaders(application)
