"""Views of a state that does not change — a snapshot, a past moment (explorer/lib/sources.py) —
built on request by the web process itself: no watcher, no publisher, no deltas. The consumer
asks `frozen_model(view, params)` and sends the model whole, once.

Which state a name stands for is not this layer's business: the web layer installs the lookup
(`serve_frozen_from`), which may read a file or rebuild a moment from the flight recorder. Builds
run on a small pool of threads of their own, never on the event loop; one build per (view,
parameters) at a time, and finished models are kept for the next tab, up to MODEL_CACHE_BYTES.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson

from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.registry import get_view

from .names import view_group

FrozenLookup = Callable[[str], ClusterState]  # a frozen source's name -> its state
MODEL_CACHE_BYTES = 64 * 1024 * 1024
BUILDERS = 2


class FrozenUnavailable(LookupError):
    """The state cannot be had (gone, unreadable, outside the recorder's window); one line."""


_lookup: FrozenLookup | None = None
_pool = ThreadPoolExecutor(max_workers=BUILDERS, thread_name_prefix="frozen view")
_models: OrderedDict[str, bytes] = OrderedDict()
_models_bytes = 0
_building: dict[str, asyncio.Future[bytes]] = {}
_lock = threading.Lock()


def serve_frozen_from(lookup: FrozenLookup | None) -> None:
    """Where frozen sources' states come from (the web layer installs it at start-up)."""
    global _lookup
    _lookup = lookup
    forget_models()


def forget_models() -> None:
    global _models_bytes
    with _lock:
        _models.clear()
        _models_bytes = 0


async def frozen_model(view: str, params: dict[str, str]) -> bytes:
    """The model of `view` with `params` (whose `cluster` names a frozen source), as JSON."""
    key = view_group(view, params)
    with _lock:
        held = _models.get(key)
        if held is not None:
            _models.move_to_end(key)
            return held
    running = _building.get(key)
    if running is None:
        running = _building[key] = asyncio.ensure_future(
            asyncio.wrap_future(_pool.submit(_build, view, params))
        )
        running.add_done_callback(lambda _: _building.pop(key, None))
    data = await asyncio.shield(running)
    _keep(key, data)
    return data


def _build(view_name: str, params: dict[str, str]) -> bytes:
    if _lookup is None:
        raise FrozenUnavailable("this process serves no snapshots")
    state = _lookup(params["cluster"])
    view = get_view(view_name)
    model: Any = view.build(state, params, view.memo())
    return orjson.dumps(model)


def _keep(key: str, data: bytes) -> None:
    global _models_bytes
    with _lock:
        if key in _models or len(data) > MODEL_CACHE_BYTES // 4:
            return
        _models[key] = data
        _models_bytes += len(data)
        while _models_bytes > MODEL_CACHE_BYTES:
            _, dropped = _models.popitem(last=False)
            _models_bytes -= len(dropped)
