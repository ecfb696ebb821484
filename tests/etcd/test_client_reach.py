"""Reaching etcd: endpoints tried in turn, every call within its timeout, TLS with client
certificates, and what is not etcd or answers too much told in one line."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from explorer.etcd.access import access_from_settings
from explorer.etcd.client import EtcdClient
from explorer.etcd.errors import EtcdBadAnswer, EtcdRefused, EtcdUnreachable
from tests.etcd.certs import make_certs
from tests.etcd_server import etcd_installed, running_etcd


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_endpoint_that_refuses_connections_is_unreachable_in_one_line():
    client = EtcdClient(access_from_settings({"endpoints": f"http://127.0.0.1:{_closed_port()}"}))

    with pytest.raises(EtcdUnreachable) as error:
        client.count()

    assert "Connection refused" in str(error.value)
    assert "\n" not in str(error.value)


def test_an_endpoint_that_never_answers_is_unreachable_within_the_timeout():
    with socket.socket() as silent:  # connections complete in its backlog; nothing answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        client = EtcdClient(
            access_from_settings({"endpoints": f"http://127.0.0.1:{port}", "timeout": 1})
        )
        started = time.monotonic()
        with pytest.raises(EtcdUnreachable) as error:
            client.revision()
        took = time.monotonic() - started

    assert took < 30  # the timeout is 1 s; without it the call would wait for ever
    assert "within the timeout" in str(error.value)


def test_the_next_endpoint_is_asked_when_the_first_cannot_be_reached(etcd):
    etcd.ctl("put", "/registry/configmaps/default/c", "x")
    dead = f"http://127.0.0.1:{_closed_port()}"

    client = EtcdClient(access_from_settings({"endpoints": [dead, etcd.endpoint]}))
    assert client.count() == 1

    watch = client.watch()
    etcd.ctl("put", "/registry/configmaps/default/d", "y")
    event = watch.next_event(timeout=10)
    watch.cancel()

    assert client.count() == 2
    assert event is not None and event.text == "/registry/configmaps/default/d"


class _NotEtcd(BaseHTTPRequestHandler):
    body = b"<html>a web server</html>"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def test_a_server_that_is_not_etcd_is_told_in_one_line():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotEtcd)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = EtcdClient(
            access_from_settings({"endpoints": f"http://127.0.0.1:{server.server_port}"})
        )
        with pytest.raises(EtcdBadAnswer) as error:
            client.count()
    finally:
        server.shutdown()
        server.server_close()

    assert str(error.value) == (
        f"http://127.0.0.1:{server.server_port} is not etcd: /version is not etcd's"
    )


def test_an_answer_over_the_clients_limit_is_refused_before_it_is_kept(etcd):
    etcd.ctl("put", "/registry/configmaps/default/big", input=b"x" * 200_000)
    access = access_from_settings({"endpoints": etcd.endpoint})

    small = EtcdClient(access, max_value_bytes=100_000)
    with pytest.raises(EtcdBadAnswer) as error:
        small.value("/registry/configmaps/default/big")
    roomy = EtcdClient(access).value("/registry/configmaps/default/big")

    assert "-byte limit" in str(error.value)
    assert roomy is not None and roomy.size == 200_000


@pytest.fixture
def tls_etcd(tmp_path):
    if not etcd_installed():
        pytest.skip("etcd and etcdctl not installed (Debian's etcd-server and etcd-client)")
    certs = make_certs(tmp_path / "pki")
    with running_etcd(tmp_path, certs=certs) as server:
        yield server


def test_a_client_with_the_clusters_certificate_reads_over_tls(tls_etcd):
    tls_etcd.ctl("put", "/registry/configmaps/default/c", "x")
    certs = tls_etcd.certs
    client = EtcdClient(
        access_from_settings(
            {
                "endpoints": tls_etcd.endpoint,
                "ca_file": str(certs.ca_file),
                "cert_file": str(certs.client_cert),
                "key_file": str(certs.client_key),
            }
        )
    )

    assert client.count() == 1
    assert client.status().members[0].client_urls == (tls_etcd.endpoint,)


def test_a_client_without_a_certificate_is_refused(tls_etcd):
    client = EtcdClient(
        access_from_settings(
            {"endpoints": tls_etcd.endpoint, "ca_file": str(tls_etcd.certs.ca_file)}
        )
    )

    with pytest.raises(EtcdRefused) as error:
        client.count()

    assert str(error.value).startswith("TLS with etcd failed:")


def test_a_certificate_from_another_ca_is_refused_and_so_is_a_server_we_do_not_trust(
    tls_etcd, tmp_path
):
    stranger = make_certs(tmp_path / "stranger", "stranger")
    ours = tls_etcd.certs
    foreign_client = EtcdClient(
        access_from_settings(
            {
                "endpoints": tls_etcd.endpoint,
                "ca_file": str(ours.ca_file),
                "cert_file": str(stranger.client_cert),
                "key_file": str(stranger.client_key),
            }
        )
    )
    distrustful = EtcdClient(
        access_from_settings(
            {
                "endpoints": tls_etcd.endpoint,
                "ca_file": str(stranger.ca_file),
                "cert_file": str(ours.client_cert),
                "key_file": str(ours.client_key),
            }
        )
    )

    with pytest.raises(EtcdRefused):
        foreign_client.count()
    with pytest.raises(EtcdRefused) as untrusted:
        distrustful.count()

    assert "certificate verify failed" in str(untrusted.value)


_STALL_SECONDS = 120
_stall_over = threading.Event()


class _StallingWatch(_NotEtcd):
    """Says it is etcd 3.4, then does not answer a request to watch for two minutes (or until
    the test is over)."""

    body = b'{"etcdserver":"3.4.23","etcdcluster":"3.4.0"}'

    def do_POST(self):
        _stall_over.wait(_STALL_SECONDS)


def test_a_watch_that_etcd_never_starts_is_unreachable_within_the_timeout():
    _stall_over.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StallingWatch)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = EtcdClient(
            access_from_settings(
                {"endpoints": f"http://127.0.0.1:{server.server_port}", "timeout": 1}
            )
        )
        started = time.monotonic()
        with pytest.raises(EtcdUnreachable):
            client.watch()
        took = time.monotonic() - started
    finally:
        _stall_over.set()
        server.shutdown()
        server.server_close()

    # The call's timeout is 1 s; the margin is for a loaded machine, far short of the stall.
    assert took < _STALL_SECONDS / 4


def test_a_quiet_watch_outlives_the_call_timeout(etcd):
    client = EtcdClient(access_from_settings({"endpoints": etcd.endpoint, "timeout": 1}))

    with client.watch() as watch:
        time.sleep(2.5)  # quiet for longer than any single call may take
        etcd.ctl("put", "/registry/configmaps/default/late", "x")
        event = watch.next_event(timeout=10)

    assert event is not None and event.text == "/registry/configmaps/default/late"


def test_a_watch_message_over_the_limit_ends_the_watch_in_one_line(etcd):
    client = EtcdClient(access_from_settings({"endpoints": etcd.endpoint}), max_answer_bytes=4096)
    watch = client.watch()
    etcd.ctl("put", "/registry/configmaps/default/small", "x")
    etcd.ctl("put", "/registry/configmaps/default/big", input=b"x" * 20_000)

    small = watch.next_event(timeout=10)
    with pytest.raises(EtcdBadAnswer) as error:
        watch.next_event(timeout=10)

    assert small is not None and small.size == 1
    assert str(error.value) == "a watch message is over the 4,096-byte limit"
    assert watch.ended
    watch.cancel()
