"""Reads of a kubelet through the API server's `nodes/proxy` subresource (the operator must grant
`get` on `nodes/proxy`): any endpoint (`read_node_proxy`), `/metrics/cadvisor` (every cgroup
with its limits and usage, the `id` label being the cgroup path) and `/stats/summary` (each
pod's volumes with their usage, `pvcRef` naming a claim's).
"""

from __future__ import annotations

from urllib.parse import quote

from kubernetes.client import ApiClient

from .transport import open_request, read_all

CADVISOR = "metrics/cadvisor"
SUMMARY = "stats/summary"
TEXT = "text/plain"
JSON = "application/json"
TIMEOUT = (5.0, 60.0)  # a big node's cadvisor text is megabytes


def read_node_proxy(api_client: ApiClient, node: str, endpoint: str, accept: str = JSON) -> bytes:
    """The body of the kubelet's `endpoint` on `node` (raises explorer.kube.transport.ApiError)."""
    path = f"/api/v1/nodes/{quote(node, safe='')}/proxy/{endpoint}"
    return read_all(open_request(api_client, "GET", path, accept=accept, timeout=TIMEOUT))


def read_cadvisor_text(api_client: ApiClient, node: str) -> str:
    return read_node_proxy(api_client, node, CADVISOR, TEXT).decode("utf-8", errors="replace")


def read_summary(api_client: ApiClient, node: str) -> bytes:
    return read_node_proxy(api_client, node, SUMMARY, JSON)
