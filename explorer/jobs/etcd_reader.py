"""`AgentEtcdReader`: a cluster's etcd read through the node agent on a control-plane node
(explorer/jobs/etcd_agent.py), for the pages of a process that cannot reach etcd itself.

Each read is a task on the node's queue, awaited for at most the reader's timeout (and expiring
unrun after it: a late agent does not answer nobody); its JSON answer is rebuilt into the
client's dataclasses (etcd_wire.py), an error into the same EtcdError. `keys()` asks page by
page, every page at the first page's revision; so does `sizes()`, whose pages the agent reads
with values on its node and answers with sizes only.

`watch()` is an `AgentWatch`: the agent relays the events of a bounded segment to a
channel-layer group of the watch's own; this process reads them there, on a thread of its own
with its own event loop, and asks for the next segment (from the revision after the last
event) while it is still iterated. Cancelled, it asks for none: the agent's segment ends by
itself within its length. Needs the Redis channel layer (REDIS_URL), as the agent does.

The node: EXPLORER_ETCD_AGENT_NODE, else the first (by name) node labelled
node-role.kubernetes.io/control-plane (or the older .../master) — from the watched state when
this process watches the cluster, else listed through the cluster's connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import uuid
from collections.abc import Iterator
from typing import Any

from celery.exceptions import TaskRevokedError
from celery.exceptions import TimeoutError as CeleryTimeout
from channels.layers import get_channel_layer
from django.conf import settings

from explorer.etcd.client import (
    MAX_KEYS,
    EtcdStatus,
    KeyHistory,
    KeySize,
    LeaseInfo,
    StoredValue,
)
from explorer.etcd.errors import EtcdError, EtcdUnreachable
from explorer.etcd.records import KeyRecord
from explorer.etcd.watch import QueuedEvents
from explorer.kube.transport import METADATA_LIST, get_json
from explorer.lib.objects import labels_of, name_of
from explorer.probes.node_sources import api_client
from explorer.state.store import watched

from . import etcd_wire as wire
from .etcd_agent import (
    SIZES_PAGE,
    WATCH_ENDED,
    WATCH_EVENTS,
    WATCH_STARTED,
    etcd_read,
    etcd_watch,
)

CONTROL_PLANE_LABELS = ("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")
KEYS_PAGE = 5_000
_END = QueuedEvents.END


class AgentEtcdReader:
    """EtcdReader (explorer/etcd/readers.py) through the node agent on `node` (default: the
    cluster's control-plane node, found on first use)."""

    def __init__(
        self,
        cluster: str,
        node: str | None = None,
        *,
        timeout: float | None = None,
        watch_seconds: float | None = None,
    ) -> None:
        self.cluster = cluster
        self._node = node or settings.EXPLORER_ETCD_AGENT_NODE or None
        self.timeout = float(timeout or settings.EXPLORER_ETCD_AGENT_TIMEOUT)
        self.watch_seconds = float(watch_seconds or settings.EXPLORER_ETCD_AGENT_WATCH_SECONDS)

    @property
    def node(self) -> str:
        if self._node is None:
            self._node = control_plane_node(self.cluster)
        return self._node

    def ask(self, call: str, **args: Any) -> Any:
        """One read of the agent's READ_CALLS, its answer as JSON; EtcdError when none."""
        node = self.node
        sent = etcd_read.apply_async(
            kwargs={"node": node, "call": call, "args": args}, expires=self.timeout
        )
        try:
            result = sent.get(timeout=self.timeout, disable_sync_subtasks=False)
        except (CeleryTimeout, TaskRevokedError):
            sent.revoke()
            raise EtcdUnreachable(
                f"the node agent on {node} did not answer within {self.timeout:g}s "
                "(is an agent consuming its queue?)"
            ) from None
        except Exception as error:  # the agent failed outside the read: one line
            raise EtcdError(f"the node agent on {node} failed: {str(error)[:200]}") from None
        finally:
            sent.forget()
        if not isinstance(result, dict):
            raise wire.AgentAnswerError(f"the node agent on {node} answered no object")
        if "error" in result:
            raise wire.error_of(result["error"] or {})
        return result.get("answer")

    # -- EtcdReader ------------------------------------------------------------------------

    def revision(self) -> int:
        return _number(self.ask("revision"))

    def count(self, prefix: str | bytes | None = None) -> int:
        return _number(self.ask("count", prefix=_b64_or_none(prefix)))

    def keys_page(
        self,
        prefix: str | bytes | None = None,
        after: bytes | None = None,
        limit: int = 1000,
        *,
        revision: int | None = None,
    ) -> tuple[list[KeyRecord], bool]:
        """As EtcdClient.keys_page: up to `limit` keys after `after`, and whether more follow."""
        records, more, _ = self._page(prefix, after, limit, revision)
        return records, more

    def _page(
        self, prefix: str | bytes | None, after: bytes | None, limit: int, revision: int | None
    ) -> tuple[list[KeyRecord], bool, int]:
        """A page of keys, whether more follow, and the revision it was read at."""
        answer = _object(
            self.ask(
                "keys_page",
                prefix=_b64_or_none(prefix),
                after=_b64_or_none(after),
                limit=limit,
                revision=revision,
            )
        )
        records = [wire.record_of(item) for item in answer.get("records") or []]
        return records, bool(answer.get("more")), _number(answer.get("revision"))

    def keys(
        self, prefix: str | bytes | None = None, *, page: int = KEYS_PAGE, max_keys: int = MAX_KEYS
    ) -> Iterator[KeyRecord]:
        after: bytes | None = None
        revision: int | None = None
        seen = 0
        while True:
            records, more, revision = self._page(prefix, after, page, revision)
            seen += len(records)
            if seen > max_keys:
                raise wire.AgentAnswerError(
                    f"more than {max_keys:,} keys under the prefix: listing stopped"
                )
            yield from records
            if not more or not records:
                return
            after = records[-1].key

    def sizes(
        self,
        prefix: str | bytes | None = None,
        *,
        after: bytes | None = None,
        page: int = SIZES_PAGE,
        max_keys: int = MAX_KEYS,
    ) -> Iterator[KeySize]:
        """As EtcdClient.sizes: a page of `page` keys per task, every page at the first's
        revision."""
        revision: int | None = None
        seen = 0
        while True:
            answer = _object(
                self.ask(
                    "sizes_page",
                    prefix=_b64_or_none(prefix),
                    after=_b64_or_none(after),
                    revision=revision,
                    limit=page,
                )
            )
            rows = answer.get("sized")
            if not isinstance(rows, list):
                raise wire.AgentAnswerError("the node agent's sizes are not a list")
            revision = _number(answer.get("revision"))
            found = [wire.sized_of(row) for row in rows]
            seen += len(found)
            if seen > max_keys:
                raise wire.AgentAnswerError(
                    f"more than {max_keys:,} keys under the prefix: sizing stopped"
                )
            yield from found
            if not answer.get("more") or not found:
                return
            after = found[-1].record.key

    def value(self, key: str | bytes, revision: int | None = None) -> StoredValue | None:
        answer = self.ask("value", key=wire.b64(_bytes(key)), revision=revision)
        return None if answer is None else wire.stored_of(_object(answer))

    def history(self, key: str | bytes) -> KeyHistory:
        return wire.history_of(_object(self.ask("history", key=wire.b64(_bytes(key)))))

    def status(self) -> EtcdStatus:
        return wire.status_of(_object(self.ask("status")))

    def leases(self) -> list[LeaseInfo]:
        answer = self.ask("leases")
        if not isinstance(answer, list):
            raise wire.AgentAnswerError("the node agent's leases are not a list")
        return [wire.lease_of(_object(item)) for item in answer]

    def lease(self, lease_id: int) -> LeaseInfo | None:
        answer = self.ask("lease", id=lease_id)
        return None if answer is None else wire.lease_of(_object(answer))

    def watch(
        self, prefix: str | bytes | None = None, start_revision: int | None = None
    ) -> AgentWatch:
        return AgentWatch(self, _b64_or_none(prefix), start_revision).start()


class AgentWatch(QueuedEvents):
    """The same reader's side as explorer/etcd/watch.py's Watch: iterate for WatchEvents,
    `next_event(timeout)`, `ended`, `revision`, `cancel()` from any thread."""

    def __init__(self, reader: AgentEtcdReader, prefix: str | None, start: int | None) -> None:
        self._reader = reader
        self._prefix = prefix
        self._next = start
        super().__init__()
        self.group = f"explorer.etcd-watch.{uuid.uuid4().hex}"
        self._started = threading.Event()
        self._failure: EtcdError | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._channel: str | None = None
        self._thread = threading.Thread(target=self._run, name="etcd-agent-watch", daemon=True)
        self.revision = 0  # the latest revision an event of this watch carried
        self.segments = 0  # segments asked of the agent so far

    def start(self) -> AgentWatch:
        node = self._reader.node  # found here, so that a cluster without one fails at once
        self._thread.start()
        if not self._started.wait(self._reader.timeout + 5) or self._failure is not None:
            failure = self._failure or EtcdUnreachable(
                f"the node agent on {node} did not start the watch within {self._reader.timeout:g}s"
            )
            self.cancel()
            raise failure
        return self

    # -- the reader's side (QueuedEvents), and ending it -------------------------------------

    def cancel(self) -> None:
        self._cancelled.set()
        loop, channel = self._loop, self._channel
        if loop is not None and channel is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop ended meanwhile
                asyncio.run_coroutine_threadsafe(
                    get_channel_layer().send(channel, {"type": "etcd.watch.cancel"}), loop
                )
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(_END)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def __enter__(self) -> AgentWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    # -- the thread: the channel layer's side ----------------------------------------------

    def _run(self) -> None:
        try:
            asyncio.run(self._follow())
        except EtcdError as error:
            self._fail(error)
        except Exception as error:  # the channel layer (Redis) failed: one line
            self._fail(EtcdUnreachable(f"the watch's channel layer failed: {str(error)[:200]}"))
        finally:
            self._started.set()
            self._put(_END)

    async def _follow(self) -> None:
        layer = get_channel_layer()
        self._loop = asyncio.get_running_loop()
        self._channel = await layer.new_channel()
        await layer.group_add(self.group, self._channel)
        try:
            while not self._cancelled.is_set():
                await self._segment(layer)
        finally:
            await layer.group_discard(self.group, self._channel)

    async def _segment(self, layer: Any) -> None:
        """Ask the agent for one segment and pass on its events until it ends."""
        self.segments += 1
        segment = self.segments
        await asyncio.to_thread(
            etcd_watch.apply_async,
            kwargs={
                "node": self._reader.node,
                "group": self.group,
                "prefix": self._prefix,
                "start_revision": self._next,
                "seconds": self._reader.watch_seconds,
            },
            expires=self._reader.timeout,
        )
        # silence from an agent that never started the segment ends the watch, not the wait
        deadline = self._loop.call_later(  # type: ignore[union-attr]
            self._reader.timeout,
            lambda: asyncio.ensure_future(
                layer.send(self._channel, {"type": "etcd.watch.deadline", "segment": segment})
            ),
        )
        started = False
        try:
            while True:
                message = await layer.receive(self._channel)
                kind = message.get("type")
                if kind == "etcd.watch.cancel":
                    return
                if kind == "etcd.watch.deadline" and message.get("segment") == segment:
                    if not started:
                        raise EtcdUnreachable(
                            f"the node agent on {self._reader.node} did not start the watch "
                            f"within {self._reader.timeout:g}s (is an agent consuming its queue?)"
                        )
                elif kind == WATCH_STARTED:
                    started = True
                    deadline.cancel()
                    if self._next is None:
                        self._next = int(message.get("start_revision") or 0) or None
                    self._started.set()
                elif kind == WATCH_EVENTS:
                    for raw in message.get("events") or []:
                        event = wire.event_of(raw)
                        self.revision = max(self.revision, event.revision)
                        self._next = event.revision + 1
                        self._put(event)
                elif kind == WATCH_ENDED:
                    if message.get("error"):
                        raise wire.error_of(message["error"])
                    self._next = message.get("next_revision") or self._next
                    return
        finally:
            deadline.cancel()

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


def control_plane_node(cluster: str) -> str:
    """The control-plane node whose agent reads etcd (EtcdUnreachable when none is known)."""
    states = watched()
    if states is not None and cluster in states:
        with states.read(cluster) as state:
            nodes = [name_of(n) for n in state.list("Node") if _control_plane(n)]
    else:
        try:
            with api_client(cluster) as client:
                nodes = []
                for label in CONTROL_PLANE_LABELS:
                    listed = get_json(
                        client, "/api/v1/nodes", {"labelSelector": label}, accept=METADATA_LIST
                    )
                    nodes += [name_of(item) for item in listed.get("items") or ()]
        except Exception as error:  # no connection, refused, unreachable: one line
            raise EtcdUnreachable(
                f"cannot list {cluster}'s control-plane nodes: {str(error)[:200]}"
            ) from None
    if not nodes:
        raise EtcdUnreachable(
            f"{cluster} has no node labelled {CONTROL_PLANE_LABELS[0]}: no agent there can read "
            "etcd (EXPLORER_ETCD_AGENT_NODE names one)"
        )
    return sorted(nodes)[0]


def _control_plane(node: dict) -> bool:
    labels = labels_of(node)
    return any(label in labels for label in CONTROL_PLANE_LABELS)


def _bytes(key: str | bytes) -> bytes:
    return key.encode() if isinstance(key, str) else bytes(key)


def _b64_or_none(key: str | bytes | None) -> str | None:
    return None if key is None else wire.b64(_bytes(key))


def _number(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise wire.AgentAnswerError(f"the node agent answered {str(raw)[:40]!r} for a number")
    return raw


def _object(raw: object) -> dict:
    if not isinstance(raw, dict):
        raise wire.AgentAnswerError("the node agent answered no object")
    return raw
