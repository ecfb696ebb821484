"""The key page's model (/etcd/key?key=…): the decoded value as YAML beside its raw envelope
(encoding, size, the first bytes in hex), the key's revisions as a timeline with compacted ones
shown as gone, a unified diff of the decoded YAML of any two revisions, its lease, and the object
it holds. A Secret's key: its size, revisions and encryption only — its value was never handed
out by the reader (explorer/etcd/client.py), so nothing here could show it.

From a snapshot's listing: the listing's facts only (revisions, size, lease), no value.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TypedDict

from explorer.etcd.client import KeyHistory, LeaseInfo, StoredValue
from explorer.etcd.listing_read import ListedKey, encryption_words
from explorer.etcd.values import decode_value, is_secret_key
from explorer.etcd.watch import WatchEvent

from ..links import Link, object_link
from ..objects.yaml_text import dump
from ..plotly_text import hover_lines
from .object_keys import object_of

MAX_DIFF_LINES = 2_000
MAX_YAML_CHARS = 512 * 1024


class Version(TypedDict):
    revision: int  # mod_revision: the object's resourceVersion
    version: int
    size: int
    encryption: str  # "" plain
    created: bool  # the first version of this life of the key
    hover: str  # escaped for Plotly


class Envelope(TypedDict):
    encoding: str
    size: int
    head: str  # hex of the first bytes; "" for a Secret (never shown)
    api_version: str
    kind: str
    encryption: str
    problems: list[str]


class LeaseFacts(TypedDict):
    id: str
    granted_ttl: int
    remaining: int  # seconds; -1 when the lease has expired
    keys: int


class Deletion(TypedDict):
    revision: int  # the revision of the delete
    after: int  # the revision the key was last written at before it (0: not seen)
    hover: str  # escaped for Plotly


class Diff(TypedDict):
    a: int
    b: int
    lines: list[str]
    cut: bool


class KeyModel(TypedDict):
    key: str
    secret: bool
    exists: bool
    facts_only: bool  # from a snapshot's listing: no value was kept
    derived: bool  # etcd is not read: the key is derived from the object
    object: Link | None
    object_words: str
    create_revision: int
    mod_revision: int
    version: int
    lease_id: str  # hex, "" when none
    envelope: Envelope | None
    yaml: str  # "" for a Secret, a value not decoded, or facts only
    versions: list[Version]  # oldest first
    compacted: int  # earlier versions compaction removed
    deletions: list[Deletion]  # the key was deleted (and later created again) in between
    compact_revision: int
    not_read: int
    lease: LeaseFacts | None
    diff: Diff | None
    problem: str


def key_model(
    key: str,
    prefix: str,
    history: KeyHistory,
    *,
    lease: LeaseInfo | None = None,
    compact_revision: int = 0,
    pair: tuple[int, int] | None = None,
    events: Sequence[WatchEvent] = (),
) -> KeyModel:
    """The page of a key read live. `pair`: two of its revisions to diff; `events`: the key's
    writes and deletes etcd still holds (a watch replayed from the compaction point): they show
    its deletions, and the versions of a key deleted since."""
    secret = is_secret_key(key, prefix)
    model = _empty(key, prefix, secret)
    model["compact_revision"] = compact_revision
    model["deletions"] = _deletions(events)
    if not history.versions:
        model["versions"] = [_written(e) for e in events if e.type == "put"]
        if model["deletions"]:
            last = model["deletions"][-1]["revision"]
            model["problem"] = f"The key does not exist now: it was deleted at revision {last:,}."
        else:
            model["problem"] = "The key does not exist now (never written, or deleted before "
            model["problem"] += "the compaction point)."
        return model
    current = history.versions[0]
    record = current.record
    model.update(
        exists=True,
        create_revision=record.create_revision,
        mod_revision=record.mod_revision,
        version=record.version,
        lease_id=f"{record.lease:x}" if record.lease else "",
        compacted=history.compacted,
        not_read=history.not_read,
        versions=[_version(v) for v in reversed(history.versions)],
    )

    texts: dict[int, str] = {}
    if secret or current.withheld:
        model["envelope"] = _withheld_envelope(current)
    else:
        decoded = decode_value(key, record.value or b"", prefix)
        model["envelope"] = Envelope(
            encoding=str(decoded.encoding),
            size=decoded.size,
            head=decoded.head or "",
            api_version=decoded.api_version or "",
            kind=decoded.kind or "",
            encryption=encryption_words(decoded.encryption),
            problems=list(decoded.problems),
        )
        model["yaml"] = texts[record.mod_revision] = _yaml(decoded.object)
    if lease is not None:
        model["lease"] = LeaseFacts(
            id=f"{lease.id:x}",
            granted_ttl=lease.granted_ttl,
            remaining=lease.remaining,
            keys=len(lease.keys),
        )
    elif record.lease:
        model["lease"] = LeaseFacts(id=f"{record.lease:x}", granted_ttl=0, remaining=-1, keys=0)
    if pair is not None and not secret:
        model["diff"] = _diff(key, prefix, history, pair, texts)
    return model


def key_from_listing(
    key: str, prefix: str, listed: ListedKey | None, compact_revision: int = 0
) -> KeyModel:
    """The page of a key as a snapshot's listing kept it: facts only."""
    model = _empty(key, prefix, is_secret_key(key, prefix))
    model["facts_only"] = True
    model["compact_revision"] = compact_revision
    if listed is None:
        model["problem"] = "The key was not in etcd when the snapshot was taken."
        return model
    model.update(
        exists=True,
        create_revision=listed.create_revision,
        mod_revision=listed.mod_revision,
        version=listed.version,
        lease_id=f"{listed.lease:x}" if listed.lease else "",
    )
    if listed.size is not None:
        model["envelope"] = Envelope(
            encoding="",
            size=listed.size,
            head="",
            api_version="",
            kind="",
            encryption=listed.encryption or "",
            problems=[],
        )
        model["versions"] = [
            Version(
                revision=listed.mod_revision,
                version=listed.version,
                size=listed.size,
                encryption=listed.encryption or "",
                created=listed.version == 1,
                hover=hover_lines(
                    f"revision {listed.mod_revision:,}",
                    [("version", listed.version), ("bytes", f"{listed.size:,}")],
                ),
            )
        ]
    return model


def _empty(key: str, prefix: str, secret: bool) -> KeyModel:
    found = object_of(key, prefix)
    return KeyModel(
        key=key,
        secret=secret,
        exists=False,
        facts_only=False,
        derived=False,
        object=object_link(*found) if found else None,
        object_words=f"{found[0]} {'/'.join(p for p in found[1:] if p)}" if found else "",
        create_revision=0,
        mod_revision=0,
        version=0,
        lease_id="",
        envelope=None,
        yaml="",
        versions=[],
        compacted=0,
        deletions=[],
        compact_revision=0,
        not_read=0,
        lease=None,
        diff=None,
        problem="",
    )


def _deletions(events: Sequence[WatchEvent]) -> list[Deletion]:
    found: list[Deletion] = []
    last_put = 0
    for event in events:
        if event.type == "put":
            last_put = event.revision
            continue
        rows: list[tuple[str, object]] = [("at revision", f"{event.revision:,}")]
        if last_put:
            rows.append(("last written before at", f"revision {last_put:,}"))
        found.append(
            Deletion(revision=event.revision, after=last_put, hover=hover_lines("deleted", rows))
        )
        last_put = 0
    return found


def _written(event: WatchEvent) -> Version:
    words = encryption_words(event.encryption)
    rows: list[tuple[str, object]] = [("version", event.version), ("bytes", f"{event.size:,}")]
    if event.version == 1:
        rows.append(("", "created"))
    return Version(
        revision=event.revision,
        version=event.version,
        size=event.size,
        encryption=words,
        created=event.version == 1,
        hover=hover_lines(f"revision {event.revision:,}", rows),
    )


def _withheld_envelope(value: StoredValue) -> Envelope:
    return Envelope(
        encoding="encrypted" if value.encryption is not None else "not shown",
        size=value.size,
        head="",
        api_version="v1",
        kind="Secret",
        encryption=encryption_words(value.encryption),
        problems=[],
    )


def _version(value: StoredValue) -> Version:
    record = value.record
    words = encryption_words(value.encryption)
    rows: list[tuple[str, object]] = [("version", record.version), ("bytes", f"{value.size:,}")]
    if words:
        rows.append(("encrypted", words))
    if record.version == 1:
        rows.append(("", "created"))
    return Version(
        revision=record.mod_revision,
        version=record.version,
        size=value.size,
        encryption=words,
        created=record.version == 1,
        hover=hover_lines(f"revision {record.mod_revision:,}", rows),
    )


def _yaml(obj: object) -> str:
    if obj is None:
        return ""
    text = dump(obj)
    return text if len(text) <= MAX_YAML_CHARS else text[:MAX_YAML_CHARS] + "\n# … cut here\n"


def _diff(
    key: str, prefix: str, history: KeyHistory, pair: tuple[int, int], texts: dict[int, str]
) -> Diff | None:
    by_revision = {v.record.mod_revision: v for v in history.versions}
    a, b = sorted(pair)
    if a not in by_revision or b not in by_revision:
        return None
    for revision in (a, b):
        if revision not in texts:
            value = by_revision[revision]
            decoded = decode_value(key, value.record.value or b"", prefix)
            texts[revision] = _yaml(decoded.object)
    lines = list(
        difflib.unified_diff(
            texts[a].splitlines(),
            texts[b].splitlines(),
            f"revision {a}",
            f"revision {b}",
            lineterm="",
        )
    )
    return Diff(a=a, b=b, lines=lines[:MAX_DIFF_LINES], cut=len(lines) > MAX_DIFF_LINES)


def key_from_held(
    key: str, prefix: str, held: Sequence[tuple[int, bool, int]], at: int, compact_revision: int
) -> KeyModel:
    """The page of a key of a snapshot opened from an etcd data file: every revision the file
    holds of it — (revision, deleted, size), never a value —, the record as of revision `at`."""
    model = _empty(key, prefix, is_secret_key(key, prefix))
    model["facts_only"] = True
    model["compact_revision"] = compact_revision
    life: list[tuple[int, int]] = []  # this life's puts: (revision, size)
    as_of: list[tuple[int, int]] = []  # the life alive at `at`
    for revision, deleted, size in sorted(held):
        if deleted:
            last_put = life[-1][0] if life else 0
            rows: list[tuple[str, object]] = [("at revision", f"{revision:,}")]
            if last_put:
                rows.append(("last written before at", f"revision {last_put:,}"))
            model["deletions"].append(
                Deletion(revision=revision, after=last_put, hover=hover_lines("deleted", rows))
            )
            life = []
        else:
            life.append((revision, size))
            model["versions"].append(_held_version(revision, len(life), size))
        if revision <= at:
            as_of = list(life)
    if not as_of:
        model["problem"] = f"The key did not exist at revision {at:,}, the one this snapshot shows."
        return model
    (created, _), (modified, size) = as_of[0], as_of[-1]
    model.update(exists=True, create_revision=created, mod_revision=modified, version=len(as_of))
    model["envelope"] = Envelope(
        encoding="", size=size, head="", api_version="", kind="", encryption="", problems=[]
    )
    return model


def _held_version(revision: int, version: int, size: int) -> Version:
    return Version(
        revision=revision,
        version=version,
        size=size,
        encryption="",
        created=version == 1,
        hover=hover_lines(f"revision {revision:,}", [("version", version), ("bytes", f"{size:,}")]),
    )
