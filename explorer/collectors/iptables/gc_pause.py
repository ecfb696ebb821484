"""Python's cyclic garbage collector paused while a big dump becomes objects.

100k+ rules are as many acyclic objects; every collection on the way rescans them all (it
halved the time of a 170k-rule parse). Nested and concurrent pauses share one count: the
collector comes back when the last is done. (explorer.kube has its own for API lists; views
may read these collectors but not import explorer.kube.)
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
                gc.enable()
