"""A browser tab as static/js/live.js behaves, in a thread of the caller: one websocket to the
web process, subscribed to one view, acknowledging every message, applying fulls and deltas to
its model, asking for a resync on a gap, reconnecting with jittered backoff when the socket
closes. It records every message's arrival, so a run can tell when the tab was live again."""

from __future__ import annotations

import asyncio
import copy
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from explorer.streaming.delta import apply

BACKOFF_FIRST, BACKOFF_CAP = 0.5, 15.0  # live.js's BACKOFF_FIRST_MS, BACKOFF_CAP_MS


@dataclass(frozen=True)
class Arrival:
    at: float  # time.time()
    type: str  # full, delta, status, error; "open" and "closed" for the socket itself
    detail: str = ""  # a status's state, an error's message, why the socket closed


@dataclass
class Tab:
    web_url: str
    session: str
    cluster: str
    view: str = "overview"
    arrivals: list[Arrival] = field(default_factory=list)
    _model: dict[str, Any] | None = None
    _version: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: bool = False
    _thread: threading.Thread | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> Tab:
        self._thread = threading.Thread(target=self._run, name="tab", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping = True
        if self._loop is not None:
            for task in asyncio.all_tasks(self._loop):
                self._loop.call_soon_threadsafe(task.cancel)
        if self._thread is not None:
            self._thread.join(10)

    # ---- what the tab holds --------------------------------------------------------------

    def model(self) -> dict[str, Any] | None:
        with self._lock:
            return copy.deepcopy(self._model)

    def version(self) -> int | None:
        """The version of the model held (the publication's: every tab on it counts alike)."""
        with self._lock:
            return self._version

    def since(self, moment: float, kind: str | None = None) -> list[Arrival]:
        with self._lock:
            return [a for a in self.arrivals if a.at >= moment and kind in (None, a.type)]

    def first_since(self, moment: float, kind: str) -> Arrival | None:
        return next(iter(self.since(moment, kind)), None)

    def live(self) -> bool:
        """The socket is open, a model is held and the cluster's last status is live."""
        with self._lock:
            sockets = [a for a in self.arrivals if a.type in ("open", "closed")]
            statuses = [a for a in self.arrivals if a.type == "status"]
            open_now = bool(sockets) and sockets[-1].type == "open"
            return (
                open_now
                and self._model is not None
                and bool(statuses)
                and (statuses[-1].detail == "live" and statuses[-1].at >= sockets[-1].at)
            )

    # ---- the socket ----------------------------------------------------------------------

    def _record(self, kind: str, detail: str = "") -> None:
        with self._lock:
            self.arrivals.append(Arrival(time.time(), kind, detail))

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        try:
            self._loop.run_until_complete(self._connect_forever())
        except asyncio.CancelledError:
            pass
        finally:
            self._loop.close()

    async def _connect_forever(self) -> None:
        retries = 0
        url = self.web_url.replace("http", "ws", 1) + "/ws/"
        headers = {"Origin": self.web_url, "Cookie": f"sessionid={self.session}"}
        async with aiohttp.ClientSession() as http:
            while not self._stopping:
                reason = "cannot reach the server"
                try:
                    async with http.ws_connect(url, headers=headers, max_msg_size=0) as ws:
                        self._record("open")
                        retries = 0
                        await self._subscribe(ws)
                        async for frame in ws:
                            if frame.type == aiohttp.WSMsgType.TEXT:
                                await self._handle(ws, orjson.loads(frame.data))
                        reason = f"closed ({ws.close_code})"
                except (aiohttp.ClientError, OSError) as error:
                    reason = f"{type(error).__name__}: {error}"
                with self._lock:
                    self._version = None  # as live.js: a full model is owed after reconnecting
                self._record("closed", reason)
                ceiling = min(BACKOFF_CAP, BACKOFF_FIRST * 2**retries)
                retries += 1
                await asyncio.sleep(ceiling / 2 + random.random() * ceiling / 2)  # noqa: S311

    async def _subscribe(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        params = {"cluster": self.cluster}
        message = {"type": "subscribe", "id": "s1", "view": self.view, "params": params}
        await ws.send_str(orjson.dumps(message).decode())

    async def _handle(self, ws: aiohttp.ClientWebSocketResponse, message: dict[str, Any]) -> None:
        kind = message.get("type", "")
        detail = ""
        resync = False
        with self._lock:
            if kind == "full":
                self._model, self._version = message["model"], message["version"]
            elif kind == "delta" and self._version is not None:
                if message["version"] == self._version + 1 and self._model is not None:
                    self._model = apply(self._model, message["ops"])
                    self._version = message["version"]
                else:
                    self._version, resync = None, True
            elif kind == "status":
                detail = message.get("state", "")
            elif kind == "error":
                detail = message.get("message", "")
        self._record(kind, detail)
        if resync:
            await ws.send_str(orjson.dumps({"type": "resync", "id": "s1"}).decode())
        if isinstance(message.get("seq"), int):
            await ws.send_str(orjson.dumps({"type": "ack", "seq": message["seq"]}).decode())
