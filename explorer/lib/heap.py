"""The C heap kept close to what the process holds (glibc's malloc).

`tune_heap`, once a process starts (explorer/runtime/apps.py): at most MAX_ARENAS malloc arenas.
glibc gives each thread that allocates an arena of its own, up to 8 a core; the watcher lists
every kind on a thread of its own, and each arena kept its own holes once the lists' pages were
freed. Python threads take turns under the GIL, so more arenas buy no speed here: at 66,000
pods the state's resident size went from ~4,350 to ~3,750 bytes a pod with 2 (listing time
within its run-to-run spread). An operator's MALLOC_ARENA_MAX (or glibc tunable) wins.

`give_back_free_heap`, after each kind's list of 1,000 objects or more (explorer/state/store.py)
and once the last of the lists listed together is held (explorer/lib/gc_pause.py): listing a cluster
parses pages of JSON into the state and drops them, glibc keeps what they took on its free
lists, and the process's resident size stays that much above what it holds (measured after
listing the demo: ~210 bytes a pod of ~6,000 at 16,500 pods, ~70 of ~4,700 at 66,000).
`malloc_trim(0)` hands those pages back (1.5 ms at 66,000 pods).

Where the C library is not glibc (musl, macOS) there is nothing to call and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from functools import cache

MAX_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)


@cache
def _libc_function(name: str):
    library = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(library), name, None) if library else None
    except OSError:
        return None


def tune_heap() -> bool:
    """Hold the process to MAX_ARENAS malloc arenas; whether it was done (not where the C
    library is not glibc, nor where the operator said otherwise)."""
    if "MALLOC_ARENA_MAX" in os.environ or "malloc" in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    mallopt = _libc_function("mallopt")
    return mallopt is not None and mallopt(_M_ARENA_MAX, MAX_ARENAS) == 1


def give_back_free_heap() -> bool:
    """Ask the C library to return its heap's free pages; False where it cannot be asked."""
    trim = _libc_function("malloc_trim")
    return trim is not None and bool(trim(0))
