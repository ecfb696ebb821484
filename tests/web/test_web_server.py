"""The real web server (`manage.py web`: Daphne with explorer/runtime/web_server.py). Request
bodies are refused before they are buffered: 413 as soon as a declared length — or the bytes
received, for a chunked body — pass the route's limit, with or without a session, and its
memory stays near idle while 200 MiB are thrown at it four ways. Its logs never hold a
one-time login link's token."""

from __future__ import annotations

import os
import secrets
import select
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from explorer.web.body_limits import DEFAULT_BODY_BYTES, MULTIPART_SLACK, PASTE_MAX_BYTES

from ..processes import MANAGE, REPO, free_port, manage

MIB = 1024 * 1024
FLOOD = 200 * MIB
ETCD_UPLOAD_MB = 64  # the web process's limit for an etcd data file, under the flood
PIECE = b"x" * (256 * 1024)


@dataclass
class WebProcess:
    port: int
    process: subprocess.Popen
    session: str
    log: Path

    def rss_kib(self, field: str = "VmRSS") -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise AssertionError(f"no {field} for the web process")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object) -> None:
        return None


def _session_from_login_link(port: int, env: dict[str, str]) -> str:
    link = manage(env, "loginlink", "--user", "ada", "--base-url", f"http://127.0.0.1:{port}")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(link.strip().removeprefix("Login: "), timeout=10)
    except urllib.error.HTTPError as redirect:  # the 302 into the app sets the session
        cookies = redirect.headers.get_all("Set-Cookie") or []
        return next(c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("sessionid"))
    raise AssertionError("the login link did not redirect")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebProcess]:
    home = tmp_path_factory.mktemp("web")
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="explorer.settings",
        DATABASE_URL=f"sqlite:///{home / 'web.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_SUPERUSER_PASSWORD=secrets.token_urlsafe(12),
        PYTHONUNBUFFERED="1",
        EXPLORER_ETCD_UPLOAD_MB=str(ETCD_UPLOAD_MB),
    )
    manage(env, "migrate", "--noinput")
    manage(env, "createsuperuser", "--noinput", "--username", "ada", "--email", "a@x.invalid")
    port = free_port()
    with (home / "web.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, MANAGE, "web", "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _until_answering(port, process)
        yield WebProcess(port, process, _session_from_login_link(port, env), home / "web.log")
    finally:
        process.terminate()
        process.wait(timeout=15)


def _until_answering(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the web server exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the web server did not answer /healthz")


def _head(path: str, session: str | None, chunked: bool, length: int) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/x-www-form-urlencoded",
        "Expect: 100-continue",  # as curl asks before a big body
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}",
    ]
    if session:
        lines.append(f"Cookie: sessionid={session}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@dataclass
class Thrown:
    sent: int  # body bytes sent before the server answered or closed
    answer: bytes  # its final answer (b"" when the connection was reset first)


def throw(port: int, path: str, session: str | None, chunked: bool, size: int = FLOOD) -> Thrown:
    """Send `size` bytes of body (or until the server stops taking them) and read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(_head(path, session, chunked, size))
        if select.select([sock], [], [], 10)[0]:
            answer = sock.recv(65536)
            if not answer.startswith(b"HTTP/1.1 100 "):
                return Thrown(0, answer)
        sent, answer = 0, b""
        try:
            while sent < size:
                if select.select([sock], [], [], 0)[0]:
                    break
                piece = PIECE[: size - sent]
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                sent += len(piece)
            if chunked and sent >= size:
                sock.sendall(b"0\r\n\r\n")
            answer = sock.recv(65536)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return Thrown(sent, answer)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(
    ("path", "with_session", "limit"),
    [
        ("/login/", False, DEFAULT_BODY_BYTES),
        ("/login/", True, DEFAULT_BODY_BYTES),
        ("/network/paste", False, PASTE_MAX_BYTES + MULTIPART_SLACK),
        ("/network/paste", True, PASTE_MAX_BYTES + MULTIPART_SLACK),
        ("/snapshots/etcd", False, ETCD_UPLOAD_MB * MIB + MULTIPART_SLACK),
        ("/snapshots/etcd", True, ETCD_UPLOAD_MB * MIB + MULTIPART_SLACK),
    ],
)
def test_a_body_over_the_routes_limit_is_refused_before_it_is_buffered(
    web, path, with_session, limit, chunked
):
    idle = web.rss_kib()

    thrown = throw(web.port, path, web.session if with_session else None, chunked)

    if not chunked:  # a declared length is refused before a byte of body is sent
        assert (thrown.sent, thrown.answer[:13]) == (0, b"HTTP/1.1 413 ")
    elif thrown.answer:  # a chunked one once the limit has passed (or the answer was reset)
        assert thrown.answer.startswith(b"HTTP/1.1 413 ")
    assert thrown.sent <= limit + 16 * MIB  # what the sockets' buffers hold besides
    assert web.process.poll() is None
    assert (web.rss_kib("VmHWM") - idle) < 100 * 1024, "peak RSS rose more than 100 MB"


def test_a_body_under_the_limit_reaches_the_app_chunked_or_not(web):
    for chunked in (False, True):
        thrown = throw(web.port, "/login/", None, chunked, size=4096)
        assert thrown.answer.startswith(b"HTTP/1.1 403 "), thrown.answer[:200]  # CSRF, by Django


def test_the_paste_route_passes_a_2_mib_body_of_a_logged_in_user_to_the_app(web):
    thrown = throw(web.port, "/network/paste", web.session, chunked=False, size=2 * MIB)
    assert thrown.answer.startswith(b"HTTP/1.1 403 ")  # no CSRF token: refused by Django itself


def test_the_logs_never_hold_a_login_links_token(web):
    token = "forged-" + secrets.token_urlsafe(12)
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(f"http://127.0.0.1:{web.port}/login/once/{token}", timeout=10)
    assert gone.value.code == 410
    deadline = time.monotonic() + 5
    while "/login/once/[token]" not in web.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    logged = web.log.read_text()
    assert "/login/once/[token]" in logged  # the access log, and django.request's "Gone: …"
    assert token not in logged
