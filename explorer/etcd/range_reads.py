"""A big listing read as many small ranges, several at once, handed out in key order.

Why: etcd 3.4 answers a page of a range by first gathering the revision of every key in the
rest of the range (to count it), then cutting at the limit — so reading N keys in pages of P
walks its index about N²/2P times. The keys kube-apiserver writes fall into the ranges of their
resources (`<prefix>/pods/`, `<prefix>/events/`, …; stored_resources.py knows the segments):
read range by range, a page walks the rest of its resource only, and the ranges are read by a
few threads at once (the gateway is HTTP: a connection each).

`resource_ranges` cuts a range at those segments, keeping what lies between them (custom
resources, unknown keys) in ranges of their own, so that together the ranges hold every key of
the range exactly once. `read_in_order` reads each range's pages in a thread pool and yields
the pages in range order, holding at most a few pages a range ahead.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from .stored_resources import BUILT_IN, RECORDS

T = TypeVar("T")

PAGES_AHEAD = 4  # pages a range may hold read but not yet handed out
_POLL_SECONDS = 0.2  # how often a reader held back checks whether the listing was abandoned

KeyRange = tuple[bytes, bytes]  # [start, end), etcd's key and range_end


def prefix_end(prefix: bytes) -> bytes:
    """The first key after every key that starts with `prefix` (etcd's range_end)."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return b"\x00"  # etcd: from the key to the end of the key space
    return trimmed[:-1] + bytes([trimmed[-1] + 1])


def resource_ranges(start: bytes, end: bytes, prefix: str) -> list[KeyRange]:
    """[start, end) cut at the start of each known resource's range under `prefix`: ranges in
    key order, none empty, together exactly [start, end). Each range holds one resource's keys
    and the keys after it up to the next resource's (usually none)."""
    base = prefix.rstrip("/").encode() + b"/"
    cuts = sorted({base + resource.segment.encode() + b"/" for resource in (*BUILT_IN, *RECORDS)})
    inside = [cut for cut in cuts if start < cut and (end == b"\x00" or cut < end)]
    bounds = [start, *inside, end]
    return list(itertools.pairwise(bounds))


def read_in_order(
    ranges: Sequence[KeyRange],
    pages_of: Callable[[KeyRange], Iterator[T]],
    *,
    readers: int,
    pages_ahead: int = PAGES_AHEAD,
) -> Iterator[T]:
    """The pages of every range, range after range in order; `readers` ranges are read at once,
    each in a thread running `pages_of(range)`. An error in a range is raised when its turn
    comes. Closing the iterator early stops the readers (each at its next page)."""
    if readers <= 1 or len(ranges) <= 1:
        for key_range in ranges:
            yield from pages_of(key_range)
        return
    abandoned = threading.Event()
    queues: list[queue.Queue] = [queue.Queue(maxsize=pages_ahead) for _ in ranges]

    def read(index: int) -> None:
        out = queues[index]
        try:
            for page in pages_of(ranges[index]):
                if not _put(out, (True, page), abandoned):
                    return
            _put(out, (False, None), abandoned)
        except BaseException as error:  # handed to the consumer, raised in its turn
            _put(out, (False, error), abandoned)

    # the pool takes ranges in order, so the range being handed out is always being read
    pool = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="etcd range")
    try:
        for index in range(len(ranges)):
            pool.submit(read, index)
        for out in queues:
            while True:
                more, item = out.get()
                if more:
                    yield item
                    continue
                if item is not None:
                    raise item
                break
    finally:
        abandoned.set()
        pool.shutdown(wait=False, cancel_futures=True)


def _put(out: queue.Queue, item: tuple, abandoned: threading.Event) -> bool:
    """Put `item`, waiting for room; False when the listing was abandoned meanwhile."""
    while not abandoned.is_set():
        try:
            out.put(item, timeout=_POLL_SECONDS)
            return True
        except queue.Full:
            continue
    return False
