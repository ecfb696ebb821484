"""The change log: every change the watcher applied to a cluster's state, with the moment it was
applied, so that the state as of an earlier moment can be drawn (explorer/state/as_of.py). Node
facts are compared with the cluster as it was when they were taken; the flight recorder of past
moments (snapshots as of any time) is built on the same log.

The recent past is held in memory (at most `memory_entries` changes: what comparisons with the
last collections need); every change is also written to disk, when the log has a directory, in
zstd-compressed segments of JSON lines (one segment per SEGMENT_SECONDS), kept for `keep_seconds`
and at most `max_bytes` — the oldest segments go first. Files are 0600, directories 0700. A
moment older than memory is read back from the segments.

Each entry says what the object was *before* the change (`before`: None when it did not exist),
which is all that going back needs; `after` is what it became (None: deleted).
"""

from __future__ import annotations

import logging
import os
import queue
import re
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import orjson
import zstandard

from explorer.lib.choices import ADDED, DELETED

from .cluster_state import Change, Ref

log = logging.getLogger(__name__)

SEGMENT_SECONDS = 600
_SEGMENT = re.compile(r"^changes-(\d+)\.jsonl\.zst$")


class Logged(NamedTuple):
    at: float  # time.time() when the watcher applied it
    ref: Ref  # (kind, namespace, name)
    before: dict | None  # the object before the change (None: it did not exist)
    after: dict | None  # the object after it (None: deleted)


def logged(change: Change, at: float) -> Logged:
    if change.type == ADDED:
        return Logged(at, change.ref, None, change.object)
    if change.type == DELETED:  # `object` is the last one held
        return Logged(at, change.ref, change.object, None)
    return Logged(at, change.ref, change.old, change.object)


@dataclass(frozen=True)
class Retention:
    directory: Path | None = None  # None: memory only
    keep_seconds: float = 6 * 3600
    max_bytes: int = 512 * 1024 * 1024
    memory_entries: int = 10_000
    # a node fact taken within this many seconds of a change may not show it yet (or may show
    # it already): findings about such objects are "in flight" (explorer/state/as_of.py)
    in_flight_seconds: float = 5.0


class ChangeLog:
    """The change log of one cluster."""

    def __init__(self, cluster: str, retention: Retention = Retention()) -> None:
        self.cluster = cluster
        self.retention = retention
        self._recent: deque[Logged] = deque(maxlen=max(1, retention.memory_entries))
        self._lock = threading.Lock()
        self._disk = _Segments(_directory_for(retention.directory, cluster), retention)
        self.started_at = time.time()

    def record(self, changes: Iterable[Change], at: float | None = None) -> None:
        moment = time.time() if at is None else at
        entries = [logged(change, moment) for change in changes]
        if not entries:
            return
        with self._lock:
            self._recent.extend(entries)
        self._disk.write(entries)

    def after(self, moment: float) -> list[Logged]:
        """Every change applied after `moment`, oldest first (from disk when memory does not
        reach back that far)."""
        with self._lock:
            recent = list(self._recent)
        if recent and (recent[0].at <= moment or len(recent) < (self._recent.maxlen or 0)):
            return [entry for entry in recent if entry.at > moment]
        self._disk.flush()
        return [entry for entry in self._disk.read_after(moment) if entry.at > moment]

    def between(self, start: float, end: float) -> list[Logged]:
        return [entry for entry in self.after(start) if entry.at <= end]

    def last_of(self, ref: Ref) -> Logged | None:
        """The latest change logged to the object `ref` — for an object no longer held, its
        deletion and what it was — or None when the log never saw it. Memory first, then the
        segments on disk, newest first (all of them for an object never seen)."""
        with self._lock:
            recent = list(self._recent)
        found = _latest(recent, ref)
        if found is not None or self._disk.directory is None:
            return found
        self._disk.flush()
        for entries in self._disk.newest_first():
            found = _latest(entries, ref)
            if found is not None:
                return found
        return None

    def close(self) -> None:
        self._disk.close()


def _latest(entries: list[Logged], ref: Ref) -> Logged | None:
    return next((entry for entry in reversed(entries) if entry.ref == ref), None)


def _directory_for(root: Path | None, cluster: str) -> Path | None:
    if root is None:
        return None
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", cluster) or "_"
    return root / safe


def _line(entry: Logged) -> bytes:
    return orjson.dumps([entry.at, list(entry.ref), entry.before, entry.after]) + b"\n"


def _entry(line: bytes) -> Logged | None:
    try:
        at, ref, before, after = orjson.loads(line)
        return Logged(float(at), (str(ref[0]), str(ref[1]), str(ref[2])), before, after)
    except (orjson.JSONDecodeError, TypeError, ValueError, IndexError):
        return None  # a line cut short by a crash: the entries before it still count


class _Segments:
    """The on-disk part: entries queued by the watcher's threads, written by a thread of its own
    (a zstd frame per batch, so a crash loses at most the batch being written)."""

    def __init__(self, directory: Path | None, retention: Retention) -> None:
        self.directory = directory
        self.retention = retention
        self._queue: queue.SimpleQueue[list[Logged] | threading.Event | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._thread = threading.Thread(target=self._run, name="change log", daemon=True)
            self._thread.start()

    def write(self, entries: list[Logged]) -> None:
        if self._thread is not None:
            self._queue.put(entries)

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until what was written so far is on disk."""
        if self._thread is not None:
            done = threading.Event()
            self._queue.put(done)
            done.wait(timeout)

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=10)
            self._thread = None

    def read_after(self, moment: float) -> Iterator[Logged]:
        if self.directory is None:
            return
        segments = self._segments()
        first = max([i for i, (start, _) in enumerate(segments) if start <= moment] or [0])
        for _, path in segments[first:]:
            try:
                with path.open("rb") as raw:
                    reader = zstandard.ZstdDecompressor().stream_reader(
                        raw, read_across_frames=True
                    )
                    data = reader.read()
            except (OSError, zstandard.ZstdError) as error:
                log.warning("change log segment %s unreadable: %s", path, error)
                continue
            for line in data.splitlines():
                entry = _entry(line)
                if entry is not None:
                    yield entry

    def newest_first(self) -> Iterator[list[Logged]]:
        """Each segment's entries (in the order written), the newest segment first."""
        if self.directory is None:
            return
        for _, path in reversed(self._segments()):
            lines = _decompressed(path).splitlines()
            yield [entry for line in lines if (entry := _entry(line)) is not None]

    # ---- the writer's thread -------------------------------------------------------------

    def _run(self) -> None:
        current = _Segment(self)
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    break
                if isinstance(item, threading.Event):
                    current.end_frame()
                    item.set()
                    continue
                for entry in item:
                    current.write(entry)
                if self._queue.empty():
                    current.end_frame()
        finally:
            current.close()

    def open(self, start: float):
        assert self.directory is not None
        path = self.directory / f"changes-{int(start)}.jsonl.zst"
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return zstandard.ZstdCompressor(level=3).stream_writer(os.fdopen(handle, "ab"))

    def _segments(self) -> list[tuple[float, Path]]:
        assert self.directory is not None
        found = []
        for path in self.directory.iterdir():
            match = _SEGMENT.match(path.name)
            if match:
                found.append((float(match.group(1)), path))
        return sorted(found)

    def prune(self) -> None:
        """Drop the segments older than the retention, then the oldest past the size limit."""
        segments = self._segments()
        horizon = time.time() - self.retention.keep_seconds
        sizes = {path: path.stat().st_size for _, path in segments}
        total = sum(sizes.values())
        for start, path in segments[:-1]:  # never the one being written
            # a segment holds the changes of its own SEGMENT_SECONDS, however long the next waits
            if start + SEGMENT_SECONDS < horizon or total > self.retention.max_bytes:
                total -= sizes[path]
                path.unlink(missing_ok=True)


def _decompressed(path: Path) -> bytes:
    """A segment's text; of a segment cut short by a crash, what its whole frames hold."""
    chunks: list[bytes] = []
    try:
        with path.open("rb") as raw:
            reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
            while chunk := reader.read(1 << 20):
                chunks.append(chunk)
    except (OSError, zstandard.ZstdError) as error:
        log.warning("change log segment %s read to where it breaks off: %s", path, error)
    return b"".join(chunks)


class _Segment:
    """The segment being written: a new one every SEGMENT_SECONDS of change time."""

    def __init__(self, segments: _Segments) -> None:
        self.segments = segments
        self.start: float | None = None
        self.writer = None

    def write(self, entry: Logged) -> None:
        start = entry.at - entry.at % SEGMENT_SECONDS
        if self.writer is None or start != self.start:
            self.close()
            self.start, self.writer = start, self.segments.open(start)
            self.segments.prune()
        self.writer.write(_line(entry))

    def end_frame(self) -> None:
        if self.writer is not None:
            self.writer.flush(zstandard.FLUSH_FRAME)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
