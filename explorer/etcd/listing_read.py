"""A cluster's etcd as the etcd pages and a snapshot show it, read through any `EtcdReader`:
the db's status, every key under the prefix with its revisions, lease and — when the time allows
— its value's size and encryption at rest, and the live leases. Never a value: the reader's
`sizes()` reduces each value to its size and encryption prefix where it reads it (the node agent
on its node; a Secret's is sized there too).

A first load is one pass of `sizes()`: every key with its size, in key order (385,000 keys in
about 20 s through the client). `budget` bounds the sizing: a pass not done by then stops, the
keys after it are listed without values and counted unsized, and the page offers no bytes view
of them. `SizeCache` keeps sizes by (key, mod_revision): a load with a cache lists the keys, takes
the sizes it knows, and reads the others — one by one when they are few, else a pass of `sizes()`
over each resource holding many of them, from the first — so a page read again reads only what
was written since (Events and Leases, mostly), and a listing cut short by the budget is sized
further at each load.

`EtcdListing.as_json()` is the snapshot extra "etcd" (explorer/snapshots/etcd_extra.py) and
`listing_from_json` reads it back, checking its shape (a bundle is untrusted input).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from .client import KeySize
from .errors import EtcdError
from .keys import DEFAULT_PREFIX
from .readers import EtcdReader
from .records import KeyRecord

SIZE_BUDGET_SECONDS = 8.0
FEW_MISSING = 200  # at most this many unknown sizes are read value by value, else in passes
FEW_IN_A_RESOURCE = 20  # a resource with more unknown sizes is read in a pass of its own
SIZE_READERS = 8  # values read at once, value by value
SIZE_CHUNK = 200  # values read value by value between two looks at the clock
MAX_LISTED_KEYS = 500_000  # a listing holds at most this many keys (a snapshot's extra too)
MAX_CACHED_SIZES = 1_000_000

Size = tuple[int, str]  # bytes stored; encryption in words ("" plain text)
UNSIZEABLE: Size = (-1, "")  # the reader cannot size it (a Secret over exec): not asked again


class ListingShapeError(ValueError):
    """A stored listing (a snapshot's extra) that is not of the shape written."""


@dataclass(frozen=True, slots=True)
class ListedKey:
    key: str
    create_revision: int
    mod_revision: int
    version: int
    lease: int
    size: int | None = None  # None: not read
    encryption: str | None = None  # "aescbc v1 key1"; "" stored in plain text; None: not read


@dataclass(frozen=True, slots=True)
class ListedLease:
    id: int
    granted_ttl: int
    remaining: int
    keys: int


@dataclass
class EtcdListing:
    way: str  # how this etcd was read, in words
    prefix: str
    read_at: float  # seconds since the epoch
    revision: int
    status: dict[str, Any] | None  # EtcdStatus as plain data; None when it could not be read
    keys: list[ListedKey] = field(default_factory=list)
    leases: list[ListedLease] = field(default_factory=list)
    unsized: int = 0  # keys whose size was not read in time
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "way": self.way,
            "prefix": self.prefix,
            "read_at": self.read_at,
            "revision": self.revision,
            "status": self.status,
            "keys": [
                [k.key, k.create_revision, k.mod_revision, k.version, k.lease, k.size, k.encryption]
                for k in self.keys
            ],
            "leases": [
                [lease.id, lease.granted_ttl, lease.remaining, lease.keys] for lease in self.leases
            ],
            "unsized": self.unsized,
            "problems": list(self.problems),
        }


class SizeCache:
    """Sizes and encryption of values by (key, mod_revision): a value never changes without its
    mod_revision changing, so an entry stays true for as long as the key is not written."""

    def __init__(self, limit: int = MAX_CACHED_SIZES) -> None:
        self._sizes: dict[tuple[str, int], Size] = {}
        self._lock = threading.Lock()
        self.limit = limit

    def __len__(self) -> int:
        with self._lock:
            return len(self._sizes)

    def get(self, key: str, mod_revision: int) -> Size | None:
        with self._lock:
            return self._sizes.get((key, mod_revision))

    def keep_only(self, current: dict[tuple[str, int], Size]) -> None:
        with self._lock:
            self._sizes = dict(list(current.items())[: self.limit])


def prefix_of(reader: object) -> str:
    """The reader's `--etcd-prefix` (an EtcdClient's access says it); /registry otherwise."""
    access = getattr(reader, "access", None)
    prefix = getattr(access, "prefix", None)
    return prefix if isinstance(prefix, str) and prefix else DEFAULT_PREFIX


def encryption_words(encryption: object | None) -> str:
    """ "" for plain text, else the provider, version and key name as the envelope says them."""
    if encryption is None:
        return ""
    parts = (getattr(encryption, a, "") or "" for a in ("provider", "version", "key_name"))
    return " ".join(part for part in parts if part) or "unknown"


def read_listing(
    reader: EtcdReader,
    way: str,
    *,
    sizes: SizeCache | None = None,
    budget: float = SIZE_BUDGET_SECONDS,
    max_keys: int = MAX_LISTED_KEYS,
    with_leases: bool = True,
) -> EtcdListing:
    """The listing of `reader`'s etcd. EtcdError when the keys cannot be listed; a status or
    leases that cannot be read are a problem named in the listing."""
    prefix = prefix_of(reader)
    listing = EtcdListing(way, prefix, time.time(), 0, None)
    try:
        status = reader.status()
        listing.status = _plain(asdict(status))
        listing.revision = status.revision
    except EtcdError as error:
        listing.problems.append(f"the db's status: {error}")
    if sizes is None or not len(sizes):
        records, known = _first_load(reader, prefix, budget, max_keys, listing)
    else:
        records, known = _load_with(sizes, reader, prefix, budget, max_keys, listing)
    if not listing.revision and records:
        listing.revision = max(r.mod_revision for r in records)
    found: dict[tuple[str, int], Size] = {}
    unsizeable = 0
    for record in records:
        size = known.get(record.key)
        if size is not None:
            found[(record.text, record.mod_revision)] = size
        if size is None or size == UNSIZEABLE:
            listing.unsized += 1
            unsizeable += size == UNSIZEABLE
            listing.keys.append(_listed(record))
        else:
            listing.keys.append(_listed(record, *size))
    if sizes is not None:
        sizes.keep_only(found)
    if unsizeable:
        listing.problems.append(
            f"Secrets without a size: {unsizeable:,} ({way} cannot size a value without reading it)"
        )
    if with_leases:
        try:
            listing.leases = [
                ListedLease(lease.id, lease.granted_ttl, lease.remaining, len(lease.keys))
                for lease in reader.leases()
            ]
        except EtcdError as error:
            listing.problems.append(f"the leases: {error}")
    return listing


class _Known(dict[bytes, Size]):
    """Sizes by key; UNSIZEABLE for a key the reader cannot size."""

    def take(self, sized: KeySize) -> None:
        if sized.size is None:
            self[sized.record.key] = UNSIZEABLE
        else:
            self[sized.record.key] = (sized.size, encryption_words(sized.encryption))


def _first_load(
    reader: EtcdReader, prefix: str, budget: float, max_keys: int, listing: EtcdListing
) -> tuple[list[KeyRecord], _Known]:
    """One pass of `sizes()` until the budget; the keys after where it stopped listed without
    values."""
    deadline = time.monotonic() + budget
    records: list[KeyRecord] = []
    known = _Known()
    passed = _Until(reader.sizes(prefix + "/"), deadline, listing)
    for sized in passed:
        records.append(sized.record)
        _check_count(len(records), max_keys, prefix)
        known.take(sized)
    if passed.cut:
        last = records[-1].key if records else b""
        for record in reader.keys(prefix + "/"):
            if record.key > last:
                records.append(record)
                _check_count(len(records), max_keys, prefix)
    return records, known


def _load_with(
    cache: SizeCache,
    reader: EtcdReader,
    prefix: str,
    budget: float,
    max_keys: int,
    listing: EtcdListing,
) -> tuple[list[KeyRecord], _Known]:
    """The keys, the sizes the cache knows, and the others read — one by one when they are few,
    else in one pass of `sizes()` from the first of them, until the budget."""
    records: list[KeyRecord] = []
    for record in reader.keys(prefix + "/"):
        records.append(record)
        _check_count(len(records), max_keys, prefix)
    deadline = time.monotonic() + budget
    known = _Known()
    missing: dict[bytes, int] = {}  # key -> its index in records
    for index, record in enumerate(records):
        size = cache.get(record.text, record.mod_revision)
        if size is None:
            missing[record.key] = index
        else:
            known[record.key] = size
    if not missing:
        return records, known
    singles: list[int] = []
    passes: list[tuple[bytes, list[int]]] = []
    for resource, indices in _by_resource(records, missing, prefix).items():
        if len(missing) <= FEW_MISSING or (
            len(indices) <= FEW_IN_A_RESOURCE and len(singles) + len(indices) <= FEW_MISSING
        ):
            singles += indices
        else:
            passes.append((resource, indices))
    wanted = [records[index] for index in singles]
    for sized in _values_in_parallel(reader, wanted, listing, deadline).values():
        known.take(sized)
    for resource, indices in passes:
        if time.monotonic() >= deadline:
            break
        _pass_over(reader, resource, records, indices, known, deadline, listing)
    return records, known


def _by_resource(
    records: list[KeyRecord], missing: dict[bytes, int], prefix: str
) -> dict[bytes, list[int]]:
    """The missing keys' indices by the range of their resource (`<prefix>/<segment>/`), in key
    order: the keys written between two loads gather in a few resources (Events, Leases, Pods),
    whose ranges alone are read again."""
    base = prefix.encode() + b"/"
    found: dict[bytes, list[int]] = {}
    for index in sorted(missing.values()):
        key = records[index].key
        segment = key[len(base) :].split(b"/", 1)[0] if key.startswith(base) else b""
        found.setdefault(base + segment + b"/" if segment else base, []).append(index)
    return found


def _pass_over(
    reader: EtcdReader,
    resource: bytes,
    records: list[KeyRecord],
    indices: list[int],
    known: _Known,
    deadline: float,
    listing: EtcdListing,
) -> None:
    """One pass of `sizes()` over `resource`'s range from its first missing key, until every
    missing one is found or the deadline."""
    missing = {records[index].key: index for index in indices}
    first = indices[0]
    after = records[first - 1].key if first else None
    passed = _Until(reader.sizes(resource, after=after), deadline, listing)
    try:
        for sized in passed:
            index = missing.pop(sized.record.key, None)
            if index is None:
                continue
            records[index] = sized.record  # read later than the listing: written again, maybe
            known.take(sized)
            if not missing:
                break
    finally:
        passed.close()


class _Until(Iterator[KeySize]):
    """`sized` until `deadline` or its first error; `cut` says whether either stopped it (the
    error becomes one of the listing's problems: the keys are still listed, without sizes).
    Stopping closes `sized`, which stops its readers."""

    def __init__(self, sized: Iterator[KeySize], deadline: float, listing: EtcdListing) -> None:
        self._sized = sized
        self._deadline = deadline
        self._listing = listing
        self.cut = False

    def __next__(self) -> KeySize:
        if time.monotonic() >= self._deadline:
            return self._stop()
        try:
            return next(self._sized)
        except EtcdError as error:
            self._listing.problems.append(f"the values' sizes: {error}")
            return self._stop()
        except BaseException:
            _close(self._sized)
            raise

    def _stop(self) -> KeySize:
        self.cut = True
        self.close()
        raise StopIteration

    def close(self) -> None:
        _close(self._sized)


def _close(iterator: Iterator[KeySize]) -> None:
    close = getattr(iterator, "close", None)
    if close is not None:
        close()


def _check_count(count: int, max_keys: int, prefix: str) -> None:
    if count > max_keys:
        raise EtcdError(f"more than {max_keys:,} keys under {prefix}: not listed")


def _values_in_parallel(
    reader: EtcdReader, records: list[KeyRecord], listing: EtcdListing, deadline: float
) -> dict[bytes, KeySize]:
    """A few keys' sizes, read value by value, SIZE_READERS at a time, chunk by chunk until the
    deadline (a few changed keys cost less so than a pass over the key space)."""
    found: dict[bytes, KeySize] = {}
    with ThreadPoolExecutor(SIZE_READERS, thread_name_prefix="etcd-sizes") as pool:
        for start in range(0, len(records), SIZE_CHUNK):
            if time.monotonic() >= deadline:
                break
            chunk = records[start : start + SIZE_CHUNK]
            for record, sized in zip(
                chunk, pool.map(lambda r: _size_of(reader, r.key, listing), chunk), strict=True
            ):
                if sized is not None:
                    found[record.key] = sized
    return found


def _size_of(reader: EtcdReader, key: bytes, listing: EtcdListing) -> KeySize | None:
    try:
        stored = reader.value(key)
    except EtcdError as error:
        if len(listing.problems) < 5:
            listing.problems.append(f"a value's size: {error}")
        return None
    if stored is None:  # deleted since it was listed
        return None
    size = None if stored.size < 0 else stored.size  # an exec reader's Secret: not known
    record = stored.record
    return KeySize(
        KeyRecord(
            record.key, record.create_revision, record.mod_revision, record.version, record.lease
        ),
        size,
        stored.encryption,
        stored.withheld,
    )


def _listed(record, size: int | None = None, encryption: str | None = None) -> ListedKey:
    return ListedKey(
        record.text,
        record.create_revision,
        record.mod_revision,
        record.version,
        record.lease,
        size,
        encryption,
    )


def _plain(value: object) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# ---- read back (a snapshot's extra) ----------------------------------------------------------


def listing_from_json(data: object) -> EtcdListing:
    """The listing a snapshot kept; ListingShapeError (one line) when it is not one."""
    if not isinstance(data, dict):
        raise ListingShapeError("the snapshot's etcd listing is not an object")
    try:
        keys = data["keys"]
        leases = data.get("leases") or []
        if not isinstance(keys, list) or not isinstance(leases, list):
            raise TypeError
        if len(keys) > MAX_LISTED_KEYS:
            raise ListingShapeError(
                f"the snapshot's etcd listing holds over {MAX_LISTED_KEYS:,} keys"
            )
        status = data.get("status")
        return EtcdListing(
            way=_str(data["way"]),
            prefix=_str(data["prefix"]) or DEFAULT_PREFIX,
            read_at=float(data["read_at"]),
            revision=_int(data["revision"]),
            status=status if isinstance(status, dict) else None,
            keys=[_listed_key(item) for item in keys],
            leases=[ListedLease(*(_int(v) for v in item)) for item in leases],
            unsized=_int(data.get("unsized", 0)),
            problems=[_str(p) for p in data.get("problems") or []][:20],
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, ListingShapeError):
            raise
        raise ListingShapeError("the snapshot's etcd listing is not of the shape written") from None


def _listed_key(item: object) -> ListedKey:
    if not isinstance(item, list) or len(item) != 7:
        raise TypeError
    key, create, mod, version, lease, size, encryption = item
    return ListedKey(
        _str(key),
        _int(create),
        _int(mod),
        _int(version),
        _int(lease),
        None if size is None else _int(size),
        None if encryption is None else _str(encryption),
    )


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError
    return value


def _str(value: object) -> str:
    if not isinstance(value, str) or len(value) > 4096:
        raise TypeError
    return value
