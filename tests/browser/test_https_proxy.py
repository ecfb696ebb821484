"""Behind HTTPS: the app with EXPLORER_HTTPS=1 behind a real TLS terminator (Debian's nginx) on
loopback, a throwaway CA that Chromium trusts (its NSS database, as a user's would) and a host
name mapped to 127.0.0.1 (browsers ignore HSTS for IP literals). Logging in with the form and
starting a collection (POSTs checked for CSRF origin) work, the cookies are Secure, HSTS is sent,
and the overview draws over wss://."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..processes import free_port
from .app import PASSWORD, USERNAME, LiveApp, start_app
from .conftest import CHROMIUM, CHROMIUM_ARGS
from .live import wait_until_drawn

HOST = "explorer.test"
NGINX = "/usr/sbin/nginx"

NGINX_CONF = """
user root;
worker_processes 1;
error_log {dir}/error.log;
pid {dir}/nginx.pid;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  server {{
    listen 127.0.0.1:{port} ssl;
    server_name {host};
    ssl_certificate {dir}/server.pem;
    ssl_certificate_key {dir}/server.key;
    location / {{
      proxy_pass http://127.0.0.1:{app_port};
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 1h;
    }}
  }}
}}
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_ca_and_certificate(where: Path) -> None:
    """ca.pem (a throwaway CA) and server.pem/server.key for HOST, signed by it."""
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Cluster Explorer test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        cwd=where,
    )
    _openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        f"/CN={HOST}",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        cwd=where,
    )
    (where / "san.ext").write_text(
        f"subjectAltName=DNS:{HOST}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n"
    )
    _openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.pem",
        cwd=where,
    )


def trusting_home(where: Path) -> Path:
    """A HOME whose NSS database (what Chromium on Linux trusts besides its roots) holds ca.pem."""
    home = where / "home"
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    certutil = ["certutil", "-d", f"sql:{nssdb}"]
    subprocess.run([*certutil, "-N", "--empty-password"], check=True, timeout=60)
    add = ["-A", "-t", "C,,", "-n", "explorer-test-ca", "-i", str(where / "ca.pem")]
    subprocess.run([*certutil, *add], check=True, timeout=60)
    return home


@pytest.fixture(scope="module")
def tls_site(tmp_path_factory, demo, artifacts) -> Iterator[tuple[str, Path, LiveApp]]:
    for tool in (CHROMIUM, NGINX, shutil.which("certutil") or "certutil"):
        if not os.access(tool, os.X_OK):
            pytest.skip(f"{tool} is missing (scripts/test-deps installs it)")
    where = tmp_path_factory.mktemp("tls")
    make_ca_and_certificate(where)
    settings = {
        "EXPLORER_HTTPS": "1",
        "EXPLORER_ALLOWED_HOSTS": f"{HOST},127.0.0.1",  # 127.0.0.1: the test's /healthz
        "EXPLORER_TRUSTED_PROXIES": "127.0.0.1",
    }
    (where / "app").mkdir()
    app = start_app(where / "app", demo.kubeconfig, artifacts / "app-https.log", settings)
    port = free_port()
    conf = NGINX_CONF.format(dir=where, port=port, host=HOST, app_port=app.url.rsplit(":", 1)[1])
    (where / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen([NGINX, "-c", str(where / "nginx.conf"), "-g", "daemon off;"])
    try:
        _until_listening(port, nginx)
        yield f"https://{HOST}:{port}", trusting_home(where), app
    finally:
        nginx.terminate()
        nginx.wait(timeout=15)
        app.stop()


def _until_listening(port: int, nginx: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert nginx.poll() is None, "nginx exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("nginx did not listen")


def test_behind_a_tls_proxy_login_posts_cookies_hsts_and_the_websocket_all_work(
    tls_site, browser, artifacts
):
    url, home, _app = tls_site
    args = [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {HOST} 127.0.0.1"]
    env = {**os.environ, "HOME": str(home)}  # its NSS database trusts the test's CA
    trusting = browser.browser_type.launch(executable_path=CHROMIUM, args=args, env=env)
    try:
        page = trusting.new_context(base_url=url).new_page()
        login = page.goto("/login/")  # a certificate error would raise here
        assert login.headers["strict-transport-security"].startswith("max-age=31536000")
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/")
        cookies = {c["name"]: c for c in page.context.cookies(url)}
        assert cookies["sessionid"]["secure"] and cookies["csrftoken"]["secure"]

        wait_until_drawn(page)  # the model came over wss://, the header says live
        page.screenshot(path=artifacts / "https-overview.png", full_page=True)

        page.goto("/network/chains")
        page.click("#collect-job [data-job-start]")  # a POST with the CSRF token
        page.wait_for_function(
            "() => document.querySelector('#collect-job [data-job-progress]')"
            ".dataset.state === 'done'",
            timeout=60_000,
        )
    finally:
        trusting.close()
