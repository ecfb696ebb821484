from datetime import UTC, datetime

import pytest

from explorer.collectors.kubeproxy.expected import ExpectedPort, expected_ports, index_slices
from explorer.demo import build_demo
from explorer.state.cluster_state import ClusterState

NOW = datetime(2025, 6, 2, 9, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="package")
def demo() -> ClusterState:
    """The default demo cluster, read-only (tests that change it build their own)."""
    return build_demo(now=NOW)


@pytest.fixture
def fresh_demo() -> ClusterState:
    return build_demo(now=NOW)


def expected_on(state: ClusterState, node: str) -> list[ExpectedPort]:
    return expected_ports(state.list("Service"), index_slices(state.list("EndpointSlice")), node)


@pytest.fixture(scope="session")
def kind_dump(real_fixtures) -> str:
    return (real_fixtures / "iptables" / "kind-v1.23.5-traefik-iptables-save.txt").read_text()
