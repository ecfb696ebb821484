"""The times of an object's managedFields, read from its stored value (redaction drops them from
the decoded object): protobuf and JSON; anything else, or a damaged value, gives none."""

from __future__ import annotations

import orjson
import pytest

from explorer.etcd.proto_objects import encode_object
from explorer.snapshots.managed_times import managed_fields_times


def config_map(*times: str) -> dict:
    entries = [
        {"manager": f"m{n}", "operation": "Update", "apiVersion": "v1", "time": time}
        for n, time in enumerate(times)
    ]
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "d", "managedFields": entries},
        "data": {"k": "v"},
    }


def test_each_entrys_time_is_read_from_a_protobuf_value():
    value = encode_object(config_map("2026-12-06T03:00:00Z", "2026-12-06T03:05:09Z"))
    assert managed_fields_times(value) == ["2026-12-06T03:00:00Z", "2026-12-06T03:05:09Z"]


def test_each_entrys_time_is_read_from_a_json_value():
    value = orjson.dumps(config_map("2026-12-06T03:05:09Z"))
    assert managed_fields_times(value) == ["2026-12-06T03:05:09Z"]


@pytest.mark.parametrize(
    "value",
    [
        b"",
        b"k8s\x00",
        b"k8s\x00\x0a\xff\xff\xff",
        b"{not json",
        b"\xd9\xd9\xf7\xa0",
        b"k8s:enc:aescbc:v1:key1:\x00\x01",
    ],
    ids=["empty", "magic only", "cut envelope", "bad json", "cbor", "encrypted"],
)
def test_a_value_that_cannot_say_gives_no_times(value):
    assert managed_fields_times(value) == []


def test_a_value_cut_inside_its_managed_fields_gives_no_times_and_no_error():
    value = encode_object(config_map("2026-12-06T03:05:09Z"))
    for end in range(len(value)):
        assert isinstance(managed_fields_times(value[:end]), list)
