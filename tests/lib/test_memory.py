"""Freed heap memory given back to the system (explorer/lib/memory.py)."""

from __future__ import annotations

import os

from explorer.lib.memory import give_back

CHUNK = 100 * 1024  # under glibc's mmap threshold: from the heap, kept when freed


def _resident_mib() -> float:
    with open(f"/proc/{os.getpid()}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_memory_freed_in_the_heap_is_given_back_to_the_system() -> None:
    chunks = [bytearray(CHUNK) for _ in range(2000)]  # 200 MB, touched
    pinned = bytearray(CHUNK)  # above them: the heap's top stays, so nothing is trimmed by itself
    del chunks
    freed = _resident_mib()

    assert give_back()

    assert freed - _resident_mib() > 100, "the 200 MB freed stayed resident"
    del pinned
