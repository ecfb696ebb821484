"""A node agent SIGKILLed in the middle of a collection: the node task it held comes back (after
the broker's visibility timeout) to the agent started again in its place, and is done once."""

from __future__ import annotations

from celery.result import AsyncResult

from teamkit.processes import Child
from teamkit.team import Team, completions, receipts

from .collections import done_once, finished, node_tasks, start_collection
from .conftest import NODES, start_agent

ATTEMPTS = 3


def _killed_mid_task(team: Team) -> tuple[AsyncResult, str, Child, int]:
    """A collection whose first node task the agent was killed in the middle of, the agent
    started again in its place (as a supervisor would; the log goes on in the same file), and
    where the agent's log stood before. A kill that lands after the task is done (a loaded
    machine may take longer than the agent's pause to see the task start) proves nothing:
    that collection is let finish and another one is started."""
    for _ in range(ATTEMPTS):
        since = len(team.children["agent"].text())
        result, task = start_collection(team.children["agent"])
        team.children["agent"].kill()  # SIGKILL: no goodbye, the task stays unacknowledged
        done_before_the_kill = completions(team.children["agent"].text()[since:], task)
        agent = start_agent(team)
        if not done_before_the_kill:
            return result, task, agent, since
        finished(result)
    raise AssertionError(f"no kill landed in the middle of a node task in {ATTEMPTS} tries")


def test_a_node_agent_killed_mid_collection_has_its_task_done_once_by_the_agent_after_it(
    team: Team, through_redis: None
) -> None:
    result, killed_task, agent, since = _killed_mid_task(team)

    collected = finished(result)

    assert [(n["node"], n["probe"]) for n in collected["nodes"]] == [(n, "local") for n in NODES]
    assert receipts(agent.text(), killed_task) == 2  # taken, killed, delivered again
    tasks = {result.id, *node_tasks(agent, since)}
    assert done_once(team, tasks) == dict.fromkeys(tasks, 1)
