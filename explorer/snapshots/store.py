"""The snapshot store: each snapshot's state a bundle file `<EXPLORER_SNAPSHOT_DIR>/<id>.cxb.zst`
(0600 in a 0700 directory), its record in the database (`Snapshot`: title, cluster, moment,
creator, size, object counts). Loaded states are kept in memory for the next page, a few at a
time (EXPLORER_SNAPSHOT_CACHE); snapshots older than EXPLORER_SNAPSHOT_DAYS go whenever one is
kept (0: kept until deleted)."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from explorer.state.cluster_state import ClusterState

from .bundle import SUFFIX, About, Bundle, BundleError, Pin, iso, open_bundle, write_bundle
from .export_html import ExportAbout, export_html
from .models import Snapshot
from .notes import render_notes


class SnapshotGone(LookupError):
    """A snapshot whose record or file is no longer there; str() is one line."""


def directory() -> Path:
    return Path(settings.EXPLORER_SNAPSHOT_DIR or Path(settings.EXPLORER_STATE_DIR) / "snapshots")


def path_of(snapshot: Snapshot) -> Path:
    return directory() / f"{snapshot.id}{SUFFIX}"


def new_id() -> str:
    """12 characters, 72 random bits; never starting with `-`, so that a command line
    (`snapshot diff ID ID`) does not take it for an option."""
    while (found := secrets.token_urlsafe(9)).startswith("-"):
        pass
    return found


def keep(
    state: ClusterState,
    *,
    snapshot_id: str | None = None,
    title: str,
    taken_at: datetime,
    creator: AbstractBaseUser | None,
    notes: str = "",
    pins: list[Pin] | None = None,
    imported: bool = False,
    extras: dict[str, Any] | None = None,
    reconstructed_from: str = "",
) -> Snapshot:
    """Write `state` as a new snapshot and record it (the file first: a record means a file)."""
    prune()
    snapshot = Snapshot(
        id=snapshot_id or new_id(),
        title=title[:200] or f"{state.cluster}, {taken_at:%Y-%m-%d %H:%M:%S} UTC",
        notes=notes,
        pins=list(pins or []),
        cluster=state.cluster,
        taken_at=taken_at,
        creator=creator,
        imported=imported,
        reconstructed_from=reconstructed_from[:300],
        counts={kind: state.count(kind) for kind in sorted(state.kinds())},
    )
    directory().mkdir(parents=True, exist_ok=True, mode=0o700)
    path = write_bundle(state, path_of(snapshot), about=about_of(snapshot), extras=extras)
    path.chmod(0o600)
    snapshot.size = path.stat().st_size
    snapshot.save(force_insert=True)
    _remember(snapshot.id, state)
    return snapshot


def keep_bundle(bundle: Bundle, *, creator: AbstractBaseUser | None, title: str = "") -> Snapshot:
    """Keep an imported bundle: its own title, notes and pins (or `title` when it has none)."""
    about = bundle.about
    try:
        taken_at = datetime.fromisoformat(
            (about["taken_at"] or bundle.created).replace("Z", "+00:00")
        )
    except ValueError:
        taken_at = timezone.now()
    return keep(
        bundle.state,
        title=about["title"] or title,
        taken_at=taken_at if taken_at.tzinfo else taken_at.replace(tzinfo=UTC),
        creator=creator,
        notes=about["notes"],
        pins=about["pins"],
        imported=True,
        extras=bundle.extras,
    )


def about_of(snapshot: Snapshot) -> About:
    return About(
        title=snapshot.title,
        notes=snapshot.notes,
        pins=list(snapshot.pins),
        taken_at=iso(snapshot.taken_at),
    )


def export_of(snapshot: Snapshot) -> bytes:
    """The snapshot as one self-contained HTML file (explorer/snapshots/export_html.py), with its
    title, notes and pins as they are now."""
    about = ExportAbout(
        title=snapshot.title,
        cluster=snapshot.cluster,
        taken_at=iso(snapshot.taken_at),
        notes_html=render_notes(snapshot.notes),
        pins=list(snapshot.pins),
    )
    return export_html(state_of(snapshot), about)


def open_snapshot(snapshot: Snapshot) -> Bundle:
    """The snapshot's whole bundle, read from its file (SnapshotGone when it cannot be)."""
    try:
        return open_bundle(path_of(snapshot))
    except BundleError as error:
        raise SnapshotGone(f"snapshot {snapshot.id}: {error}") from None


def state_of(snapshot: Snapshot) -> ClusterState:
    """The snapshot's state, from memory when a page read it lately."""
    with _lock:
        held = _states.get(snapshot.id)
        if held is not None:
            _states.move_to_end(snapshot.id)
            return held
    state = open_snapshot(snapshot).state
    _remember(snapshot.id, state)
    return state


def forget_loaded() -> None:
    """Drop the states held in memory: the next read of each is from its file."""
    with _lock:
        _states.clear()


def delete(snapshot: Snapshot) -> None:
    with _lock:
        _states.pop(snapshot.id, None)
    path_of(snapshot).unlink(missing_ok=True)
    snapshot.delete()


def prune() -> int:
    """Delete the snapshots past the retention; how many went."""
    days = settings.EXPLORER_SNAPSHOT_DAYS
    if not days:
        return 0
    expired = list(Snapshot.objects.filter(created__lt=timezone.now() - timedelta(days=days)))
    for snapshot in expired:
        delete(snapshot)
    return len(expired)


_lock = threading.Lock()
_states: OrderedDict[str, ClusterState] = OrderedDict()


def _remember(snapshot_id: str, state: ClusterState) -> None:
    with _lock:
        _states[snapshot_id] = state
        _states.move_to_end(snapshot_id)
        while len(_states) > settings.EXPLORER_SNAPSHOT_CACHE:
            _states.popitem(last=False)
