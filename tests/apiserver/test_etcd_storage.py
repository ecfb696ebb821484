"""The demo's cluster kept in a real etcd as kube-apiserver keeps one: keys, encoding,
revisions as resourceVersions, Event leases, expiry learnt from a watch, compaction, Secrets
encrypted at rest — and what kubectl shows equal to what etcd holds."""

from __future__ import annotations

import json
import time

import pytest

from explorer.apiserver import ApiServer, ApiStore
from explorer.apiserver.etcd_storage import COMPACT_REV_KEY, EtcdStorage
from explorer.apiserver.etcd_writes import EtcdWrites
from explorer.etcd.values import decode_value
from explorer.lib.choices import DELETED, MODIFIED
from explorer.lib.resources import BY_KIND
from explorer.runtime.demo_cluster import demo_state
from tests.etcd.conftest import etcd  # noqa: F401  (the fixture)
from tests.etcd.stored_form import as_stored

from .conftest import KUBECTL, Kubectl


def _kv(etcd, key: str, *flags: str) -> dict:  # noqa: F811
    kvs = json.loads(etcd.ctl("get", key, "-w", "json", *flags)).get("kvs") or []
    return kvs[0] if kvs else {}


def _value(etcd, key: str) -> bytes:  # noqa: F811
    return etcd.ctl("get", key, "--print-value-only").removesuffix(b"\n")


@pytest.fixture
def etcd_store(etcd):  # noqa: F811
    storage = EtcdStorage(EtcdWrites(etcd.endpoint), event_ttl=3600, compact_every=0)
    store = ApiStore(demo_state(), storage=storage)
    storage.start(store)
    yield store, storage
    storage.stop()


def _every_object(store: ApiStore):
    for kind in store.state.kinds():
        for obj in store.state.list(kind):
            yield kind, obj


def test_every_object_of_the_demo_is_a_key_whose_revision_is_its_resource_version(etcd, etcd_store):  # noqa: F811
    store, storage = etcd_store
    keys = set(etcd.ctl("get", "/registry/", "--prefix", "--keys-only").decode().split())

    for kind, obj in _every_object(store):
        key = storage.key(kind, obj)
        assert key in keys, (kind, key)
        kv = _kv(etcd, key)
        assert str(kv["mod_revision"]) == obj["metadata"]["resourceVersion"], key
    assert "/registry/services/specs/shop/api" in keys
    assert "/registry/minions/demo-worker" in keys or any(
        k.startswith("/registry/minions/") for k in keys
    )


def test_a_stored_value_decodes_to_the_object_served_apart_from_its_version(etcd, etcd_store):  # noqa: F811
    store, storage = etcd_store
    checked = 0
    for kind, obj in _every_object(store):
        if kind == "Secret":
            continue
        key = storage.key(kind, obj)
        stored = decode_value(key, _value(etcd, key))
        assert stored.object == as_stored(obj), key
        assert "resourceVersion" not in stored.object["metadata"]
        checked += 1
    assert checked > 300


def test_built_in_kinds_are_protobuf_and_crds_json(etcd, etcd_store):  # noqa: F811
    store, storage = etcd_store
    pod = next(store.state.list("Pod"))
    crd = next(store.state.list("CustomResourceDefinition"))

    assert _value(etcd, storage.key("Pod", pod)).startswith(b"k8s\x00")
    assert json.loads(_value(etcd, storage.key("CustomResourceDefinition", crd)))["kind"] == (
        "CustomResourceDefinition"
    )


def test_secrets_are_encrypted_at_rest_and_nothing_else_is(etcd, etcd_store):  # noqa: F811
    store, storage = etcd_store
    for kind, obj in _every_object(store):
        raw = _value(etcd, storage.key(kind, obj))
        assert raw.startswith(b"k8s:enc:aescbc:v1:key1:") == (kind == "Secret"), kind


def test_events_share_a_lease_of_the_event_ttl_and_its_margin(etcd, etcd_store):  # noqa: F811
    store, storage = etcd_store
    leases = {_kv(etcd, storage.key("Event", e))["lease"] for e in store.state.list("Event")}

    assert len(leases) == 1
    (lease,) = leases
    ttl = json.loads(etcd.ctl("lease", "timetolive", format(lease, "x"), "-w", "json"))
    assert ttl["granted-ttl"] == 3660
    assert _kv(etcd, storage.key("Pod", next(store.state.list("Pod")))).get("lease", 0) == 0


def test_a_change_is_written_through_with_the_revision_etcd_gave_it(etcd, etcd_store):  # noqa: F811
    store, storage = etcd_store
    pod = next(store.state.list("Pod"))
    changed = {**pod, "metadata": {**pod["metadata"], "labels": {"changed": "yes"}}}

    record = store.apply({"type": MODIFIED, "object": changed})

    kv = _kv(etcd, storage.key("Pod", pod))
    assert record.rv == kv["mod_revision"]
    assert decode_value(storage.key("Pod", pod), _value(etcd, storage.key("Pod", pod))).object[
        "metadata"
    ]["labels"] == {"changed": "yes"}
    deleted = store.apply({"type": DELETED, "object": changed})
    assert deleted.rv == record.rv + 1
    assert _kv(etcd, storage.key("Pod", pod)) == {}


def test_an_event_whose_lease_runs_out_is_deleted_and_watchers_are_told_in_order(etcd):  # noqa: F811
    storage = EtcdStorage(EtcdWrites(etcd.endpoint), event_ttl=2, compact_every=0)
    store = ApiStore(demo_state(), storage=storage)
    storage.start(store)
    try:
        before = store.resource_version
        events = store.state.count("Event")
        deadline = time.monotonic() + 20
        while store.state.count("Event") and time.monotonic() < deadline:
            time.sleep(0.2)
        pod = next(store.state.list("Pod"))
        later = store.apply(
            {
                "type": MODIFIED,
                "object": {**pod, "metadata": {**pod["metadata"], "labels": {"a": "b"}}},
            }
        )
    finally:
        storage.stop()

    assert store.state.count("Event") == 0
    gone = [r for r in store._history.newest_first() if r.kind == "Event"]
    assert len(gone) == events
    assert all(r.type == DELETED and r.rv > before for r in gone)
    assert later.rv > max(r.rv for r in gone)
    assert etcd.ctl("get", "/registry/events/", "--prefix", "--keys-only").strip() == b""


def test_events_whose_leases_ran_out_before_the_store_was_started_are_never_served(etcd):  # noqa: F811
    """A big state takes longer to write than an Event's lease lasts: the Events etcd let go
    before the revision the watch starts from are dropped, without a watch event."""
    storage = EtcdStorage(EtcdWrites(etcd.endpoint), event_ttl=2, compact_every=0)
    store = ApiStore(demo_state(), storage=storage)
    assert store.state.count("Event") > 0
    deadline = time.monotonic() + 20
    while etcd.ctl("get", "/registry/events/", "--prefix", "--keys-only").strip():
        assert time.monotonic() < deadline, "etcd kept the Events past their leases"
        time.sleep(0.2)
    pod = next(store.state.list("Pod"))  # a write after the expiries: the watch starts past them
    store.apply(
        {"type": MODIFIED, "object": {**pod, "metadata": {**pod["metadata"], "labels": {}}}}
    )
    storage.start(store)
    try:
        assert store.state.count("Event") == 0
        assert not [r for r in store._history.newest_first() if r.kind == "Event"]
    finally:
        storage.stop()


def test_compaction_follows_kube_apiservers_schedule_and_old_versions_are_gone(etcd, etcd_store):  # noqa: F811
    store, storage = etcd_store
    pod = next(store.state.list("Pod"))

    storage.compact_once()  # the first step records the revision, compacts nothing
    first = int(_value(etcd, COMPACT_REV_KEY) or b"0")
    first_rv = store.resource_version
    store.apply(
        {"type": MODIFIED, "object": {**pod, "metadata": {**pod["metadata"], "labels": {"x": "1"}}}}
    )
    storage.compact_once()  # compacts to the revision of the previous step

    assert first == 0
    assert int(_value(etcd, COMPACT_REV_KEY)) == first_rv
    assert _kv(etcd, COMPACT_REV_KEY)["version"] == 2
    with pytest.raises(Exception):  # noqa: B017 (etcdctl's exit status)
        etcd.ctl("get", "/registry/pods/", "--prefix", f"--rev={first_rv - 1}")
    assert not store._history.retains(first_rv - 1)
    assert store._history.retains(first_rv)


def test_kubectl_shows_what_etcd_holds(etcd, etcd_store, tmp_path):  # noqa: F811
    if not KUBECTL.exists():
        pytest.skip(f"kubectl not found at {KUBECTL}")
    store, storage = etcd_store
    server = ApiServer(store).start()
    try:
        kubectl = Kubectl(server.url, tmp_path)
        for kind in ("Pod", "Deployment", "Service", "Node", "ConfigMap", "Lease", "Event"):
            resource = BY_KIND[kind]
            listed = json.loads(kubectl("get", resource.name, "-A", "-o", "json").stdout)
            assert listed["items"], kind
            for item in listed["items"]:
                key = storage.key(kind, item)
                kv = _kv(etcd, key)
                assert str(kv["mod_revision"]) == item["metadata"]["resourceVersion"]
                stored = decode_value(key, _value(etcd, key)).object
                assert stored == as_stored(item), key
    finally:
        server.stop()
