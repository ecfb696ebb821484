"""Cross-site websocket hijacking, tried in Chromium: a page served from another port of the same
host — which gets the logged-in user's cookie, as cookies are not bound to a port — cannot open
the app's websocket; the app's own pages can, under a CSP whose connect-src is only 'self'."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ATTEMPT = """url => new Promise(done => {
  const socket = new WebSocket(url);
  socket.onopen = () => { socket.close(); done("open"); };
  socket.onerror = () => done("refused");
  setTimeout(() => done("no answer"), 10000);
})"""


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>another site on this host</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def other_port() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_page_on_another_port_cannot_open_the_websocket_with_the_users_cookie(
    logged_in_page, live_app, other_port
):
    page = logged_in_page
    websocket = live_app.url.replace("http://", "ws://") + "/ws/"
    cookies = page.context.cookies(live_app.url)
    assert any(c["name"] == "sessionid" for c in cookies)

    page.goto(other_port + "/")
    assert page.evaluate(ATTEMPT, websocket) == "refused"

    page.goto("/")  # the app's own page, under its own CSP (connect-src 'self')
    assert page.evaluate(ATTEMPT, websocket) == "open"
    assert not [e for e in page.problems.console_errors if "Content Security Policy" in e]


def test_the_pages_csp_lets_the_websocket_through_self_only(page, live_app):
    response = page.goto("/healthz")
    policy = response.headers["content-security-policy"]
    assert "connect-src 'self';" in policy
    assert "ws:" not in policy and "wss:" not in policy
