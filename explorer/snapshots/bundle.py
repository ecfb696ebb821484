"""A ClusterState in one file: zstd-compressed JSON, versioned.

    {"format": "cluster-explorer-bundle", "version": 1, "cluster": ..., "created": ...,
     "objects": {kind: [...]}, "node_facts": {...}, "resource_versions": {...},
     "not_visible": {...}}

Reading checks the format and version before trusting anything, refuses a truncated or corrupt
file with a one-line `BundleError`, and passes every object through ingest again, so a bundle
edited by hand to hold a Secret's values does not bring them in. An uncompressed JSON bundle (a
hand-edited one) is read too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import zstandard

from explorer.state.cluster_state import ClusterState
from explorer.state.state_dump import StateDump, dump_state, restore_state

from .object_shape import shape_problem

FORMAT = "cluster-explorer-bundle"
VERSION = 1
SUFFIX = ".cxb.zst"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_COMPRESSION_LEVEL = 6


class BundleError(ValueError):
    """A file that is not a bundle this version can read; the message is one line."""


@dataclass(frozen=True, slots=True)
class Bundle:
    state: ClusterState
    created: str  # ISO 8601, UTC
    version: int


def bundle_to_bytes(state: ClusterState, created: datetime | None = None) -> bytes:
    moment = (created or datetime.now(UTC)).astimezone(UTC)
    body = {
        "format": FORMAT,
        "version": VERSION,
        "created": moment.isoformat(timespec="seconds").replace("+00:00", "Z"),
        **dump_state(state),
    }
    try:
        raw = orjson.dumps(body)
    except TypeError as error:
        raise BundleError(f"cannot write bundle: a node fact is not JSON data ({error})") from None
    return zstandard.ZstdCompressor(level=_COMPRESSION_LEVEL).compress(raw)


def write_bundle(state: ClusterState, path: str | Path, created: datetime | None = None) -> Path:
    path = Path(path)
    data = bundle_to_bytes(state, created)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)  # readers never see half a bundle
    return path


def read_bundle(path: str | Path) -> ClusterState:
    return open_bundle(path).state


def open_bundle(path: str | Path) -> Bundle:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BundleError(f"{path.name}: cannot read: {error.strerror}") from None
    return decode_bundle(data, path.name)


def decode_bundle(data: bytes, source: str = "bundle") -> Bundle:
    body = _parse(_decompress(data, source), source)
    return Bundle(restore_state(_checked_dump(body, source)), str(body.get("created", "")), VERSION)


def _decompress(data: bytes, source: str) -> bytes:
    if not data.startswith(_ZSTD_MAGIC):
        if data.lstrip()[:1] == b"{":
            return data
        raise BundleError(f"{source}: not a cluster-explorer bundle (not zstd-compressed JSON)")
    decompressor = zstandard.ZstdDecompressor().decompressobj()
    try:
        raw = decompressor.decompress(data)
    except zstandard.ZstdError:
        raise BundleError(f"{source}: bundle is corrupt (its zstd data does not decode)") from None
    if not decompressor.eof:
        raise BundleError(f"{source}: bundle is truncated (its zstd data ends early)")
    return raw


def _parse(raw: bytes, source: str) -> dict:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise BundleError(
            f"{source}: bundle is corrupt (invalid JSON at line {error.lineno} column "
            f"{error.colno})"
        ) from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise BundleError(f"{source}: not a cluster-explorer bundle (no format {FORMAT!r})")
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError(f"{source}: unknown bundle version {version!r}")
    if version > VERSION:
        raise BundleError(
            f"{source}: bundle version {version} comes from a newer Cluster Explorer; "
            f"this one reads version {VERSION}"
        )
    return body


def _checked_dump(body: dict, source: str) -> StateDump:
    def mapping(field: str, values: type | None = None) -> dict[str, Any]:
        value = body.get(field, {})
        if not isinstance(value, dict) or (
            values is not None and not all(isinstance(v, values) for v in value.values())
        ):
            raise BundleError(f"{source}: bundle is corrupt ({field!r} has the wrong shape)")
        return value

    objects = mapping("objects", list)
    for kind, objs in objects.items():
        for obj in objs:
            problem = shape_problem(obj) if isinstance(obj, dict) else "not a JSON object"
            if problem is not None:
                raise BundleError(f"{source}: bundle is corrupt (a {kind[:40]}: {problem})")
    cluster = body.get("cluster")
    return {
        "cluster": cluster if isinstance(cluster, str) and cluster else "default",
        "objects": objects,
        "node_facts": mapping("node_facts", dict),
        "resource_versions": mapping("resource_versions", str),
        "not_visible": mapping("not_visible", str),
    }
