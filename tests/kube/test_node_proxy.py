"""Reads through `nodes/proxy` (explorer/kube/node_proxy.py), against a loopback HTTP server
answering as the API server does for a kubelet's /metrics/cadvisor and /stats/summary (the
captured minikube answers), parsed by the cgroup collector."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from explorer.collectors.cgroups import parse_cadvisor
from explorer.kube.config import load_kubeconfig
from explorer.kube.node_proxy import read_cadvisor_text, read_node_proxy
from explorer.kube.transport import ApiError
from tests.kube.kubeconfigs import single, write
from tests.kubelet_summary import parse_summary

NODE = "datagen-1-34"
NOT_FOUND = b'{"kind":"Status","code":404,"reason":"NotFound","message":"node not found"}'


@pytest.fixture
def kubelet_behind_proxy(real_fixtures):
    metrics = real_fixtures / "metrics"
    answers = {
        f"/api/v1/nodes/{NODE}/proxy/metrics/cadvisor": (
            "text/plain; version=0.0.4",
            (
                metrics / "minikube-v1.34-containerd-cgroupfs-kubelet-metrics-cadvisor.prom"
            ).read_bytes(),
        ),
        f"/api/v1/nodes/{NODE}/proxy/stats/summary": (
            "application/json",
            (metrics / "minikube-v1.34-kubelet-stats-summary.json").read_bytes(),
        ),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            kind, body = answers.get(
                self.path,
                (
                    "application/json",
                    NOT_FOUND,
                ),
            )
            self.send_response(200 if self.path in answers else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def api_client(kubelet_behind_proxy, tmp_path):
    path = write(tmp_path / "kubeconfig", single(kubelet_behind_proxy))
    cluster = load_kubeconfig(str(path)).connect()
    yield cluster.api_client
    cluster.api_client.close()


def test_cadvisor_through_nodes_proxy_gives_the_node_tree(api_client):
    tree = parse_cadvisor(read_cadvisor_text(api_client, NODE))
    assert (tree.source, tree.driver, tree.version) == ("cadvisor", "cgroupfs", 2)
    assert len(tree.pods) == 19


def test_stats_summary_through_nodes_proxy_gives_usage_by_pod_uid(api_client):
    summary = parse_summary(read_node_proxy(api_client, NODE, "stats/summary"))
    assert summary.node == NODE
    assert summary.pod("d765336d-6173-4caa-997f-8c63f9ae32aa").name == "coredns-66bc5c9577-d98t2"


def test_an_unknown_node_is_the_api_servers_404(api_client):
    with pytest.raises(ApiError) as raised:
        read_cadvisor_text(api_client, "nope")
    assert raised.value.code == 404
