"""The server's audit: every request a real client makes, named as RBAC names it — kubectl's
exec (a GET upgraded to a websocket) is `pods/exec`, a kubelet read is `nodes/proxy`."""

from __future__ import annotations

import pytest

from explorer.apiserver import ApiServer, ApiStore
from explorer.apiserver.audit import heard
from explorer.demo import build_demo

from .conftest import Kubectl
from .test_exec import kube_proxy_pod


@pytest.fixture
def store() -> ApiStore:
    return ApiStore(build_demo())


def test_kubectls_requests_are_heard_as_verb_resource_and_subresource(
    kubectl: Kubectl, server: ApiServer, store: ApiStore
) -> None:
    server.context.audit = []

    kubectl("-n", "kube-system", "get", "pods")
    kubectl("-n", "kube-system", "exec", kube_proxy_pod(store), "--", "cat", "/etc/resolv.conf")
    kubectl("get", "--raw", "/api/v1/nodes/demo-worker/proxy/metrics/cadvisor")

    named = {(h.verb, h.resource, h.subresource) for h in server.context.audit}
    assert {("list", "pods", ""), ("get", "pods", "exec"), ("get", "nodes", "proxy")} <= named


def test_paths_are_named_as_rbac_names_them() -> None:
    assert heard("GET", "/api/v1/namespaces/a/pods", {"watch": "1"})[:3] == ("watch", "pods", "")
    assert heard("GET", "/api/v1/watch/namespaces/a/pods", {})[:3] == ("watch", "pods", "")
    assert heard("GET", "/apis/apps/v1/deployments", {})[:3] == ("list", "deployments", "")
    assert heard("GET", "/api/v1/namespaces/kube-system", {})[:3] == ("get", "namespaces", "")
    assert heard("GET", "/api/v1/namespaces/a/pods/p/log", {})[:3] == ("get", "pods", "log")
    assert heard("POST", "/api/v1/namespaces/a/pods/p/exec", {})[:3] == ("create", "pods", "exec")
    assert heard("GET", "/version", {})[:3] == ("get", "", "")
