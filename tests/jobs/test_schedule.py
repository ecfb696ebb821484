"""Node facts from the first page: a process that watches its clusters collects every node's
facts as soon as its watcher has listed them, then on a schedule (explorer/runtime/
collect_schedule.py), without anyone pressing "Collect now"."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from explorer.probes.node_sources import NodeSource
from explorer.runtime.collect_schedule import CollectSchedule

from .test_collect import DEMO_NODES, exec_source

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["exec_source"]


async def test_a_watching_process_collects_every_nodes_facts_once_it_has_listed_them(
    watched: Any, exec_source: NodeSource
) -> None:
    schedule = CollectSchedule(watched, every=3600, loop=asyncio.get_running_loop()).start()
    try:
        for _ in range(200):
            with watched.states.read("demo") as state:
                probes = {n: (state.node_facts.get(n) or {}).get("probe") for n in DEMO_NODES}
            if all(probes.values()):
                break
            await asyncio.sleep(0.1)
    finally:
        await asyncio.to_thread(schedule.stop)
    assert probes == dict.fromkeys(DEMO_NODES, "exec")
