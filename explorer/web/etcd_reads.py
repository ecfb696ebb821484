"""What the etcd pages read, and from where, off the event loop and bounded in time.

A live cluster with a reader (explorer/etcd/readers.py) is read through it in a worker thread
(never on the event loop; each call bounded by the reader's own timeout, the whole by
READ_SECONDS); a snapshot shows the listing it kept (the extra "etcd",
explorer/snapshots/etcd_extra.py); a past moment, a snapshot taken without a listing, and a live
cluster nobody here can read show the keys derived from their objects, marked derived. Every
failure is one line on the page, never a traceback.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from asgiref.sync import sync_to_async

from explorer.etcd.client import KeyHistory
from explorer.etcd.derived import DerivedKeys
from explorer.etcd.errors import EtcdError
from explorer.etcd.keys import DEFAULT_PREFIX
from explorer.etcd.listing_read import (
    EtcdListing,
    ListingShapeError,
    SizeCache,
    listing_from_json,
    prefix_of,
    read_listing,
)
from explorer.etcd.readers import EtcdReader, reader_for
from explorer.etcd.watch import WatchEvent
from explorer.lib.sources import SNAPSHOT, is_frozen, parse_source
from explorer.snapshots.etcd_extra import DATA_FILE_EXTRA, EXTRA, Held, listing_from_data_file
from explorer.snapshots.models import Snapshot
from explorer.snapshots.store import SnapshotGone, open_snapshot
from explorer.state.store import UnknownCluster, watched
from explorer.streaming.frozen import FrozenUnavailable
from explorer.viewmodels.etcd.derived_state import derived_from_state
from explorer.viewmodels.etcd.key_page import (
    KeyModel,
    key_from_held,
    key_from_listing,
    key_model,
)
from explorer.viewmodels.etcd.object_keys import key_of
from explorer.viewmodels.etcd.overview import OverviewModel, from_listing, from_objects

from .sources import Source, state_of_source

READ_SECONDS = 30.0  # a page's reads of etcd, all told
KEY_EVENTS_SECONDS = 3.0  # a key's replayed writes and deletes
MAX_KEY_EVENTS = 2_000
REPLAY_PAUSE_SECONDS = 0.5  # a replay that pauses this long has given all it holds
NOT_READ_HERE = (
    "Nothing in this install can read this cluster's etcd (a managed cluster's etcd is out of "
    "everyone's reach; for your own, see the README: EXPLORER_ETCD_* or the node agent)."
)
MOMENT_WHY = "A past moment keeps the objects, not etcd."
SNAPSHOT_WHY = "This snapshot was taken without an etcd listing (etcd could not be read then)."

T = TypeVar("T")
_sizes: dict[str, SizeCache] = {}
_sizes_lock = threading.Lock()


class EtcdPageError(Exception):
    """What a page says instead of its figures, in one line."""


async def in_thread(call: Callable[[], T], what: str) -> T:
    """`call` in a worker thread (the event loop never waits on etcd), for at most READ_SECONDS;
    EtcdError and a timeout come back as EtcdPageError."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(call), READ_SECONDS)
    except TimeoutError:
        raise EtcdPageError(f"{what}: no answer within {READ_SECONDS:.0f} s") from None
    except EtcdError as error:
        raise EtcdPageError(f"{what}: {error}") from None


def sizes_of(cluster: str) -> SizeCache:
    with _sizes_lock:
        return _sizes.setdefault(cluster, SizeCache())


# ---- the overview ---------------------------------------------------------------------------


async def overview_of(source: Source) -> OverviewModel:
    if source.kind == SNAPSHOT:
        listing = await snapshot_listing(source.name)
        if listing is not None:
            return from_listing(listing, snapshot=True)
        return await _derived(source.name, SNAPSHOT_WHY)
    if source.frozen:
        return await _derived(source.name, MOMENT_WHY)
    found = reader_for(source.cluster)
    if found is None:
        return await _derived(source.name, NOT_READ_HERE)
    way, reader = found
    try:
        listing = await in_thread(
            lambda: read_listing(reader, way, sizes=sizes_of(source.cluster)), f"reading {way}"
        )
    except EtcdPageError as error:
        said = str(error)  # "reading <way>: <what went wrong>"
        why = f"{said[:1].upper()}{said[1:]}."
        return await _derived(source.name, why, problem=str(error))
    return from_listing(listing, live_watch=True)


async def _derived(name: str, why: str, problem: str = "") -> OverviewModel:
    # a snapshot's or moment's state is found through the database: on Django's thread for it
    run = sync_to_async(_derived_keys) if is_frozen(name) else _in_worker(_derived_keys)
    try:
        derived = await asyncio.wait_for(run(name), READ_SECONDS)
    except (FrozenUnavailable, TimeoutError) as error:
        model = from_objects(DerivedKeys(), DEFAULT_PREFIX, why, problem)
        model["problem"] = problem or f"The objects could not be read either: {error or 'timeout'}"
        return model
    return from_objects(derived, DEFAULT_PREFIX, why, problem)


def _in_worker(call: Callable[[str], T]) -> Callable[[str], Awaitable[T]]:
    async def run(name: str) -> T:
        return await asyncio.to_thread(call, name)

    return run


def _derived_keys(name: str) -> DerivedKeys:
    states = watched()
    if states is not None and name in states:
        try:
            with states.read(name) as state:
                return derived_from_state(state)
        except UnknownCluster:
            pass
    return derived_from_state(state_of_source(name))


# ---- a snapshot's listing -------------------------------------------------------------------

_LISTINGS_HELD = 2
_listings: OrderedDict[str, SnapshotEtcd | None] = OrderedDict()
_listings_lock = threading.Lock()


@dataclass(frozen=True)
class SnapshotEtcd:
    listing: EtcdListing
    held: dict[str, list[Held]] | None = None  # from a data file: every key's revisions


async def snapshot_listing(name: str) -> EtcdListing | None:
    found = await snapshot_etcd(name)
    return found.listing if found else None


async def snapshot_etcd(name: str) -> SnapshotEtcd | None:
    """What a snapshot kept of etcd: the listing taken with it, or a data file's key index
    (None when neither); a few kept in memory. The record is read on Django's thread for the
    database, the file in a worker thread."""
    with _listings_lock:
        if name in _listings:
            _listings.move_to_end(name)
            return _listings[name]
    snapshot = await sync_to_async(_snapshot_named)(name)
    if snapshot is None:
        return None
    return await asyncio.to_thread(_read_listing_of, name, snapshot)


def _snapshot_named(name: str) -> Snapshot | None:
    named = parse_source(name)
    return Snapshot.objects.filter(pk=named.snapshot).first() if named else None


def _read_listing_of(name: str, snapshot: Snapshot) -> SnapshotEtcd | None:
    try:
        kept = open_snapshot(snapshot).extras
    except SnapshotGone:
        return None
    listing: SnapshotEtcd | None = None
    try:
        if kept.get(EXTRA) is not None:
            listing = SnapshotEtcd(listing_from_json(kept[EXTRA]))
        elif kept.get(DATA_FILE_EXTRA) is not None:
            listing = SnapshotEtcd(*listing_from_data_file(kept[DATA_FILE_EXTRA]))
    except ListingShapeError:
        listing = None
    with _listings_lock:
        _listings[name] = listing
        while len(_listings) > _LISTINGS_HELD:
            _listings.popitem(last=False)
    return listing


# ---- a key ----------------------------------------------------------------------------------


async def prefix_for(source: Source) -> str:
    if source.kind == SNAPSHOT:
        listing = await snapshot_listing(source.name)
        return listing.prefix if listing else DEFAULT_PREFIX
    found = None if source.frozen else reader_for(source.cluster)
    return prefix_of(found[1]) if found else DEFAULT_PREFIX


async def key_page_of(source: Source, key: str, pair: tuple[int, int] | None) -> KeyModel:
    if source.kind == SNAPSHOT:
        kept = await snapshot_etcd(source.name)
        listing = kept.listing if kept else None
        if kept is not None and kept.held is not None:
            compact = (kept.listing.status or {}).get("compact_revision", 0)
            held = [(h.revision, h.deleted, h.size) for h in kept.held.get(key, [])]
            return key_from_held(key, kept.listing.prefix, held, kept.listing.revision, compact)
        if listing is not None:
            listed = next((k for k in listing.keys if k.key == key), None)
            compact = (listing.status or {}).get("compact_revision", 0)
            return key_from_listing(
                key, listing.prefix, listed, compact if isinstance(compact, int) else 0
            )
    found = None if source.frozen else reader_for(source.cluster)
    if found is None:
        model = key_from_listing(key, DEFAULT_PREFIX, None)
        model["derived"] = True
        model["problem"] = (
            "This key is derived from an object: etcd itself is not read here "
            f"({MOMENT_WHY if source.frozen else NOT_READ_HERE})"
        )
        return model
    way, reader = found
    return await in_thread(lambda: _read_key(reader, key, pair), f"reading {way}")


def _read_key(reader: EtcdReader, key: str, pair: tuple[int, int] | None) -> KeyModel:
    prefix = prefix_of(reader)
    history = reader.history(key)
    lease = None
    if history.versions and history.versions[0].record.lease:
        lease = reader.lease(history.versions[0].record.lease)
    compact = _compact_revision(reader)
    return key_model(
        key,
        prefix,
        history,
        lease=lease,
        compact_revision=compact,
        pair=pair,
        events=_key_events(reader, key, history, compact),
    )


def _compact_revision(reader: EtcdReader) -> int:
    ask = getattr(reader, "compact_revision", None)
    if callable(ask):
        return int(ask()[0])
    return reader.status().compact_revision


def _key_events(
    reader: EtcdReader, key: str, history: KeyHistory, compact: int
) -> list[WatchEvent]:
    """The key's writes and deletes etcd still holds, in order: a watch of the key replayed
    from the compaction point, bounded in time and count (never a value: watch events keep the
    size only). It ends at the key's current version; a key deleted since ends at the first
    pause in the replay. A watch that fails shows no deletions rather than no page."""
    current = history.versions[0].record if history.versions else None
    if current is not None and current.mod_revision <= compact:
        return []  # nothing of this key is after the compaction point
    found: list[WatchEvent] = []
    wanted = key.encode()
    deadline = time.monotonic() + KEY_EVENTS_SECONDS
    try:
        with reader.watch(key, start_revision=max(compact + 1, 1)) as watch:
            while len(found) < MAX_KEY_EVENTS and (left := deadline - time.monotonic()) > 0:
                wait = left if current is not None else min(left, REPLAY_PAUSE_SECONDS)
                event = watch.next_event(timeout=wait)
                if event is None:
                    break
                if event.key == wanted:
                    found.append(event)
                if current is not None and event.revision >= current.mod_revision:
                    break
    except EtcdError:
        return []
    return found


# ---- an object's key ------------------------------------------------------------------------


async def object_facts(source: Source, kind: str, namespace: str, name: str) -> dict[str, Any]:
    """An object's key with its size and revisions where etcd is read (or a snapshot's listing
    says them), the key alone, marked derived, where not."""
    prefix = await prefix_for(source)
    key = key_of(kind, namespace, name, prefix)
    if key is None:
        return {"key": None, "problem": f"no etcd key is known for a {kind[:80]}"}
    facts: dict[str, Any] = {"key": key, "derived": True, "way": "", "problem": ""}
    if source.kind == SNAPSHOT:
        listing = await snapshot_listing(source.name)
        listed = next((k for k in listing.keys if k.key == key), None) if listing else None
        if listing is not None:
            facts.update(derived=False, way=f"{listing.way}, when the snapshot was taken")
        if listed is not None:
            facts.update(
                size=listed.size,
                mod_revision=listed.mod_revision,
                create_revision=listed.create_revision,
                version=listed.version,
            )
        return facts
    found = None if source.frozen else reader_for(source.cluster)
    if found is None:
        return facts
    way, reader = found
    facts.update(derived=False, way=way)
    try:
        stored = await in_thread(lambda: reader.value(key), f"reading {way}")
    except EtcdPageError as error:
        facts["problem"] = str(error)
        return facts
    if stored is None:
        facts["problem"] = "not in etcd now"
        return facts
    facts.update(
        size=stored.size,
        mod_revision=stored.record.mod_revision,
        create_revision=stored.record.create_revision,
        version=stored.record.version,
    )
    return facts
