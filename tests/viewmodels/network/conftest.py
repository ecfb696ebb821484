from datetime import UTC, datetime

import pytest

from explorer.demo import build_demo

NOW = datetime(2025, 6, 2, 9, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo():
    """The default demo cluster at NOW (read-only)."""
    return build_demo(now=NOW)
