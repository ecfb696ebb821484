"""The decoder compiles each table once and keeps what repeated bytes read as (read_plans.py):
neither may ever show: a kept message is a fresh copy each time, a problem is reported every
time, the depth bound holds wherever the bytes recur, and a table changed is read anew."""

import copy

from explorer.etcd.proto_objects import (
    MAX_DEPTH,
    MAX_PROBLEMS,
    decode_message,
    decode_object,
    encode_object,
)
from explorer.etcd.protowire import Writer
from explorer.etcd.read_plans import forget
from explorer.etcd.schema import MESSAGES, Field

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web-1", "namespace": "default", "labels": {"app": "web"}},
    "spec": {
        "containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 80}]}],
        "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists"}],
    },
}


def test_an_object_changed_by_its_caller_leaves_the_next_reading_of_the_same_bytes_as_it_was():
    forget()
    stored = encode_object(POD)
    first = decode_object(stored, problems=[])
    expected = copy.deepcopy(first)

    for _ in range(4):  # noted, kept, then copied
        decoded = decode_object(stored, problems=[])
        assert decoded == expected
        decoded["spec"]["containers"][0]["name"] = "changed"
        decoded["spec"]["containers"][0]["ports"].append({"containerPort": 1})
        decoded["spec"]["tolerations"].clear()
        decoded["metadata"]["labels"].pop("app")


def test_a_repeated_message_with_a_problem_reports_it_every_time():
    forget()
    container = Writer().string(1, "web").varint(99, 7).done()  # 99: no such field
    spec = Writer().message(2, container).done()

    for _ in range(3):
        problems: list[str] = []
        decoded = decode_message("core.v1.PodSpec", spec, problems=problems)
        assert decoded["containers"][0]["name"] == "web"
        assert problems == [
            ".containers: field 99 of core.v1.Container (wire type 0) is not in the table: left out"
        ]


def test_a_message_read_when_problems_were_no_longer_listed_still_reports_its_own_later():
    forget()
    container = Writer().string(1, "web").varint(99, 7).done()  # 99: no such field
    spec = Writer().message(2, container).done()
    full = [f"problem {index}" for index in range(MAX_PROBLEMS + 1)]
    for _ in range(2):
        decode_message("core.v1.PodSpec", spec, problems=full)
    assert len(full) == MAX_PROBLEMS + 1

    problems: list[str] = []
    decode_message("core.v1.PodSpec", spec, problems=problems)

    assert problems == [
        ".containers: field 99 of core.v1.Container (wire type 0) is not in the table: left out"
    ]


def test_bytes_kept_near_the_top_are_still_cut_at_the_depth_bound_deeper_down(monkeypatch):
    forget()
    monkeypatch.setitem(MESSAGES, "test.v1.Nested", {1: Field(1, "inner", "test.v1.Nested")})
    chain = b""
    for _ in range(10):
        chain = Writer().message(1, chain).done()
    for _ in range(2):  # kept at depth 0, its inner messages at 1 to 10
        assert decode_message("test.v1.Nested", chain, problems=[])
    deep = chain
    for _ in range(MAX_DEPTH - 5):
        deep = Writer().message(1, deep).done()

    problems: list[str] = []
    decoded = decode_message("test.v1.Nested", deep, problems=problems)

    depth = 0
    while decoded.get("inner"):
        decoded, depth = decoded["inner"], depth + 1
    assert depth == MAX_DEPTH
    assert problems == [
        f"{'.inner' * (MAX_DEPTH + 1)}: nested deeper than {MAX_DEPTH} messages, not read"
    ]


def test_a_table_registered_again_is_read_by_its_new_fields(monkeypatch):
    data = Writer().string(1, "web").string(2, "blue").done()
    monkeypatch.setitem(MESSAGES, "test.v1.Thing", {1: Field(1, "name", "string")})
    problems: list[str] = []
    assert decode_message("test.v1.Thing", data, problems=problems) == {"name": "web"}
    assert len(problems) == 1

    monkeypatch.setitem(
        MESSAGES,
        "test.v1.Thing",
        {1: Field(1, "name", "string"), 2: Field(2, "colour", "string")},
    )
    problems = []
    assert decode_message("test.v1.Thing", data, problems=problems) == {
        "name": "web",
        "colour": "blue",
    }
    assert problems == []
