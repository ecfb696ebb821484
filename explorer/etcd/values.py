"""One etcd value of a Kubernetes key, decoded for showing: encoding, identity, the object.

Every decoded object passes `explorer.lib.redact.redact`. A key under `<prefix>/secrets/` is never
decoded at all, not even its metadata, and has no head: its encoding (encrypted or not, with the
provider), its size, and the namespace and name its key already shows.
"""

from __future__ import annotations

import base64
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import cbor2
import orjson
import yaml

from explorer.lib.redact import redact

from .choices import Encoding
from .encryption import Encryption, encryption_of
from .field_tree import field_tree
from .proto_objects import MAGIC, DecodeError, decode_object
from .sealed import is_secret_key

# etcd refuses requests over 1.5 MiB by default and allows raising it; nothing larger is read.
MAX_VALUE_BYTES = 16 * 1024 * 1024
HEAD_BYTES = 64
# PyYAML builds some 20,000 scalars a second even with libyaml: YAML is read up to this size
MAX_YAML_BYTES = 256 * 1024
CBOR_SELF_DESCRIBED = b"\xd9\xd9\xf7"
_MAX_JSON_DEPTH = 256
_REPLACEMENT = "\ufffd".encode()


@dataclass(frozen=True)
class StoredValue:
    key: str
    encoding: Encoding
    size: int
    api_version: str | None = None
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None
    uid: str | None = None
    object: object = None
    encryption: Encryption | None = None
    problems: tuple[str, ...] = ()
    head: str | None = None  # the first bytes in hex; never for a Secret


def decode_value(
    key: bytes | str, raw: bytes, prefix: str = "/registry", *, notes: Iterable[str] = ()
) -> StoredValue:
    """The value of `key` decoded; `notes` are problems already known (a mangled copy)."""
    key_text = key.decode(errors="replace") if isinstance(key, bytes) else key
    problems = list(notes)
    encryption = encryption_of(raw)
    if encryption is not None and encryption.problem:
        problems.append(encryption.problem)
    if is_secret_key(key_text, prefix):
        return _secret(key_text, raw, prefix, encryption, problems)
    head = raw[:HEAD_BYTES].hex()
    if encryption is not None:
        return StoredValue(
            key_text, Encoding.ENCRYPTED, len(raw), None, None, *_key_place(key_text, prefix),
            encryption=encryption, problems=tuple(problems), head=head,
        )  # fmt: skip
    if len(raw) > MAX_VALUE_BYTES:
        problems.append(f"{len(raw)} bytes, more than the {MAX_VALUE_BYTES} read")
        return StoredValue(key_text, _sniff(raw), len(raw), problems=tuple(problems), head=head)
    encoding, obj = _decode(raw, problems)
    api_version = kind = namespace = name = uid = None
    if isinstance(obj, dict) and encoding is not Encoding.UNKNOWN:
        api_version, kind = _text(obj.get("apiVersion")), _text(obj.get("kind"))
        metadata = obj.get("metadata")
        if isinstance(metadata, dict):
            namespace = _text(metadata.get("namespace"))
            name = _text(metadata.get("name"))
            uid = _text(metadata.get("uid"))
        redact(obj, kind)
    return StoredValue(
        key_text, encoding, len(raw), api_version, kind, namespace, name, uid, obj,
        None, tuple(problems), head,
    )  # fmt: skip


def as_json(value: StoredValue) -> dict:
    """The issue's shape of one value, plus its size, encryption, head and problems."""
    return {
        "key": value.key,
        "encoding": str(value.encoding),
        "apiVersion": value.api_version,
        "kind": value.kind,
        "namespace": value.namespace,
        "name": value.name,
        "uid": value.uid,
        "object": value.object,
        "size": value.size,
        "encryption": value.encryption.as_json() if value.encryption else None,
        "head": value.head,
        "problems": list(value.problems),
    }


# ---- secrets ---------------------------------------------------------------------------------


def _secret(key, raw, prefix, encryption, problems) -> StoredValue:
    encoding = Encoding.ENCRYPTED if encryption is not None else _sniff(raw)
    namespace, name = _key_place(key, prefix)
    return StoredValue(
        key, encoding, len(raw), "v1", "Secret", namespace, name,
        encryption=encryption, problems=tuple(problems),
    )  # fmt: skip


def _key_place(key: str, prefix: str) -> tuple[str | None, str | None]:
    """Namespace and name as the key shows them (`<prefix>/<resource>/<ns>/<name>`)."""
    rest = key[len(prefix.rstrip("/")) :].strip("/").split("/")
    if len(rest) == 3:
        return rest[1], rest[2]
    if len(rest) == 2:
        return None, rest[1]
    return None, None


def _sniff(raw: bytes) -> Encoding:
    """The encoding by the first bytes only, for what is not decoded."""
    if raw.startswith(MAGIC):
        return Encoding.PROTOBUF
    if raw.startswith(CBOR_SELF_DESCRIBED):
        return Encoding.CBOR
    if raw.lstrip()[:1] == b"{":
        return Encoding.JSON
    return Encoding.UNKNOWN


# ---- decoding --------------------------------------------------------------------------------


def _decode(raw: bytes, problems: list[str]) -> tuple[Encoding, object]:
    if raw[:3] == b"k8s" and raw[3:4] == b"\n":
        problems.append("the value starts k8s without its NUL byte (lost in a copy): put back")
        raw = MAGIC + raw[3:]
    if _REPLACEMENT in raw:
        problems.append(
            f"{raw.count(_REPLACEMENT)} UTF-8 replacement characters: bytes a terminal could not "
            "show were replaced, and what they held is lost"
        )
    if raw.startswith(MAGIC):
        try:
            return Encoding.PROTOBUF, decode_object(raw, problems=problems)
        except DecodeError as error:
            problems.append(str(error))
            return Encoding.PROTOBUF, None
    if raw.startswith(CBOR_SELF_DESCRIBED):
        return Encoding.CBOR, _cbor(raw, problems)
    stripped = raw.lstrip()
    if stripped[:1] in (b"{", b"["):
        try:
            return Encoding.JSON, orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            problems.append(f"JSON that does not parse: {error}")
            return Encoding.JSON, None
    if len(raw) > MAX_YAML_BYTES and stripped.startswith((b"apiVersion:", b"kind:")):
        problems.append(f"YAML of {len(raw)} bytes, more than the {MAX_YAML_BYTES} read")
        return Encoding.YAML, None
    yaml_object = _yaml(raw) if len(raw) <= MAX_YAML_BYTES else None
    if yaml_object is not None:
        return Encoding.YAML, yaml_object
    tree = field_tree(raw)
    if tree["error"]:
        problems.append(f"not a protobuf message either: {tree['error']}")
    return Encoding.UNKNOWN, tree


# libyaml when PyYAML has it: the pure-Python loader takes some 9 s a MiB
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml(raw: bytes) -> dict | None:
    """A YAML value is an object with a kind (kube-apiserver's YAML storage); anything else is
    not taken for YAML, since almost any text parses as YAML. YAML with anchors and aliases is
    not read: kube-apiserver never writes them, and a few aliases can stand for a billion nodes."""
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        return None
    if "kind:" not in text:
        return None
    try:
        if any(
            isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=_YAML_LOADER)
        ):
            return None
        loaded = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader)
    except (yaml.YAMLError, RecursionError):
        return None
    if not isinstance(loaded, dict) or "kind" not in loaded:
        return None
    try:
        return _json_safe(loaded, 0)
    except ValueError:
        return None


def _cbor(raw: bytes, problems: list[str]) -> object:
    try:
        return _json_safe(cbor2.loads(raw), 0)
    except (cbor2.CBORDecodeError, RecursionError, ValueError, TypeError, OverflowError) as error:
        problems.append(f"CBOR that does not decode: {error}")
        return None


def _json_safe(value: object, depth: int) -> object:
    """CBOR and YAML values as JSON values: bytes as base64, times as RFC 3339 text."""
    if depth > _MAX_JSON_DEPTH:
        raise ValueError(f"nested deeper than {_MAX_JSON_DEPTH}")
    if isinstance(value, cbor2.CBORTag):
        if value.tag == 55799:  # self-described CBOR: the tag only marks the encoding
            return _json_safe(value.value, depth + 1)
        return {"tag": value.tag, "value": _json_safe(value.value, depth + 1)}
    if isinstance(value, Mapping):  # cbor2 gives frozendicts too
        return {str(key): _json_safe(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(item, depth + 1) for item in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


# ---- etcdctl get output ----------------------------------------------------------------------


class EtcdctlOutputError(ValueError):
    """The text is not what `etcdctl get KEY` prints."""


class GetEntry(tuple):
    """(key, value) of one key in `etcdctl get` output, with what the copy is known to have
    mangled in `.problems` (pass them to decode_value as notes)."""

    problems: tuple[str, ...]

    def __new__(cls, key: bytes, value: bytes, problems: Iterable[str] = ()) -> GetEntry:
        entry = super().__new__(cls, (key, value))
        entry.problems = tuple(problems)
        return entry


def parse_etcdctl_get(output: bytes) -> list[tuple[bytes, bytes]]:
    """The keys and values of `etcdctl get KEY [--prefix]` output: a key line, then the value,
    for each key. A terminal copy may have mangled it (CR LF line ends, replacement characters,
    NULs lost); what survives is returned and `GetEntry.problems` says what did not."""
    if len(output) > MAX_VALUE_BYTES * 4:
        raise EtcdctlOutputError(f"{len(output)} bytes is more than etcdctl get output read here")
    notes: list[str] = []
    if b"\r\n" in output and output.count(b"\n") == output.count(b"\r\n"):
        output = output.replace(b"\r\n", b"\n")
        notes.append("every line ended CR LF (a terminal's copy): read as LF")
    lines = output.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if not lines or not _is_key_line(lines[0], None):
        raise EtcdctlOutputError("not etcdctl get output: the first line is not a key")
    root = lines[0][: lines[0].find(b"/", 1) + 1] or lines[0]
    starts = [index for index, line in enumerate(lines) if _is_key_line(line, root)]
    entries: list[tuple[bytes, bytes]] = []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        value = b"\n".join(lines[start + 1 : end])
        entries.append(GetEntry(lines[start], value, notes))
    return entries


def _is_key_line(line: bytes, root: bytes | None) -> bool:
    if not line.startswith(b"/") or len(line) > 4096:
        return False
    if root is not None and not line.startswith(root):
        return False
    return all(0x20 <= byte < 0x7F for byte in line)


def decode_get_output(output: bytes, prefix: str = "/registry") -> list[StoredValue]:
    """Every key of `etcdctl get` output decoded, with what the copy mangled in its problems
    (for `manage.py analyze etcd FILE`)."""
    return [
        decode_value(entry[0], entry[1], prefix, notes=getattr(entry, "problems", ()))
        for entry in parse_etcdctl_get(output)
    ]
