"""The collector pause shared by threads that list or parse at the same time."""

from __future__ import annotations

import gc
from pathlib import Path

from explorer.lib.gc_pause import gc_paused


def test_the_collector_returns_only_when_the_last_overlapping_pause_ends() -> None:
    assert gc.isenabled()
    first, second = gc_paused(), gc_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second list is still being built
    second.__exit__(None, None, None)
    assert gc.isenabled()
    gc.unfreeze()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_what_existed_when_a_freezing_pause_ended_is_frozen_out_of_collections() -> None:
    gc.unfreeze()
    with gc_paused(freeze=True):
        listed = [{"metadata": {"name": f"pod-{i}"}} for i in range(1000)]
    try:
        assert gc.get_freeze_count() >= len(listed)
    finally:
        gc.unfreeze()


def test_a_pause_that_does_not_ask_for_it_freezes_nothing() -> None:
    gc.unfreeze()
    with gc_paused():
        parsed = [{"rule": i} for i in range(1000)]
    assert gc.get_freeze_count() == 0
    assert gc.isenabled() and len(parsed) == 1000


def _resident_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def test_the_heap_a_freezing_pause_freed_is_given_back_to_the_system() -> None:
    with gc_paused(freeze=True):
        # 100 MB in blocks glibc hands out from its heap, one in ten kept: the freed ones sit
        # between kept ones, where glibc keeps them for itself until told to trim
        blocks = [bytes(4000) + bytes([i % 256]) for i in range(25_000)]
        kept = blocks[::10]
        del blocks
        before = _resident_kib()
    after = _resident_kib()
    gc.unfreeze()
    assert len(kept) == 2_500
    assert before - after > 50_000, (before, after)  # KiB: most of the 90 MB freed
