"""Pause Python's cyclic garbage collector while big lists are parsed and handed on.

A list of 30,000 pods is millions of freshly allocated, acyclic dicts; every full collection on
the way rescans all of them, which tripled the time of a list. The pause is shared by every
thread listing at once: the collector comes back when the last of them is done, and what exists
then is frozen (`gc.freeze()`): the listed objects live long, and a full collection scanning a
gigabyte of them takes a second. Frozen objects are still freed by reference counting when the
state drops them; only cyclic garbage alive at that instant would be kept.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.freeze()
                gc.enable()
