"""A polling job's first round delivered again after its next round began — as Redis delivers a
message whose acknowledgement was lost with it — starts no second chain of rounds."""

from __future__ import annotations

import re
import uuid

from explorer.jobs.snapshot import take_snapshot
from explorer.snapshots import store
from teamkit.processes import wait_until
from teamkit.team import Team, completions

from .collections import finished

COLLECTION = re.compile(r"collect_cluster\[([0-9a-f-]{36})\] received")


def test_a_fresh_snapshots_first_round_delivered_again_collects_and_takes_it_once(
    team: Team, through_redis: None
) -> None:
    worker = team.children["worker"]
    since = len(worker.text())
    task = str(uuid.uuid4())
    first = {"source": "demo", "snapshot_id": store.new_id(), "user_id": None, "fresh": True}
    result = take_snapshot.apply_async(kwargs=first, task_id=task)
    wait_until(
        lambda: worker.text()[since:].count(f"take_snapshot[{task}] retry") >= 2,
        30,
        "the snapshot's second round",
    )
    take_snapshot.apply_async(kwargs=first, task_id=task)  # the first round's message again

    assert finished(result) == first["snapshot_id"]
    logs = worker.text()[since:]
    assert completions(logs, task) == 1
    assert len(set(COLLECTION.findall(logs))) == 1
