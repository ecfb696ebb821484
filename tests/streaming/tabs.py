"""A browser tab as the streaming tests see it: a Channels communicator on the real ASGI app
that acknowledges what it reads and keeps each subscription's model up to date."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson
from channels.testing import WebsocketCommunicator

from explorer.streaming.delta import apply

ORIGIN = b"http://127.0.0.1:8000"


def app() -> Any:
    from explorer.asgi import application

    return application


class Tab:
    def __init__(self, communicator: WebsocketCommunicator, ack: bool = True) -> None:
        self.communicator = communicator
        self.ack = ack
        self.models: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, int] = {}
        self.received: list[dict[str, Any]] = []

    @classmethod
    def communicator(
        cls, cookie: str | None, origin: bytes = ORIGIN, application: Any = None
    ) -> WebsocketCommunicator:
        headers = [(b"origin", origin), (b"host", b"127.0.0.1:8000")]
        if cookie:
            headers.append((b"cookie", f"sessionid={cookie}".encode()))
        return WebsocketCommunicator(application or app(), "/ws/", headers=headers)

    @classmethod
    async def open(cls, cookie: str, application: Any = None, ack: bool = True) -> Tab:
        communicator = cls.communicator(cookie, application=application)
        connected, _ = await communicator.connect(timeout=5)
        assert connected, "the websocket was refused"
        return cls(communicator, ack)

    async def send(self, message: dict[str, Any]) -> None:
        await self.communicator.send_json_to(message)

    async def subscribe(
        self, sub_id: str = "s1", cluster: str = "demo", timeout: float = 10
    ) -> dict[str, Any]:
        """Subscribe to the overview; returns the full model once it has come."""
        await self.send(
            {"type": "subscribe", "id": sub_id, "view": "overview", "params": {"cluster": cluster}}
        )
        await self.until(lambda m: m["type"] == "full" and m["id"] == sub_id, timeout)
        return self.models[sub_id]

    async def next_message(self, timeout: float) -> dict[str, Any]:
        """The next message, without the communicator's habit of killing the app on timeout."""
        if self.communicator.future.done():
            self.communicator.future.result()
        raw = await asyncio.wait_for(self.communicator.output_queue.get(), timeout)
        assert raw["type"] == "websocket.send", raw
        return orjson.loads(raw["text"])

    async def receive(self, timeout: float = 5) -> dict[str, Any]:
        message = await self.next_message(timeout)
        message["received_at"] = time.monotonic()
        self.received.append(message)
        if message["type"] == "full":
            self.models[message["id"]] = message["model"]
            self.versions[message["id"]] = message["version"]
        elif message["type"] == "delta":
            sub = message["id"]
            assert message["version"] == self.versions[sub] + 1, "a gap in delta versions"
            self.models[sub] = apply(self.models[sub], message["ops"])
            self.versions[sub] = message["version"]
        if self.ack:
            await self.send({"type": "ack", "seq": message["seq"]})
        return message

    async def until(self, wanted: Any, timeout: float = 10) -> dict[str, Any]:
        """Read until a message satisfies `wanted`; return it."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no wanted message within {timeout}s: {self.received[-5:]}")
            try:
                message = await self.receive(remaining)
            except TimeoutError:
                continue
            if wanted(message):
                return message

    async def drain(self, seconds: float) -> list[dict[str, Any]]:
        """Everything that arrives within `seconds`."""
        got = []
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                got.append(await self.receive(remaining))
            except TimeoutError:
                break
        return got

    async def close(self) -> None:
        await self.communicator.disconnect()
