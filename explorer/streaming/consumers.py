"""The websocket at /ws/: one per browser tab, carrying every live view the tab shows.

Protocol (JSON text frames). Browser → server:
  {"type": "subscribe", "id": "s1", "view": "overview", "params": {"cluster": "demo"}}
  {"type": "unsubscribe", "id": "s1"}
  {"type": "resync", "id": "s1"}          a delta's version was not the next one: send it whole
  {"type": "ack", "seq": 17}              every message up to seq 17 has been handled
  {"type": "follow", "task": "<task id>"} show this long task's progress
  {"type": "logs", "id": "l1", "cluster": "demo", "namespace": "shop", "pod": "web-1",
      "container": "web", "tail": 100}  follow a container's log (tail lines first, then live)
  {"type": "unlogs", "id": "l1"}          stop following it
  {"type": "etcdrates", "id": "r1", "cluster": "demo"}  the write rate per resource from a live
      watch of the cluster's etcd (one watch per cluster while a tab looks: etcd_rates.py)
  {"type": "unetcdrates", "id": "r1"}     stop it
Server → browser (each with a "seq" the browser acknowledges; at most WINDOW unacknowledged):
  {"type": "full", "id": "s1", "model": {...}, "version": N}
  {"type": "delta", "id": "s1", "ops": [...], "version": N}   ops: see streaming/delta.py;
      apply when N is the model's version + 1, else send resync
  {"type": "status", "cluster": "demo", "state": "live"|"connecting"|"reconnecting"|"error",
      "reason": "...", "not_visible": {"Secret": "forbidden: ..."}}   the watcher's connection
  {"type": "progress", "task": "<id>", "state": "queued"|"running"|"done"|"failed", "done": 3,
      "total": 10, "message": "...", "download": "<file name>" (a finished bundle job)}
      (explorer/jobs/progress.py)
  {"type": "log", "id": "l1", "lines": [...], "skipped": 0, "end": false}  lines of a followed
      log, batched; `skipped` counts lines dropped while the tab did not read (at most
      MAX_LOG_BATCH wait); `end` when the log ended (the container stopped, or an error said so)
  {"type": "etcd_rates", "id": "r1", "model": {...}}   every RATE_EVERY seconds
      (explorer/viewmodels/etcd/write_rate.py RateModel)
  {"type": "error", "id": "s1" or null, "message": "..."}
  {"type": "part", "seq": S, "part": i, "parts": n, "text": "..."}   a piece of a message over
      MAX_MESSAGE, the most one websocket frame carries (a bigger one would close it): the
      browser joins the n parts' texts and reads the message they make (message_parts.py)
A log batch over MAX_MESSAGE loses its oldest lines (counted in `skipped`) instead; a message over
MAX_PARTED is not sent: a delta is replaced by the whole model, a whole model by an `error`,
ending its subscription.
A tab that follows a task late is first sent the task's latest progress, when a lookup for it has
been installed with `serve_progress_from` (the jobs layer does, at start-up).
Logs are read through the API's pods/log with the client of a cluster this process watches
(explorer/kube/pod_logs.py), at most MAX_LOGS per tab; a web process that watches no cluster (the
team install's) answers `logs` with an error.
Only a logged-in user may connect (the handshake is refused otherwise); asgi.py checks Origin.
A share session's socket (explorer/streaming/shared.py) shows its snapshot's views only: any
other `cluster` in a subscribe, and every `logs` and `follow`, is answered with an error; it
closes (CLOSE_REVOKED) when the link is revoked.

How it works: a subscription joins the group of its (view, params) and asks the publisher of the
cluster for the whole model; deltas then reach every member of the group. A delta that does not
follow the last version sent (lost on a full channel, or a publisher restart) makes the consumer
ask for the whole model again. A tab that does not read gets no more than its Outbox holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from autobahn.exception import Disconnected
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from explorer.kube.connections import client_of
from explorer.kube.pod_logs import LogError, follow_log
from explorer.lib.sources import MOMENT_PREFIX, is_frozen
from explorer.viewmodels.base import ViewError, params_of
from explorer.viewmodels.registry import get_view

from .etcd_rates import WATCHES, RateWatch
from .frozen import frozen_model
from .message_parts import MAX_MESSAGE, MAX_PARTED, frames
from .names import publisher_channel, status_group, task_group, view_group
from .outbox import CAPACITY, WINDOW, Outbox
from .shared import CLOSE_REVOKED, SCOPE_KEY, SharedSource, still_open

log = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS = 16
MAX_ID = 64
KEEPALIVE = 30.0  # seconds between renewals of groups and publications
ANSWER_TIMEOUT = 10.0  # a full model asked for and not come by then: tell the page
CLOSE_UNAUTHENTICATED = 4401
MAX_LOGS = MAX_SUBSCRIPTIONS
MAX_LOG_BATCH = 1000
MAX_LOG_TAIL = 1000
MAX_RATES = 2  # etcd write rates followed per tab
RATE_EVERY = 1.0  # seconds between a write rate's messages

# task id -> its latest progress message (without "type"), or None when unknown
ProgressLookup = Callable[[str], Awaitable[dict[str, Any] | None]]
_progress_lookup: ProgressLookup | None = None


def serve_progress_from(lookup: ProgressLookup | None) -> None:
    """Where `follow` finds what a task reported before the tab followed it."""
    global _progress_lookup
    _progress_lookup = lookup


@dataclass
class _LogFollow:
    target: tuple[str, str, str, str]  # cluster, namespace, pod, container
    task: asyncio.Task


@dataclass
class _Subscription:
    id: str
    view: str
    params: dict[str, str]
    group: str
    version: int | None = None  # of the last full or delta queued for the page
    asked_at: float | None = field(default_factory=time.monotonic)  # waiting for a full since
    warned: bool = False

    @property
    def cluster(self) -> str:
        return self.params["cluster"]

    @property
    def frozen(self) -> bool:
        """A snapshot's or a past moment's view: built here, sent once, never changing."""
        return is_frozen(self.cluster)


class LiveConsumer(AsyncJsonWebsocketConsumer):
    def __init__(
        self, *args: Any, window: int = WINDOW, capacity: int = CAPACITY, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.outbox = Outbox(window, capacity)
        self.subscriptions: dict[str, _Subscription] = {}
        self.followed: set[str] = set()
        self.logs: dict[str, asyncio.Task] = {}
        self.rates: dict[str, tuple[RateWatch, asyncio.Task]] = {}
        self._keepalive: asyncio.Task | None = None
        self._renewed = time.monotonic()
        self._frozen: set[asyncio.Future] = set()  # frozen views being built for this tab
        self.share: SharedSource | None = None  # a share session's: what it may show
        self._sending = asyncio.Lock()

    # ---- connection ----------------------------------------------------------------------

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(CLOSE_UNAUTHENTICATED)  # before accept: the handshake is refused
            return
        self.share = self.scope.get(SCOPE_KEY)
        await self.accept()
        if self.share is not None:
            await self.channel_layer.group_add(self.share.group, self.channel_name)
        self._keepalive = asyncio.ensure_future(self._renew_forever())

    async def disconnect(self, code: int) -> None:
        if self._keepalive is not None:
            self._keepalive.cancel()
        for follow in self.logs.values():
            follow.task.cancel()
        for rate_id in list(self.rates):
            self._stop_rates(rate_id)
        for building in self._frozen:
            building.cancel()
        for group in self._groups():
            await self.channel_layer.group_discard(group, self.channel_name)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch, without its closing of stale database connections before every
        message but the handshake's: nothing here touches the database after the handshake,
        and that hop to a worker thread for every delta and every ack of every tab was about
        half of the web server's CPU with 50 tabs on the overview."""
        if message["type"] == "websocket.connect":
            await super().dispatch(message)
            return
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        return orjson.loads(text_data)

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        return orjson.dumps(content).decode()

    # ---- from the browser ----------------------------------------------------------------

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        handler = {
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
            "resync": self._resync,
            "ack": self._ack,
            "follow": self._follow,
            "logs": self._logs,
            "unlogs": self._unlogs,
            "etcdrates": self._etcd_rates,
            "unetcdrates": self._unetcd_rates,
        }.get(kind)  # type: ignore[arg-type]
        if handler is None:
            await self._error(None, "unknown message type")
            return
        refused = self.share.refuses_message(kind) if self.share is not None else None
        if refused:
            await self._error(_id(content), refused)
            return
        await handler(content)

    async def _subscribe(self, content: dict[str, Any]) -> None:
        sub_id = _id(content)
        if sub_id is None:
            await self._error(None, f"subscribe needs an id (a string of 1 to {MAX_ID})")
            return
        try:
            view = get_view(content.get("view"))  # type: ignore[arg-type]
            params = params_of(view, content.get("params", {}))
        except ViewError as error:
            await self._error(sub_id, str(error))
            return
        if self.share is not None:
            refused = self.share.refuses_cluster(params["cluster"])
            if refused:
                await self._error(sub_id, refused)
                return
            if not await still_open(self.share):
                await self.close(CLOSE_REVOKED)
                return
        if sub_id in self.subscriptions:
            await self._drop(sub_id)
        elif len(self.subscriptions) >= MAX_SUBSCRIPTIONS:
            await self._error(sub_id, f"at most {MAX_SUBSCRIPTIONS} subscriptions per page")
            return
        group = view_group(view.name, params)
        sub = _Subscription(sub_id, view.name, params, group)
        self.subscriptions[sub_id] = sub
        if not sub.frozen:
            await self.channel_layer.group_add(group, self.channel_name)
            await self.channel_layer.group_add(status_group(sub.cluster), self.channel_name)
        await self._ask(sub, full=True)

    async def _unsubscribe(self, content: dict[str, Any]) -> None:
        sub_id = _id(content)
        if sub_id in self.subscriptions:
            await self._drop(sub_id)

    async def _resync(self, content: dict[str, Any]) -> None:
        sub = self.subscriptions.get(_id(content) or "")
        if sub is not None:
            await self._ask(sub, full=True)

    async def _ack(self, content: dict[str, Any]) -> None:
        seq = content.get("seq")
        if isinstance(seq, int):
            self.outbox.ack(seq)
            await self._flush()

    async def _follow(self, content: dict[str, Any]) -> None:
        task = content.get("task")
        if not isinstance(task, str) or not 0 < len(task) <= MAX_ID:
            await self._error(None, "follow needs a task id")
            return
        if len(self.followed) >= MAX_SUBSCRIPTIONS:
            await self._error(None, f"at most {MAX_SUBSCRIPTIONS} tasks followed per page")
            return
        self.followed.add(task)
        await self.channel_layer.group_add(task_group(task), self.channel_name)
        latest = await _progress_lookup(task) if _progress_lookup is not None else None
        if latest is not None:
            await self.task_progress({**latest, "type": "task.progress", "task": task})

    async def _logs(self, content: dict[str, Any]) -> None:
        log_id = _id(content)
        fields = [content.get(k) for k in ("cluster", "namespace", "pod", "container")]
        if log_id is None or not all(isinstance(f, str) and 0 < len(f) <= 253 for f in fields):
            await self._error(log_id, "logs needs an id, cluster, namespace, pod and container")
            return
        tail = content.get("tail", 100)
        tail = min(tail, MAX_LOG_TAIL) if isinstance(tail, int) and tail >= 0 else 100
        target = tuple(fields)
        for earlier in [i for i, follow in self.logs.items() if follow.target == target]:
            await self._unlogs({"id": earlier})  # following it again replaces the follow
        await self._unlogs({"id": log_id})
        if len(self.logs) >= MAX_LOGS:
            await self._error(log_id, f"at most {MAX_LOGS} logs followed per page")
            return
        client = client_of(fields[0])  # type: ignore[arg-type]
        if client is None:
            await self._error(log_id, "this web process does not watch that cluster: no logs")
            return
        task = asyncio.ensure_future(
            self._follow_log(log_id, client, *fields[1:], tail)  # type: ignore[arg-type]
        )
        self.logs[log_id] = _LogFollow(target, task)  # type: ignore[arg-type]
        task.add_done_callback(lambda _: self._forget_log(log_id, task))

    def _forget_log(self, log_id: str, task: asyncio.Task) -> None:
        """An ended log frees its slot at once (unless the id already names a newer follow)."""
        follow = self.logs.get(log_id)
        if follow is not None and follow.task is task:
            del self.logs[log_id]

    async def _unlogs(self, content: dict[str, Any]) -> None:
        follow = self.logs.pop(_id(content) or "", None)
        if follow is not None:
            follow.task.cancel()

    async def _follow_log(
        self, log_id: str, client: Any, namespace: str, pod: str, container: str, tail: int
    ) -> None:
        """Read the log on a thread; hand its lines to the tab in batches as it reads them.
        Stopping never waits for that thread: it is told to stop and wakes by itself."""
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        stopped = threading.Event()
        holder: dict[str, Any] = {}

        def put(kind: str, text: str) -> None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is reading
                loop.call_soon_threadsafe(lines.put_nowait, (kind, text))

        def pump() -> None:
            try:
                holder["log"] = followed = follow_log(client, namespace, pod, container, tail)
                if stopped.is_set():  # stopped while the API was being asked
                    followed.close()
                for line in followed:
                    put("line", line)
                put("end", "")
            except LogError as error:
                put("error", str(error))
            except Exception as error:  # the connection broke: say so, the page may retry
                put("error", f"the log stream broke: {type(error).__name__}")

        threading.Thread(target=pump, name=f"log {namespace}/{pod}", daemon=True).start()
        try:
            while True:
                kind, text = await lines.get()
                batch = [text] if kind == "line" else []
                while kind == "line" and not lines.empty():
                    kind, text = lines.get_nowait()
                    if kind == "line":
                        batch.append(text)
                await self._queue_log(log_id, batch, end=kind != "line")
                if kind == "error":
                    await self._error(log_id, text)
                if kind != "line":
                    return
        finally:
            stopped.set()
            if "log" in holder:
                holder["log"].close()

    async def _etcd_rates(self, content: dict[str, Any]) -> None:
        rate_id, cluster = _id(content), content.get("cluster")
        if rate_id is None or not isinstance(cluster, str) or not 0 < len(cluster) <= 253:
            await self._error(rate_id, "etcdrates needs an id and a cluster")
            return
        self._stop_rates(rate_id)
        if is_frozen(cluster):
            await self._error(rate_id, "a snapshot or past moment has no live etcd watch")
            return
        if len(self.rates) >= MAX_RATES:
            await self._error(rate_id, f"at most {MAX_RATES} etcd write rates per page")
            return
        watch = await asyncio.to_thread(WATCHES.acquire, cluster)
        if watch is None:
            await self._error(rate_id, "nothing here can read this cluster's etcd: no write rate")
            return
        task = asyncio.ensure_future(self._send_rates(rate_id, watch))
        self.rates[rate_id] = (watch, task)

    async def _unetcd_rates(self, content: dict[str, Any]) -> None:
        self._stop_rates(_id(content) or "")

    def _stop_rates(self, rate_id: str) -> None:
        followed = self.rates.pop(rate_id, None)
        if followed is not None:
            watch, task = followed
            task.cancel()
            # the last release ends the watch, which waits for its stream's thread: not here
            asyncio.get_running_loop().run_in_executor(None, WATCHES.release, watch)

    async def _send_rates(self, rate_id: str, watch: RateWatch) -> None:
        while True:
            message = {"type": "etcd_rates", "id": rate_id, "model": watch.model()}
            await self._queue(("etcd_rates", rate_id), message)
            await asyncio.sleep(RATE_EVERY)

    async def _queue_log(self, log_id: str, lines: list[str], end: bool) -> None:
        """Lines join those still waiting for the tab; beyond MAX_LOG_BATCH the oldest go."""
        slot = ("log", log_id)
        waiting = self.outbox.waiting(slot)
        lines = (waiting["lines"] if waiting else []) + lines
        skipped = (waiting["skipped"] if waiting else 0) + max(0, len(lines) - MAX_LOG_BATCH)
        message = {"type": "log", "id": log_id, "lines": lines[-MAX_LOG_BATCH:], "end": end}
        await self._queue(slot, {**message, "skipped": skipped})

    # ---- from the publisher (channel layer) ----------------------------------------------

    async def view_full(self, event: dict[str, Any]) -> None:
        model = _encoded(event, "model")
        for sub in self._members(event["group"]):
            sub.version, sub.asked_at, sub.warned = event["version"], None, False
            message = {"type": "full", "id": sub.id, "model": model}
            await self._queue(("full", sub.id), {**message, "version": event["version"]})

    async def view_delta(self, event: dict[str, Any]) -> None:
        version = event["version"]
        ops = _encoded(event, "ops")
        for sub in self._members(event["group"]):
            if sub.asked_at is not None:
                continue  # a full model is on its way and covers this
            if sub.version is None or version != sub.version + 1:
                await self._ask(sub, full=True)
                continue
            sub.version = version
            message = {"type": "delta", "id": sub.id, "ops": ops, "version": version}
            await self._queue(("delta", sub.id, str(version)), message)

    async def view_error(self, event: dict[str, Any]) -> None:
        subs = self._members(event.get("group", ""))
        for sub in subs or [None]:
            await self._error(sub.id if sub else None, event["message"])

    async def cluster_status(self, event: dict[str, Any]) -> None:
        if any(sub.cluster == event["cluster"] for sub in self.subscriptions.values()):
            message = {k: event[k] for k in ("cluster", "state", "reason", "not_visible")}
            await self._queue(("status", event["cluster"]), {"type": "status", **message})

    async def task_progress(self, event: dict[str, Any]) -> None:
        if event.get("task") in self.followed:
            message = {k: v for k, v in event.items() if k != "type"}
            await self._queue(("progress", event["task"]), {"type": "progress", **message})

    async def share_revoked(self, event: dict[str, Any]) -> None:
        """The share link this socket was opened with is revoked: nothing more of it is shown."""
        await self.close(CLOSE_REVOKED)

    # ---- plumbing ------------------------------------------------------------------------

    async def _queue(self, slot: tuple[str, ...], message: dict[str, Any]) -> None:
        owed = self.outbox.put(slot, message)
        for sub_id in owed:
            sub = self.subscriptions.get(sub_id)
            if sub is not None:
                await self._ask(sub, full=True)
        await self._flush()

    async def _flush(self) -> None:
        # One flush at a time: the parts of one message must not interleave with another's
        # (a frozen view is sent from a task of its own).
        async with self._sending:
            for message in self.outbox.take():
                data = orjson.dumps(message)
                if len(data) > MAX_PARTED or (message["type"] == "log" and len(data) > MAX_MESSAGE):
                    instead = await self._instead_of_too_big(message, len(data))
                    if instead is None:
                        continue
                    message, data = instead, None
                try:
                    for frame in frames(message, data):
                        await self.send(text_data=frame)
                except Disconnected:
                    # the tab closed while this was on its way; its disconnect, already queued,
                    # ends this consumer: nothing more is sent
                    return

    async def _instead_of_too_big(
        self, message: dict[str, Any], size: int
    ) -> dict[str, Any] | None:
        """What the tab gets instead of a log batch over MAX_MESSAGE, or any message over
        MAX_PARTED: the batch without its oldest lines (counted as skipped); for a delta
        nothing, its subscription is sent whole instead; for a whole model or anything else, an
        error, and the model's subscription ends."""
        sub_id, kind = message.get("id"), message["type"]
        if kind == "log":
            lines = message["lines"]
            while lines and len(orjson.dumps({**message, "lines": lines})) > MAX_MESSAGE:
                lines = lines[len(lines) // 2 + 1 :]
            skipped = message["skipped"] + len(message["lines"]) - len(lines)
            return {**message, "lines": lines, "skipped": skipped}
        sub = self.subscriptions.get(sub_id or "") if kind in ("full", "delta") else None
        if kind == "delta" and sub is not None:
            await self._ask(sub, full=True)
            return None
        log.warning("a %s message of %d bytes is over %d: not sent", kind, size, MAX_PARTED)
        what = "a message"
        if sub is not None:
            what = f"the {sub.view} view"
            await self._drop(sub.id)
        mib = f"{size / 2**20:.2f} MiB, at most {MAX_PARTED / 2**20:.0f} MiB"
        text = f"{what} is too big to send ({mib}): narrow what it shows"
        return {"type": "error", "id": sub_id, "message": text, "seq": message["seq"]}

    async def _ask(self, sub: _Subscription, full: bool) -> None:
        """Ask the publisher for the whole model (`full`) or only to keep publishing it."""
        if full:
            sub.asked_at = time.monotonic()
            self.outbox.forget(sub.id)
        if sub.frozen:
            if full:
                building = asyncio.ensure_future(self._send_frozen(sub))
                self._frozen.add(building)
                building.add_done_callback(self._frozen.discard)
            return
        request: dict[str, Any] = {"view": sub.view, "params": sub.params}
        if full:
            request.update(type="publisher.full", reply=self.channel_name)
        else:
            request["type"] = "publisher.want"
        try:
            await self.channel_layer.send(publisher_channel(sub.cluster), request)
        except Exception as error:  # a full request channel: no publisher is reading it
            log.warning("asking the publisher of %s failed: %s", sub.cluster, error)

    async def _drop(self, sub_id: str) -> None:
        gone = self.subscriptions.pop(sub_id)
        self.outbox.forget(sub_id)
        if gone.group not in self._groups():
            await self.channel_layer.group_discard(gone.group, self.channel_name)
        if status_group(gone.cluster) not in self._groups():
            await self.channel_layer.group_discard(status_group(gone.cluster), self.channel_name)

    async def _error(self, sub_id: str | None, message: str) -> None:
        # One slot: a page that sends nonsense without reading gets only the latest complaint.
        await self._queue(("error",), {"type": "error", "id": sub_id, "message": message})

    async def _renew_forever(self) -> None:
        """Keep group memberships (they expire in Redis) and publications alive; tell the page
        when a full model asked for has not come."""
        while True:
            await asyncio.sleep(min(KEEPALIVE, ANSWER_TIMEOUT / 2))
            now = time.monotonic()
            renew = now - self._renewed >= KEEPALIVE
            for sub in [sub for sub in self.subscriptions.values() if not sub.frozen]:
                late = sub.asked_at is not None and now - sub.asked_at > ANSWER_TIMEOUT
                if late and not sub.warned:
                    sub.warned = True
                    await self._error(sub.id, f"no watcher answers for cluster {sub.cluster!r}")
                if late or renew:
                    await self._ask(sub, full=late)
            if renew:
                self._renewed = now
                for group in self._groups():
                    await self.channel_layer.group_add(group, self.channel_name)

    async def _send_frozen(self, sub: _Subscription) -> None:
        try:
            model = await frozen_model(sub.view, sub.params)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if self.subscriptions.get(sub.id) is sub:
                await self._drop(sub.id)
                await self._error(sub.id, f"cannot show {sub.cluster}: {_one_line(error)}")
            return
        if self.subscriptions.get(sub.id) is not sub or sub.asked_at is None:
            return  # unsubscribed, or replaced, while it was being built
        sub.version, sub.asked_at, sub.warned = 1, None, False
        state = "moment" if sub.cluster.startswith(MOMENT_PREFIX) else "snapshot"
        status = {"type": "status", "cluster": sub.cluster, "state": state, "reason": ""}
        await self._queue(("status", sub.cluster), {**status, "not_visible": {}})
        message = {"type": "full", "id": sub.id, "model": orjson.Fragment(model), "version": 1}
        await self._queue(("full", sub.id), message)

    def _members(self, group: str) -> list[_Subscription]:
        return [sub for sub in self.subscriptions.values() if sub.group == group]

    def _groups(self) -> set[str]:
        live = [sub for sub in self.subscriptions.values() if not sub.frozen]
        groups = {sub.group for sub in live}
        groups |= {status_group(sub.cluster) for sub in live}
        if self.share is not None:
            groups.add(self.share.group)
        return groups | {task_group(task) for task in self.followed}


def _encoded(event: dict[str, Any], key: str) -> Any:
    """`event[key]`, or what the publisher serialised once for every tab (`key` + "_json") put
    into the page's message as it is (encode_json copies a Fragment's text without parsing)."""
    text = event.get(f"{key}_json")
    return orjson.Fragment(text) if text is not None else event[key]


def _one_line(error: BaseException) -> str:
    return (str(error) or type(error).__name__).splitlines()[0][:300]


def _id(content: dict[str, Any]) -> str | None:
    value = content.get("id")
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID else None
