"""`manage.py analyze etcd FILE`: what an etcd file is, and its analysis.

Three kinds are told apart by their bytes: an etcd data file (bbolt: page 0 is a meta page with
bbolt's magic), the output of `etcdctl get KEY` (keys followed by their values), and a key
listing (`etcdctl get --prefix --keys-only`, plain or `-w json`). A key listing is summarised
here, a data file read by datafile.py (its keys with their revisions, never a value), and get
output decoded by values.py.
"""

from __future__ import annotations

import struct
from enum import StrEnum
from typing import Any

from .key_listing import Listing, read_listing, render_listing, summarise

MAX_FILE_BYTES = 512 * 1024 * 1024  # a data file of a large cluster; listings are far smaller

# bbolt's page header (id u64, flags u16, count u16, overflow u32), then the meta: magic u32
_BOLT_META_FLAG = 0x04
_BOLT_MAGIC = 0xED0CDAED
_BOLT_HEADER = struct.Struct("<QHHII")


class EtcdFileKind(StrEnum):
    KEY_LISTING = "key listing"
    GET_OUTPUT = "etcdctl get output"
    DATA_FILE = "etcd data file"


def is_bolt_file(data: bytes) -> bool:
    """Whether the bytes open with bbolt's first meta page (page 0)."""
    if len(data) < _BOLT_HEADER.size:
        return False
    page_id, flags, _count, _overflow, magic = _BOLT_HEADER.unpack_from(data)
    return page_id == 0 and flags == _BOLT_META_FLAG and magic == _BOLT_MAGIC


def kind_of(data: bytes) -> tuple[EtcdFileKind, Listing | None]:
    """The kind of an etcd file (and its listing, when it has keys); ValueError saying why when
    it is none of them."""
    if is_bolt_file(data):
        return EtcdFileKind.DATA_FILE, None
    listing = read_listing(data)  # NotAKeyListing (a ValueError) when it holds no key
    if listing.value_lines or _one_key_with_its_value(listing):
        return EtcdFileKind.GET_OUTPUT, listing
    return EtcdFileKind.KEY_LISTING, listing


def analyse_etcd(data: bytes) -> tuple[Any, str]:
    """The --json document and the readable text of an etcd file."""
    kind, listing = kind_of(data)
    if kind is EtcdFileKind.DATA_FILE:
        return _data_file(data)
    if kind is EtcdFileKind.GET_OUTPUT:
        return _get_output(data)
    assert listing is not None
    summary = summarise(listing)
    if not summary["resources"]:
        raise ValueError(f"none of its {summary['keys']:,} keys is a Kubernetes object's key")
    return summary, render_listing(summary)


def _one_key_with_its_value(listing: Listing) -> bool:
    return len(listing.keys) == 1 and listing.sizes is not None


def _data_file(data: bytes) -> tuple[Any, str]:
    from .datafile import open_data_file

    with open_data_file(data) as data_file:
        return data_file.as_json(), data_file.describe()


def _get_output(data: bytes) -> tuple[Any, str]:
    """One value: its JSON; several (`get --prefix`): a list of them."""
    from .values import as_json, decode_get_output, decode_value

    if data.lstrip().startswith(b"{"):  # `etcdctl get -w json`: base64 keys and values
        values = [decode_value(record.key, record.value or b"") for record in _json_records(data)]
    else:
        values = decode_get_output(data)
    documents = [as_json(value) for value in values]
    text = "\n".join(_render_value(document) for document in documents)
    return (documents[0] if len(documents) == 1 else documents), text


def _json_records(data: bytes) -> list:
    import orjson

    from .records import RecordError, record_from_gateway

    try:
        answer = orjson.loads(data)
        kvs = answer.get("kvs") if isinstance(answer, dict) else None
        if not isinstance(kvs, list) or not kvs:
            raise ValueError("etcdctl get -w json output holds no key")
        return [record_from_gateway(kv) for kv in kvs]
    except (orjson.JSONDecodeError, RecordError, AttributeError) as error:
        raise ValueError(f"not etcdctl get -w json output: {error}") from None


def _render_value(document: dict) -> str:
    import yaml

    what = " ".join(str(document[field]) for field in ("apiVersion", "kind") if document[field])
    lines = [
        f"key: {document['key']}",
        f"encoding: {document['encoding']}, {document['size']:,} bytes"
        + (f" ({what})" if what else ""),
    ]
    if document["encryption"]:
        lines.append(
            "encrypted at rest: "
            + ", ".join(f"{k} {v}" for k, v in document["encryption"].items() if v)
            + " (never decrypted)"
        )
    lines += [f"problem: {problem}" for problem in document["problems"]]
    if document["object"] is not None:
        lines.append(yaml.safe_dump(document["object"], sort_keys=False).rstrip())
    return "\n".join(lines) + "\n"
