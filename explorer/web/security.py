"""Security headers on every response, static files included.

Figures travel as JSON and are drawn by static scripts, so scripts come only from this origin and
no inline script is allowed. Plotly's strict bundle needs no `unsafe-eval`; it injects `<style>`
elements, hence `'unsafe-inline'` for styles only.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",  # the websocket too: 'self' covers ws: and wss: of this host
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    )
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def add_security_headers(response: HttpResponseBase) -> HttpResponseBase:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class SecurityHeadersMiddleware(MiddlewareMixin):
    """Sets SECURITY_HEADERS on responses that do not set them already."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase):
        return add_security_headers(response)
