"""List + watch of one resource, following client-go's reflector (DESIGN.md, watch semantics).

List (paginated) and hand the whole list on as a replace; watch from the list's resourceVersion
with bookmarks and a jittered server timeout; remember the resourceVersion of every event; on a
normal close watch again from it; on 410 Gone relist; on connection trouble, 429 or 5xx back off
exponentially; on 403 report "not visible" and look again slowly.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec
import orjson
import urllib3
from kubernetes.client import ApiClient

from explorer.lib.gc_pause import gc_paused
from explorer.lib.objects import meta_of, resource_version_of
from explorer.lib.resources import Resource

from .backoff import Backoff
from .sink import BACKOFF, ERROR, LISTING, NOT_VISIBLE, WATCHING, WatchSink
from .transport import JSON, METADATA, METADATA_LIST, ApiError, open_request, read_all

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WatchTiming:
    """Knobs of the list/watch loop; tests shorten them."""

    timeout_seconds: tuple[int, int] = (300, 600)  # server-side watch timeout, drawn at random
    read_margin: float = 30.0  # socket read timeout beyond timeoutSeconds
    connect_timeout: float = 10.0
    list_read_timeout: float = 120.0
    page_size: int = 500
    recheck_not_visible: float = 60.0  # how often a forbidden or unserved resource is tried again
    backoff_initial: float = 0.8
    backoff_cap: float = 30.0
    short_watch: float = 1.0  # a watch closed sooner than this with no event counts as a failure


class _Stopped(Exception):
    pass


class Reflector:
    """Keeps one resource of one cluster flowing into a sink; `run()` is a thread's body."""

    def __init__(
        self,
        api_client: ApiClient,
        cluster: str,
        resource: Resource,
        sink: WatchSink,
        stop: threading.Event,
        timing: WatchTiming | None = None,
    ) -> None:
        self.api_client = api_client
        self.cluster = cluster
        self.resource = resource
        self.sink = sink
        self.timing = timing or WatchTiming()
        self.resource_version = ""
        self.synced = (
            threading.Event()
        )  # set once the first list is in (or the kind is not visible)
        self._stop = stop
        self._backoff = Backoff(self.timing.backoff_initial, self.timing.backoff_cap, jitter=1.0)
        self._response: urllib3.BaseHTTPResponse | None = None
        self._lock = threading.Lock()
        self._reported: tuple[str, str] | None = None
        self._verb = "list"
        self._fresh_list = False  # no event since the last list

    @property
    def kind(self) -> str:
        return self.resource.kind

    # ---- the loop ------------------------------------------------------------------------

    def run(self) -> None:
        with contextlib.suppress(_Stopped):
            self._loop()

    def _loop(self) -> None:
        rv = ""
        while not self._stop.is_set():
            try:
                if not rv:
                    with gc_paused(freeze=True):
                        rv = self._list()
                rv = self._watch(rv)
                continue
            except _Stopped:
                return
            except ApiError as error:
                failure: ApiError | Exception = error
            except Exception as error:  # a bad body or a failing sink must not end the watch
                logger.exception("%s/%s: list/watch failed", self.cluster, self.kind)
                failure = error
            if self._stop.is_set():
                return
            # A watch cut mid-way resumes from the last version it saw (bookmarks included), not
            # from the one it started at, which history may no longer hold; a failed list relists.
            rv = self._recover(failure, rv and self.resource_version)

    def _recover(self, error: ApiError | Exception, rv: str) -> str:
        """What to do after a failure; returns the resourceVersion to watch from ("" = relist)."""
        if not isinstance(error, ApiError):
            self._report(ERROR, f"{type(error).__name__}: {error}")
            self._pause(self._backoff.next_delay())
            return ""
        if error.gone:
            if self._fresh_list:  # even the version just listed is gone: do not spin
                self._pause(self._backoff.next_delay())
            return ""
        if error.forbidden or error.not_found:
            self._report(NOT_VISIBLE, self._why_not_visible(error))
            self.synced.set()
            self._pause(self.timing.recheck_not_visible)
            return ""
        delay = self._backoff.next_delay()
        if error.retryable:
            self._report(BACKOFF, f"{error} (retrying in {delay:.1f}s)")
            self._pause(delay)
            return rv
        self._report(ERROR, str(error))
        self._pause(delay)
        return ""

    def _why_not_visible(self, error: ApiError) -> str:
        if error.forbidden:
            return f"forbidden: cannot {self._verb} {self.resource.name}"
        return f"not served: {self.resource.path()}"

    # ---- list ----------------------------------------------------------------------------

    def _list(self) -> str:
        """Fetch every page, show each to the sink as it is read and hand the whole list over
        at the end; return its resourceVersion.

        The next page is asked for as soon as its continue token is read from the head of the
        page in hand, and read on a thread of its own while this one parses that page: the
        server prepares a page while the last one becomes objects here (`_Prefetch`)."""
        self._verb = "list"
        if not self._reported or self._reported[0] != NOT_VISIBLE:
            self._report(LISTING)
        items: list[Any] = []
        as_json = self._takes_json()
        query: dict[str, str | int] = {"limit": self.timing.page_size}
        ahead: _Prefetch | None = None  # the next page, asked for already
        try:
            while True:
                try:
                    body = ahead.result() if ahead is not None else self._get_body(query)
                except ApiError as error:
                    if not (error.gone and "continue" in query):
                        raise
                    # The continue token expired: one full list instead, as client-go's pager does.
                    items.clear()
                    query, ahead = {}, None
                    continue
                ahead = None
                head_token = _continue_of(body) if query.get("limit") else None
                if head_token:
                    ahead = _Prefetch(self._get_body, self._next_query(head_token))
                objects, meta = self._parse_page(body, as_json)
                del body
                self.sink.page(self.cluster, self.kind, objects)
                items.extend(objects)
                token = meta.get("continue")
                if not token or not query.get("limit"):
                    break
                query = self._next_query(token)
                if token != head_token and ahead is not None:  # the head misled: ask again
                    ahead.discard()
                    ahead = None
        finally:
            if ahead is not None:  # a failure mid-list: the page asked for is not wanted
                ahead.discard()
        rv = meta.get("resourceVersion") or ""
        self.sink.replace(self.cluster, self.kind, items, rv)
        self.resource_version = rv
        self.synced.set()
        self._backoff.reset()
        self._fresh_list = True
        return rv

    def _takes_json(self) -> bool:
        takes = getattr(self.sink, "takes_json", None)
        return (
            takes is not None
            and not self.resource.metadata_only
            and bool(takes(self.cluster, self.kind))
        )

    def _parse_page(self, body: bytes, as_json: bool) -> tuple[list[Any], dict[str, Any]]:
        """A page's items and its list metadata. Items as their JSON when the sink takes them
        so (msgspec skips over them without making objects), else parsed and saying their
        kind."""
        if as_json:
            with contextlib.suppress(msgspec.DecodeError):  # not a list: as orjson reports it
                page = _JSON_PAGE.decode(body)
                return page.items or [], page.metadata or {}
        parsed = orjson.loads(body)
        objects = parsed.get("items") or []
        self._stamp(objects)
        return objects, meta_of(parsed)

    def _next_query(self, token: str) -> dict[str, str | int]:
        return {"limit": self.timing.page_size, "continue": token}

    def _get_body(self, query: dict[str, str | int]) -> bytes:
        """One page of the list, unparsed."""
        accept = METADATA_LIST if self.resource.metadata_only else JSON
        timeout = (self.timing.connect_timeout, self.timing.list_read_timeout)
        response = self._open(query, accept, timeout)
        try:
            return read_all(response)
        finally:
            self._forget(response)

    def _stamp(self, items: list[dict[str, Any]]) -> None:
        """List items come without kind; metadata-only ones as PartialObjectMetadata."""
        kind, api_version = self.kind, self.resource.api_version
        if self.resource.metadata_only:
            for item in items:
                item["kind"] = kind
                item["apiVersion"] = api_version
        else:
            for item in items:
                if "kind" not in item:
                    item["kind"] = kind
                    item["apiVersion"] = api_version

    # ---- watch ---------------------------------------------------------------------------

    def _watch(self, rv: str) -> str:
        """Watch from `rv` until the server closes; return the last resourceVersion seen."""
        low, high = self.timing.timeout_seconds
        timeout_seconds = random.randint(low, high)  # noqa: S311 - jitter, not secrecy
        query = {
            "watch": 1,
            "resourceVersion": rv,
            "allowWatchBookmarks": True,
            "timeoutSeconds": timeout_seconds,
        }
        accept = METADATA if self.resource.metadata_only else JSON
        read_timeout = timeout_seconds + self.timing.read_margin
        started = time.monotonic()
        self._verb = "watch"
        response = self._open(query, accept, (self.timing.connect_timeout, read_timeout))
        self._report(WATCHING)
        events = 0
        completed = False
        try:
            for line in _lines(response):
                rv = self._handle(orjson.loads(line), rv)
                events += 1
                if events == 1:
                    self._backoff.reset()
                    self._fresh_list = False
            completed = True
        finally:
            self._forget(response)
            if completed:
                response.release_conn()
            else:  # unread bytes may remain: never hand this connection back to the pool
                response.close()
        if self._stop.is_set():
            raise _Stopped
        if events == 0 and time.monotonic() - started < self.timing.short_watch:
            raise ApiError(0, "ShortWatch", "the watch closed at once without an event")
        return rv

    def _handle(self, event: dict[str, Any], rv: str) -> str:
        etype = event.get("type")
        obj = event.get("object") or {}
        if etype == "ERROR":
            raise ApiError.from_status(obj)
        new_rv = resource_version_of(obj) or rv
        if etype == "BOOKMARK":
            self.resource_version = new_rv
            return new_rv
        if self.resource.metadata_only:
            obj["kind"] = self.kind
            obj["apiVersion"] = self.resource.api_version
        elif "kind" not in obj:
            obj["kind"] = self.kind
        self.sink.event(self.cluster, self.kind, event)
        self.resource_version = new_rv
        return new_rv

    # ---- plumbing ------------------------------------------------------------------------

    def _open(
        self, query: dict[str, Any], accept: str, timeout: tuple[float, float]
    ) -> urllib3.BaseHTTPResponse:
        if self._stop.is_set():
            raise _Stopped
        response = open_request(
            self.api_client, "GET", self.resource.path(), query, accept, timeout=timeout
        )
        with self._lock:
            self._response = response
        if self._stop.is_set():  # stop() may have run between the request and the line above
            response.release_conn()
            raise _Stopped
        return response

    def _forget(self, response: urllib3.BaseHTTPResponse) -> None:
        with self._lock:
            if self._response is response:
                self._response = None

    def abort(self) -> None:
        """Unblock a read in progress (called from stop(), on another thread)."""
        with self._lock:
            response = self._response
        if response is not None:
            # ValueError/RuntimeError: already closed or handed back to the pool
            with contextlib.suppress(ValueError, RuntimeError, OSError):
                response.shutdown()

    def _pause(self, seconds: float) -> None:
        if self._stop.wait(seconds):
            raise _Stopped

    def _report(self, status: str, reason: str = "") -> None:
        if self._reported == (status, reason):
            return
        self._reported = (status, reason)
        self.sink.status(self.cluster, self.kind, status, reason)


class _Prefetch:
    """`fetch(query)` run on a daemon thread of its own; `result()` waits for its body or
    raises what it raised (a stop included)."""

    def __init__(self, fetch: Callable[[dict[str, str | int]], bytes], query: dict) -> None:
        self.query = query
        self._body: bytes | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fetch,), daemon=True)
        self._thread.name = f"{threading.current_thread().name} (next page)"
        self._thread.start()

    def _run(self, fetch: Callable[[dict[str, str | int]], bytes]) -> None:
        try:
            self._body = fetch(self.query)
        except BaseException as error:
            self._error = error

    def result(self) -> bytes:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._body is not None
        return self._body

    def discard(self) -> None:
        """Not wanted after all: wait for it to end (so that a reflector never has two
        requests in flight, and `abort` reaches the one it has), whatever it brought."""
        self._thread.join()


_ITEMS = b'"items":'
_HEAD = 4096  # bytes of a list's head searched for its metadata


class _JsonPage(msgspec.Struct):
    """A list's body, its items left as their JSON."""

    items: list[msgspec.Raw] | None = None
    metadata: dict[str, Any] | None = None


_JSON_PAGE = msgspec.json.Decoder(_JsonPage)


def _continue_of(body: bytes) -> str | None:
    """The continue token of a list's body read from its head alone — kube-apiserver (and the
    project's API server) write `metadata` before `items` — or None when the head does not say.
    A hint only: the caller checks it against the parsed page."""
    at = body.find(_ITEMS, 0, _HEAD)
    if at < 0:
        return None
    head = body[:at].rstrip()
    if not head.endswith(b","):
        return None
    try:
        document = orjson.loads(head[:-1] + b"}")
    except orjson.JSONDecodeError:
        return None
    meta = document.get("metadata") if isinstance(document, dict) else None
    token = meta.get("continue") if isinstance(meta, dict) else None
    return token if isinstance(token, str) and token else None


def _lines(response: urllib3.BaseHTTPResponse):
    """Complete newline-terminated lines of a streamed body, as they arrive."""
    pending = b""
    while True:
        try:
            chunk = response.read1(1 << 16)
        except (urllib3.exceptions.HTTPError, OSError) as error:
            raise ApiError(0, "ConnectionFailed", str(error).splitlines()[0]) from None
        if not chunk:
            return  # a trailing partial line is an event cut off mid-way: dropped
        pending += chunk
        if b"\n" not in chunk:
            continue
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if line.strip():
                yield line
