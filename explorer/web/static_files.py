"""Static files for the ASGI app, with or without DEBUG (daphne has no static handler).

Files are found through Django's staticfiles finders (so `collectstatic` is optional) and carry
the same security headers as pages. Wrap the ASGI application: `with_static_files(app)`.
"""

from __future__ import annotations

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from .security import add_security_headers

CACHE_CONTROL = "public, max-age=300"


class _StaticFilesWithHeaders(ASGIStaticFilesHandler):
    async def get_response_async(self, request):
        response = await super().get_response_async(request)
        if response.status_code == 200:
            response.headers.setdefault("Cache-Control", CACHE_CONTROL)
        return add_security_headers(response)


def with_static_files(application):
    """An ASGI app that answers STATIC_URL requests itself and hands the rest to `application`."""
    return _StaticFilesWithHeaders(application)
