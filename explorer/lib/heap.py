"""Freed heap given back to the system once a big list is held (glibc's malloc_trim).

Listing a cluster parses pages of JSON into the state and drops them: glibc keeps what they
took on its free lists, and the process's resident size stays that much above what it holds
(measured after listing the demo: ~210 bytes a pod of ~6,000 at 16,500 pods, ~70 of ~4,700 at
66,000). `malloc_trim(0)` hands those pages back (1.5 ms at 66,000 pods). Where
the C library is not glibc (musl, macOS) there is nothing to call and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache


@cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


def give_back_free_heap() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
