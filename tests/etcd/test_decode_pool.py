"""Many values decoded in worker processes come back in order, equal to decoding each in
process; a Secret's value is never decoded there either."""

from __future__ import annotations

import pytest

from explorer.etcd import decode_pool
from explorer.etcd.decode_pool import decode_all
from explorer.etcd.values import decode_value

CANARY = b"TOP-SECRET-7c41"


@pytest.fixture
def stored(real_fixtures):
    storage = real_fixtures / "etcd" / "auger" / "storage"
    # the etcdctl capture added a trailing newline to each (test_real_values.py)
    return {name: (storage / f"{name}.bin").read_bytes()[:-1] for name in ("pod", "job")}


def _items(stored, count: int) -> list[tuple[bytes, bytes]]:
    kinds = [
        (b"/registry/pods/default/pod-%d", stored["pod"]),
        (b"/registry/jobs/default/job-%d", stored["job"]),
        (b"/registry/apiextensions.k8s.io/customresourcedefinitions/c%d.example.com",
         b'{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition"}'),
        (b"/registry/secrets/default/s-%d", b"k8s\x00plain-" + CANARY),
        (b"/registry/secrets/default/e-%d", b"k8s:enc:aescbc:v1:key1:" + CANARY),
        (b"/registry/configmaps/default/cut-%d", stored["pod"][:300]),
        (b"/registry/odd/thing-%d", b"\x08\x96\x01\x12\x03abc"),
    ]  # fmt: skip
    return [(key % n, raw) for n in range(count) for key, raw in kinds]


def test_values_decoded_in_workers_equal_each_decoded_in_process_in_the_same_order(stored):
    items = _items(stored, 400)  # 2,800 values: past the in-process threshold
    assert len(items) >= decode_pool.IN_PROCESS_BELOW

    pooled = list(decode_all(items, workers=2, chunk=64))

    assert pooled == [decode_value(key, raw) for key, raw in items]


def test_a_few_values_are_decoded_in_process_to_the_same(stored):
    items = _items(stored, 3)

    assert list(decode_all(items, workers=2)) == [decode_value(key, raw) for key, raw in items]


def test_no_secrets_value_comes_back_from_the_workers(stored):
    pooled = list(decode_all(_items(stored, 400), workers=2))

    secrets = [value for value in pooled if value.key.startswith("/registry/secrets/")]
    assert len(secrets) == 800
    assert all(value.object is None and value.head is None for value in secrets)
    assert CANARY.decode() not in repr(pooled)
