"""A field declared with `type_meta` (fields.py): decoding shows the apiVersion and kind the
protobuf does not carry, encoding leaves them out and refuses another kind."""

from __future__ import annotations

import pytest

from explorer.etcd.proto_objects import EncodeError, decode_message, encode_message
from explorer.etcd.schema import MESSAGES
from explorer.etcd.schema.fields import f, message


@pytest.fixture
def holder():
    """A message holding claims the way a StatefulSetSpec does, registered for one test only."""
    message("test.v1.Claim", f(1, "name", "string"))
    message(
        "test.v1.Holder",
        f(1, "claims", "test.v1.Claim", repeated=True, type_meta=("v1", "Claim")),
        f(2, "one", "test.v1.Claim", pointer=True, type_meta=("v1", "Claim")),
    )
    yield "test.v1.Holder"
    del MESSAGES["test.v1.Holder"], MESSAGES["test.v1.Claim"]


def test_decoding_shows_the_declared_api_version_and_kind_on_each_object(holder):
    written = encode_message(holder, {"claims": [{"name": "a"}, {"name": "b"}], "one": {}})

    decoded = decode_message(holder, written, problems=[])

    assert decoded == {
        "claims": [
            {"apiVersion": "v1", "kind": "Claim", "name": "a"},
            {"apiVersion": "v1", "kind": "Claim", "name": "b"},
        ],
        "one": {"apiVersion": "v1", "kind": "Claim"},
    }


def test_encoding_leaves_the_declared_type_meta_out_of_the_bytes(holder):
    with_type_meta = {"claims": [{"apiVersion": "v1", "kind": "Claim", "name": "a"}]}

    assert encode_message(holder, with_type_meta) == encode_message(
        holder, {"claims": [{"name": "a"}]}
    )


def test_encoding_refuses_an_object_of_another_kind_there(holder):
    with pytest.raises(EncodeError, match=r"\.claims\[1\]: apiVersion/kind \('v2', 'Claim'\)"):
        encode_message(holder, {"claims": [{"name": "a"}, {"apiVersion": "v2", "name": "b"}]})
