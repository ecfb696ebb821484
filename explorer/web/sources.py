"""What a page shows: a live cluster, a snapshot, or a past moment of a live cluster (the names:
explorer/lib/sources.py). `source_of(request)` reads `?cluster=` (the header's choice: the first
live cluster when none is asked for); `frozen_state(name)` is the state of a snapshot or a past
moment — what the websocket's frozen views (explorer/streaming/frozen.py) are built from.

A past moment comes from the flight recorder of a cluster this install watches
(explorer/state/recorded_moments.py), a snapshot from the snapshot store.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

from django.http import HttpRequest

from explorer.lib.sources import (
    LIVE,
    MOMENT,
    SNAPSHOT,
    SourceName,
    is_frozen,
    parse_source,
    snapshot_source,
)
from explorer.snapshots.capture import StateUnavailable, cluster_state
from explorer.snapshots.models import Snapshot
from explorer.snapshots.moments import MomentUnavailable, moment_state
from explorer.snapshots.store import SnapshotGone, state_of
from explorer.state.cluster_state import ClusterState
from explorer.streaming.frozen import FrozenUnavailable

from .clusters import ClusterInfo, choose, known_clusters

SWITCHER_SNAPSHOTS = 20  # the latest ones; the snapshots page lists them all


@dataclass(frozen=True)
class Source:
    name: str  # what `?cluster=` and each view's `cluster` parameter say
    kind: str  # LIVE, SNAPSHOT or MOMENT
    cluster: str  # the cluster it shows
    live: ClusterInfo | None = None  # a live cluster's watcher status
    snapshot: Snapshot | None = None
    at: datetime | None = None  # the moment a snapshot or past moment shows

    @property
    def frozen(self) -> bool:
        return self.kind != LIVE

    @property
    def moment_ms(self) -> int | None:
        """The moment in milliseconds since the epoch, for the page's ages (kit.js `now`)."""
        return round(self.at.timestamp() * 1000) if self.at else None


def source_of(request: HttpRequest) -> Source | None:
    """The source the page shows, or None (nothing watched yet, or a name that names nothing)."""
    cached = getattr(request, "_explorer_source", False)
    if cached is not False:
        return cached
    found = _source(request.GET.get("cluster"))
    request._explorer_source = found  # type: ignore[attr-defined]
    return found


def _source(wanted: str | None) -> Source | None:
    named = parse_source(wanted) if wanted else None
    if named is None or named.kind == LIVE:
        live = choose(known_clusters(), wanted)
        return Source(live["name"], LIVE, live["name"], live=live) if live else None
    if named.kind == SNAPSHOT:
        snapshot = Snapshot.objects.select_related("creator").filter(pk=named.snapshot).first()
        if snapshot is None:
            return None
        return Source(
            wanted or "", SNAPSHOT, snapshot.cluster, snapshot=snapshot, at=snapshot.taken_at
        )
    if named.cluster not in {c["name"] for c in known_clusters()} or named.at is None:
        return None
    return Source(wanted or "", MOMENT, named.cluster, at=datetime.fromtimestamp(named.at, UTC))


def recent_snapshots() -> list[Snapshot]:
    return list(Snapshot.objects.select_related("creator")[:SWITCHER_SNAPSHOTS])


def switcher_name(snapshot: Snapshot) -> str:
    return snapshot_source(snapshot.id)


def frozen_state(name: str) -> ClusterState:
    """The state a frozen source's name stands for (FrozenUnavailable, one line, when none)."""
    named = parse_source(name)
    if named is None or named.kind == LIVE:
        raise FrozenUnavailable(f"{name[:80]!r} names no snapshot and no past moment")
    if named.kind == SNAPSHOT:
        return _snapshot_state(named)
    return _moment_state(named)


def _snapshot_state(named: SourceName) -> ClusterState:
    snapshot = Snapshot.objects.filter(pk=named.snapshot).first()
    if snapshot is None:
        raise FrozenUnavailable("no such snapshot (deleted, or never taken)")
    try:
        return state_of(snapshot)
    except SnapshotGone as error:
        raise FrozenUnavailable(str(error)) from None


def _moment_state(named: SourceName) -> ClusterState:
    assert named.at is not None
    with _moments_lock:
        held = _moments.get((named.cluster, named.at))
    if held is not None:
        return held
    try:
        state = moment_state(named.cluster, named.at)
    except MomentUnavailable as error:
        raise FrozenUnavailable(str(error)) from None
    with _moments_lock:
        _moments[(named.cluster, named.at)] = state
        while len(_moments) > MOMENTS_HELD:
            _moments.popitem(last=False)
    return state


MOMENTS_HELD = 2  # rebuilt moments kept for the next page (each a whole cluster's state)
_moments: OrderedDict[tuple[str, float], ClusterState] = OrderedDict()
_moments_lock = threading.Lock()


def state_of_source(name: str) -> ClusterState:
    """The state `name` stands for: a frozen one's, or a live cluster's as it is now (a copy,
    from this process's store or listed afresh). FrozenUnavailable (one line) when none."""
    if is_frozen(name):
        return frozen_state(name)
    if name not in {c["name"] for c in known_clusters()}:
        raise FrozenUnavailable(f"no cluster {name[:80]!r} is watched here")
    try:
        return cluster_state(name, lambda *_: None)
    except StateUnavailable as error:
        raise FrozenUnavailable(str(error)) from None


def describe(name: str) -> str:
    """What a source name shows, in words for a page ("live cluster demo", a snapshot's title)."""
    named = parse_source(name)
    if named is None:
        return repr(name[:80])
    if named.kind == SNAPSHOT:
        snapshot = Snapshot.objects.filter(pk=named.snapshot).first()
        if snapshot is None:
            return "a snapshot that is gone"
        return (
            f"the snapshot “{snapshot.title}” ({snapshot.cluster}, "
            f"{snapshot.taken_at:%Y-%m-%d %H:%M:%S} UTC)"
        )
    if named.kind == MOMENT and named.at is not None:
        at = datetime.fromtimestamp(named.at, UTC)
        return f"cluster {named.cluster} at {at:%Y-%m-%d %H:%M:%S} UTC"
    return f"cluster {named.cluster} now"
