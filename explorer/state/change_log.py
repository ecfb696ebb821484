"""The change log — the cluster's flight recorder: every change the watcher applied to a
cluster's state and every collection of node facts, with the moment it was recorded, so that the
state as of an earlier moment can be drawn (explorer/state/as_of.py, in the process) or rebuilt
from disk alone (explorer/state/recorded_moments.py, in any process).

The recent object changes are held in memory (at most `memory_entries`: what comparisons with
the last collections need). When the log has a directory, everything is also written to disk by
a thread of its own (explorer/state/log_writer.py, files in explorer/state/recorder_files.py):
object changes, node facts (on disk only: they can be megabytes), what the watcher last saw of
each kind and which kinds it could not see, in segments of SEGMENT_SECONDS, and a checkpoint of
the whole state every `checkpoint_seconds`, so that rebuilding a moment replays at most one
interval. The store takes the checkpoints under the cluster's lock (explorer/state/store.py):
the first once the cluster's first lists are in, another after any later first list (its
objects are not logged as changes). Kept `keep_seconds` and at most `max_bytes`
(explorer/state/log_pruning.py). Files are 0600, directories 0700.

Every record is stamped under the log's lock, each stamp after the one before, so that a
checkpoint holds exactly the entries stamped up to its moment and the entries after it follow.
Each object change says what the object was *before* (`before`: None when it did not exist),
which is all that going back needs; `after` is what it became (None: deleted).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import recorded_moments
from . import recorder_files as files
from .cluster_state import Change, ClusterState, Ref
from .log_entries import (
    Entry,
    FactsPut,
    Logged,
    VersionsSeen,
    VisibilityChanged,
    logged,
    logged_of,
)
from .log_writer import Checkpoint, Limits, LogWriter
from .recorded_moments import Changed
from .recorder_files import SEGMENT_SECONDS
from .state_dump import StateDump

__all__ = ["SEGMENT_SECONDS", "ChangeLog", "Logged", "Retention", "logged"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retention:
    directory: Path | None = None  # None: memory only
    keep_seconds: float = 6 * 3600
    max_bytes: int = 512 * 1024 * 1024
    memory_entries: int = 10_000
    # a node fact taken within this many seconds of a change may not show it yet (or may show
    # it already): findings about such objects are "in flight" (explorer/state/as_of.py)
    in_flight_seconds: float = 5.0
    checkpoint_seconds: float = SEGMENT_SECONDS
    clock: Callable[[], float] = field(default=time.time, compare=False)  # stamps (tests pin it)


class ChangeLog:
    """The change log of one cluster."""

    def __init__(self, cluster: str, retention: Retention = Retention()) -> None:
        self.cluster = cluster
        self.retention = retention
        self._recent: deque[Logged] = deque(maxlen=max(1, retention.memory_entries))
        self._lock = threading.Lock()
        self._last = 0.0  # the last stamp given
        self._checkpoint_at: float | None = None
        self._unanchored = True  # a first list since the last checkpoint (or none yet)
        self.started_at = retention.clock()
        self.run = time.time_ns() // 1000
        self.directory: Path | None = None
        self._disk: LogWriter | None = None
        if retention.directory is not None:
            self.directory = files.directory_for(retention.directory, cluster)
            limits = Limits(retention.keep_seconds, retention.max_bytes, retention.clock)
            self._disk = LogWriter(self.directory, self.run, limits, self._claim)

    # ---- recording (the store calls these under the cluster's lock) ----------------------

    def record(
        self,
        changes: Iterable[Change],
        at: float | None = None,
        versions: Mapping[str, str] | None = None,
    ) -> None:
        """Object changes applied together, and what the watcher last saw of their kinds
        after them (`versions`: kind -> resourceVersion, when it moved)."""
        changes = list(changes)
        if not changes and not versions:
            return
        with self._lock:
            moment = self._stamp(at)
            entries = [logged(change, moment) for change in changes]
            self._recent.extend(entries)
            if self._disk is not None:
                seen = [VersionsSeen(moment, dict(versions))] if versions else []
                self._disk.put([*entries, *seen])

    def record_facts(self, node: str, entry: dict[str, Any], at: float | None = None) -> None:
        """A collection of a node's facts: the node's whole entry after it (on disk only)."""
        self._record_on_disk(lambda moment: FactsPut(moment, node, entry), at)

    def record_not_visible(self, not_visible: Mapping[str, str], at: float | None = None) -> None:
        """Which kinds cannot be seen, now that it changed (on disk only)."""
        self._record_on_disk(lambda moment: VisibilityChanged(moment, dict(not_visible)), at)

    def unanchor(self) -> None:
        """A first list went in without being logged: a checkpoint must follow it."""
        self._unanchored = True

    def checkpoint_due(self) -> bool:
        if self._disk is None:
            return False
        if self._unanchored or self._checkpoint_at is None:
            return True
        return self._last - self._checkpoint_at >= self.retention.checkpoint_seconds

    @property
    def checkpointed(self) -> bool:
        """A checkpoint has been taken in this run."""
        return self._checkpoint_at is not None

    def checkpoint(self, dump: StateDump, at: float | None = None) -> None:
        """The whole state, as `state_dump.captured` took it under the cluster's lock, to be
        written by the log's thread in its place among the entries."""
        if self._disk is None:
            return
        with self._lock:
            moment = self._stamp(at)
            self._checkpoint_at = moment
            self._unanchored = False
            self._disk.put(Checkpoint(moment, dump))

    # ---- reading in the process ----------------------------------------------------------

    def after(self, moment: float) -> list[Logged]:
        """Every change applied after `moment`, oldest first (from disk when memory does not
        reach back that far)."""
        with self._lock:
            recent = list(self._recent)
        if recent and (recent[0].at <= moment or len(recent) < (self._recent.maxlen or 0)):
            return [entry for entry in recent if entry.at > moment]
        if self.directory is None or self._disk is None:
            return []
        self._disk.flush()
        return [
            entry
            for line in files.lines_after(self.directory, moment)
            if (entry := logged_of(line)) is not None and entry.at > moment
        ]

    def in_memory(self) -> list[Logged]:
        """The recent object changes held in memory (at most `memory_entries`), oldest first:
        what a view may scan on every build without reading the disk."""
        with self._lock:
            return list(self._recent)

    def between(self, start: float, end: float) -> list[Logged]:
        return [entry for entry in self.after(start) if entry.at <= end]

    def last_of(self, ref: Ref) -> Logged | None:
        """The latest change logged to the object `ref` — for an object no longer held, its
        deletion and what it was — or None when the log never saw it. Memory first, then the
        segments on disk, newest first (all of them for an object never seen)."""
        with self._lock:
            recent = list(self._recent)
        found = _latest(recent, ref)
        if found is not None or self.directory is None or self._disk is None:
            return found
        self._disk.flush()
        for _, path in reversed(files.segments(self.directory)):
            lines = files.lines_of(path)
            found = _latest([e for line in lines if (e := logged_of(line)) is not None], ref)
            if found is not None:
                return found
        return None

    # ---- the flight recorder: moments rebuilt from disk (recorded_moments.py) -------------

    def recorded_window(self) -> tuple[float, float] | None:
        self.flush()
        return recorded_moments.recorded_window(self._root(), self.cluster)

    def state_at(self, at: float) -> ClusterState:
        self.flush()
        return recorded_moments.state_at(self._root(), self.cluster, at)

    def changes_between(self, start: float, end: float) -> list[Changed]:
        self.flush()
        return recorded_moments.changes_between(self._root(), self.cluster, start, end)

    def flush(self) -> None:
        """Wait until what was recorded so far is on disk."""
        if self._disk is not None:
            self._disk.flush()

    def close(self) -> None:
        if self._disk is not None:
            self._disk.close()

    # ---- internals -----------------------------------------------------------------------

    def _root(self) -> Path:
        if self.retention.directory is None:
            raise recorded_moments.NotRecorded(
                f"no flight recorder for cluster {self.cluster!r}: its change log keeps no files"
            )
        return self.retention.directory

    def _record_on_disk(self, entry_at: Callable[[float], Entry], at: float | None) -> None:
        if self._disk is None:
            return
        with self._lock:
            self._disk.put([entry_at(self._stamp(at))])

    def _stamp(self, at: float | None) -> float:
        """A moment after every one stamped before (under the log's lock)."""
        now = self.retention.clock() if at is None else at
        moment = max(now, math.nextafter(self._last, math.inf))
        self._last = moment
        return moment

    def _claim(self) -> float | None:
        """For the writer, once it is on disk: a moment after every entry recorded so far, or
        None when more is waiting to be written."""
        with self._lock:
            if self._disk is None or not self._disk.idle():
                return None
            return self._stamp(None)


def _latest(entries: list[Logged], ref: Ref) -> Logged | None:
    return next((entry for entry in reversed(entries) if entry.ref == ref), None)
