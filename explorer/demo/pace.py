"""The demo churn's pace: how often each of its actions comes, in the cluster's time.

The churn steps every few seconds; what a step does is chosen by the time elapsed since the churn
started, not by the number of steps, so the pace is the same at any step interval. The default
is a human one: something changes every few seconds (a readiness probe fails for a while, a
container restarts, node leases are renewed, the report CronJob runs every 5 minutes, a warm-cache
pod comes every 10 minutes, bound a few seconds after it was made, and goes 7 minutes later,
evicted through the Eviction API), while
`shop/web` rolls out every 20 minutes and scales up and down once in between, so its pods live
from 11 to 20 minutes — long enough to click a link to one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Pace:
    rollout_every: timedelta = timedelta(minutes=20)
    first_rollout: timedelta = timedelta(minutes=5)
    scale_up_after_rollout: timedelta = timedelta(minutes=3)
    scale_down_after_rollout: timedelta = timedelta(minutes=14)  # the scaled-up pod lives 11 min
    readiness_blip_every: timedelta = timedelta(seconds=20)
    restart_every: timedelta = timedelta(minutes=2)
    # kube-scheduler tries a pod it could not place again at least this often
    scheduler_retry_every: timedelta = timedelta(minutes=5)
    # a warm-cache pod is made, waits a few seconds for a node, and is evicted through the
    # Eviction API (a descheduler's work) a while later
    cache_every: timedelta = timedelta(minutes=10)
    cache_evicted_after: timedelta = timedelta(minutes=7)

    def plan(self) -> dict[str, tuple[timedelta, timedelta]]:
        """Action → (when it first comes after the start, how often after that)."""
        after_rollout = self.first_rollout
        return {
            "readiness_blip": (timedelta(0), self.readiness_blip_every),
            "restart": (self.restart_every / 2, self.restart_every),
            "rollout": (after_rollout, self.rollout_every),
            "scale_up": (after_rollout + self.scale_up_after_rollout, self.rollout_every),
            "scale_down": (after_rollout + self.scale_down_after_rollout, self.rollout_every),
            "retry_unschedulable": (self.scheduler_retry_every, self.scheduler_retry_every),
            "warm_cache": (timedelta(seconds=30), self.cache_every),
            "evict_cache": (timedelta(seconds=30) + self.cache_evicted_after, self.cache_every),
        }


HUMAN_PACE = Pace()
# For tests of the live pages: pods come and go within seconds (a rollout every 20 s), while
# readiness probes fail seldom, so a Service keeps its pods ready while a test reads them.
BRISK_PACE = Pace(
    rollout_every=timedelta(seconds=20),
    first_rollout=timedelta(seconds=5),
    scale_up_after_rollout=timedelta(seconds=3),
    scale_down_after_rollout=timedelta(seconds=14),
    readiness_blip_every=timedelta(hours=1),
    cache_every=timedelta(seconds=20),
    cache_evicted_after=timedelta(seconds=8),
)


class Timetable:
    """Which actions of a plan are due at a moment; an action due more than once since the last
    look runs once (a paused process does not catch up in a burst)."""

    def __init__(self, start: datetime, plan: dict[str, tuple[timedelta, timedelta]]) -> None:
        self.plan = plan
        self.next_at = {name: start + first for name, (first, _) in plan.items()}

    def due(self, now: datetime) -> list[str]:
        found = []
        for name, (_, every) in self.plan.items():
            if now >= self.next_at[name]:
                found.append(name)
                missed = (now - self.next_at[name]) // every
                self.next_at[name] += every * (missed + 1)
        return found
