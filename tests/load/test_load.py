"""The app under a crowd, short and deterministic (bench/load_mixed.py is the long run at scale):
real websocket clients on the app as `make run` serves it, watching the project's API server
while it churns (conftest.py)."""

from __future__ import annotations

import asyncio
import random

from .conftest import Site, server_errors
from .crowd import (
    OVERVIEW,
    FollowTally,
    HealthPoller,
    LogFollower,
    MemoryWatch,
    Tabs,
    log_targets,
    pages,
)

MIXED_TABS = 40
MIXED_SECONDS = 20
MEMORY_BOUND_MIB = 32  # the app's growth over the run; it holds ~170 MiB here
FOLLOWERS = 20
FOLLOW_SECONDS = 15
WORST_HEALTH_WAIT = 5.0  # seconds; the goal is under 1 s, bounded generously for shared CI


async def test_forty_mixed_clients_for_twenty_seconds_drop_no_connection_and_the_app_memory_stays_bounded(  # noqa: E501
    site: Site,
) -> None:
    tabs = Tabs(site.url, site.session, site.cluster, pages(site.api_url, MIXED_TABS))
    try:
        await tabs.ready(timeout=60)
        with MemoryWatch(site.app.process.pid) as memory:
            await asyncio.sleep(MIXED_SECONDS)
    finally:
        await tabs.leave()

    logs = tabs.logs
    assert [log.dropped for log in logs if log.dropped] == []
    assert [error for log in logs for error in log.errors] == []
    overview_deltas = [log.deltas for log in logs if log.page == OVERVIEW]
    assert len(overview_deltas) == MIXED_TABS // 4 and min(overview_deltas) > MIXED_SECONDS
    assert memory.end - memory.start <= MEMORY_BOUND_MIB, memory.samples
    assert memory.peak - memory.start <= MEMORY_BOUND_MIB, memory.samples
    assert server_errors(site.app.log) == []


async def test_twenty_log_followers_stopping_at_random_never_hold_healthz_past_five_seconds(
    site: Site,
) -> None:
    targets = log_targets(site.api_url)
    tallies = [FollowTally() for _ in range(FOLLOWERS)]
    leave = asyncio.Event()
    with HealthPoller(site.url, interval=0.1, timeout=2 * WORST_HEALTH_WAIT) as health:
        followers = [
            asyncio.ensure_future(
                LogFollower(
                    site.url, site.session, site.cluster, targets, random.Random(n), tally
                ).run(leave)
            )
            for n, tally in enumerate(tallies)
        ]
        await asyncio.sleep(FOLLOW_SECONDS)
        leave.set()
        await asyncio.wait(followers, timeout=30)
        await asyncio.sleep(1)  # the last follows end on the server while /healthz is asked

    assert [error for tally in tallies for error in tally.errors] == []
    assert all(tally.started >= 2 for tally in tallies)
    assert (
        sum(t.stopped for t in tallies) >= FOLLOWERS and sum(t.left for t in tallies) >= FOLLOWERS
    )
    assert health.failures == []
    assert len(health.times) > FOLLOW_SECONDS * 5
    assert health.worst < WORST_HEALTH_WAIT
    assert server_errors(site.app.log) == []
