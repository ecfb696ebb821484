"""Task progress: what a long job tells the pages that follow it.

A task calls `report_progress(task_id, done, total, message)` as it goes. Each report is
- sent as `task.progress` to the channel-layer group of the task (`streaming.names.task_group`),
  which the websocket consumer forwards as `{"type": "progress", ...}` to every tab following it;
- kept as the task's latest progress (in Redis with REDIS_URL, else in this process), so a tab that
  starts following after the task began, or ended, is told at once where it stands
  (`latest_progress`, which the consumer asks on `follow`; see explorer/jobs/apps.py).

Where it runs: in a worker process (team install) the Redis layer is used from the task's thread
with `async_to_sync`. Without REDIS_URL the task runs on a thread of the web process
(explorer/jobs/dispatch.py) and the in-memory layer lives on the web server's event loop, which
is not thread-safe: that thread is bound to the loop with `deliver_on(loop)` and reports are
handed to it.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
import time
from collections import OrderedDict
from typing import Literal, NotRequired, TypedDict

import orjson
import redis
from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings

from explorer.streaming.names import task_group

log = logging.getLogger(__name__)

State = Literal["queued", "running", "done", "failed"]
FINAL: tuple[State, ...] = ("done", "failed")
KEEP_SECONDS = 24 * 3600  # how long a task's latest progress is remembered
KEEP_TRYING = 180.0  # seconds a task's last report waits for Redis to come back
SEND_TIMEOUT = 5.0
_MEMORY_LIMIT = 1000  # tasks remembered without Redis
_KEY_PREFIX = "explorer:task:"


class Progress(TypedDict):
    task: str
    state: State
    done: int
    total: int
    message: str
    download: NotRequired[str]  # a finished bundle job: the file's name


_loop: contextvars.ContextVar[asyncio.AbstractEventLoop | None] = contextvars.ContextVar(
    "progress_loop", default=None
)


def deliver_on(loop: asyncio.AbstractEventLoop) -> None:
    """Send this thread's reports through `loop` (the in-memory layer's) from now on."""
    _loop.set(loop)


def report_progress(
    task_id: str,
    done: int,
    total: int,
    message: str = "",
    state: State = "running",
    download: str | None = None,
) -> Progress:
    """Record and send one report (from synchronous code: a task), at a human pace: each is a
    Redis write and a group send. Sending is best effort: a channel layer that fails is logged,
    and the job goes on — but a task's last report waits for Redis to come back (KEEP_TRYING):
    the pages that follow the task learn from it that the task ended (and where its download
    is), and would otherwise go on showing it running."""
    progress = _progress(task_id, done, total, message, state, download)
    _remember(progress, KEEP_TRYING if state in FINAL else 0.0)
    layer = get_channel_layer()
    group, event = task_group(task_id), {"type": "task.progress", **progress}
    try:
        loop = _loop.get()
        if loop is not None and isinstance(layer, InMemoryChannelLayer):
            future = asyncio.run_coroutine_threadsafe(layer.group_send(group, event), loop)
            future.result(SEND_TIMEOUT)
        else:
            async_to_sync(layer.group_send)(group, event)
    except Exception as error:
        log.warning("progress of task %s not sent: %s", task_id, error)
    return progress


async def areport_progress(
    task_id: str, done: int, total: int, message: str = "", state: State = "running"
) -> Progress:
    """`report_progress` for code running on the channel layer's event loop."""
    progress = _progress(task_id, done, total, message, state, None)
    await asyncio.to_thread(_remember, progress)
    try:
        event = {"type": "task.progress", **progress}
        await get_channel_layer().group_send(task_group(task_id), event)
    except Exception as error:
        log.warning("progress of task %s not sent: %s", task_id, error)
    return progress


def latest_progress(task_id: str) -> Progress | None:
    try:
        return _store().get(task_id)
    except redis.RedisError as error:
        log.warning("cannot read the progress of task %s: %s", task_id, error)
        return None


async def alatest_progress(task_id: str) -> Progress | None:
    return await asyncio.to_thread(latest_progress, task_id)


def _progress(
    task_id: str, done: int, total: int, message: str, state: State, download: str | None
) -> Progress:
    progress = Progress(
        task=task_id, state=state, done=max(0, done), total=max(0, total), message=message
    )
    if download is not None:
        progress["download"] = download
    return progress


def _remember(progress: Progress, keep_trying: float = 0.0) -> None:
    """Keep the report, trying again for `keep_trying` seconds while Redis is out of reach."""
    deadline = time.monotonic() + keep_trying
    pause = 0.25
    while True:
        try:
            _store().put(progress)
            return
        except redis.RedisError as error:
            if time.monotonic() >= deadline:
                log.warning("cannot keep the progress of task %s: %s", progress["task"], error)
                return
        time.sleep(pause)
        pause = min(pause * 2, 5.0)


# ---- where the latest progress is kept ----------------------------------------------------


class _MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[str, Progress] = OrderedDict()

    def put(self, progress: Progress) -> None:
        with self._lock:
            self._items[progress["task"]] = progress
            self._items.move_to_end(progress["task"])
            while len(self._items) > _MEMORY_LIMIT:
                self._items.popitem(last=False)

    def get(self, task_id: str) -> Progress | None:
        with self._lock:
            return self._items.get(task_id)


class _RedisStore:
    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def put(self, progress: Progress) -> None:
        self._redis.set(_KEY_PREFIX + progress["task"], orjson.dumps(progress), ex=KEEP_SECONDS)

    def get(self, task_id: str) -> Progress | None:
        raw = self._redis.get(_KEY_PREFIX + task_id)
        return orjson.loads(raw) if raw else None


_memory = _MemoryStore()
_redis_stores: dict[str, _RedisStore] = {}
_stores_lock = threading.Lock()


def _store() -> _MemoryStore | _RedisStore:
    url = settings.REDIS_URL
    if not url:
        return _memory
    with _stores_lock:
        if url not in _redis_stores:
            _redis_stores[url] = _RedisStore(url)
        return _redis_stores[url]
