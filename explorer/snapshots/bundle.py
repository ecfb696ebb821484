"""A ClusterState in one file: zstd-compressed JSON, versioned.

    {"format": "cluster-explorer-bundle", "version": 2, "cluster": ..., "created": ...,
     "objects": {kind: [...]}, "node_facts": {...}, "resource_versions": {...},
     "not_visible": {...},
     "about": {"title", "notes", "pins", "taken_at"},      (version 2)
     "extras": {name: JSON}}                               (version 2: explorer/snapshots/extras.py)

Version 1 (no about, no extras; taken when created) is still read. Reading checks the format and
version before trusting anything, refuses a truncated, corrupt or oversized file with a one-line
`BundleError` — decompressing at most `max_bytes` (a bomb stops there) —, and passes every object
through ingest again, so a bundle edited by hand to hold a Secret's values does not bring them in.
An uncompressed JSON bundle (a hand-edited one) is read too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

import orjson
import zstandard

from explorer.state.cluster_state import ClusterState
from explorer.state.state_dump import StateDump, dump_state, restore_state

from .object_shape import shape_problem

FORMAT = "cluster-explorer-bundle"
VERSION = 2
MAX_BYTES = 2 * 1024**3  # decompressed: the most a bundle may hold unless the caller says
# fed to the decompressor this much at a time: the most one piece can grow to is bounded
# (zstd blocks are at most 128 KiB each, a few bytes apiece when they are a bomb's)
_CHUNK = 4096
SUFFIX = ".cxb.zst"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_COMPRESSION_LEVEL = 6


class BundleError(ValueError):
    """A file that is not a bundle this version can read; the message is one line."""


class Pin(TypedDict):
    kind: str
    namespace: str
    name: str
    note: str


class About(TypedDict):
    """What a bundle says of the moment it holds (a snapshot's record, explorer/snapshots/
    models.py, says the same)."""

    title: str
    notes: str  # Markdown
    pins: list[Pin]
    taken_at: str  # ISO 8601, UTC: the moment the state shows


@dataclass(frozen=True, slots=True)
class Bundle:
    state: ClusterState
    created: str  # ISO 8601, UTC
    version: int
    about: About = field(default_factory=lambda: About(title="", notes="", pins=[], taken_at=""))
    extras: dict[str, Any] = field(default_factory=dict)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def bundle_to_bytes(
    state: ClusterState,
    created: datetime | None = None,
    about: About | None = None,
    extras: dict[str, Any] | None = None,
) -> bytes:
    moment = (created or datetime.now(UTC)).astimezone(UTC)
    stamp = moment.isoformat(timespec="seconds").replace("+00:00", "Z")
    body = {
        "format": FORMAT,
        "version": VERSION,
        "created": stamp,
        **dump_state(state),
        "about": about or About(title="", notes="", pins=[], taken_at=stamp),
        "extras": extras or {},
    }
    try:
        raw = orjson.dumps(body)
    except TypeError as error:
        raise BundleError(f"cannot write bundle: a node fact is not JSON data ({error})") from None
    return zstandard.ZstdCompressor(level=_COMPRESSION_LEVEL).compress(raw)


def write_bundle(
    state: ClusterState,
    path: str | Path,
    created: datetime | None = None,
    about: About | None = None,
    extras: dict[str, Any] | None = None,
) -> Path:
    path = Path(path)
    data = bundle_to_bytes(state, created, about, extras)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)  # readers never see half a bundle
    return path


def read_bundle(path: str | Path) -> ClusterState:
    return open_bundle(path).state


def open_bundle(path: str | Path, max_bytes: int = MAX_BYTES) -> Bundle:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BundleError(f"{path.name}: cannot read: {error.strerror}") from None
    return decode_bundle(data, path.name, max_bytes)


def decode_bundle(data: bytes, source: str = "bundle", max_bytes: int = MAX_BYTES) -> Bundle:
    body = _parse(_decompress(data, source, max_bytes), source)
    created = str(body.get("created", ""))
    return Bundle(
        restore_state(_checked_dump(body, source)),
        created,
        body["version"],
        _checked_about(body, created, source),
        _checked_extras(body, source),
    )


def _decompress(data: bytes, source: str, max_bytes: int) -> bytes:
    if not data.startswith(_ZSTD_MAGIC):
        if data.lstrip()[:1] == b"{":
            if len(data) > max_bytes:
                raise BundleError(f"{source}: bundle is over {_mib(max_bytes)}")
            return data
        raise BundleError(f"{source}: not a cluster-explorer bundle (not zstd-compressed JSON)")
    decompressor = zstandard.ZstdDecompressor().decompressobj()
    chunks: list[bytes] = []
    size = 0
    try:
        for start in range(0, len(data), _CHUNK):
            # a small input may hold a huge output: never ask for more than is still allowed
            piece = decompressor.decompress(data[start : start + _CHUNK])
            size += len(piece)
            if size > max_bytes:
                raise BundleError(
                    f"{source}: bundle decompresses to more than {_mib(max_bytes)}: refused"
                )
            chunks.append(piece)
    except zstandard.ZstdError:
        raise BundleError(f"{source}: bundle is corrupt (its zstd data does not decode)") from None
    if not decompressor.eof:
        raise BundleError(f"{source}: bundle is truncated (its zstd data ends early)")
    return b"".join(chunks)


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


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
    if cluster is not None and (not isinstance(cluster, str) or len(cluster) > 253):
        raise BundleError(f"{source}: bundle is corrupt ('cluster' is not a short string)")
    return {
        "cluster": cluster if isinstance(cluster, str) and cluster else "default",
        "objects": objects,
        "node_facts": mapping("node_facts", dict),
        "resource_versions": mapping("resource_versions", str),
        "not_visible": mapping("not_visible", str),
    }


def _checked_about(body: dict, created: str, source: str) -> About:
    about = body.get("about", {})
    if not isinstance(about, dict):
        raise BundleError(f"{source}: bundle is corrupt ('about' has the wrong shape)")

    def text(name: str, limit: int) -> str:
        value = about.get(name, "")
        if not isinstance(value, str):
            raise BundleError(f"{source}: bundle is corrupt ('about.{name}' is not text)")
        return value[:limit]

    pins = about.get("pins", [])
    if not isinstance(pins, list) or not all(_is_pin(pin) for pin in pins):
        raise BundleError(f"{source}: bundle is corrupt ('about.pins' has the wrong shape)")
    return About(
        title=text("title", 200),
        notes=text("notes", 20_000),
        pins=[Pin(**{k: pin.get(k, "")[:253] for k in Pin.__annotations__}) for pin in pins[:200]],
        taken_at=text("taken_at", 40) or created,
    )


def _is_pin(pin: object) -> bool:
    return isinstance(pin, dict) and all(
        isinstance(pin.get(k, ""), str) for k in Pin.__annotations__
    )


def _checked_extras(body: dict, source: str) -> dict[str, Any]:
    extras = body.get("extras", {})
    if not isinstance(extras, dict):
        raise BundleError(f"{source}: bundle is corrupt ('extras' has the wrong shape)")
    return extras
