import time

from explorer.etcd.field_tree import field_tree
from explorer.etcd.protowire import Writer


def test_text_numbers_and_nested_messages_are_told_apart():
    inner = Writer().string(1, "pi").varint(2, 420).done()
    data = Writer().string(1, "default").message(2, inner).varint(3, 7).done()

    tree = field_tree(data)

    assert tree["error"] is None
    assert tree["fields"] == [
        {"number": 1, "wireType": "len", "value": {"text": "default"}},
        {
            "number": 2,
            "wireType": "len",
            "value": {
                "message": [
                    {"number": 1, "wireType": "len", "value": {"text": "pi"}},
                    {"number": 2, "wireType": "varint", "value": 420},
                ]
            },
        },
        {"number": 3, "wireType": "varint", "value": 7},
    ]


def test_bytes_that_are_neither_text_nor_a_message_show_their_size_and_first_bytes():
    blob = bytes([0xFF, 0x00, 0x07]) * 20

    value = field_tree(Writer().bytes(1, blob).done())["fields"][0]["value"]

    assert value == {"size": 60, "head": blob[:16].hex()}


def test_bytes_that_are_no_message_at_all_say_why():
    tree = field_tree(b"\x0a\xff\xff\xff\x0f")

    assert tree["fields"] == []
    assert "claims" in tree["error"]


def test_deep_nesting_stops_at_the_depth_bound_and_says_it_was_cut():
    data = Writer().varint(1, 1).done()
    for _ in range(200):
        data = Writer().message(1, data).done()

    tree = field_tree(data, max_depth=8)

    assert tree["truncated"] is True
    depth, node = 0, tree["fields"][0]
    while "message" in node["value"]:
        depth += 1
        node = node["value"]["message"][0]
    assert depth == 8


def test_a_million_tiny_fields_cost_bounded_nodes_and_time():
    data = b"\x08\x01" * 500_000
    started = time.monotonic()

    tree = field_tree(data, max_nodes=1000)

    assert len(tree["fields"]) == 1000
    assert tree["truncated"] is True
    assert time.monotonic() - started < 2
