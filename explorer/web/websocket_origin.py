"""The websocket's door. A browser sends the Origin of the page that opens a websocket, and the
user's cookie goes with it whatever that page is — cookies are bound to a host, not to a port or
a scheme — so a page on `http://127.0.0.1:9999` could otherwise read every view as the user.
The Origin must be the app's own, exactly (scheme, host and port, as the request reached it, the
host one of ALLOWED_HOSTS), or one the operator trusts (EXPLORER_TRUSTED_ORIGINS, for a proxy
in front that rewrites the host). A request without an Origin is refused too."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalized(origin: str) -> str | None:
    """`scheme://host[:port]` in lower case without a default port, or None when `origin` is
    not an http(s) origin (a path, credentials, `null`)."""
    try:
        parts = urlsplit(origin.strip().lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username is not None:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    shown_port = f":{port}" if port is not None and port != _DEFAULT_PORTS[parts.scheme] else ""
    return f"{parts.scheme}://{host}{shown_port}"


def _header(scope: dict, name: bytes) -> str:
    for key, value in scope.get("headers") or ():
        if key == name:
            return value.decode("latin1")
    return ""


def _secure(scope: dict) -> bool:
    if scope.get("scheme") in ("wss", "https"):
        return True
    proxy_header = settings.SECURE_PROXY_SSL_HEADER  # ("HTTP_X_FORWARDED_PROTO", "https")
    if not proxy_header:
        return False
    name, value = proxy_header
    header = name.removeprefix("HTTP_").replace("_", "-").lower().encode()
    return _header(scope, header).split(",")[0].strip() == value


def own_origin(scope: dict) -> str | None:
    """The origin of the app as this request reached it; None for a host it does not serve."""
    host = _header(scope, b"host")
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    return normalized(f"{'https' if _secure(scope) else 'http'}://{host}")


def allowed(scope: dict, trusted: Iterable[str]) -> bool:
    origin = normalized(_header(scope, b"origin"))
    if origin is None:
        return False
    return origin == own_origin(scope) or origin in {normalized(t) for t in trusted}


class SameOriginOnly:
    """ASGI middleware: refuse the websocket handshake of any other origin."""

    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not allowed(scope, settings.CSRF_TRUSTED_ORIGINS):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
