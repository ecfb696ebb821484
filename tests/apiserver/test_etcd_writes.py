import json
import subprocess
import threading

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from explorer.apiserver.encryption_at_rest import AescbcKey
from explorer.apiserver.etcd_writes import EtcdWriteError, EtcdWrites, Put
from explorer.apiserver.event_leases import EventLeases, reuse_margin
from tests.etcd.conftest import etcd  # noqa: F401  (the fixture)


def _get(etcd, key: str) -> dict:  # noqa: F811
    kvs = json.loads(etcd.ctl("get", key, "-w", "json")).get("kvs") or []
    return kvs[0] if kvs else {}


def test_each_write_answers_with_the_revision_etcd_gave_it(etcd):  # noqa: F811
    writes = EtcdWrites(etcd.endpoint)
    first = writes.put(Put("/registry/pods/default/a", b"k8s\x00one"))
    second = writes.put(Put("/registry/pods/default/a", b"k8s\x00two"))

    assert second == first + 1
    assert int(_get(etcd, "/registry/pods/default/a")["mod_revision"]) == second
    assert writes.revision() == second


def test_a_delete_of_a_missing_key_leaves_the_revision_and_deletes_nothing(etcd):  # noqa: F811
    writes = EtcdWrites(etcd.endpoint)
    now = writes.put(Put("/registry/pods/default/a", b"x"))

    assert writes.delete("/registry/pods/default/none") == (now, 0)
    assert writes.delete("/registry/pods/default/a") == (now + 1, 1)


def test_many_puts_go_in_transactions_under_etcds_request_limits(etcd):  # noqa: F811
    writes = EtcdWrites(etcd.endpoint)
    puts = [Put(f"/registry/configmaps/big/{i:04d}", b"v" * 20_000) for i in range(300)]

    revisions = writes.put_all(puts)

    assert len(revisions) == 300
    assert len(set(revisions)) > 1  # 6 MB: more than one transaction
    assert revisions == sorted(revisions)
    keys = etcd.ctl("get", "/registry/configmaps/big/", "--prefix", "--keys-only").split()
    assert len(keys) == 300


def test_the_compaction_step_puts_only_when_no_one_else_did(etcd):  # noqa: F811
    writes = EtcdWrites(etcd.endpoint)

    done, revision, version = writes.compare_version_and_put("compact_rev_key", 0, "0")
    assert (done, version) == (True, 1)
    assert _get(etcd, "compact_rev_key")["mod_revision"] == revision

    again, _, version_now = writes.compare_version_and_put("compact_rev_key", 0, "5")
    assert (again, version_now) == (False, 1)


def test_a_compacted_revision_can_no_longer_be_read(etcd):  # noqa: F811
    writes = EtcdWrites(etcd.endpoint)
    old = writes.put(Put("/registry/pods/default/a", b"one"))
    writes.put(Put("/registry/pods/default/a", b"two"))

    writes.compact(old + 1)

    with pytest.raises(subprocess.CalledProcessError) as refused:
        etcd.ctl("get", "/registry/pods/default/a", f"--rev={old}")
    assert b"required revision has been compacted" in refused.value.stderr


def test_a_watch_sees_a_lease_run_out_as_a_deletion(etcd):  # noqa: F811
    writes = EtcdWrites(etcd.endpoint)
    lease = writes.grant_lease(2)
    start = writes.put(Put("/registry/events/default/e1", b"x", lease))
    changes, cancel = writes.watch_prefix("/registry/events/", start + 1)
    seen = []
    reader = threading.Thread(target=lambda: seen.append(next(changes)))
    reader.start()
    reader.join(timeout=15)
    cancel()

    assert seen and seen[0].deleted
    assert seen[0].key == "/registry/events/default/e1"
    assert seen[0].revision == start + 1


def test_an_etcd_that_is_not_there_is_one_clear_error():
    with pytest.raises(EtcdWriteError, match="etcd /kv/put"):
        EtcdWrites("http://127.0.0.1:9", timeout=1).put(Put("/k", b"v"))


def test_events_written_within_the_margin_share_one_lease():
    granted = []
    now = [1000.0]

    def grant(ttl):
        granted.append(ttl)
        return len(granted)

    leases = EventLeases(grant, 3600, clock=lambda: now[0])
    first = leases.lease_for_a_write()
    now[0] += 59
    same = leases.lease_for_a_write()
    now[0] += 2
    later = leases.lease_for_a_write()

    assert first == same != later
    assert granted == [3660, 3660]
    assert reuse_margin(3600) == 60
    assert reuse_margin(600) == 30


def test_a_secret_is_stored_as_kube_apiservers_aescbc_provider_writes_it():
    secret = bytes(range(32))
    stored = AescbcKey("key1", secret).encrypt(b"k8s\x00the secret's protobuf")

    assert stored.startswith(b"k8s:enc:aescbc:v1:key1:")
    body = stored[len(b"k8s:enc:aescbc:v1:key1:") :]
    iv, ciphertext = body[:16], body[16:]
    decryptor = Cipher(algorithms.AES(secret), modes.CBC(iv)).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    plain = (
        unpadder.update(decryptor.update(ciphertext) + decryptor.finalize()) + unpadder.finalize()
    )
    assert plain == b"k8s\x00the secret's protobuf"
    assert b"protobuf" not in stored
