"""Real data through the client: the key space of a real kubeadm cluster (captured with
`etcdctl get / --prefix --keys-only`) and a Pod's value as kube-apiserver stored it."""

from __future__ import annotations

from pathlib import Path

from explorer.etcd.access import access_from_settings
from explorer.etcd.client import EtcdClient
from tests.etcd.writes import put_many

REAL = Path("/tmp/shared/fixtures/real/etcd")


def _client(etcd) -> EtcdClient:
    return EtcdClient(access_from_settings({"endpoints": etcd.endpoint}))


def test_a_real_clusters_keys_page_back_exactly_as_etcdctl_listed_them(etcd):
    listing = (REAL / "kubeadm-v1.28-single-node-etcdctl-keys-only.txt").read_text()
    keys = [line for line in listing.splitlines() if line.startswith("/")]
    put_many(etcd, [(key, "v") for key in reversed(keys)])
    client = _client(etcd)

    paged = [record.text for record in client.keys(page=100)]
    pods = client.count("/registry/pods/")

    assert len(keys) == 298
    assert paged == keys
    assert client.count() == 298
    assert pods == 7  # the listing's /registry/pods/ keys


def test_a_real_pods_stored_bytes_come_back_byte_for_byte(etcd):
    stored = (REAL / "auger/storage/pod.bin").read_bytes().removesuffix(b"\n")
    key = (REAL / "auger/boltdb/page2item1-key.txt").read_text().strip()
    etcd.ctl("put", key, input=stored)

    value = _client(etcd).value(key)

    assert value is not None
    assert value.record.value == stored
    assert value.record.value.startswith(b"k8s\x00")
    assert value.size == len(stored) and value.encryption is None
