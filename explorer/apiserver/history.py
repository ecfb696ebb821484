"""The bounded event history a watch resumes from, as etcd keeps one until it compacts."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Record:
    """One change as it was served: `object` is what watchers see (for DELETED, the last object
    stamped with the deletion's resourceVersion) and `old` what was held before (None if ADDED)."""

    rv: int
    kind: str
    type: str
    key: str
    object: dict
    old: dict | None


class History:
    """The last `limit` records of every kind, in resourceVersion order.

    `compacted_rv` is the newest version that can no longer be resumed from history: every record
    with a greater version is still held, so a watch or a consistent page from any version
    `>= compacted_rv` can be served, and from an older one it gets `410 Gone`.
    """

    def __init__(self, limit: int) -> None:
        self._records: deque[Record] = deque(maxlen=max(1, limit))
        self.compacted_rv = 0

    def append(self, record: Record) -> None:
        if len(self._records) == self._records.maxlen:
            self.compacted_rv = self._records[0].rv
        self._records.append(record)

    def compact(self, upto_rv: int) -> None:
        """Forget the records up to `upto_rv` (etcd's compaction): newer ones can still be
        resumed from."""
        while self._records and self._records[0].rv <= upto_rv:
            self._records.popleft()
        self.compacted_rv = max(self.compacted_rv, upto_rv)

    def retains(self, rv: int) -> bool:
        return rv >= self.compacted_rv

    def since(self, rv: int, kind: str) -> list[Record]:
        """Records of `kind` newer than `rv`, oldest first."""
        newer = []
        for record in self.newest_first():
            if record.rv <= rv:
                break
            if record.kind == kind:
                newer.append(record)
        newer.reverse()
        return newer

    def newest_first(self) -> Iterator[Record]:
        return reversed(self._records)

    def __len__(self) -> int:
        return len(self._records)
