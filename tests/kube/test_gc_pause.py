"""The collector pause shared by threads that list at the same time."""

from __future__ import annotations

import gc

from explorer.kube.gc_pause import gc_paused


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


def test_what_existed_when_the_pause_ended_is_frozen_out_of_collections() -> None:
    gc.unfreeze()
    with gc_paused():
        listed = [{"metadata": {"name": f"pod-{i}"}} for i in range(1000)]
    try:
        assert gc.get_freeze_count() >= len(listed)
    finally:
        gc.unfreeze()
