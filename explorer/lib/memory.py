"""Giving memory the process freed back to the system.

A kind's list is parsed page by page and packed or shared as it comes (explorer/state/
cluster_state.py `share_page`): what was parsed is freed, but glibc keeps the freed parts of its
heap for later allocations, and the process's resident size stays at the list's peak.
`malloc_trim` returns them (measured: 33,000 pods listed, 440 bytes a pod given back).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to ask
        return None


_TRIM = _malloc_trim()


def give_back() -> bool:
    """Ask the C library to return its heap's free pages; False where it cannot be asked."""
    return _TRIM is not None and bool(_TRIM(0))
