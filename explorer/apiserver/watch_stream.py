"""`?watch=true`: a chunked stream of `{"type", "object"}` lines, as kube-apiserver sends them.

Events come from the store's fan-out (any thread) through `loop.call_soon_threadsafe` into one
asyncio queue per watch, bounded as kube-apiserver bounds each watcher's buffer: a client that
stops reading has its watch ended (it re-watches from its last version, or relists on 410)
instead of the queue growing without end. A BOOKMARK's version is read under the store lock and
queued with `loop.call_soon`, behind every event the store handed off before it, so a client
that resumes from a bookmark never misses one.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from aiohttp import web

from explorer.lib.choices import ADDED, DELETED, MODIFIED
from explorer.lib.objects import resource_version_of

from .context import DEFAULT_WATCH_BUFFER, ServerContext, Stream
from .history import Record
from .negotiation import METADATA, TABLE, Wanted, include_object
from .params import flag, integer, resource_version
from .reads import selector_of
from .representation import bookmark_object, partial, table
from .routing import Target
from .selectors import Matcher
from .status import ApiError

_WAKE_EVERY = 1.0  # seconds between checks that the client is still there
# A watch that overflowed ends cleanly once what was already written reaches the client; one
# whose client reads nothing at all is cut after this many seconds.
OVERFLOW_GRACE = 1.0


@dataclass(frozen=True, slots=True)
class _Bookmark:
    rv: int
    initial_end: bool = False
    last: bool = False


_CUT = _Bookmark(0, last=True)  # queued when the stream is cut: the pump ends at once
_OVERFLOWED = _Bookmark(0, last=True)  # queued when the buffer overflows: the stream ends


class WatchFeed:
    """The store's subscriber for one watch: hands records to the watch's event loop."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        capacity: int = DEFAULT_WATCH_BUFFER,
        on_overflow: Callable[[], None] = lambda: None,
    ) -> None:
        self.loop = loop
        self.capacity = max(1, capacity)
        self.on_overflow = on_overflow
        self.overflowed = False
        self.queue: asyncio.Queue[Record | _Bookmark] = asyncio.Queue()

    def deliver(self, record: Record) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: the server stopped
            self.loop.call_soon_threadsafe(self._put, record)

    def queue_bookmark(self, bookmark: _Bookmark) -> None:
        self.loop.call_soon(self._put, bookmark)

    def _put(self, item: Record | _Bookmark) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() < self.capacity:
            self.queue.put_nowait(item)
            return
        self.overflowed = True  # what is queued is dropped: the client resumes from its version
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(_OVERFLOWED)
        self.on_overflow()


def _event_line(event_type: str, obj: dict) -> bytes:
    return orjson.dumps({"type": event_type, "object": obj}) + b"\n"


class _Encoder:
    """Turns objects into the representation the client asked for."""

    def __init__(self, target: Target, wanted: Wanted, include: str) -> None:
        self.target = target
        self.wanted = wanted
        self.include = include
        self.headers_sent = False

    def event(self, event_type: str, obj: dict) -> bytes:
        if self.wanted.form == TABLE:
            rv = resource_version_of(obj) or ""
            body = table(
                self.target.resource.kind,
                [obj],
                {"resourceVersion": rv},
                self.include,
                time.time(),
                self.wanted.version,
                headers=not self.headers_sent,
            )
            self.headers_sent = True
        elif self.wanted.form == METADATA:
            body = partial(obj, self.wanted.version)
        else:
            body = obj
        return _event_line(event_type, body)

    def bookmark(self, bookmark: _Bookmark) -> bytes:
        obj = bookmark_object(self.target.resource, bookmark.rv, self.wanted, bookmark.initial_end)
        return _event_line("BOOKMARK", obj)

    @staticmethod
    def error(err: ApiError) -> bytes:
        return _event_line("ERROR", err.body)


def _translate(record: Record, target: Target, matcher: Matcher) -> tuple[str, dict] | None:
    """The event this watch sees for a record, after namespace and selectors (an object that
    stops matching is DELETED for this watch, one that starts matching is ADDED)."""
    if target.namespace and not record.key.startswith(target.namespace + "/"):
        return None
    if record.type != MODIFIED:
        return (record.type, record.object) if matcher(record.object) else None
    now_matches = matcher(record.object)
    was_matching = record.old is not None and matcher(record.old)
    if now_matches:
        return (MODIFIED if was_matching else ADDED), record.object
    if was_matching and record.old is not None:
        gone = dict(record.old)
        gone["metadata"] = {**record.old.get("metadata", {}), "resourceVersion": str(record.rv)}
        return DELETED, gone
    return None


async def serve_watch(
    request: web.Request, ctx: ServerContext, target: Target, wanted: Wanted
) -> web.StreamResponse:
    query = request.query
    kind = target.resource.kind
    matcher = selector_of(query, kind)
    encoder = _Encoder(target, wanted, include_object(query.get("includeObject")))
    bookmarks = flag(query, "allowWatchBookmarks")
    timeout = integer(query, "timeoutSeconds") or ctx.watch_timeout
    rv_text = query.get("resourceVersion", "")
    send_initial = flag(query, "sendInitialEvents") or rv_text in ("", "0")
    loop = asyncio.get_running_loop()
    feed = WatchFeed(loop, ctx.watch_buffer)
    start: list[bytes] = []
    failure: ApiError | None = None
    try:
        if send_initial:
            if rv_text not in ("", "0"):
                ctx.store.check_version(resource_version(rv_text))
            page = ctx.store.watch_now(kind, target.namespace or None, feed)
            start = [encoder.event(ADDED, obj) for obj in page.items if matcher(obj)]
            if flag(query, "sendInitialEvents") and bookmarks:
                start.append(encoder.bookmark(_Bookmark(page.resource_version, initial_end=True)))
        else:
            records = ctx.store.watch_since(kind, resource_version(rv_text), feed)
            start = [encoder.event(*e) for r in records if (e := _translate(r, target, matcher))]
    except ApiError as err:
        if err.code != 410:
            raise
        failure = err  # an expired version is reported in the stream, as kube-apiserver does
    response = web.StreamResponse(
        headers={"Content-Type": "application/json", "Cache-Control": "no-cache, private"}
    )
    response.enable_chunked_encoding()
    await response.prepare(request)
    stream = Stream(request, on_cut=lambda: feed.queue.put_nowait(_CUT))
    ctx.streams.add(stream)

    def cut_if_still_open() -> None:
        if stream in ctx.streams:  # still writing to a client that reads nothing
            stream.cut()

    feed.on_overflow = lambda: loop.call_later(OVERFLOW_GRACE, cut_if_still_open)
    if feed.overflowed:  # already, while the response was being prepared
        feed.on_overflow()
    try:
        if failure is not None:
            await response.write(encoder.error(failure))
        else:
            await response.write(b"".join(start))
            await _pump(ctx, feed, stream, response, encoder, target, matcher, timeout, bookmarks)
        if stream.gone:
            return response
        await response.write_eof()
    except (ConnectionResetError, ConnectionError, asyncio.CancelledError):
        stream.cut()
    finally:
        ctx.streams.discard(stream)
        ctx.store.unsubscribe(kind, feed)
    return response


async def _pump(
    ctx: ServerContext,
    feed: WatchFeed,
    stream: Stream,
    response: web.StreamResponse,
    encoder: _Encoder,
    target: Target,
    matcher: Matcher,
    timeout: float,
    bookmarks: bool,
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    next_bookmark = loop.time() + ctx.bookmark_interval if bookmarks else float("inf")
    closing = False
    while not stream.gone:
        now = loop.time()
        if not closing and now >= deadline:
            if not bookmarks:
                return
            closing = True  # a last bookmark, queued behind every event already handed off
            feed.queue_bookmark(_Bookmark(ctx.store.resource_version, last=True))
        if bookmarks and not closing and now >= next_bookmark:
            feed.queue_bookmark(_Bookmark(ctx.store.resource_version))
            next_bookmark = now + ctx.bookmark_interval
        wait = min(deadline, next_bookmark) - now if not closing else _WAKE_EVERY
        try:
            item = await asyncio.wait_for(
                feed.queue.get(), timeout=max(0.0, min(wait, _WAKE_EVERY))
            )
        except TimeoutError:
            continue
        chunks = []
        last = False
        while True:
            if item is _CUT or item is _OVERFLOWED:
                return
            if isinstance(item, _Bookmark):
                chunks.append(encoder.bookmark(item))
                last = item.last
            elif (event := _translate(item, target, matcher)) is not None:
                chunks.append(encoder.event(*event))
            if last or feed.queue.empty():
                break
            item = feed.queue.get_nowait()
        if chunks and not stream.gone:
            await response.write(b"".join(chunks))
        if last:
            return
