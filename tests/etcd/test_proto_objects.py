import copy

import pytest

from explorer.demo import build_demo
from explorer.etcd.proto_objects import (
    MAGIC,
    MAX_DEPTH,
    MAX_PROBLEMS,
    DecodeError,
    EncodeError,
    decode_message,
    decode_object,
    encode_message,
    encode_object,
    read_unknown,
)
from explorer.etcd.protowire import Writer
from explorer.etcd.schema import MESSAGES, Field, message_of_kind


def _decode(name: str, data: bytes) -> tuple[dict, list[str]]:
    problems: list[str] = []
    return decode_message(name, data, problems=problems), problems


def test_a_field_without_omitempty_is_shown_at_its_zero_value_and_an_empty_one_is_not():
    status = Writer().string(1, "web").varint(4, 0).varint(5, 0).string(8, "").done()

    decoded, problems = _decode("core.v1.ContainerStatus", status)

    assert decoded == {"name": "web", "ready": False, "restartCount": 0, "image": "", "imageID": ""}
    assert problems == []


def test_a_pointer_is_shown_when_written_even_at_zero_and_not_when_absent():
    with_zero = Writer().varint(1, 0).done()

    assert _decode("core.v1.ReplicationControllerSpec", with_zero)[0] == {"replicas": 0}
    assert _decode("core.v1.ReplicationControllerSpec", b"")[0] == {}


def test_a_struct_written_empty_is_shown_empty_as_go_shows_it():
    status = Writer().string(1, "web").message(3, b"").done()

    assert _decode("core.v1.ContainerStatus", status)[0]["lastState"] == {}


def test_a_zero_time_without_omitempty_is_null_and_creation_timestamp_is_left_out():
    condition = Writer().string(1, "Ready").string(2, "True").message(3, b"").done()
    meta = Writer().string(1, "web").message(8, b"").done()

    assert _decode("core.v1.PodCondition", condition)[0]["lastProbeTime"] is None
    assert "creationTimestamp" not in _decode("meta.v1.ObjectMeta", meta)[0]


def test_maps_lists_and_packed_and_unpacked_repeated_ints_read_alike():
    packed = Writer().bytes(4, b"\x01\xe8\x07").done()  # 1, 1000
    unpacked = Writer().varint(4, 1).varint(4, 1000).done()
    labels = Writer().message(11, Writer().string(1, "app").string(2, "web")).done()

    assert _decode("core.v1.PodSecurityContext", packed)[0] == {"supplementalGroups": [1, 1000]}
    assert _decode("core.v1.PodSecurityContext", unpacked)[0] == {"supplementalGroups": [1, 1000]}
    assert _decode("meta.v1.ObjectMeta", labels)[0] == {"labels": {"app": "web"}}


def test_a_negative_int_go_wrote_as_ten_bytes_reads_negative():
    terminated = Writer().varint(1, -1).done()

    assert _decode("core.v1.ContainerStateTerminated", terminated)[0]["exitCode"] == -1


def test_an_embedded_structs_members_are_lifted_into_the_parent():
    selector = Writer().message(1, Writer().string(1, "settings")).string(2, "mode").done()
    handler = Writer().message(3, Writer().message(1, b"\x08\x00\x10\x50")).done()
    probe = Writer().message(1, handler).varint(4, 10).done()

    assert _decode("core.v1.ConfigMapKeySelector", selector)[0] == {
        "name": "settings",
        "key": "mode",
    }
    assert _decode("core.v1.Probe", probe)[0] == {"tcpSocket": {"port": 80}, "periodSeconds": 10}


def test_a_field_the_table_does_not_know_is_described_not_shown_and_not_dropped_silently():
    data = Writer().string(1, "web").bytes(99, b"\x01\x02\x03").done()

    decoded, problems = _decode("core.v1.LocalObjectReference", data)

    assert decoded == {"name": "web"}
    assert problems == [
        ".: field 99 of core.v1.LocalObjectReference (wire type 2, 3 bytes) is not in the table: "
        "left out"
    ]


def test_a_field_of_the_wrong_wire_type_is_a_problem_with_its_path():
    data = Writer().varint(1, 5).done()  # name is a string

    decoded, problems = _decode("core.v1.LocalObjectReference", data)

    assert decoded == {}
    assert problems == [".name: wire type 0, the table expects 2"]


def test_a_value_cut_short_decodes_as_far_as_it_goes_and_says_where():
    whole = encode_message(
        "core.v1.ConfigMap", {"metadata": {"name": "settings"}, "data": {"a": "1" * 100}}
    )

    decoded, problems = _decode("core.v1.ConfigMap", whole[:-50])

    assert decoded["metadata"] == {"name": "settings"}
    assert any("cut short" in problem and "claims" in problem for problem in problems)


def test_nesting_deeper_than_the_bound_is_not_followed(monkeypatch):
    monkeypatch.setitem(MESSAGES, "test.v1.Nested", {1: Field(1, "inner", "test.v1.Nested")})
    data = b""
    for _ in range(MAX_DEPTH + 20):
        data = Writer().message(1, data).done()

    decoded, problems = _decode("test.v1.Nested", data)

    depth = 0
    while decoded.get("inner"):
        decoded, depth = decoded["inner"], depth + 1
    assert depth == MAX_DEPTH
    assert problems == [
        f"{'.inner' * (MAX_DEPTH + 1)}: nested deeper than {MAX_DEPTH} messages, not read"
    ]


def test_an_object_is_stored_as_kube_apiserver_stores_it_without_resource_version():
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "42"},
        "spec": {"containers": [{"name": "web", "image": "nginx"}]},
    }

    stored = encode_object(pod)
    envelope = read_unknown(stored)

    assert stored.startswith(MAGIC)
    assert (envelope.api_version, envelope.kind) == ("v1", "Pod")
    assert (envelope.content_encoding, envelope.content_type) == ("", "")
    assert b"42" not in envelope.raw
    expected = copy.deepcopy(pod)
    del expected["metadata"]["resourceVersion"]
    assert decode_object(stored, problems=[]) == expected


def test_a_kind_without_a_table_shows_its_metadata_and_a_field_tree_of_the_rest():
    raw = Writer().message(1, Writer().string(1, "x").string(3, "ns")).varint(2, 7).done()
    type_meta = Writer().string(1, "example.com/v1").string(2, "Widget")
    stored = MAGIC + Writer().message(1, type_meta).bytes(2, raw).done()
    problems: list[str] = []

    decoded = decode_object(stored, problems=problems)

    assert decoded["metadata"] == {"name": "x", "namespace": "ns"}
    assert decoded["fields"]["fields"] == [{"number": 2, "wireType": "varint", "value": 7}]
    assert problems[0].startswith("no table for example.com/v1 Widget")


def test_bytes_without_the_magic_are_refused_in_one_line():
    with pytest.raises(DecodeError, match="does not start with k8s"):
        decode_object(b"\x0a\x00", problems=[])


@pytest.mark.parametrize(
    ("obj", "path"),
    [
        ({"metadata": {"name": "x", "colour": "red"}}, ".metadata.colour"),
        ({"spec": {"containers": [{"name": 5}]}}, ".spec.containers[0].name"),
        ({"spec": {"priority": "high"}}, ".spec.priority"),
    ],
)
def test_what_the_table_cannot_express_is_an_encode_error_naming_the_field(obj, path):
    with pytest.raises(EncodeError) as error:
        encode_object({"apiVersion": "v1", "kind": "Pod", **obj})

    assert str(error.value).startswith(path)


# Documented differences of the round trip, each a rule of Go's JSON the decoder follows:
# - a pod template's (and a StatefulSet claim template's) `metadata.creationTimestamp: null` is
#   left out (Kubernetes' omitzero since kubernetes/kubernetes#130989; the auger Job fixture
#   shows it the same way);
# - `metadata.resourceVersion` is not stored (it is the key's mod_revision).
def _without_documented_differences(obj: dict) -> dict:
    obj = copy.deepcopy(obj)
    obj["metadata"].pop("resourceVersion", None)
    for path in (
        ("spec", "template"),
        ("spec", "jobTemplate"),
        ("spec", "jobTemplate", "spec", "template"),
    ):
        node = obj
        for step in path:
            node = node.get(step, {}) if isinstance(node, dict) else {}
        metadata = node.get("metadata") if isinstance(node, dict) else None
        if isinstance(metadata, dict) and metadata.get("creationTimestamp") is None:
            metadata.pop("creationTimestamp", None)
    for claim in obj.get("spec", {}).get("volumeClaimTemplates") or ():
        if claim.get("metadata", {}).get("creationTimestamp", "") is None:
            del claim["metadata"]["creationTimestamp"]
    return obj


def test_every_demo_object_of_a_kind_with_a_table_reads_back_as_written():
    state = build_demo()
    seen: set[str] = set()
    for kind in state.kinds():
        for obj in state.list(kind):
            if message_of_kind(obj["apiVersion"], obj["kind"]) is None:
                continue
            problems: list[str] = []

            decoded = decode_object(encode_object(obj), problems=problems)

            assert decoded == _without_documented_differences(obj), obj["metadata"]["name"]
            assert problems == []
            seen.add(kind)
    assert {"Pod", "Node", "Service", "Endpoints", "Event", "Job", "CronJob"} <= seen


def test_many_unknown_fields_are_summed_up_not_listed_one_by_one():
    data = b"\xf8\x07\x01" * 200_000  # field 127, varint 1

    decoded, problems = _decode("core.v1.LocalObjectReference", data)

    assert decoded == {}
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == f"more problems than {MAX_PROBLEMS}: the rest are not listed"


def test_a_map_value_of_the_wrong_wire_type_is_a_problem_not_a_string_of_nuls():
    entry = Writer().string(1, "app").varint(2, 5)  # a varint where a string is expected
    huge = Writer().string(1, "big").varint(2, 1 << 40)
    meta = Writer().string(1, "web").message(11, entry).message(11, huge).done()
    problems: list[str] = []

    decoded = decode_message("meta.v1.ObjectMeta", meta, problems=problems)

    assert decoded["name"] == "web"
    assert "\x00" not in str(decoded.get("labels"))
    assert any("[app]: a value of wire type 0 where string" in p for p in problems)
    assert any("[big]" in p for p in problems)
