"""Queues (default and node.<node>), the beat schedule, and the job it runs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from explorer.jobs import tasks
from explorer.jobs.celery import app
from explorer.jobs.queues import queue_for_node


def routed_queue(task, **kwargs) -> str:
    return app.amqp.router.route({}, task.name, (), kwargs, task)["queue"].name


def test_a_node_scoped_task_is_routed_to_the_queue_of_its_node() -> None:
    assert routed_queue(tasks.agent_probe, node="worker-2") == "node.worker-2"
    assert queue_for_node("worker-2") == "node.worker-2"


def test_other_tasks_go_to_the_default_queue() -> None:
    assert routed_queue(tasks.download_bundle, cluster="demo", user_id=1) == "default"
    assert routed_queue(tasks.prune_downloads) == "default"


def test_a_node_scoped_task_sent_without_a_node_is_refused() -> None:
    with pytest.raises(TypeError, match="node-scoped"):
        tasks.agent_probe.apply_async(kwargs={})
    with pytest.raises(ValueError, match="not a node name"):
        queue_for_node("two words")


def test_a_node_task_answers_with_the_machine_that_ran_it() -> None:
    answer = tasks.agent_probe.apply_async(kwargs={"node": "here"}).get()  # eager here
    assert answer["node"] == "here"
    assert answer["hostname"] == os.uname().nodename
    assert answer["cgroup"] in ("v1", "v2")


def test_the_beat_schedule_names_tasks_that_exist() -> None:
    app.loader.import_default_modules()  # what a worker does when it starts: autodiscovery
    schedule = app.conf.beat_schedule
    assert "collect-node-facts" in schedule
    assert schedule, "the beat schedule is empty"
    for entry in schedule.values():
        assert entry["task"] in app.tasks, f"{entry['task']} is not a registered task"
        assert entry["schedule"] > 0


def test_the_scheduled_prune_removes_downloads_older_than_a_day_only(
    downloads_dir: Path,
) -> None:
    downloads_dir.mkdir()
    old = downloads_dir / "0b2f1d9e-0000-4000-8000-000000000001.cxb.zst"
    new = downloads_dir / "0b2f1d9e-0000-4000-8000-000000000002.cxb.zst"
    for path in (old, new):
        path.write_bytes(b"bundle")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    assert tasks.prune_downloads.apply().get() == 1
    assert not old.exists() and new.exists()
