"""`EtcdClient.sizes()` against a real etcd: every key once, in key order, with its value's size
and encryption as etcd holds them and never the value; resumed after a key at a given revision."""

from __future__ import annotations

import base64
import json

from explorer.etcd.access import access_from_settings
from explorer.etcd.client import EtcdClient
from tests.etcd.writes import put_many, revision_of

from .conftest import etcd  # noqa: F401  (the fixture)

SECRETS = {
    "/registry/secrets/ns/plain": b"k8s\x00plain-SIZES-SECRET-77ab",
    "/registry/secrets/ns/sealed": b"k8s:enc:aesgcm:v1:key2:SIZES-SECRET-ciphertext",
}


def _client(etcd) -> EtcdClient:  # noqa: F811
    return EtcdClient(access_from_settings({"endpoints": etcd.endpoint}))


def _etcds_own_lengths(etcd) -> dict[bytes, int]:  # noqa: F811
    """Every key's value length, as etcdctl reads it."""
    answer = json.loads(etcd.ctl("get", "/registry/", "--prefix", "-w", "json"))
    return {
        base64.b64decode(kv["key"]): len(base64.b64decode(kv.get("value", "")))
        for kv in answer.get("kvs") or []
    }


def _load(etcd, count: int) -> None:  # noqa: F811
    put_many(
        etcd,
        [(f"/registry/configmaps/ns-{n % 7}/o-{n:05d}", "v" * (1 + n % 300)) for n in range(count)],
    )
    for key, value in SECRETS.items():
        etcd.ctl("put", key, input=value)


def test_every_keys_size_is_its_values_length_in_etcd_and_no_value_is_handed_out(etcd):  # noqa: F811
    _load(etcd, 700)
    sized = list(_client(etcd).sizes(page_bytes=4_000))  # many small pages

    assert {s.record.key: s.size for s in sized} == _etcds_own_lengths(etcd)
    assert [s.record.key for s in sized] == sorted(s.record.key for s in sized)
    assert all(s.record.value is None for s in sized)
    by_key = {s.record.text: s for s in sized}
    plain, sealed = (by_key[key] for key in SECRETS)
    assert (plain.secret, plain.size, plain.encryption) == (
        True,
        len(SECRETS[plain.record.text]),
        None,
    )
    assert sealed.encryption is not None
    assert (sealed.encryption.provider, sealed.encryption.key_name) == ("aesgcm", "key2")
    assert b"SIZES-SECRET" not in repr(sized).encode()


def test_sizes_resume_after_a_key_at_the_revision_asked_for(etcd):  # noqa: F811
    _load(etcd, 50)
    at = revision_of(etcd)
    etcd.ctl("put", "/registry/configmaps/ns-0/o-00049", "longer than before")
    etcd.ctl("put", "/registry/configmaps/ns-9/new", "n")
    client = _client(etcd)

    resumed = list(
        client.sizes(after=b"/registry/configmaps/ns-0/o-00042", revision=at, page_bytes=300)
    )

    assert [s.record.text for s in resumed][:2] == [
        "/registry/configmaps/ns-0/o-00049",
        "/registry/configmaps/ns-1/o-00001",
    ]
    assert resumed[0].size == 1 + 49 and resumed[0].record.mod_revision < at + 1
    assert "/registry/configmaps/ns-9/new" not in {s.record.text for s in resumed}
    assert len(resumed) == len([n for n in range(50) if (n % 7, n) > (0, 42)]) + len(SECRETS)
