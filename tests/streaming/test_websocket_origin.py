"""The websocket opens only for the app's own origin — scheme, host and port exactly — or one the
operator trusts; a page on another port or scheme of the same host is refused with the user's
good cookie, as is a handshake without an Origin."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from explorer.asgi import application
from explorer.web.websocket_origin import normalized

pytestmark = pytest.mark.django_db(transaction=True)


def communicator(cookie: str, origin: bytes | None, host: bytes, scheme: str = "ws"):
    headers = [(b"host", host), (b"cookie", f"sessionid={cookie}".encode())]
    if origin is not None:
        headers.append((b"origin", origin))
    talk = WebsocketCommunicator(application, "/ws/", headers=headers)
    talk.scope["scheme"] = scheme
    return talk


async def opens(talk: WebsocketCommunicator) -> bool:
    connected, _ = await talk.connect(timeout=5)
    if connected:
        await talk.disconnect()
    return connected


@pytest.mark.parametrize(
    "origin",
    [
        b"http://127.0.0.1:9999",  # another port of the same host
        b"http://localhost:3000",
        b"https://127.0.0.1:8000",  # another scheme
        b"https://127.0.0.1",
        b"http://127.0.0.1",  # port 80 is not 8000
        b"http://127.0.0.1:8000.evil.example",
        b"http://127.0.0.1:8000/path",
        b"null",
        None,
    ],
)
async def test_another_origin_is_refused_even_with_a_good_cookie(session_cookie, origin):
    assert not await opens(communicator(session_cookie, origin, b"127.0.0.1:8000"))


@pytest.mark.parametrize(
    ("origin", "host", "scheme"),
    [
        (b"http://127.0.0.1:8000", b"127.0.0.1:8000", "ws"),
        (b"HTTP://LOCALHOST:8000", b"localhost:8000", "ws"),
        (b"https://localhost", b"localhost:443", "wss"),  # the default port, written or not
        (b"http://[::1]:8000", b"[::1]:8000", "ws"),
    ],
)
async def test_the_apps_own_origin_opens_it(session_cookie, origin, host, scheme):
    assert await opens(communicator(session_cookie, origin, host, scheme))


async def test_a_host_the_app_does_not_serve_is_refused_though_origin_and_host_agree(
    session_cookie,
):
    talk = communicator(session_cookie, b"http://evil.example:8000", b"evil.example:8000")
    assert not await opens(talk)


async def test_a_trusted_origin_opens_it_and_only_that_one(session_cookie, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://explorer.example.com"]
    trusted = b"https://explorer.example.com"

    assert await opens(communicator(session_cookie, trusted, b"127.0.0.1:8000"))
    assert not await opens(communicator(session_cookie, b"http://explorer.example.com", b"x"))


async def test_behind_a_tls_proxy_the_forwarded_scheme_makes_https_the_own_origin(
    session_cookie, settings
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["explorer.example.com"]
    talk = communicator(session_cookie, b"https://explorer.example.com", b"explorer.example.com")
    talk.scope["headers"].append((b"x-forwarded-proto", b"https"))
    assert await opens(talk)
    plain = communicator(session_cookie, b"https://explorer.example.com", b"explorer.example.com")
    assert not await opens(plain)


def test_origins_are_compared_without_default_ports_or_case():
    assert normalized("HTTPS://Example.COM:443") == "https://example.com"
    assert normalized("http://example.com:8080/") == "http://example.com:8080"
    assert normalized("http://user@example.com") is None
    assert normalized("ftp://example.com") is None
    assert normalized("http://example.com:99999") is None
