"""The real values kube-apiserver stored (etcd-io/auger's test data: shared/fixtures/real/etcd/
auger/SOURCE.txt) decode exactly to auger's own decodings, and values read back from a real etcd
through etcdctl decode the same."""

import copy
import time

import orjson
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.etcd.proto_objects import MAGIC, decode_message, decode_object, encode_object
from explorer.etcd.protowire import Writer
from explorer.etcd.values import as_json, decode_value, parse_etcdctl_get
from explorer.lib.redact import redact

MESSAGES = {"pod": ("v1", "Pod", "core.v1.Pod"), "job": ("batch/v1", "Job", "batch.v1.Job")}


@pytest.fixture
def auger(real_fixtures):
    return real_fixtures / "etcd" / "auger"


def _stored(auger, name: str) -> bytes:
    raw = (auger / "storage" / f"{name}.bin").read_bytes()
    # SOURCE.txt: the etcdctl capture added a trailing newline to pod.bin; job.bin has one too
    # (its envelope ends with contentType "", 22 00, and a lone 0a after it is no field)
    assert raw.endswith(b"\x22\x00\n")
    return raw[:-1]


def _expected(auger, name: str) -> dict:
    return yaml.safe_load((auger / f"{name}.decoded.yaml").read_text())  # licence comment skipped


@pytest.mark.parametrize("name", ["pod", "job"])
def test_a_stored_value_decodes_exactly_to_augers_decoding(auger, name):
    problems: list[str] = []

    decoded = decode_object(_stored(auger, name), problems=problems)

    assert decoded == _expected(auger, name)
    assert problems == []


@pytest.mark.parametrize("name", ["pod", "job"])
def test_the_inner_message_decodes_exactly_to_augers_decoding(auger, name):
    api_version, kind, message = MESSAGES[name]
    problems: list[str] = []

    decoded = decode_message(
        message, (auger / "proto" / f"{name}.bin").read_bytes(), problems=problems
    )

    assert {"apiVersion": api_version, "kind": kind, **decoded} == _expected(auger, name)
    assert problems == []


@pytest.mark.parametrize("name", ["pod", "job"])
def test_through_decode_value_the_object_is_the_same_redacted(auger, name):
    expected = _expected(auger, name)

    value = decode_value(f"/registry/x/default/{name}", _stored(auger, name))

    assert value.object == redact(copy.deepcopy(expected))
    assert (value.encoding, value.kind, value.namespace, value.name, value.uid) == (
        "protobuf",
        expected["kind"],
        "default",
        expected["metadata"]["name"],
        expected["metadata"]["uid"],
    )
    assert value.problems == ()


def test_the_etcdctl_get_capture_is_its_key_then_the_stored_value(auger):
    [(key, raw)] = parse_etcdctl_get((auger / "storage" / "pod-with-key.bin").read_bytes())

    value = decode_value(key, raw)

    assert key == b"/registry/pods/default/xyz"
    assert raw == _stored(auger, "pod")
    assert value.object == redact(_expected(auger, "pod"))
    assert (value.key, value.name) == ("/registry/pods/default/xyz", "pi-dqtsw")


def test_the_envelope_written_back_reads_as_the_stored_value_reads(auger):
    for name in ("pod", "job"):
        decoded = decode_object(_stored(auger, name), problems=[])

        assert decode_object(encode_object(decoded), problems=[]) == decoded


# ---- a real etcd -----------------------------------------------------------------------------


def test_a_value_put_into_a_real_etcd_reads_back_through_etcdctl_and_decodes(etcd, auger):
    stored = _stored(auger, "pod")
    key = "/registry/pods/default/pi-dqtsw"
    etcd.ctl("put", key, input=stored)  # no value argument: etcdctl reads it from stdin

    value_only = etcd.ctl("get", key, "--print-value-only")
    [(got_key, got_value)] = parse_etcdctl_get(etcd.ctl("get", key))

    assert value_only == stored + b"\n"  # etcdctl ends every value with a newline
    assert (got_key, got_value) == (key.encode(), stored)
    assert decode_value(got_key, got_value).object == redact(_expected(auger, "pod"))


def test_a_prefix_of_several_keys_from_a_real_etcd_decodes_key_by_key(etcd, auger):
    crd_object = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    etcd.ctl("put", "/registry/example.com/widgets/w", input=orjson.dumps(crd_object))
    etcd.ctl("put", "/registry/jobs/default/pi", input=_stored(auger, "job"))
    etcd.ctl("put", "/registry/pods/default/pi-dqtsw", input=_stored(auger, "pod"))

    entries = parse_etcdctl_get(etcd.ctl("get", "/registry/", "--prefix"))
    values = [decode_value(key, raw) for key, raw in entries]

    assert [(value.key, value.encoding, value.kind) for value in values] == [
        ("/registry/example.com/widgets/w", "json", "Widget"),
        ("/registry/jobs/default/pi", "protobuf", "Job"),
        ("/registry/pods/default/pi-dqtsw", "protobuf", "Pod"),
    ]
    assert values[1].object == _expected(auger, "job")


def test_a_secret_read_from_a_real_etcd_shows_nothing_of_its_value(etcd):
    marker = "real-etcd-MARKER-91c"
    metadata = Writer().string(1, "db").string(3, "shop")
    entry = Writer().string(1, "password").bytes(2, marker.encode())
    raw = Writer().message(1, metadata).message(2, entry).string(3, "Opaque").done()
    type_meta = Writer().string(1, "v1").string(2, "Secret")
    etcd.ctl(
        "put",
        "/registry/secrets/shop/db",
        input=MAGIC + Writer().message(1, type_meta).bytes(2, raw).done(),
    )

    [(key, stored)] = parse_etcdctl_get(etcd.ctl("get", "/registry/secrets/", "--prefix"))
    value = decode_value(key, stored)

    shown = repr(value) + orjson.dumps(as_json(value)).decode()
    assert marker.encode() in stored
    assert marker not in shown
    assert (value.encoding, value.size, value.head, value.object) == (
        "protobuf",
        len(stored),
        None,
        None,
    )


# ---- the real value, damaged -----------------------------------------------------------------


@pytest.fixture(scope="session")
def real_pod(real_fixtures) -> bytes:
    return (real_fixtures / "etcd" / "auger" / "storage" / "pod.bin").read_bytes()[:-1]


@settings(max_examples=400, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_real_pod_damaged_anywhere_decodes_with_problems_never_an_exception(real_pod, data):
    cut = data.draw(st.integers(0, len(real_pod)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(real_pod) - 1), st.integers(0, 255))))
    damaged = bytearray(real_pod)
    for position, byte in flips:
        damaged[position] = byte
    started = time.monotonic()

    value = decode_value("/registry/pods/default/pi-dqtsw", bytes(damaged[:cut]))

    orjson.dumps(as_json(value))
    assert time.monotonic() - started < 1


def test_a_real_pod_cut_short_keeps_what_came_before_the_cut(real_pod):
    value = decode_value("/registry/pods/default/pi-dqtsw", real_pod[:700])

    assert value.kind == "Pod"
    assert value.object["metadata"]["name"] == "pi-dqtsw"
    assert value.problems[0] == (
        "the value was cut at byte 700: field 2 at byte 15 claims 1554 bytes, 682 left"
    )
