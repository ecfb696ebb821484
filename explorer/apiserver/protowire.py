"""Just enough of Kubernetes' protobuf encoding to read the access reviews kubectl POSTs.

kubectl sends `SelfSubjectAccessReview` and `SelfSubjectRulesReview` bodies as
`application/vnd.kubernetes.protobuf` only: `k8s\\x00` + `runtime.Unknown{typeMeta, raw}`, `raw`
being the review message. Field numbers are those of k8s.io/api/authorization/v1/generated.proto.
"""

from __future__ import annotations

from .status import bad_request

MAGIC = b"k8s\x00"
_RESOURCE_ATTRIBUTES = ("namespace", "verb", "group", "version", "resource", "subresource", "name")
_NON_RESOURCE_ATTRIBUTES = ("path", "verb")


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data):
            raise bad_request("truncated protobuf body")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def fields(data: bytes) -> dict[int, bytes | int]:
    """The last value of each field of one message (lengths as bytes, varints as ints)."""
    found: dict[int, bytes | int] = {}
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            found[number], pos = _varint(data, pos)
        elif wire == 2:
            size, pos = _varint(data, pos)
            found[number], pos = data[pos : pos + size], pos + size
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
        else:
            raise bad_request(f"unsupported protobuf wire type {wire}")
    return found


def _message(value: bytes | int | None) -> dict[int, bytes | int]:
    return fields(value) if isinstance(value, bytes) else {}


def _strings(message: dict[int, bytes | int], names: tuple[str, ...]) -> dict[str, str]:
    return {
        name: value.decode()
        for number, name in enumerate(names, start=1)
        if isinstance(value := message.get(number), bytes) and value
    }


def decode_review(body: bytes) -> dict:
    """A review posted as protobuf, as the JSON document it stands for (its spec only)."""
    if not body.startswith(MAGIC):
        raise bad_request("the protobuf body lacks the k8s envelope")
    unknown = fields(body[len(MAGIC) :])
    type_meta = _strings(_message(unknown.get(1)), ("apiVersion", "kind"))
    spec_fields = _message(_message(unknown.get(2)).get(2))
    if type_meta.get("kind") == "SelfSubjectRulesReview":
        spec: dict = _strings(spec_fields, ("namespace",))
    else:
        spec = {}
        if 1 in spec_fields:
            spec["resourceAttributes"] = _strings(_message(spec_fields[1]), _RESOURCE_ATTRIBUTES)
        if 2 in spec_fields:
            spec["nonResourceAttributes"] = _strings(
                _message(spec_fields[2]), _NON_RESOURCE_ATTRIBUTES
            )
    return {**type_meta, "spec": spec}
