"""A listing larger than a page, read resource range by resource range in threads (keys() and
values()), against a real etcd: every key once, in key order, all at the revision of the first
page; Secrets' values withheld; an abandoned listing stops its readers."""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time

import pytest

from explorer.etcd.access import access_from_settings
from explorer.etcd.client import EtcdClient
from explorer.etcd.errors import RevisionCompacted
from explorer.etcd.range_reads import prefix_end, resource_ranges
from explorer.etcd.stored_resources import BUILT_IN
from tests.etcd.writes import put_many, revision_of

# keys of many resources, keys between and around them, custom resources, the API server's
# own records, keys that only start like a resource's segment
KEYS = sorted(
    [f"/registry/pods/ns-{n % 3}/web-{n:04d}" for n in range(60)]
    + [f"/registry/events/ns-{n % 2}/web-{n:04d}.17f3a9c2" for n in range(40)]
    + [f"/registry/services/specs/ns-0/svc-{n}" for n in range(7)]
    + [f"/registry/services/endpoints/ns-0/svc-{n}" for n in range(7)]
    + [f"/registry/minions/node-{n}" for n in range(9)]
    + [f"/registry/cr.example.com/widgets/ns-0/w-{n}" for n in range(11)]
    + [f"/registry/ingress/ns-0/i-{n}" for n in range(3)]
    + [f"/registry/ingressclasses/c-{n}" for n in range(2)]
    + [
        "/registry/aaa-before-everything",
        "/registry/masterleases/10.0.0.1",
        "/registry/ranges/serviceips",
        "/registry/pods",
        "/registry/podsX/odd",
        "/registry/zzz-after-everything",
        "/registry/~tilde",
    ]
)
OUTSIDE = ["/registrx", "/registry-other/a", "compact_rev_key"]
SECRETS = {
    "/registry/secrets/ns-0/plain": "k8s\x00plain-TOP-SECRET-4f1d",
    "/registry/secrets/ns-0/sealed": "k8s:enc:aescbc:v1:key1:TOP-SECRET-ciphertext-9c2e",
}


def _client(etcd, **options) -> EtcdClient:
    return EtcdClient(access_from_settings({"endpoints": etcd.endpoint}), **options)


def _load(etcd) -> None:
    put_many(etcd, [(key, f"value-of-{key}") for key in reversed(KEYS + OUTSIDE)])
    for key, value in SECRETS.items():
        etcd.ctl("put", key, input=value.encode())


def _listed_by_etcdctl(etcd, *extra: str) -> list[str]:
    answer = json.loads(
        etcd.ctl("get", "/registry/", "--prefix", "--keys-only", "-w", "json", *extra)
    )
    return [base64.b64decode(kv["key"]).decode() for kv in answer.get("kvs", [])]


def test_resource_ranges_cover_the_range_exactly_once_each_resource_in_a_range_of_its_own():
    start, end = b"/registry/", prefix_end(b"/registry/")

    ranges = resource_ranges(start, end, "/registry")

    assert ranges[0][0] == start and ranges[-1][1] == end
    assert all(low < high for low, high in ranges)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    starts = {low for low, _ in ranges}
    assert all(f"/registry/{r.segment}/".encode() in starts for r in BUILT_IN)


def test_resource_ranges_of_a_range_inside_one_resource_is_that_range():
    start = b"/registry/pods/ns-1/web-0042\x00"

    assert resource_ranges(start, b"/registry/pods0", "/registry") == [(start, b"/registry/pods0")]


@pytest.mark.parametrize("readers", [1, 4])
def test_keys_larger_than_a_page_come_range_by_range_every_key_once_in_key_order(etcd, readers):
    _load(etcd)

    listed = [record.text for record in _client(etcd).keys(page=4, readers=readers)]

    assert listed == _listed_by_etcdctl(etcd)
    assert listed == sorted(KEYS + list(SECRETS))


def test_keys_split_into_ranges_are_all_read_at_the_revision_of_the_first_page(etcd):
    _load(etcd)
    before = revision_of(etcd)
    listing = _client(etcd).keys(page=4)
    first = next(listing)
    put_many(etcd, [(f"/registry/pods/ns-9/late-{n}", "x") for n in range(5)])
    put_many(etcd, [("/registry/zzz-late", "x"), ("/registry/aab-late", "x")])
    etcd.ctl("del", "/registry/events/", "--prefix")

    listed = [first.text] + [record.text for record in listing]

    assert listed == _listed_by_etcdctl(etcd, f"--rev={before}")
    assert listed != _listed_by_etcdctl(etcd)


def test_a_compaction_during_a_split_listing_ends_it_as_revision_compacted(etcd):
    _load(etcd)
    listing = _client(etcd).keys(page=2)
    next(listing)  # the readers hold at most a few pages each ahead: most are still to read
    etcd.ctl("put", "/registry/zzz-late", "x")
    etcd.ctl("compact", str(revision_of(etcd)))

    with pytest.raises(RevisionCompacted):
        list(listing)


def test_an_abandoned_listing_stops_its_readers(etcd):
    _load(etcd)
    listing = _client(etcd).keys(page=2)
    next(listing)

    listing.close()

    deadline = time.monotonic() + 10
    while any(t.name.startswith("etcd range") for t in threading.enumerate()):
        assert time.monotonic() < deadline, "readers still running after the listing closed"
        time.sleep(0.05)


def test_values_come_in_key_order_each_once_with_the_bytes_etcd_holds(etcd):
    _load(etcd)
    big = "/registry/configmaps/ns-0/big"
    etcd.ctl("put", big, input=b"k8s\x00" + bytes(range(256)) * 40)  # 10 KiB, over a page
    answer = json.loads(etcd.ctl("get", "/registry/", "--prefix", "-w", "json"))
    held = {
        base64.b64decode(kv["key"]): base64.b64decode(kv.get("value", "")) for kv in answer["kvs"]
    }

    values = list(_client(etcd).values(page_bytes=2_000))

    assert [v.record.key for v in values] == sorted(held)
    for value in values:
        if not value.withheld:
            assert value.record.value == held[value.record.key]
            assert value.size == len(held[value.record.key])


def test_values_withhold_every_secrets_value_and_tell_its_size_and_encryption(etcd):
    _load(etcd)

    values = {v.record.text: v for v in _client(etcd).values(page_bytes=2_000)}

    for key, stored in SECRETS.items():
        assert values[key].withheld and values[key].record.value is None
        assert values[key].size == len(stored.encode())
    assert values["/registry/secrets/ns-0/sealed"].encryption.provider == "aescbc"
    assert values["/registry/secrets/ns-0/plain"].encryption is None
    assert "TOP-SECRET" not in repr(list(values.values()))
    assert sum(not v.withheld for v in values.values()) == len(KEYS)


def test_values_are_all_read_at_the_revision_of_the_first_page(etcd):
    _load(etcd)
    before = revision_of(etcd)
    listing = _client(etcd).values(page_bytes=2_000)
    first = next(listing)
    put_many(etcd, [(key, "changed") for key in KEYS])

    values = [first, *listing]

    assert all(v.record.mod_revision <= before for v in values)
    assert all(
        v.record.value == f"value-of-{v.record.text}".encode() for v in values if not v.withheld
    )


def test_a_values_page_too_large_for_an_answer_is_read_again_in_smaller_pages(etcd):
    put_many(etcd, [(f"/registry/pods/ns-0/p-{n:03d}", "v" * 1_500) for n in range(120)])
    client = _client(etcd, max_answer_bytes=24_000)  # about ten of these values an answer

    values = list(client.values(page_bytes=10_000_000))  # asks for far more than fit

    assert [v.record.text for v in values] == [f"/registry/pods/ns-0/p-{n:03d}" for n in range(120)]
    assert all(v.record.value == b"v" * 1_500 for v in values)
