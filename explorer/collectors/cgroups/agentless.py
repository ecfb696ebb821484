"""The agentless way to a node's cgroups: the kubelet's own endpoints through the API server's
`nodes/proxy` subresource (the operator must grant it: `get` on `nodes/proxy`).

- `/api/v1/nodes/<node>/proxy/metrics/cadvisor`: every cgroup with its limits and usage, the
  `id` label being the cgroup path (cadvisor.py);
- `/api/v1/nodes/<node>/proxy/stats/summary`: usage by pod UID and container name
  (summary.py).
Kept out of the package's imports: it needs explorer.kube, which views may not import.
"""

from __future__ import annotations

from urllib.parse import quote

from kubernetes.client import ApiClient

from explorer.kube.transport import open_request, read_all

from .cadvisor import parse_cadvisor
from .summary import StatsSummary, parse_summary
from .tree import CgroupTree

TEXT = "text/plain"
TIMEOUT = (5.0, 60.0)  # a big node's cadvisor text is megabytes


def _path(node: str, endpoint: str) -> str:
    return f"/api/v1/nodes/{quote(node, safe='')}/proxy/{endpoint}"


def fetch_cadvisor_text(api_client: ApiClient, node: str) -> str:
    """The kubelet's /metrics/cadvisor text (raises explorer.kube.transport.ApiError)."""
    response = open_request(
        api_client, "GET", _path(node, "metrics/cadvisor"), accept=TEXT, timeout=TIMEOUT
    )
    return read_all(response).decode("utf-8", errors="replace")


def fetch_cadvisor_tree(api_client: ApiClient, node: str) -> CgroupTree:
    return parse_cadvisor(fetch_cadvisor_text(api_client, node))


def fetch_summary(api_client: ApiClient, node: str) -> StatsSummary:
    response = open_request(api_client, "GET", _path(node, "stats/summary"), timeout=TIMEOUT)
    return parse_summary(read_all(response))
