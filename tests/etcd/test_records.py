import base64
import json

import pytest

from explorer.etcd.records import (
    KeyRecord,
    RecordError,
    record_from_gateway,
    record_from_protobuf,
    record_to_protobuf,
)


def test_a_record_written_as_etcd_writes_it_reads_back_whole():
    record = KeyRecord(b"/registry/pods/default/web", 5, 9, 3, 7587, b"k8s\x00\x0a")

    assert record_from_protobuf(record_to_protobuf(record)) == record


def test_a_tombstone_is_a_key_without_revisions_or_value():
    tombstone = record_from_protobuf(record_to_protobuf(KeyRecord(b"/registry/pods/default/x")))

    assert (tombstone.version, tombstone.mod_revision, tombstone.value) == (0, 0, b"")


def test_a_keys_only_read_holds_no_value_and_no_size():
    record = record_from_protobuf(
        record_to_protobuf(KeyRecord(b"/a", 1, 1, 1, 0, b"v")), with_value=False
    )

    assert record.value is None
    assert record.size is None


def test_the_json_gateway_form_reads_with_int64s_as_strings(etcd):
    etcd.ctl("put", "/registry/configmaps/default/one", "first")
    etcd.ctl("put", "/registry/configmaps/default/one", "second")

    kv = json.loads(etcd.ctl("get", "/registry/configmaps/default/one", "-w", "json"))["kvs"][0]
    record = record_from_gateway({k: str(v) if isinstance(v, int) else v for k, v in kv.items()})

    assert record.text == "/registry/configmaps/default/one"
    assert record.value == b"second"
    assert record.version == 2
    assert record.mod_revision == record.create_revision + 1


def test_a_key_that_is_not_utf8_is_shown_escaped():
    assert KeyRecord(b"/registry/\xff").text == "/registry/\\xff"


@pytest.mark.parametrize(
    "bad",
    [
        {"value": "eA=="},
        {"key": "not base64!"},
        {"key": base64.b64encode(b"k").decode(), "version": "x"},
    ],
)
def test_a_gateway_answer_that_is_not_a_record_is_one_clear_error(bad):
    with pytest.raises(RecordError, match="not an etcd key-value record"):
        record_from_gateway(bad)


def test_bytes_that_are_not_a_record_are_one_clear_error():
    with pytest.raises(RecordError, match="not an etcd key-value record"):
        record_from_protobuf(b"\x0a\xff")
    with pytest.raises(RecordError, match="has no key"):
        record_from_protobuf(b"\x10\x01")
