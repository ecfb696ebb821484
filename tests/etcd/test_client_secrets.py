"""A Secret's value never comes out of the etcd client: not from a value read, a history or a
watch event — its key, size, revisions and encryption state only."""

from __future__ import annotations

from explorer.etcd.access import access_from_settings
from explorer.etcd.client import EtcdClient
from explorer.etcd.encryption import Encryption

SECRET_KEY = "/registry/secrets/default/db-password"
PLAIN = "k8s\x00plain-TOP-SECRET-4f1d"
ENCRYPTED = "k8s:enc:aescbc:v1:key1:TOP-SECRET-ciphertext-9c2e"


def _client(etcd) -> EtcdClient:
    return EtcdClient(access_from_settings({"endpoints": etcd.endpoint}))


def test_a_secrets_value_is_withheld_with_its_size_and_revisions_told(etcd):
    etcd.ctl("put", SECRET_KEY, input=PLAIN.encode())

    stored = _client(etcd).value(SECRET_KEY)

    assert stored is not None
    assert stored.withheld and stored.record.value is None
    assert stored.size == len(PLAIN.encode())
    assert (stored.record.create_revision, stored.record.mod_revision) == (2, 2)
    assert stored.encryption is None  # stored in plain text, and the page may say so
    assert "TOP-SECRET" not in repr(stored)


def test_an_encrypted_secret_tells_its_provider_and_key_name_and_nothing_after(etcd):
    etcd.ctl("put", SECRET_KEY, ENCRYPTED)

    stored = _client(etcd).value(SECRET_KEY)

    assert stored is not None
    assert stored.encryption == Encryption(provider="aescbc", version="v1", key_name="key1")
    assert stored.record.value is None
    assert "TOP-SECRET" not in repr(stored)


def test_a_secrets_history_and_watch_events_carry_no_value(etcd):
    client = _client(etcd)
    watch = client.watch()
    etcd.ctl("put", SECRET_KEY, input=PLAIN.encode())
    etcd.ctl("put", SECRET_KEY, ENCRYPTED)
    events = [watch.next_event(timeout=10) for _ in range(2)]
    watch.cancel()

    history = client.history(SECRET_KEY)

    assert [v.withheld for v in history.versions] == [True, True]
    assert [v.record.value for v in history.versions] == [None, None]
    assert [v.size for v in history.versions] == [len(ENCRYPTED), len(PLAIN)]
    assert [e.secret for e in events] == [True, True]  # type: ignore[union-attr]
    assert [e.size for e in events] == [len(PLAIN), len(ENCRYPTED)]  # type: ignore[union-attr]
    assert events[1].encryption == Encryption("aescbc", "v1", "key1")  # type: ignore[union-attr]
    assert "TOP-SECRET" not in repr(history) + repr(events)


def test_other_values_are_handed_out_whole(etcd):
    etcd.ctl("put", "/registry/configmaps/default/settings", input=b"k8s\x00plain")
    etcd.ctl("put", "/registry/secretsmanager/x", "not a Secret's key")

    client = _client(etcd)
    configmap = client.value("/registry/configmaps/default/settings")
    neighbour = client.value("/registry/secretsmanager/x")

    assert configmap is not None and configmap.record.value == b"k8s\x00plain"
    assert neighbour is not None and neighbour.record.value == b"not a Secret's key"
