"""A live watch of a key range over etcd's JSON gateway: an iterator of WatchEvents with a clean
cancel from any thread.

The gateway streams one JSON WatchResponse per line over a long POST to /v3/watch. etcd3gw's
Watcher reads that stream in a thread too, but drops the answer to a watch at a compacted
revision (`canceled` with `compact_revision`), raises inside its thread where nobody sees it,
assumes each network chunk is one whole line, and decodes every value; so the stream is read
here, through etcd3gw's session, with each line bounded and each event reduced at once to what
may be shown (key, revisions, size, encryption — never a value, so never a Secret's).

Timeouts: connecting, the answer's head and the watch's "created" answer within the access's
timeout; then etcd is asked for progress notifications (every 10 minutes by default), so a
stream silent for longer than IDLE_SECONDS is dead and ends the iteration with EtcdUnreachable.
"""

from __future__ import annotations

import base64
import contextlib
import queue
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import etcd3gw
import orjson
import requests

from .encryption import Encryption, encryption_of
from .errors import EtcdBadAnswer, EtcdError, EtcdUnreachable, RevisionCompacted
from .gateway import answer_error, error_body, read_bounded, transport_error
from .sealed import is_secret_key

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .gateway import Gateway

IDLE_SECONDS = 15 * 60
QUEUE_EVENTS = 10_000  # events waiting for the reader; the stream pauses when it is full
_END = object()


@dataclass(frozen=True, slots=True)
class WatchEvent:
    type: Literal["put", "delete"]
    key: bytes
    revision: int  # the revision of the change (a delete's: when the key was deleted)
    create_revision: int  # 0 for a delete
    version: int  # 0 for a delete
    lease: int
    size: int  # bytes of the value written (0 for a delete)
    encryption: Encryption | None
    secret: bool  # a Secret's key (its value is never read out of the event)

    @property
    def text(self) -> str:
        return self.key.decode("utf-8", "backslashreplace")


class QueuedEvents:
    """The reader's side of a watch, whatever feeds it: WatchEvents (or an EtcdError, or the
    end) queued by a thread of the watch's own, read by iterating or with `next_event`."""

    END = _END

    def __init__(self) -> None:
        self._queue: queue.Queue[object] = queue.Queue(QUEUE_EVENTS)
        self._cancelled = threading.Event()

    def __iter__(self) -> Iterator[WatchEvent]:
        while True:
            event = self.next_event()
            if event is None:
                return
            yield event

    def next_event(self, timeout: float | None = None) -> WatchEvent | None:
        """The next event; None when the watch has ended, or after `timeout` seconds without
        one (then `ended` tells the two apart). Errors of the stream are raised here."""
        if self._cancelled.is_set():
            return None  # cancelled or ended: what was still queued is dropped
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if item is _END:
            self._cancelled.set()
            return None
        if isinstance(item, EtcdError):
            self._cancelled.set()
            raise item
        assert isinstance(item, WatchEvent)
        return item

    @property
    def ended(self) -> bool:
        return self._cancelled.is_set()


class Watch(QueuedEvents):
    """Iterate for events; `cancel()` (or leaving a `with` block) ends the iteration."""

    def __init__(
        self, secret_prefix: str, max_message_bytes: int, start_revision: int | None
    ) -> None:
        super().__init__()
        self._secret_prefix = secret_prefix
        self._start_revision = start_revision or 0
        self._max_message_bytes = max_message_bytes
        self._settled = threading.Event()  # "created" came, or the stream ended before it
        self._created = False
        self._failure: EtcdError | None = None
        self._response: requests.Response | None = None
        self._thread: threading.Thread | None = None
        self.revision = 0  # the latest revision etcd has told this watch about

    @classmethod
    def open(
        cls,
        gateway: Gateway,
        key: bytes,
        range_end: bytes,
        *,
        start_revision: int | None,
        secret_prefix: str,
        max_message_bytes: int,
    ) -> Watch:
        request: dict[str, object] = {
            "key": base64.b64encode(key).decode(),
            "range_end": base64.b64encode(range_end).decode(),
            "progress_notify": True,
        }
        if start_revision is not None:
            request["start_revision"] = start_revision
        return gateway.first_answering(
            lambda client: cls(secret_prefix, max_message_bytes, start_revision)._start(
                gateway, client, request
            )
        )

    def _start(self, gateway: Gateway, client: etcd3gw.Etcd3Client, request: dict) -> Watch:
        timeout = gateway.access.timeout
        try:
            response = gateway.session.post(
                client.get_url("watch"),
                json={"create_request": request},
                timeout=timeout,
                stream=True,
            )
        except requests.RequestException as error:
            raise transport_error(error) from None
        # the answer's head came within the timeout; from now on silence is a quiet key range,
        # and only silence past the progress notifications means a dead stream
        connection = getattr(response.raw, "connection", None)
        if connection is not None and connection.sock is not None:
            connection.sock.settimeout(IDLE_SECONDS)
        if response.status_code != 200:
            with response:
                data = read_bounded(response, 64 * 1024, time.monotonic() + timeout)
            raise answer_error(response.status_code, error_body(data))
        self._response = response
        self._thread = threading.Thread(target=self._read, name="etcd-watch", daemon=True)
        self._thread.start()
        self._settled.wait(timeout)
        if not self._created:
            failure = self._failure or EtcdUnreachable(
                "etcd did not start the watch within the timeout"
            )
            self.cancel()
            raise failure
        return self

    # -- the reader's side (QueuedEvents), and ending it -------------------------------------

    def cancel(self) -> None:
        """End the watch: the stream is shut, the thread ends, iteration stops."""
        self._cancelled.set()
        response = self._response
        if response is not None:
            # wakes the thread blocked reading the socket; nothing to wake when the stream has
            # ended already (urllib3 then refuses: the connection is released)
            with contextlib.suppress(ValueError, RuntimeError, OSError):
                response.raw.shutdown()
            response.close()
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(_END)
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    # -- the stream's side (the thread) ----------------------------------------------------

    def _read(self) -> None:
        assert self._response is not None
        try:
            for line in self._lines():
                self._message(line)
                if self._cancelled.is_set():
                    return
            if not self._cancelled.is_set():
                self._fail(EtcdUnreachable("etcd ended the watch stream"))
        except EtcdError as error:
            self._fail(error)
        except (requests.RequestException, OSError, ValueError) as error:
            if not self._cancelled.is_set():
                timed_out = isinstance(error, requests.exceptions.ConnectionError) and (
                    "timed out" in str(error).lower()
                )
                why = "silent past its idle limit" if timed_out else "broken"
                self._fail(EtcdUnreachable(f"the watch stream is {why}"))
        finally:
            self._response.close()
            self._settled.set()
            self._put(_END)

    def _lines(self) -> Iterator[bytes]:
        """The stream's lines (one WatchResponse each), whatever the network's chunking; a
        line longer than the message limit ends the watch before it is all buffered."""
        assert self._response is not None
        buffer = bytearray()
        searched = 0  # the buffer before this has no newline
        for chunk in self._response.iter_content(chunk_size=None):
            buffer += chunk
            while (end := buffer.find(b"\n", searched)) >= 0:
                line = bytes(buffer[:end])
                del buffer[: end + 1]
                searched = 0
                if line.strip():
                    yield line
            searched = len(buffer)
            if len(buffer) > self._max_message_bytes:
                raise EtcdBadAnswer(
                    f"a watch message is over the {self._max_message_bytes:,}-byte limit"
                )

    def _message(self, line: bytes) -> None:
        try:
            message = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise EtcdBadAnswer("etcd's watch sent a line that is not JSON") from None
        result = message.get("result") if isinstance(message, dict) else None
        if not isinstance(result, dict):
            error = message.get("error") if isinstance(message, dict) else None
            raise EtcdBadAnswer(f"etcd's watch answered {str(error or 'no result')[:200]}")
        header = result.get("header") or {}
        if "revision" in header:
            self.revision = int(header["revision"])
        if result.get("created"):
            self._created = True
            self._settled.set()
        if result.get("canceled"):
            compact = int(result.get("compact_revision") or 0)
            if compact:
                raise RevisionCompacted(self._start_revision, compact)
            raise EtcdBadAnswer(f"etcd cancelled the watch: {result.get('cancel_reason', '')}")
        for raw in result.get("events") or []:
            self._put(self._event(raw))

    def _event(self, raw: dict) -> WatchEvent:
        kv = raw.get("kv") or {}
        try:
            key = base64.b64decode(kv.get("key", ""), validate=True)
            value = base64.b64decode(kv.get("value", ""), validate=True)
        except (TypeError, ValueError):
            raise EtcdBadAnswer("etcd's watch event is not base64") from None
        secret = is_secret_key(key, self._secret_prefix)
        event = WatchEvent(
            type="delete" if raw.get("type") == "DELETE" else "put",
            key=key,
            revision=int(kv.get("mod_revision", 0)),
            create_revision=int(kv.get("create_revision", 0)),
            version=int(kv.get("version", 0)),
            lease=int(kv.get("lease", 0)),
            size=len(value),
            encryption=encryption_of(value),
            secret=secret,
        )
        return event

    def _fail(self, error: EtcdError) -> None:
        if self._failure is None:
            self._failure = error
        self._put(error)

    def _put(self, item: object) -> None:
        while True:
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                if self._cancelled.is_set():
                    return
