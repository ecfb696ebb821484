"""ApiServer: the read-only API served from a background thread with its own event loop.

`start()` returns once it listens (port 0 picks a free one: see `.port` and `.url`); `stop()`
closes every stream and the listener. Fault hooks for tests: `drop_watches()` cuts every open
watch, `restart()` stops and starts again on the same port with the store's history compacted.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future

from aiohttp import web

from .app import build_app
from .context import (
    DEFAULT_BOOKMARK_INTERVAL,
    DEFAULT_WATCH_BUFFER,
    DEFAULT_WATCH_TIMEOUT,
    ServerContext,
)
from .policy import Policy
from .store import ApiStore

_SHUTDOWN_TIMEOUT = 2.0


class ApiServer:
    def __init__(
        self,
        store: ApiStore,
        host: str = "127.0.0.1",
        port: int = 0,
        policy: Policy | None = None,
        bookmark_interval: float = DEFAULT_BOOKMARK_INTERVAL,
        watch_timeout: float = DEFAULT_WATCH_TIMEOUT,
        watch_buffer: int = DEFAULT_WATCH_BUFFER,
        etcd_endpoint: str | None = None,
    ) -> None:
        self.store = store
        self.host = host
        self.port = port
        self.context = ServerContext(
            store, policy or Policy(), bookmark_interval, watch_timeout, watch_buffer
        )
        self.context.etcd_endpoint = etcd_endpoint
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> ApiServer:
        if self.running:
            return self
        ready: Future[None] = Future()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name=f"explorer-apiserver:{self.port}", daemon=True
        )
        self._thread.start()
        ready.result(timeout=30)
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        self._loop = self._thread = None

    def restart(self) -> None:
        """Stop, forget the history (older versions now get 410 Gone), start on the same port."""
        self.stop()
        self.store.compact()
        self.start()

    def drop_watches(self) -> int:
        """Cut every open watch (and followed log) abruptly; return how many there were."""
        if self._loop is None:
            return 0
        return self._call(self._cut_streams())

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ---- the server thread -----------------------------------------------------------------

    def _call(self, coroutine):
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    async def _cut_streams(self) -> int:
        return self.context.cut_streams()

    def _run(self, ready: Future[None]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._listen())
        except BaseException as err:  # report a failed bind to start()'s caller
            ready.set_exception(err)
            loop.close()
            return
        ready.set_result(None)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _listen(self) -> None:
        self._runner = web.AppRunner(
            build_app(self.context), access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _shutdown(self) -> None:
        self.context.cut_streams()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
