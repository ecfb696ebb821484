"""What every request handler shares: the store, the policy, the knobs, and the open streams
(watches and followed logs) that `drop_watches()` and `stop()` must be able to cut."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from aiohttp import web

from .audit import Heard
from .policy import Policy
from .store import ApiStore

DEFAULT_BOOKMARK_INTERVAL = 60.0
DEFAULT_WATCH_TIMEOUT = 1800.0  # kube-apiserver's --min-request-timeout
DEFAULT_WATCH_BUFFER = 1_000  # events one watch may hold for a client that is not reading


class Stream:
    """One open streaming response; `cut()` ends it at once, without a final chunk."""

    def __init__(self, request: web.BaseRequest, on_cut: Callable[[], None] = lambda: None) -> None:
        self.transport = request.transport
        self.on_cut = on_cut  # wakes the handler so that it ends now, not at its next poll
        self.cut_off = False

    def cut(self) -> None:
        self.cut_off = True
        if self.transport is not None:
            self.transport.abort()
        self.on_cut()

    @property
    def gone(self) -> bool:
        return self.cut_off or self.transport is None or self.transport.is_closing()


@dataclass
class ServerContext:
    store: ApiStore
    policy: Policy
    bookmark_interval: float = DEFAULT_BOOKMARK_INTERVAL
    watch_timeout: float = DEFAULT_WATCH_TIMEOUT
    watch_buffer: int = DEFAULT_WATCH_BUFFER
    streams: set[Stream] = field(default_factory=set)
    audit: list[Heard] | None = None  # every request, as RBAC names it, while a list
    etcd_endpoint: str | None = None  # the demo's etcd: answers etcdctl exec'd in its etcd pod

    def cut_streams(self) -> int:
        streams = list(self.streams)
        for stream in streams:
            stream.cut()
        return len(streams)


CONTEXT_KEY = web.AppKey("explorer_api_context", ServerContext)


def json_response(
    body: object, status: int = 200, content_type: str = "application/json"
) -> web.Response:
    return web.Response(
        body=orjson.dumps(body), status=status, headers={"Content-Type": content_type}
    )
