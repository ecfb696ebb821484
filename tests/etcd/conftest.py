from __future__ import annotations

import pytest

from tests.etcd_server import etcd_installed, running_etcd


@pytest.fixture
def etcd(tmp_path):
    """A real etcd of the test's own (Debian's etcd-server: `bash scripts/test-deps`)."""
    if not etcd_installed():
        pytest.skip("etcd and etcdctl not installed (Debian's etcd-server and etcd-client)")
    with running_etcd(tmp_path) as server:
        yield server
