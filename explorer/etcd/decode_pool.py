"""Many stored values decoded in worker processes, handed back in the order given.

Decoding a Pod's protobuf in Python takes a few hundred microseconds; a cluster's etcd holds
hundreds of thousands of values. Worker processes decode chunks of them at once; each decoded
object comes back as orjson text (parsed again here: much cheaper than pickling the dict) with
the rest of its StoredValue. Few values are decoded here, in process: starting the workers
costs more than they would save.

Secrets: a value under `<prefix>/secrets/` is never decoded (decode_value sees to that, and
the client withholds such values before they get here).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

import orjson

from .values import StoredValue, decode_value

CHUNK = 256  # values a worker decodes per task
IN_PROCESS_BELOW = 2_000  # fewer values than this are decoded without workers
CHUNKS_AHEAD = 2  # chunks handed to each worker before the first comes back


def default_workers() -> int:
    return max(1, min(8, len(os.sched_getaffinity(0))))


def decode_all(
    items: Iterable[tuple[bytes, bytes]],
    prefix: str = "/registry",
    *,
    workers: int | None = None,
    chunk: int = CHUNK,
) -> Iterator[StoredValue]:
    """Each (key, raw value) decoded (values.decode_value), in the order given. `workers`:
    processes (default: the CPUs this process may use, at most 8); 1 decodes in process."""
    workers = workers or default_workers()
    source = iter(items)
    first: list[tuple[bytes, bytes]] = []
    for item in source:
        first.append(item)
        if len(first) >= IN_PROCESS_BELOW:
            break
    if workers <= 1 or len(first) < IN_PROCESS_BELOW:
        yield from (decode_value(key, raw, prefix) for key, raw in first)
        yield from (decode_value(key, raw, prefix) for key, raw in source)
        return
    # forkserver: the caller may run threads (the client's range readers), which fork would copy
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future] = deque()
        for batch in _chunks(_chain(first, source), chunk):
            pending.append(pool.submit(_decode_chunk, batch, prefix))
            if len(pending) >= workers * CHUNKS_AHEAD:
                yield from _unpacked(pending.popleft().result())
        while pending:
            yield from _unpacked(pending.popleft().result())


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _chunks(items: Iterator[tuple[bytes, bytes]], size: int) -> Iterator[list]:
    batch: list[tuple[bytes, bytes]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _decode_chunk(
    batch: list[tuple[bytes, bytes]], prefix: str
) -> list[tuple[StoredValue, bytes | None]]:
    """In a worker: each value decoded, its object as orjson text beside the rest (or left in
    it, pickled, when it is not plain JSON: a generic field tree's huge integers)."""
    decoded: list[tuple[StoredValue, bytes | None]] = []
    for key, raw in batch:
        value = decode_value(key, raw, prefix)
        try:
            text = orjson.dumps(value.object)
        except orjson.JSONEncodeError:
            decoded.append((value, None))
            continue
        decoded.append((dataclasses.replace(value, object=None), text))
    return decoded


def _unpacked(decoded: list[tuple[StoredValue, bytes | None]]) -> Iterator[StoredValue]:
    for value, text in decoded:
        yield value if text is None else dataclasses.replace(value, object=orjson.loads(text))
