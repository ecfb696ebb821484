"""The change log's writer: a thread of its own that writes what the log records, in the order
recorded, into the files of explorer/state/recorder_files.py — entries into the segments,
checkpoints serialised and compressed here, off the watcher's threads and the cluster's lock.

The segment being written is one zstd frame flushed a block at a time (at most every
FLUSH_SECONDS, and whenever a reader asks), so that compression keeps its history and a crash
loses at most the last second. After each flush the writer *claims* the moment up to which
everything recorded is on disk (`alive-<run>`), which is where the window of moments a reader
can rebuild ends.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import zstandard

from . import recorder_files as files
from .log_entries import Entry, line_of
from .log_pruning import doomed
from .state_dump import StateDump

log = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0


class Checkpoint(NamedTuple):
    at: float
    dump: StateDump  # taken under the cluster's lock (state_dump.captured)


class Limits(NamedTuple):
    keep_seconds: float
    max_bytes: int
    clock: Callable[[], float] = time.time


Item = list[Entry] | Checkpoint | threading.Event | None


class LogWriter:
    """Writes one run of one cluster's log into `directory`. `claim` is asked, after each flush,
    for a moment after every entry recorded so far — None when more is waiting to be written."""

    def __init__(
        self, directory: Path, run: int, limits: Limits, claim: Callable[[], float | None]
    ) -> None:
        self.directory = directory
        self.run = run
        self.limits = limits
        self._claim = claim
        self._queue: queue.SimpleQueue[Item] = queue.SimpleQueue()
        self._segment = _Segment(self)
        self._flushed = 0.0
        files.private_directory(directory)
        self._thread: threading.Thread | None = threading.Thread(
            target=self._run, name="change log", daemon=True
        )
        self._thread.start()

    def put(self, item: list[Entry] | Checkpoint) -> None:
        self._queue.put(item)

    def idle(self) -> bool:
        return self._queue.empty()

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until what was recorded so far is on disk."""
        if self._thread is not None:
            done = threading.Event()
            self._queue.put(done)
            done.wait(timeout)

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    # ---- the writer's thread -------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                try:
                    item = self._queue.get(timeout=FLUSH_SECONDS)
                except queue.Empty:
                    self._settle()
                    continue
                if item is None:
                    break
                if isinstance(item, threading.Event):
                    self._settle()
                    item.set()
                    continue
                if isinstance(item, Checkpoint):
                    self._write_checkpoint(item)
                else:
                    for entry in item:
                        self._segment.write(entry)
                if time.monotonic() - self._flushed >= FLUSH_SECONDS and self._queue.empty():
                    self._settle()
        except Exception:
            log.exception("change log of %s: the writer stopped", self.directory.name)
        finally:
            self._settle()
            self._segment.close()

    def _settle(self) -> None:
        """Flush what was written, and claim the moment up to which it is all on disk."""
        self._segment.flush()
        self._flushed = time.monotonic()
        moment = self._claim()
        if moment is None:
            return
        path = files.alive_path(self.directory, self.run)
        if not path.exists():
            os.close(files.private_file(path, os.O_WRONLY | os.O_CREAT))
        nanoseconds = int(moment * 1_000_000_000) - 1  # at or before the moment claimed
        os.utime(path, ns=(nanoseconds, nanoseconds))

    def _write_checkpoint(self, checkpoint: Checkpoint) -> None:
        files.write_checkpoint(self.directory, checkpoint.at, self.run, checkpoint.dump)
        self.prune()

    def open_segment(self, start: float):
        path = files.segment_path(self.directory, start, self.run)
        raw = os.fdopen(files.private_file(path), "ab")
        return zstandard.ZstdCompressor(level=3).stream_writer(raw)

    def prune(self) -> None:
        segments = files.segments(self.directory)
        checkpoints = files.checkpoints(self.directory)
        sizes = {}
        for path in [p for _, p in segments] + [c.path for c in checkpoints]:
            try:
                sizes[path] = path.stat().st_size
            except OSError:
                sizes[path] = 0
        horizon = self.limits.clock() - self.limits.keep_seconds
        gone = doomed(segments, checkpoints, sizes, horizon, self.limits.max_bytes)
        runs_kept = {c.run for c in checkpoints if c.path not in gone} | {self.run}
        gone += [
            files.alive_path(self.directory, run)
            for run in files.alive(self.directory)
            if run not in runs_kept
        ]
        for path in gone + files.partials(self.directory):
            path.unlink(missing_ok=True)


class _Segment:
    """The segment being written: a new one every SEGMENT_SECONDS of recorded time."""

    def __init__(self, writer: LogWriter) -> None:
        self.writer = writer
        self.start: float | None = None
        self.out = None

    def write(self, entry: Entry) -> None:
        line = line_of(entry)
        if line is None:
            return
        start = entry.at - entry.at % files.SEGMENT_SECONDS
        if self.out is None or self.start is None or start > self.start:
            self.close()
            self.start, self.out = start, self.writer.open_segment(start)
            self.writer.prune()
        self.out.write(line)

    def flush(self) -> None:
        if self.out is not None:
            self.out.flush(zstandard.FLUSH_BLOCK)

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None
