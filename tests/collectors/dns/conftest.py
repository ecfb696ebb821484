from datetime import UTC, datetime

import pytest

from explorer.demo import build_demo

NOW = datetime(2025, 6, 2, 9, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="package")
def demo():
    """The default demo cluster (read-only: tests that change state copy what they change)."""
    return build_demo(now=NOW)


@pytest.fixture(scope="package")
def coredns_fixtures(real_fixtures):
    return real_fixtures / "coredns"
