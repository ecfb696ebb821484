"""A polling task's round delivered again after it sent the next (its acknowledgement lost with
Redis) is not run twice: rounds claimed in a real Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from celery import Task
from celery.exceptions import Ignore

from explorer.jobs.celery import app
from explorer.jobs.once import FIRST_ROUND, ROUNDS_KEY, begin_round

from .celery_workers import celery_through


@app.task(bind=True, name="tests.jobs.test_once.polling")
def polling(self: Task) -> None:
    """Never sent: its request is pushed by hand, as a worker would for a delivered message."""


@pytest.fixture
def task(redis_url: str) -> Iterator[Task]:
    with celery_through(redis_url):
        polling.push_request(id=str(uuid.uuid4()), is_eager=False)
        try:
            yield polling
        finally:
            polling.pop_request()


def runs(task: Task, number: int, token: str) -> bool:
    try:
        begin_round(task, number, token)
    except Ignore:
        return False
    return True


def test_each_round_runs_for_the_message_that_began_it(task: Task) -> None:
    assert runs(task, 0, FIRST_ROUND)
    assert runs(task, 1, "a")
    assert runs(task, 2, "b")


def test_a_round_delivered_again_after_the_next_round_began_is_not_run(task: Task) -> None:
    assert runs(task, 0, FIRST_ROUND)
    assert runs(task, 1, "a")

    assert not runs(task, 0, FIRST_ROUND)


def test_a_second_message_for_a_round_already_begun_is_not_run(task: Task) -> None:
    # The first round delivered again sends round 1 a second time, in a message of its own.
    assert runs(task, 1, "a")

    assert not runs(task, 1, "b")
    assert runs(task, 2, "c")


def test_the_same_message_delivered_again_runs_again(task: Task) -> None:
    # Its worker, or Redis, died under it: the round has yet to send the next.
    assert runs(task, 1, "a")

    assert runs(task, 1, "a")


def test_rounds_are_claimed_per_task_and_forgotten_in_a_day(task: Task) -> None:
    assert runs(task, 3, "a")
    key = ROUNDS_KEY + task.request.id

    assert app.backend.client.get(key) == b"3 a"
    assert 0 < app.backend.client.ttl(key) <= 24 * 3600
    polling.push_request(id=str(uuid.uuid4()), is_eager=False)
    try:
        assert runs(polling, 0, FIRST_ROUND)
    finally:
        polling.pop_request()


def test_a_task_run_in_this_process_claims_nothing(redis_url: str) -> None:
    polling.push_request(id=str(uuid.uuid4()), is_eager=True)
    try:
        with celery_through(redis_url):
            assert runs(polling, 0, FIRST_ROUND)
            assert runs(polling, 0, FIRST_ROUND)
            assert app.backend.client.get(ROUNDS_KEY + polling.request.id) is None
    finally:
        polling.pop_request()
