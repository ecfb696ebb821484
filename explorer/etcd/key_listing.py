"""A key listing saved from etcdctl, read and summarised: how many keys of each resource, in
which namespaces, and the keys that match no known resource.

Read: `etcdctl get /registry --prefix --keys-only` (each key followed by a blank line), a plain
list of one key per line, and `-w json` output (keys in base64; value sizes when values were
asked for, computed from the base64 length: a value is never decoded here). Lines that are not
keys (a shell prompt, the command pasted above the output) are counted and skipped. The prefix
is the first segment most keys share (`/registry`, or whatever `--etcd-prefix` made it).
"""

from __future__ import annotations

import binascii
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import BinaryIO, NotRequired, TypedDict

import orjson

from .keys import KeyParts, parse_key

MAX_LISTING_BYTES = 256 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024
MAX_KEY_BYTES = 4096  # Kubernetes keys are far shorter (names ≤ 253, namespaces ≤ 63)
MAX_UNKNOWN_SHOWN = 200
MAX_KEYS = 4_000_000  # a key is a few dozen bytes of text but some 100 bytes of Python object
_LEADING_SPACE = re.compile(rb"\s*")
_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_CONTROL_BUT_NEWLINE = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
_VALUE_STARTS = (b"k8s\x00", b"k8s:enc:", b"{", b"\xd9\xd9\xf7")


class NotAKeyListing(ValueError):
    """The bytes hold no etcd key listing."""


class ListingTooLarge(ValueError):
    """More bytes than a listing is allowed to be."""


class ListingFormat(StrEnum):
    LINES = "lines"  # etcdctl's simple output, or one key per line
    JSON = "json"  # etcdctl -w json


@dataclass(slots=True)
class Listing:
    keys: list[str]
    format: ListingFormat
    sizes: list[int] | None = None  # each key's value length, when the listing carried values
    ignored_lines: int = 0  # lines that are neither keys nor values (prompts, notes)
    value_lines: int = 0  # lines that look like values: the output of a get without --keys-only
    revision: int = 0  # the store's revision when listed (-w json's header)
    prefix: str = field(default="")


class ResourceCount(TypedDict):
    group: str
    resource: str
    count: int
    segment: str
    namespaces: int
    record: bool
    custom: bool
    bytes: NotRequired[int]


class NamespaceCount(TypedDict):
    namespace: str
    count: int


class ListingSummary(TypedDict):
    keys: int
    resources: list[ResourceCount]
    unknown: list[str]
    unknown_count: int
    outside_prefix: list[str]
    namespaces: list[NamespaceCount]
    prefix: str
    format: str
    ignored_lines: int
    revision: int
    bytes: NotRequired[int]


def read_limited(stream: BinaryIO, limit: int = MAX_LISTING_BYTES) -> bytes:
    """All of a binary stream, read in chunks; ListingTooLarge as soon as it passes `limit`."""
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(min(CHUNK_BYTES, limit + 1 - total)):
        total += len(chunk)
        if total > limit:
            raise ListingTooLarge(f"more than {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def read_listing(data: bytes, max_keys: int = MAX_KEYS) -> Listing:
    """The keys of a listing; NotAKeyListing when it holds none, ListingTooLarge when it could
    hold more than `max_keys` (told from its bytes before any key is made)."""
    if len(data) > MAX_LISTING_BYTES:
        raise ListingTooLarge(f"more than {MAX_LISTING_BYTES:,} bytes")
    as_json = data[_LEADING_SPACE.match(data).end() :][:1] == b"{"  # type: ignore[union-attr]
    # a line is a key or a blank line between two; a JSON object or array is one key at most
    pieces = data.count(b"{") + data.count(b"[") if as_json else data.count(b"\n") // 2
    if pieces > max_keys + 4:
        raise ListingTooLarge(f"more than {max_keys:,} keys")
    listing = _json_listing(data) if as_json else _line_listing(data)
    if not listing.keys:
        raise NotAKeyListing("no etcd key found (keys start with /)")
    listing.prefix = detect_prefix(listing.keys)
    return listing


def detect_prefix(keys: list[str], sample: int = 10_000) -> str:
    """The first path segment most keys share, as a prefix (`/registry`), from keys spread over
    the whole listing."""
    spread = keys[:: max(1, len(keys) // sample)]
    firsts = Counter(key.split("/", 2)[1] for key in spread if key[:1] == "/" and "/" in key[1:])
    if not firsts:
        return "/registry"
    return "/" + firsts.most_common(1)[0][0]


def summarise(listing: Listing, prefix: str | None = None) -> ListingSummary:
    """Counts per resource (API names, the group from the table or the key), per namespace,
    and the keys that match no known resource."""
    prefix = (prefix or listing.prefix or "/registry").rstrip("/")
    tally = _Tally()
    if listing.sizes is None:
        _tally_by_parent(tally, listing.keys, prefix)
    else:
        _tally_each(tally, listing.keys, listing.sizes, prefix)
    resources: list[ResourceCount] = []
    for which, count in sorted(tally.counts.items(), key=lambda pair: (-pair[1], pair[0])):
        parts = tally.first[which]
        entry = ResourceCount(
            group=parts.group,
            resource=parts.resource,
            count=count,
            segment=parts.segment,
            namespaces=len(tally.namespaces_of[which]),
            record=parts.record,
            custom=parts.custom,
        )
        if listing.sizes is not None:
            entry["bytes"] = tally.sizes[which]
        resources.append(entry)
    unknown = tally.unknown
    summary = ListingSummary(
        keys=len(listing.keys),
        resources=resources,
        unknown=unknown[:MAX_UNKNOWN_SHOWN],
        unknown_count=len(unknown),
        outside_prefix=tally.outside[:MAX_UNKNOWN_SHOWN],
        namespaces=[
            NamespaceCount(namespace=name, count=count)
            for name, count in sorted(tally.namespaces.items(), key=lambda p: (-p[1], p[0]))
        ],
        prefix=prefix,
        format=str(listing.format),
        ignored_lines=listing.ignored_lines,
        revision=listing.revision,
    )
    if listing.sizes is not None:
        summary["bytes"] = sum(listing.sizes)
    return summary


@dataclass
class _Tally:
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    sizes: defaultdict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    namespaces_of: defaultdict[tuple[str, str], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )
    first: dict[tuple[str, str], KeyParts] = field(default_factory=dict)
    namespaces: Counter[str] = field(default_factory=Counter)
    unknown: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def add(self, parts: KeyParts, keys: int, size: int = 0) -> None:
        which = (parts.group, parts.resource)
        self.counts[which] += keys
        self.sizes[which] += size
        self.first.setdefault(which, parts)
        if parts.namespace:
            self.namespaces_of[which].add(parts.namespace)
            self.namespaces[parts.namespace] += keys

    def one(self, key: str, prefix: str, size: int = 0) -> None:
        if not key.startswith(prefix + "/"):
            self.outside.append(key)
            return
        parts = parse_key(key, prefix)
        if parts.known:
            self.add(parts, 1, size)
        else:
            self.unknown.append(key)


def _tally_each(tally: _Tally, keys: list[str], sizes: list[int], prefix: str) -> None:
    for key, size in zip(keys, sizes, strict=True):
        tally.one(key, prefix, size)


def _tally_by_parent(tally: _Tally, keys: list[str], prefix: str) -> None:
    """One parse per parent path (a namespace of a resource, a cluster-scoped resource), not per
    key: whether a key is known, and of what, depends only on its parent when its name (the
    last part) is not empty. Keys with an empty name, and those under a parent that is not
    known, are read one by one."""
    by_parent = Counter(key.rpartition("/")[0] for key in keys if key[-1:] != "/")
    one_by_one: set[str] = set()
    for parent, count in by_parent.items():
        parts = parse_key(parent + "/-", prefix) if parent.startswith(prefix + "/") else None
        if parts is not None and parts.known:
            tally.add(parts, count)
        else:
            one_by_one.add(parent)
    if one_by_one or any(key[-1:] == "/" for key in keys):
        for key in keys:
            if key[-1:] == "/" or key.rpartition("/")[0] in one_by_one:
                tally.one(key, prefix)


def render_listing(summary: ListingSummary, *, namespaces_shown: int = 20) -> str:
    """The summary as a person reads it: a table of resources by count, the namespaces with
    the most keys, and the keys of no known resource."""
    sized = "bytes" in summary
    lines = [f"{summary['keys']:,} etcd keys under {summary['prefix']} ({summary['format']})"]
    if summary["ignored_lines"]:
        lines[0] += f"; {summary['ignored_lines']:,} lines that are not keys skipped"
    if sized:
        lines.append(f"{summary['bytes']:,} bytes of values")
    lines.append("")
    header = ("resource", "group", "keys", "namespaces", "etcd segment")
    rows = [
        (
            entry["resource"],
            entry["group"] or ("(API server record)" if entry["record"] else "(core)"),
            f"{entry['count']:,}",
            f"{entry['namespaces']:,}" if entry["namespaces"] else "-",
            entry["segment"],
            *((f"{entry.get('bytes', 0):,}",) if sized else ()),
        )
        for entry in summary["resources"]
    ]
    lines += _table((*header, *(("bytes",) if sized else ())), rows)
    if summary["namespaces"]:
        shown = summary["namespaces"][:namespaces_shown]
        lines += ["", f"namespaces ({len(summary['namespaces']):,}), by keys:"]
        lines += _table(
            ("namespace", "keys"), [(ns["namespace"], f"{ns['count']:,}") for ns in shown]
        )
        if len(summary["namespaces"]) > len(shown):
            lines.append(f"… and {len(summary['namespaces']) - len(shown):,} more")
    if summary["unknown_count"]:
        lines += ["", f"keys that match no known resource ({summary['unknown_count']:,}):"]
        lines += [f"  {key}" for key in summary["unknown"]]
        if summary["unknown_count"] > len(summary["unknown"]):
            lines.append(f"  … and {summary['unknown_count'] - len(summary['unknown']):,} more")
    if summary["outside_prefix"]:
        lines += ["", f"keys outside {summary['prefix']}:"]
        lines += [f"  {key}" for key in summary["outside_prefix"]]
    return "\n".join(lines) + "\n"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    numeric = [i for i in range(len(header)) if i and all(_numeric(row[i]) for row in rows)]

    def line(row: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    return [line(header), *(line(row) for row in rows)]


def _numeric(cell: str) -> bool:
    return cell == "-" or cell.replace(",", "").isdigit()


def _line_listing(data: bytes) -> Listing:
    if _CONTROL_BUT_NEWLINE.search(data) is None:  # the usual case: tested once, lines as text
        lines = [line.strip(" \t") for line in data.decode("utf-8", "backslashreplace").split("\n")]
        keys = [line for line in lines if line[:1] == "/" and len(line) <= MAX_KEY_BYTES]
        others = [
            line for line in lines if line and not (line[:1] == "/" and len(line) <= MAX_KEY_BYTES)
        ]
        values = sum(1 for line in others if line.startswith(("k8s:enc:", "{")))
        return Listing(
            keys, ListingFormat.LINES, ignored_lines=len(others) - values, value_lines=values
        )
    keys = []
    ignored = values = 0
    for raw in data.split(b"\n"):
        line = raw.strip()
        if not line:
            continue
        printable = _printable(line)
        if line.startswith(b"/") and len(line) <= MAX_KEY_BYTES and printable:
            keys.append(line.decode("utf-8", "backslashreplace"))
        elif line.startswith(_VALUE_STARTS) or not printable:
            values += 1
        else:
            ignored += 1
    return Listing(keys, ListingFormat.LINES, ignored_lines=ignored, value_lines=values)


def _printable(line: bytes) -> bool:
    return _CONTROL.search(line) is None


def _json_listing(data: bytes) -> Listing:
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise NotAKeyListing(f"not etcdctl -w json output: {error}") from None
    kvs = document.get("kvs", []) if isinstance(document, dict) else None
    if not isinstance(kvs, list) or not ("kvs" in document or "header" in document):
        raise NotAKeyListing("JSON without etcdctl's header or kvs")
    read = [_json_key(kv, index) for index, kv in enumerate(kvs)]
    sizes = [size for _, size in read]
    header = document.get("header")
    revision = header.get("revision", 0) if isinstance(header, dict) else 0
    return Listing(
        [key for key, _ in read],
        ListingFormat.JSON,
        # sizes only when every key came with its value (etcd leaves an empty value out)
        sizes=[size or 0 for size in sizes] if read and None not in sizes else None,
        revision=revision if isinstance(revision, int) else 0,
    )


def _json_key(kv: object, index: int) -> tuple[str, int | None]:
    if not isinstance(kv, dict) or not isinstance(kv.get("key"), str):
        raise NotAKeyListing(f"kvs[{index}] has no key")
    try:
        key = binascii.a2b_base64(kv["key"], strict_mode=True)
    except (binascii.Error, ValueError):
        raise NotAKeyListing(f"kvs[{index}]'s key is not base64") from None
    value = kv.get("value")
    size = _base64_length(value, index) if value is not None else None
    # a key is shown on terminals and pages: control characters (an escape sequence) as \xNN
    shown = _CONTROL.sub(lambda found: b"\\x%02x" % found[0][0], key)
    return shown.decode("utf-8", "backslashreplace"), size


def _base64_length(value: object, index: int) -> int:
    """The length a base64 text decodes to, without decoding it (a Secret's value is never
    decoded)."""
    if not isinstance(value, str) or len(value) % 4:
        raise NotAKeyListing(f"kvs[{index}]'s value is not base64")
    return len(value) // 4 * 3 - len(value[-2:]) + len(value[-2:].rstrip("="))
