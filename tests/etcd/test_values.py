import base64
import time

import cbor2
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.etcd.choices import Encoding
from explorer.etcd.proto_objects import MAGIC, encode_object
from explorer.etcd.protowire import Writer
from explorer.etcd.values import (
    MAX_VALUE_BYTES,
    EtcdctlOutputError,
    as_json,
    decode_get_output,
    decode_value,
    parse_etcdctl_get,
)

MARKER = "hunter2-MARKER-7f3a"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _secret_protobuf(marker: str) -> bytes:
    metadata = Writer().string(1, "db").string(3, "shop")
    entry = Writer().string(1, "password").bytes(2, marker.encode())
    raw = Writer().message(1, metadata).message(2, entry).string(3, "Opaque").done()
    type_meta = Writer().string(1, "v1").string(2, "Secret")
    return MAGIC + Writer().message(1, type_meta).bytes(2, raw).done()


def _secret_json(marker: str) -> bytes:
    applied = orjson.dumps({"kind": "Secret", "stringData": {"password": marker}}).decode()
    return orjson.dumps(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "db", "namespace": "shop", "annotations": {LAST_APPLIED: applied}},
            "data": {"password": base64.b64encode(marker.encode()).decode()},
            "stringData": {"password": marker},
        }
    )


def _aescbc(marker: str) -> bytes:
    return b"k8s:enc:aescbc:v1:key1:" + bytes(range(32)) + marker.encode()


def _leaks(value, marker: str = MARKER) -> bool:
    shown = repr(value) + orjson.dumps(as_json(value)).decode()
    forms = (marker, base64.b64encode(marker.encode()).decode(), marker.encode().hex())
    return any(form in shown for form in forms)


@pytest.mark.parametrize("raw", [_secret_protobuf(MARKER), _secret_json(MARKER), _aescbc(MARKER)])
def test_a_secrets_value_never_appears_in_any_field_encrypted_or_not(raw):
    value = decode_value(b"/registry/secrets/shop/db", raw)

    assert not _leaks(value)
    assert value.object is None
    assert value.head is None
    assert value.uid is None
    assert (value.namespace, value.name, value.size) == ("shop", "db", len(raw))


def test_a_secret_says_how_it_is_stored_by_its_first_bytes_only():
    assert (
        decode_value("/registry/secrets/shop/db", _secret_protobuf(MARKER)).encoding == "protobuf"
    )
    assert decode_value("/registry/secrets/shop/db", _secret_json(MARKER)).encoding == "json"
    encrypted = decode_value("/registry/secrets/shop/db", _aescbc(MARKER))
    assert encrypted.encoding == "encrypted"
    assert (encrypted.encryption.provider, encrypted.encryption.key_name) == ("aescbc", "key1")


def test_secrets_under_a_configured_prefix_are_still_secrets():
    value = decode_value("/custom/secrets/shop/db", _secret_json(MARKER), prefix="/custom")

    assert not _leaks(value)
    assert value.object is None


def test_a_secret_stored_under_another_key_is_redacted_not_shown():
    for raw in (_secret_protobuf(MARKER), _secret_json(MARKER)):
        value = decode_value("/registry/configmaps/shop/db", raw)

        assert value.kind == "Secret"
        assert not _leaks(value)


def _config_map(annotations: dict) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "shop", "annotations": annotations},
        "data": {"mode": "fast"},
    }


@pytest.mark.parametrize("encode", [encode_object, orjson.dumps])
def test_a_config_map_whose_last_applied_annotation_describes_a_secret_loses_it(encode):
    applied = orjson.dumps({"apiVersion": "v1", "kind": "Secret", "data": {"p": MARKER}})
    obj = _config_map({LAST_APPLIED: applied.decode(), "team": "shop"})

    value = decode_value("/registry/configmaps/shop/settings", encode(obj))

    assert value.object["metadata"]["annotations"] == {"team": "shop"}
    assert not _leaks(value)


def test_a_config_maps_own_last_applied_annotation_stays():
    applied = orjson.dumps(_config_map({})).decode()

    value = decode_value(
        "/registry/configmaps/shop/settings", encode_object(_config_map({LAST_APPLIED: applied}))
    )

    assert value.object["metadata"]["annotations"] == {LAST_APPLIED: applied}


def test_a_protobuf_value_names_its_object_and_shows_the_first_bytes():
    raw = encode_object(
        _config_map({}) | {"metadata": {"name": "s", "namespace": "shop", "uid": "u-1"}}
    )

    value = decode_value("/registry/configmaps/shop/s", raw)

    assert value.encoding is Encoding.PROTOBUF
    assert (value.api_version, value.kind, value.namespace, value.name, value.uid) == (
        "v1",
        "ConfigMap",
        "shop",
        "s",
        "u-1",
    )
    assert value.head == raw[:64].hex()
    assert value.object["data"] == {"mode": "fast"}


def test_json_yaml_and_cbor_values_are_read_as_they_are():
    crd = {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w"},
        "spec": {"size": 3},
    }
    yaml_text = (
        b"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 3\n"
    )
    cbor = b"\xd9\xd9\xf7" + cbor2.dumps(crd | {"blob": b"\x00\x01"})

    as_json_value = decode_value("/registry/example.com/widgets/w", orjson.dumps(crd))
    as_yaml = decode_value("/registry/example.com/widgets/w", yaml_text)
    as_cbor = decode_value("/registry/example.com/widgets/w", cbor)

    assert (as_json_value.encoding, as_json_value.object) == ("json", crd)
    assert (as_yaml.encoding, as_yaml.object) == ("yaml", crd)
    assert (as_cbor.encoding, as_cbor.object) == ("cbor", crd | {"blob": "AAE="})


def test_yaml_with_aliases_is_not_expanded():
    bomb = b"kind: X\na: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"

    value = decode_value("/registry/example.com/widgets/w", bomb)

    assert value.encoding is Encoding.UNKNOWN


def test_an_encrypted_value_shows_provider_key_and_head_but_nothing_decrypted():
    raw = b"k8s:enc:aesgcm:v1:2024-key:" + bytes(40)

    value = decode_value("/registry/configmaps/shop/settings", raw)

    assert value.encoding is Encoding.ENCRYPTED
    assert value.encryption.as_json() == {
        "provider": "aesgcm",
        "version": "v1",
        "keyName": "2024-key",
        "kmsKeyId": None,
    }
    assert value.object is None
    assert value.head == raw[:64].hex()


def test_kms_v2_names_its_provider_and_the_plaintext_key_id():
    encrypted_object = Writer().bytes(1, bytes(16)).string(2, "arn:key/7").bytes(3, bytes(8)).done()

    value = decode_value("/registry/secrets/shop/db", b"k8s:enc:kms:v2:vault:" + encrypted_object)
    v1 = decode_value("/registry/secrets/shop/db", b"k8s:enc:kms:v1:vault:" + bytes(30))

    assert (value.encryption.provider, value.encryption.version) == ("kms", "v2")
    assert (value.encryption.key_name, value.encryption.kms_key_id) == ("vault", "arn:key/7")
    assert (v1.encryption.key_name, v1.encryption.kms_key_id) == ("vault", None)


def test_anything_else_is_a_field_tree():
    value = decode_value("/registry/ranges/serviceips", Writer().string(2, "10.96.0.0/12").done())

    assert value.encoding is Encoding.UNKNOWN
    assert value.object["fields"] == [
        {"number": 2, "wireType": "len", "value": {"text": "10.96.0.0/12"}}
    ]


def test_a_value_larger_than_read_is_described_not_decoded():
    value = decode_value("/registry/configmaps/a/b", b"{" + b" " * MAX_VALUE_BYTES + b"}")

    assert value.object is None
    assert value.encoding is Encoding.JSON
    assert "more than" in value.problems[0]


def test_as_json_has_the_issues_shape():
    value = decode_value("/registry/configmaps/shop/s", encode_object(_config_map({})))

    assert list(as_json(value))[:8] == [
        "key",
        "encoding",
        "apiVersion",
        "kind",
        "namespace",
        "name",
        "uid",
        "object",
    ]
    assert as_json(value)["encoding"] == "protobuf"


# ---- etcdctl get output ----------------------------------------------------------------------


def test_etcdctl_get_output_of_several_keys_splits_at_each_key_line():
    one = encode_object(_config_map({}))
    output = b"/registry/configmaps/shop/a\n" + one + b"\n/registry/configmaps/shop/b\nplain\n"

    entries = parse_etcdctl_get(output)

    assert entries == [
        (b"/registry/configmaps/shop/a", one),
        (b"/registry/configmaps/shop/b", b"plain"),
    ]


def test_a_copy_with_cr_lf_line_ends_is_read_and_says_so():
    one = encode_object(_config_map({}))
    output = (b"/registry/configmaps/shop/a\n" + one + b"\n").replace(b"\n", b"\r\n")

    [(key, value)] = entries = parse_etcdctl_get(output)
    decoded = decode_value(key, value, notes=entries[0].problems)

    assert decoded.object["data"] == {"mode": "fast"}
    assert any("CR LF" in problem for problem in decoded.problems)


def test_a_copy_that_lost_the_magic_nul_is_put_back():
    raw = encode_object(_config_map({}))

    value = decode_value("/registry/configmaps/shop/a", raw.replace(b"k8s\x00", b"k8s", 1))

    assert value.object["data"] == {"mode": "fast"}
    assert "NUL" in value.problems[0]


def test_replacement_characters_are_counted_and_what_survives_is_decoded():
    raw = encode_object(_config_map({}))
    mangled = raw[:-4] + "\ufffd".encode()

    value = decode_value("/registry/configmaps/shop/a", mangled)

    assert value.kind == "ConfigMap"
    assert value.object["metadata"]["name"] == "settings"
    assert "1 UTF-8 replacement characters" in value.problems[0]


def test_text_that_is_not_etcdctl_output_is_one_clear_error():
    with pytest.raises(EtcdctlOutputError, match="first line is not a key"):
        parse_etcdctl_get(b"hello\nworld\n")


# ---- hostile input ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=4096), st.sampled_from([b"", MAGIC, b"k8s:enc:kms:v2:p:", b"\xd9\xd9\xf7"])
)
def test_random_bytes_decode_to_a_value_with_problems_never_an_exception(tail, head):
    started = time.monotonic()

    value = decode_value("/registry/pods/a/b", head + tail)

    assert value.size == len(head + tail)
    orjson.dumps(as_json(value))
    assert time.monotonic() - started < 1


def test_a_huge_claimed_length_is_a_problem_not_an_allocation():
    envelope = MAGIC + b"\x12\xff\xff\xff\xff\x0f" + b"\x00" * 10

    value = decode_value("/registry/pods/a/b", envelope)

    assert value.object is None
    assert any("claims" in problem for problem in value.problems)


def test_get_output_decodes_key_by_key_with_the_copys_problems():
    one = encode_object(_config_map({}))
    output = b"/registry/configmaps/shop/a\n" + one + b"\n/registry/secrets/shop/db\n"
    output = (output + _secret_json(MARKER) + b"\n").replace(b"\n", b"\r\n")

    values = decode_get_output(output)

    assert [(value.kind, value.encoding) for value in values] == [
        ("ConfigMap", "protobuf"),
        ("Secret", "json"),
    ]
    assert all("CR LF" in value.problems[0] for value in values)
    assert not _leaks(values[1])


def test_yaml_larger_than_read_is_described_in_bounded_time():
    items = "".join(f"- name: item{index}\n  value: {index}\n" for index in range(40_000))
    raw = f"apiVersion: v1\nkind: List\nitems:\n{items}".encode()
    started = time.monotonic()

    value = decode_value("/registry/example.com/lists/big", raw)

    assert (value.encoding, value.object) == ("yaml", None)
    assert "more than the" in value.problems[0]
    assert time.monotonic() - started < 1
