"""A node agent SIGKILLed in the middle of a collection: the node task it held comes back (after
the broker's visibility timeout) to the agent started again in its place, and is done once."""

from __future__ import annotations

from teamkit.team import Team, receipts

from .collections import done_once, finished, node_tasks, start_collection
from .conftest import NODES, start_agent


def test_a_node_agent_killed_mid_collection_has_its_task_done_once_by_the_agent_after_it(
    team: Team, through_redis: None
) -> None:
    since = len(team.children["agent"].text())
    result, killed_task = start_collection(team.children["agent"])
    team.children["agent"].kill()  # SIGKILL: no goodbye, the task stays unacknowledged in Redis
    agent = start_agent(team)  # as a supervisor would (the log goes on in the same file)

    collected = finished(result)

    assert [(n["node"], n["probe"]) for n in collected["nodes"]] == [(n, "local") for n in NODES]
    assert receipts(agent.text(), killed_task) == 2  # taken, killed, delivered again
    tasks = {result.id, *node_tasks(agent, since)}
    assert done_once(team, tasks) == dict.fromkeys(tasks, 1)
