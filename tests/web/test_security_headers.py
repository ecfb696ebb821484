"""Every response carries the security headers: pages, JSON, the login form and static files."""

from __future__ import annotations

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core.asgi import get_asgi_application

from explorer.web.security import CONTENT_SECURITY_POLICY
from explorer.web.static_files import with_static_files

pytestmark = pytest.mark.django_db

EXPECTED = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def test_policy_allows_no_inline_script_and_no_eval():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in directives["default-src"]


@pytest.mark.parametrize("path", ["/", "/login/", "/api/clusters", "/healthz"])
def test_security_headers_on_every_kind_of_response(client, path):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for name, value in EXPECTED.items():
        assert response.headers[name] == value


async def _get(path: str, headers: tuple = ()) -> dict:
    """GET through the HTTP app that explorer/asgi.py builds, as daphne would."""
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": b"",
        "headers": [(b"host", b"localhost"), *headers],
    }
    communicator = ApplicationCommunicator(with_static_files(get_asgi_application()), scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(10)
    body = b""
    while True:
        message = await communicator.receive_output(10)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await communicator.wait(10)
    return {"status": start["status"], "headers": start["headers"], "body": body}


def _headers(response: dict) -> dict[str, str]:
    return {k.decode().lower(): v.decode() for k, v in response["headers"]}


async def test_static_files_are_served_without_debug_and_carry_the_headers(settings):
    assert settings.DEBUG is False
    response = await _get("/static/vendor/plotly-explorer.min.js")
    assert response["status"] == 200
    headers = _headers(response)
    assert "javascript" in headers["content-type"]
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert response["body"].startswith(b"/*! plotly.js 3.7.0 (MIT), a partial bundle of")
    assert headers["cache-control"] == "public, max-age=300"
    assert "last-modified" in headers


async def test_unchanged_static_file_answers_304():
    first = await _get("/static/css/explorer.css")
    assert first["status"] == 200
    since = _headers(first)["last-modified"].encode()
    again = await _get("/static/css/explorer.css", ((b"if-modified-since", since),))
    assert again["status"] == 304


async def test_missing_static_file_is_a_404_not_a_page_of_the_app():
    response = await _get("/static/vendor/no-such-file.js")
    assert response["status"] == 404
    assert _headers(response)["content-security-policy"] == CONTENT_SECURITY_POLICY


async def test_other_paths_go_to_the_django_app():
    response = await _get("/healthz")
    assert response["status"] == 200
    assert response["body"] == b'{"ok": true}'


async def test_static_paths_cannot_climb_out_of_the_static_directories():
    response = await _get("/static/../explorer/settings.py")
    assert response["status"] == 400
    assert b"SECRET_KEY" not in response["body"]
