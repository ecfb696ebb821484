"""A collection of the demo's node facts, followed from outside: the node tasks its agent took,
and how often each task was done."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery import states
from celery.result import AsyncResult

from explorer.apiserver import ApiServer
from explorer.apiserver.audit import Heard
from explorer.jobs.collect import collect_cluster
from teamkit.processes import Child, wait_until
from teamkit.redis_server import PrivateRedis
from teamkit.team import Team, completions

NODE_TASK = re.compile(r"collect_node\[([0-9a-f-]{36})\] received")


def start_collection(agent: Child) -> tuple[AsyncResult, str]:
    """Start collecting the demo; return its result and the first node task the agent took,
    once the agent is running it (its probe takes a while: a fault lands mid-task)."""
    offset = len(agent.text())
    result = collect_cluster.apply_async(kwargs={"cluster": "demo"})
    found = wait_until(lambda: NODE_TASK.search(agent.text(), offset), 30, "a node task taken")
    return result, found.group(1)


def finished(result: AsyncResult, timeout: float = 60) -> Any:
    """The task's return value once it succeeded, read from the result backend by polling (a
    plain GET, which reconnects: the subscription `AsyncResult.get` waits on may have been cut
    with Redis; and a state stored while Redis went away may be a passing FAILURE, which the
    next round overwrites)."""
    try:
        wait_until(lambda: result.state == states.SUCCESS, timeout, f"task {result.id}")
    except TimeoutError:
        raise AssertionError(f"task {result.id} is {result.state}: {result.result!r}") from None
    return result.result


def node_tasks(agent: Child, since: int) -> set[str]:
    """The node tasks the agent took after `since` (its log's length when the test began: the
    agent and its log outlive one test, and an earlier test's task may rightly have run twice)."""
    return set(NODE_TASK.findall(agent.text(), since))


def done_once(team: Team, task_ids: set[str]) -> dict[str, int]:
    """How many times each task succeeded, in all the workers' logs (restarted ones included),
    once each has (a worker logs it just after storing the result a test may already hold)."""

    def counts() -> dict[str, int]:
        logs = "".join(team.children[name].text() for name in ("worker", "agent"))
        return {task: completions(logs, task) for task in task_ids}

    with contextlib.suppress(TimeoutError):  # some never succeeded: the counts say which
        wait_until(lambda: all(counts().values()), 10, "every task's success in the logs")
    return counts()


class ApiGate(list):
    """An audit list for the project's API server (`ServerContext.audit`) that holds the server
    at the first request it hears with `verb` on `resource` until the gate is opened: a job
    caught in the middle of what it does."""

    def __init__(self, verb: str, resource: str) -> None:
        super().__init__()
        self.wanted = (verb, resource)
        self.reached = threading.Event()
        self.opened = threading.Event()

    def append(self, heard: Heard) -> None:
        super().append(heard)
        if (heard.verb, heard.resource) == self.wanted and not self.opened.is_set():
            self.reached.set()
            self.opened.wait(30)


@contextmanager
def redis_dies_under(
    server: ApiServer, redis_server: PrivateRedis, verb: str, resource: str, outage: float
) -> Iterator[None]:
    """Around starting a job: the API server holds the job at its first `verb` on `resource`;
    then Redis is killed, the job goes on with Redis gone, and Redis starts again `outage`
    seconds later."""
    gate = server.context.audit = ApiGate(verb, resource)
    try:
        yield
        assert gate.reached.wait(30), f"the job never asked to {verb} {resource}"
        redis_server.kill()
        gate.opened.set()
        time.sleep(outage)
        redis_server.restart()
    finally:
        gate.opened.set()
        server.context.audit = None
