"""kube-apiserver's lease manager for Events (k8s.io/apiserver/pkg/storage/etcd3).

An Event is written with an etcd lease of `--event-ttl` plus a reuse margin of min(5 % of the
TTL, 60 s) — 3,660 s for the default hour — and the lease is shared: an Event written while the
previous lease still has at least the TTL left (within the margin of its grant) takes that
lease, so etcd expires Events in batches. At most 1,000 objects share one lease.
"""

from __future__ import annotations

import time
from collections.abc import Callable

REUSE_SECONDS = 60
REUSE_SHARE = 0.05
MAX_OBJECTS_A_LEASE = 1_000


def reuse_margin(ttl: int) -> int:
    return min(int(REUSE_SHARE * ttl), REUSE_SECONDS)


class EventLeases:
    def __init__(
        self, grant: Callable[[int], int], ttl: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """`grant(ttl)` asks etcd for a lease and returns its ID."""
        self._grant = grant
        self._ttl = ttl
        self._clock = clock
        self._lease = 0
        self._expires = 0.0
        self._attached = 0

    def lease_for_a_write(self) -> int:
        now = self._clock()
        still_valid = now + self._ttl < self._expires
        if self._lease and still_valid and self._attached < MAX_OBJECTS_A_LEASE:
            self._attached += 1
            return self._lease
        granted = self._ttl + reuse_margin(self._ttl)
        self._lease = self._grant(granted)
        self._expires = now + granted
        self._attached = 1
        return self._lease
