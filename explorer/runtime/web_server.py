"""The web server: Daphne, with its request class replaced by `BoundedRequest`.

The access log (Daphne's, on stdout) never shows a one-time login link's token.

Twisted, under Daphne, spools a whole request body and — for a form — parses it in memory before
the app runs, with no limit (a 200 MiB POST to /login/ took the process to 2.6 GB). Here each
route's limit (explorer/web/body_limits.py) is enforced as the body arrives: a declared length
over it, or more bytes than it (chunked bodies), is answered 413 and the connection closed,
before anything is kept; Twisted's own form parsing is off (Django parses, with its own limits).

This leans on two internals, so the versions are pinned in pyproject.toml and
tests/web/test_web_server.py holds the line: Twisted's `HTTPChannel._path` (the request
line's target, read before the body) and Daphne's `Server.run`, which makes its HTTPFactory
itself (`BoundedServer` takes the assignment and makes ours).
"""

from __future__ import annotations

import io
import logging

from daphne.cli import CommandLineInterface
from daphne.http_protocol import HTTPFactory, WebRequest
from daphne.server import Server

from explorer.streaming.message_parts import MAX_MESSAGE
from explorer.web.body_limits import MB, body_limit
from explorer.web.secret_paths import without_secrets

log = logging.getLogger(__name__)

_TOO_BIG = (
    "<!doctype html><title>Too big</title><h1>Too big</h1>"
    '<p>This page takes a request body of at most {limit}. <a href="/">Back</a></p>'
)


def _size(limit: int) -> str:
    return f"{limit / MB:.0f} MB" if limit >= MB else f"{limit // 1024} KB"


class BoundedRequest(WebRequest):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._parsePOSTFormSubmission = False  # Django parses forms, with its own limits
        self._limit = 0
        self._received = 0
        self._refused = False

    def gotLength(self, length: int | None) -> None:
        self._limit = body_limit(getattr(self.channel, "_path", b"/") or b"/")
        if length is not None and length > self._limit:
            self._refuse(f"declared {length} bytes")
            return
        super().gotLength(length)

    def handleContentChunk(self, data: bytes) -> None:
        if self._refused:
            return
        self._received += len(data)
        if self._received > self._limit:
            self._refuse(f"sent more than {self._limit} bytes")
            return
        super().handleContentChunk(data)

    def requestReceived(self, command: bytes, path: bytes, version: bytes) -> None:
        if not self._refused:
            super().requestReceived(command, path, version)

    def _refuse(self, why: str) -> None:
        self._refused = True
        self.requestHeaders.removeHeader(b"Expect")  # no "100 Continue" after the 413
        if self.content is not None:
            self.content.close()  # a temporary file, for a long body
        self.content = io.BytesIO()
        channel = self.channel
        log.warning("413 for %s: %s, the limit is %d", _target(channel), why, self._limit)
        body = _TOO_BIG.format(limit=_size(self._limit)).encode()
        head = (
            "HTTP/1.1 413 Content Too Large\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        if channel.transport is not None:
            channel.transport.write(head + body)
            channel.loseConnection()


def _target(channel: object) -> str:
    path = (getattr(channel, "_path", b"") or b"").split(b"?")[0]
    return path.decode("latin1")[:200]


class BoundedHTTPFactory(HTTPFactory):
    def buildProtocol(self, addr):
        protocol = super().buildProtocol(addr)
        protocol.requestFactory = BoundedRequest
        return protocol


class BoundedServer(Server):
    """Daphne's server; `run()` assigns its own HTTPFactory, and this takes ours instead. Its
    access log leaves out what a path carries as a secret (a one-time login link's token)."""

    def log_action(self, protocol: str, action: str, details: dict) -> None:
        if "path" in details:
            details = {**details, "path": without_secrets(str(details["path"]))}
        super().log_action(protocol, action, details)

    @property
    def http_factory(self) -> HTTPFactory:
        return self._bounded_factory

    @http_factory.setter
    def http_factory(self, _daphnes: HTTPFactory) -> None:
        self._bounded_factory = BoundedHTTPFactory(self)


class WebServerCLI(CommandLineInterface):
    server_class = BoundedServer


def run_web_server(host: str, port: int, *extra: str) -> None:
    """Serve explorer.asgi:application until stopped (SIGINT, SIGTERM). A websocket message is
    at most MAX_MESSAGE bytes, the bound the live consumer keeps to."""
    limit = ["--websocket-max-message-size", str(MAX_MESSAGE)]
    WebServerCLI().run(["-b", host, "-p", str(port), *limit, *extra, "explorer.asgi:application"])
