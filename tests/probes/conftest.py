"""The demo cluster for the probe tests: its state, and the project's API server over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from explorer.apiserver import ApiServer, ApiStore, Policy
from explorer.demo import build_demo
from explorer.kube.config import Cluster, load_kubeconfig
from explorer.runtime.demo_cluster import write_kubeconfig
from explorer.state.cluster_state import ClusterState


@pytest.fixture
def demo() -> ClusterState:
    return build_demo()


@pytest.fixture
def policy() -> Policy:
    return Policy()


@pytest.fixture
def server(demo: ClusterState, policy: Policy) -> Iterator[ApiServer]:
    served = ApiServer(ApiStore(demo), policy=policy).start()
    yield served
    served.stop()


@pytest.fixture
def cluster(server: ApiServer) -> Iterator[Cluster]:
    path = write_kubeconfig(server.url)
    try:
        connected = load_kubeconfig(str(path)).connect()
    finally:
        path.unlink()
    yield connected
    connected.api_client.close()
