"""Python's cyclic garbage collector paused while big inputs become objects.

A list of 30,000 pods or a dump of 100k+ rules is millions of freshly allocated, acyclic objects;
every collection on the way rescans all of them (it tripled the time of a big API list and
doubled that of a big iptables parse). Nested and concurrent pauses share one count: the collector
comes back when the last holder is done.

`freeze=True` (the API lists, whose objects live long in the state) also freezes what exists when
the collector comes back (`gc.freeze()`), so later full collections do not rescan a gigabyte of
them. Frozen objects are still freed by reference counting; only cyclic garbage alive at that
instant would be kept. Then the heap the lists freed is given back to the system
(explorer/lib/heap.py).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .heap import give_back_free_heap

_lock = threading.Lock()
_holders = 0
_was_enabled = False
_freeze = False


@contextmanager
def gc_paused(freeze: bool = False) -> Iterator[None]:
    global _holders, _was_enabled, _freeze
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            _freeze = False
            gc.disable()
        _holders += 1
        _freeze = _freeze or freeze
    try:
        yield
    finally:
        froze = False
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                if _freeze:
                    gc.freeze()
                    froze = True
                gc.enable()
        if froze:
            give_back_free_heap()  # what the lists' pages took, now freed (explorer/lib/heap.py)
