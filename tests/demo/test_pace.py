"""The demo moves at a human pace (issue 10, item 3): five hours of churn under a fake clock, a
step every 3 seconds as `make run` steps it. Rollouts come at most once in five minutes, pods
live a median of ten minutes or more, no Deployment keeps more than its revisionHistoryLimit of
old ReplicaSets, Events go an hour after they were last said (kube-apiserver's --event-ttl), and
still something changes every few seconds."""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from explorer.demo import DemoChurn, build_demo
from explorer.lib.events import event_time
from explorer.lib.timestamps import parse_utc

from .conftest import NOW

STEP = timedelta(seconds=3)
HOURS = 5
HOUR = timedelta(hours=1)


@dataclass
class Run:
    born: dict[str, datetime] = field(default_factory=dict)
    died: dict[str, datetime] = field(default_factory=dict)
    rollouts: list[datetime] = field(default_factory=list)
    pod_changes: list[datetime] = field(default_factory=list)
    most_old_replicasets: int = 0
    replicasets_deleted: int = 0
    oldest_event_after_the_first_hour: timedelta = timedelta(0)
    end: datetime = NOW


@pytest.fixture(scope="module")
def run() -> Run:
    state = build_demo(now=NOW)
    clock = {"now": NOW}
    churn = DemoChurn(state, seed=0, clock=lambda: clock["now"])
    found = Run()
    for step in range(1, int(HOURS * HOUR / STEP) + 1):
        now = clock["now"] = NOW + STEP * step
        for event in churn.step():
            obj, kind = event["object"], event["object"]["kind"]
            if kind == "Pod":
                found.pod_changes.append(now)
                if event["type"] == "ADDED":
                    found.born[obj["metadata"]["uid"]] = now
                elif event["type"] == "DELETED":
                    found.died[obj["metadata"]["uid"]] = now
            elif kind == "ReplicaSet" and event["type"] == "ADDED":
                found.rollouts.append(now)
            elif kind == "ReplicaSet" and event["type"] == "DELETED":
                found.replicasets_deleted += 1
            state.apply(event)
        found.most_old_replicasets = max(found.most_old_replicasets, _most_old_replicasets(state))
        if now - NOW >= HOUR:  # the demo starts with weeks of events, said (for TTL) at the start
            oldest = max(now - parse_utc(event_time(e)) for e in state.list("Event"))
            found.oldest_event_after_the_first_hour = max(
                found.oldest_event_after_the_first_hour, oldest
            )
    found.end = clock["now"]
    return found


def _most_old_replicasets(state) -> int:
    owned: dict[str, int] = {}
    for rs in state.list("ReplicaSet"):
        for ref in rs["metadata"].get("ownerReferences") or ():
            owned[ref["uid"]] = owned.get(ref["uid"], 0) + 1
    return max(owned.values()) - 1  # one of them is the current ReplicaSet


def test_a_rollout_comes_at_most_once_in_five_minutes(run: Run) -> None:
    assert len(run.rollouts) >= HOURS * 2, "the demo should still roll out now and then"
    gaps = [later - earlier for earlier, later in itertools.pairwise(run.rollouts)]
    assert min(gaps) >= timedelta(minutes=5)


def test_pods_live_a_median_of_ten_minutes_or_more(run: Run) -> None:
    lives = [run.died.get(uid, run.end) - born for uid, born in run.born.items()]
    assert len(lives) >= 50
    assert statistics.median(lives) >= timedelta(minutes=10)


def test_no_deployment_keeps_more_than_ten_old_replicasets(run: Run) -> None:
    assert run.most_old_replicasets == 10  # reached, then the oldest are deleted
    assert run.replicasets_deleted >= 1


def test_no_event_is_held_an_hour_after_it_was_last_said(run: Run) -> None:
    assert HOUR - timedelta(minutes=1) <= run.oldest_event_after_the_first_hour <= HOUR


def test_a_pod_changes_at_least_every_twenty_seconds(run: Run) -> None:
    moments = [NOW, *run.pod_changes, run.end]
    assert max(later - earlier for earlier, later in itertools.pairwise(moments)) <= timedelta(
        seconds=21
    )
