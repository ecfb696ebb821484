"""A collection of the demo's node facts, followed from outside: the node tasks its agent took,
and how often each task was done."""

from __future__ import annotations

import re

from explorer.jobs.collect import collect_cluster
from teamkit.processes import Child, wait_until
from teamkit.team import Team, completions

NODE_TASK = re.compile(r"collect_node\[([0-9a-f-]{36})\] received")


def start_collection(agent: Child) -> tuple[object, str]:
    """Start collecting the demo; return its result and the first node task the agent took,
    once the agent is running it (its probe takes a while: a fault lands mid-task)."""
    offset = len(agent.text())
    result = collect_cluster.apply_async(kwargs={"cluster": "demo"})
    found = wait_until(lambda: NODE_TASK.search(agent.text(), offset), 30, "a node task taken")
    return result, found.group(1)


def node_tasks(agent: Child) -> set[str]:
    return set(NODE_TASK.findall(agent.text()))


def done_once(team: Team, task_ids: set[str]) -> dict[str, int]:
    """How many times each task succeeded, in all the workers' logs (restarted ones included)."""
    logs = "".join(team.children[name].text() for name in ("worker", "agent"))
    return {task: completions(logs, task) for task in task_ids}
