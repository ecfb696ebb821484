"""The /etcd/ page's model: where the data comes from, said plainly; the db's status; the key
space (space.py); encryption at rest per resource; the live leases. From a listing read from
etcd (explorer/etcd/listing_read.py: live, or kept in a snapshot), or from the keys derived from
the objects when nobody here can read this cluster's etcd — then every figure says "derived".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any, TypedDict

from explorer.etcd.derived import DerivedKeys
from explorer.etcd.key_space import SpaceKey
from explorer.etcd.keys import KeyFormError, KeyParts, parse_key
from explorer.etcd.listing_read import EtcdListing

from .space import SpaceModel, space_model

ETCD, SNAPSHOT, DERIVED = "etcd", "snapshot", "derived"
LEASES_SHOWN = 50


class Origin(TypedDict):
    kind: str  # ETCD, SNAPSHOT or DERIVED
    way: str  # how etcd was read ("the demo's own etcd"), "" when derived
    said: str  # the whole of it, in a sentence for the page
    derived: bool
    read_at: str  # ISO 8601, "" when derived


class EncryptionRow(TypedDict):
    resource: str
    keys: int
    plain: int
    encrypted: int
    providers: str  # "aescbc v1 key1 (12)"; "" when none
    unread: int  # keys whose value was not read in time
    secret: bool  # Secrets: their state is said without their value ever leaving the reader


class LeaseRow(TypedDict):
    id: str  # hex, as etcdctl prints it
    granted_ttl: int
    remaining: int
    keys: int


class OverviewModel(TypedDict):
    origin: Origin
    problem: str  # "" when all was read
    problems: list[str]  # parts that could not be read (the status, the leases)
    status: list[list[str]]  # [term, value] pairs
    space: SpaceModel
    unsized: int
    encryption: list[EncryptionRow]
    leases: list[LeaseRow]
    leases_total: int
    unplaced: list[list[str]]  # derived: [kind, objects] not placed under a key
    live_watch: bool  # the write rate can be watched live


def from_listing(
    listing: EtcdListing, *, snapshot: bool = False, live_watch: bool = False
) -> OverviewModel:
    """The page of a listing read from etcd now, or kept in a snapshot (`snapshot`)."""
    keys = [_space_key(k.key, listing.prefix, k.size) for k in listing.keys]
    read_at = datetime.fromtimestamp(listing.read_at, UTC)
    when = f"{read_at:%Y-%m-%d %H:%M:%S} UTC"
    if snapshot and not listing.read_at:  # a data file's: no time of reading
        said = (
            f"Read from {listing.way}, as of revision {listing.revision:,}: keys, sizes and "
            "revisions; no value was kept."
        )
    elif snapshot:
        said = (
            f"Read from {listing.way} when the snapshot was taken ({when}), at revision "
            f"{listing.revision:,}: keys, sizes, revisions and leases; no value was kept."
        )
    else:
        said = f"Read from {listing.way} at {when}, revision {listing.revision:,}: read only."
    return OverviewModel(
        origin=Origin(
            kind=SNAPSHOT if snapshot else ETCD,
            way=listing.way,
            said=said,
            derived=False,
            read_at=read_at.isoformat(),
        ),
        problem="",
        problems=list(listing.problems),
        status=status_facts(listing.status),
        space=space_model([k for k in keys if k is not None], listing.prefix),
        unsized=listing.unsized,
        encryption=encryption_rows(listing),
        leases=[
            LeaseRow(
                id=f"{lease.id:x}",
                granted_ttl=lease.granted_ttl,
                remaining=lease.remaining,
                keys=lease.keys,
            )
            for lease in sorted(listing.leases, key=lambda lease: -lease.keys)[:LEASES_SHOWN]
        ],
        leases_total=len(listing.leases),
        unplaced=[],
        live_watch=live_watch and not snapshot,
    )


def from_objects(derived: DerivedKeys, prefix: str, why: str, problem: str = "") -> OverviewModel:
    """The page of a cluster whose etcd is not read: the keys derived from its objects. `why`:
    why etcd is not read, in a sentence; `problem`: reading it failed (one line)."""
    said = (
        f"{why} The keys below are derived from the objects the API serves, as kube-apiserver "
        "would have written them: marked derived on every figure. No size, revision history, "
        "encryption or lease is known, and the API server's own records (masterleases, ranges) "
        "are not among them."
    )
    return OverviewModel(
        origin=Origin(kind=DERIVED, way="", said=said, derived=True, read_at=""),
        problem=problem,
        problems=[],
        status=[],
        space=space_model(derived.keys, prefix),
        unsized=0,
        encryption=[],
        leases=[],
        leases_total=0,
        unplaced=[[kind, f"{count:,}"] for kind, count in derived.unplaced.most_common(20)],
        live_watch=False,
    )


def status_facts(status: dict[str, Any] | None) -> list[list[str]]:
    if not status:
        return []
    members = status.get("members") or []
    names = {
        m.get("id"): m.get("name") or f"{m.get('id', 0):x}" for m in members if isinstance(m, dict)
    }

    def member(member_id: object) -> str:
        if not isinstance(member_id, int):
            return "unknown"
        name = names.get(member_id)
        return f"{name} ({member_id:x})" if name else f"{member_id:x}"

    size, in_use = status.get("db_size"), status.get("db_size_in_use")
    facts = [
        ("version", "etcd version", str(status.get("version", ""))),
        ("db_size", "db size", _bytes(size)),
        (
            "db_size",
            "db size in use",
            f"{_bytes(in_use)} ({_share(in_use, size)} of the file; the rest is free pages "
            "until a defrag)"
            if isinstance(in_use, int)
            else "not said (etcd before 3.4)",
        ),
        ("leader", "leader", member(status.get("leader"))),
        ("member_id", "answered by", member(status.get("member_id"))),
        ("raft_index", "raft index", f"{status.get('raft_index', 0):,}"),
        ("raft_term", "raft term", f"{status.get('raft_term', 0):,}"),
        ("revision", "revision", f"{status.get('revision', 0):,}"),
        (
            "compact_revision",
            "compact revision",
            _compaction(status.get("compact_revision"), status.get("compact_revision_from")),
        ),
        (
            "members",
            "members",
            ", ".join(member(m.get("id")) for m in members if isinstance(m, dict)) or "none listed",
        ),
    ]
    return [[term, text] for field, term, text in facts if field in status]


def _compaction(revision: object, source: object) -> str:
    if not isinstance(revision, int) or revision == 0:
        return "nothing compacted yet: every revision is still readable"
    how = {
        "compact_rev_key": "kube-apiserver's compact_rev_key",
        "the data file": "the data file",
    }.get(str(source), "found by reading older revisions")
    return f"{revision:,} (revisions before it are gone; from {how})"


def encryption_rows(listing: EtcdListing) -> list[EncryptionRow]:
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    secret: dict[str, bool] = {}
    for listed in listing.keys:
        parts = _parts(listed.key, listing.prefix)
        label = _label(parts) if parts else "(outside any resource)"
        secret[label] = bool(parts and parts.segment == "secrets")
        tally[label]["keys"] += 1
        if listed.encryption is None:
            tally[label]["unread"] += 1
        elif listed.encryption == "":
            tally[label]["plain"] += 1
        else:
            tally[label]["encrypted"] += 1
            tally[label]["by " + listed.encryption] += 1
    rows = []
    for label, counts in sorted(tally.items(), key=lambda item: (-item[1]["encrypted"], item[0])):
        providers = ", ".join(
            f"{name[3:]} ({count:,})" for name, count in counts.items() if name.startswith("by ")
        )
        rows.append(
            EncryptionRow(
                resource=label,
                keys=counts["keys"],
                plain=counts["plain"],
                encrypted=counts["encrypted"],
                providers=providers,
                unread=counts["unread"],
                secret=secret[label],
            )
        )
    return rows


def _space_key(key: str, prefix: str, size: int | None) -> SpaceKey | None:
    parts = _parts(key, prefix)
    return SpaceKey(key, parts, size) if parts is not None else None


def _parts(key: str, prefix: str) -> KeyParts | None:
    try:
        return parse_key(key, prefix)
    except KeyFormError:
        return None


def _label(parts: KeyParts) -> str:
    return f"{parts.resource}.{parts.group}" if parts.group else parts.resource


def _bytes(value: object) -> str:
    if not isinstance(value, int):
        return "unknown"
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if value >= size:
            return f"{value / size:.1f} {unit} ({value:,} bytes)"
    return f"{value:,} bytes"


def _share(part: object, whole: object) -> str:
    if not isinstance(part, int) or not isinstance(whole, int) or whole <= 0:
        return "?"
    return f"{100 * part / whole:.0f} %"
