"""A cluster's etcd listing read through the client (a real etcd), kept as a snapshot's extra and
read back; a kept listing of the wrong shape is refused in one line."""

from __future__ import annotations

import base64
import json
import time

import orjson
import pytest

from explorer.etcd.access import EtcdAccess
from explorer.etcd.client import EtcdClient
from explorer.etcd.listing_read import (
    MAX_LISTED_KEYS,
    ListingShapeError,
    SizeCache,
    listing_from_json,
    read_listing,
)
from tests.etcd.writes import put_many

from .conftest import etcd  # noqa: F401  (the fixture)


class CountingClient(EtcdClient):
    """The real client, counting its reads of one value, its passes of sizes() and where each
    began, and its keys-only listings."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.values_read = 0
        self.size_passes: list[tuple[object, bytes | None]] = []
        self.listings = 0

    def value(self, key, revision=None):
        self.values_read += 1
        return super().value(key, revision)

    def sizes(self, prefix=None, *, after=None, **options):
        self.size_passes.append((prefix, after))
        return super().sizes(prefix, after=after, **options)

    def keys(self, prefix=None, **options):
        self.listings += 1
        return super().keys(prefix, **options)


class SlowSizes(CountingClient):
    """The real client, whose sizes() pauses after each of the first keys: a pass the budget
    cuts short, whatever the machine's speed."""

    def sizes(self, prefix=None, **options):
        for index, sized in enumerate(super().sizes(prefix, **options)):
            if index >= 5:
                time.sleep(0.2)
            yield sized


def _access(etcd) -> EtcdAccess:  # noqa: F811
    return EtcdAccess(endpoints=(etcd.endpoint,))


def _etcds_own_lengths(etcd) -> dict[str, int]:  # noqa: F811
    answer = json.loads(etcd.ctl("get", "/registry/", "--prefix", "-w", "json"))
    return {
        base64.b64decode(kv["key"]).decode(): len(base64.b64decode(kv.get("value", "")))
        for kv in answer.get("kvs") or []
    }


def test_a_listing_has_every_key_with_its_size_and_encryption_and_no_value(etcd):  # noqa: F811
    etcd.ctl("put", "/registry/configmaps/a/one", "x" * 10)
    etcd.ctl("put", "/registry/secrets/a/s", "k8s:enc:aescbc:v1:key1:" + "s3cret-canary")
    etcd.ctl("put", "/registry/pods/a/p", "plain-canary")
    client = CountingClient(EtcdAccess(endpoints=(etcd.endpoint,)))

    listing = read_listing(client, "a test etcd", with_leases=False)
    kept = orjson.dumps(listing.as_json())

    by_key = {k.key: k for k in listing.keys}
    assert set(by_key) == {
        "/registry/configmaps/a/one",
        "/registry/secrets/a/s",
        "/registry/pods/a/p",
    }
    assert by_key["/registry/configmaps/a/one"].size == 10
    assert by_key["/registry/configmaps/a/one"].encryption == ""
    assert by_key["/registry/secrets/a/s"].encryption == "aescbc v1 key1"
    assert listing.status is not None and listing.revision == listing.status["revision"]
    assert b"canary" not in kept
    assert listing_from_json(orjson.loads(kept)).keys == listing.keys


def test_sizes_are_read_again_only_for_keys_written_since(etcd):  # noqa: F811
    for n in range(5):
        etcd.ctl("put", f"/registry/configmaps/a/c{n}", "v")
    client = CountingClient(EtcdAccess(endpoints=(etcd.endpoint,)))
    sizes = SizeCache()
    read_listing(client, "etcd", sizes=sizes, with_leases=False)
    etcd.ctl("put", "/registry/configmaps/a/c0", "longer")
    client.values_read = 0

    listing = read_listing(client, "etcd", sizes=sizes, with_leases=False)

    assert client.values_read == 1
    assert {k.key: k.size for k in listing.keys}["/registry/configmaps/a/c0"] == 6


def test_sizes_not_read_in_time_are_counted_and_the_keys_still_listed(etcd):  # noqa: F811
    for n in range(3):
        etcd.ctl("put", f"/registry/configmaps/a/c{n}", "v")
    client = EtcdClient(EtcdAccess(endpoints=(etcd.endpoint,)))

    listing = read_listing(client, "etcd", budget=0, with_leases=False)

    assert listing.unsized == 3 and len(listing.keys) == 3
    assert all(k.size is None and k.encryption is None for k in listing.keys)


def test_twenty_thousand_keys_are_all_sized_within_the_budget_on_the_first_load(etcd):  # noqa: F811
    put_many(
        etcd,
        [(f"/registry/events/ns-{n % 13}/e-{n:05d}", "e" * (50 + n % 900)) for n in range(20_000)],
    )
    etcd.ctl("put", "/registry/secrets/ns/s", input=b"k8s:enc:aescbc:v1:key1:LISTED-SECRET")
    client = CountingClient(_access(etcd))

    started = time.monotonic()
    listing = read_listing(client, "a test etcd", sizes=SizeCache(), with_leases=False)
    took = time.monotonic() - started

    assert took < 8.0  # the page's budget
    assert listing.unsized == 0 and len(listing.keys) == 20_001
    assert {k.key: k.size for k in listing.keys} == _etcds_own_lengths(etcd)
    assert (client.size_passes, client.values_read, client.listings) == (
        [("/registry/", None)],
        0,
        0,
    )
    secret = next(k for k in listing.keys if k.key == "/registry/secrets/ns/s")
    assert (secret.size, secret.encryption) == (
        len(b"k8s:enc:aescbc:v1:key1:LISTED-SECRET"),
        "aescbc v1 key1",
    )
    assert b"LISTED-SECRET" not in orjson.dumps(listing.as_json())


def test_a_first_load_cut_by_the_budget_lists_every_key_and_says_how_many_are_unsized(etcd):  # noqa: F811
    put_many(etcd, [(f"/registry/configmaps/ns/c{n:03d}", "v" * n) for n in range(1, 201)])
    client = SlowSizes(_access(etcd))

    listing = read_listing(client, "etcd", budget=1.0, with_leases=False)

    sized = [k for k in listing.keys if k.size is not None]
    assert [k.key for k in listing.keys] == [
        f"/registry/configmaps/ns/c{n:03d}" for n in range(1, 201)
    ]
    assert 5 <= len(sized) < 200 and listing.unsized == 200 - len(sized)
    assert [k.size for k in sized] == list(range(1, len(sized) + 1))  # the first keys, in order


def test_a_sizing_pass_that_fails_leaves_the_keys_listed_and_says_why(etcd):  # noqa: F811
    for name, size in (("a", 10), ("b", 20), ("c", 500), ("d", 30)):
        etcd.ctl("put", f"/registry/configmaps/ns/{name}", "v" * size)
    client = EtcdClient(_access(etcd), max_value_bytes=100)  # c's value is refused

    listing = read_listing(client, "etcd", with_leases=False)

    assert [(k.key[-1], k.size) for k in listing.keys] == [
        ("a", 10),
        ("b", 20),
        ("c", None),
        ("d", None),
    ]
    assert listing.unsized == 2
    assert listing.problems == [
        "the values' sizes: /registry/configmaps/ns/c: its value is 500 bytes, over the "
        "100-byte limit"
    ]


def test_a_load_with_many_changed_keys_reads_again_only_the_resources_they_are_in(etcd):  # noqa: F811
    put_many(etcd, [(f"/registry/configmaps/ns/c{n:04d}", "v") for n in range(1_000)])
    put_many(etcd, [(f"/registry/pods/ns/p{n:04d}", "pod") for n in range(500)])
    put_many(etcd, [(f"/registry/leases/ns/l{n:04d}", "lease") for n in range(500)])
    client = CountingClient(_access(etcd))
    sizes = SizeCache()
    read_listing(client, "etcd", sizes=sizes, with_leases=False)
    put_many(etcd, [(f"/registry/configmaps/ns/c{n:04d}", "longer") for n in range(600, 1_000)])
    put_many(etcd, [(f"/registry/leases/ns/l{n:04d}", "renewed") for n in (7, 300)])
    client.size_passes.clear()

    listing = read_listing(client, "etcd", sizes=sizes, with_leases=False)

    # the ConfigMaps from the first changed; the two Leases one by one; the Pods not at all
    assert client.size_passes == [(b"/registry/configmaps/", b"/registry/configmaps/ns/c0599")]
    assert client.values_read == 2 and listing.unsized == 0
    by_key = {k.key: k.size for k in listing.keys}
    assert [by_key[f"/registry/configmaps/ns/c{n:04d}"] for n in range(1_000)] == [1] * 600 + [
        6
    ] * 400
    assert (by_key["/registry/leases/ns/l0007"], by_key["/registry/leases/ns/l0008"]) == (7, 5)
    assert len(sizes) == 2_000


GOOD = {
    "way": "w",
    "prefix": "/registry",
    "read_at": 1.0,
    "revision": 3,
    "status": None,
    "keys": [["/registry/pods/a/b", 1, 2, 1, 0, 10, ""]],
    "leases": [[1, 60, 30, 2]],
}


@pytest.mark.parametrize(
    "broken",
    [
        [],
        {**GOOD, "keys": "nope"},
        {**GOOD, "keys": [["/registry/pods/a/b", 1, 2]]},
        {**GOOD, "keys": [["/registry/pods/a/b", "1", 2, 1, 0, 10, ""]]},
        {**GOOD, "keys": [["/registry/pods/a/b", 1, 2, 1, 0, True, ""]]},
        {**GOOD, "leases": [[1, 60]]},
        {**GOOD, "revision": None},
        {k: v for k, v in GOOD.items() if k != "way"},
        {**GOOD, "keys": [["x" * 5000, 1, 2, 1, 0, 10, ""]]},
    ],
)
def test_a_kept_listing_of_the_wrong_shape_is_refused_in_one_line(broken):
    with pytest.raises(ListingShapeError) as refused:
        listing_from_json(broken)
    assert "\n" not in str(refused.value)


def test_a_kept_listing_over_the_limit_is_refused_before_its_keys_are_read():
    huge = {**GOOD, "keys": [None] * (MAX_LISTED_KEYS + 1)}
    with pytest.raises(ListingShapeError, match="over"):
        listing_from_json(huge)


def test_a_kept_listing_reads_back():
    listing = listing_from_json(GOOD)
    assert listing.keys[0].size == 10 and listing.leases[0].keys == 2
