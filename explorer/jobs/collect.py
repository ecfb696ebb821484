"""Collecting node facts (iptables-save, ip6tables-save, nft, resolv.conf, the cgroup tree, the
mount table and pod volume directories, the volumes' usage) with Celery.

- `collect_node` (node-scoped, queue `node.<node>`): run by the agent on that node, with the
  local probe. Acknowledged late: a worker killed mid-task leaves it unacknowledged, and Redis
  delivers it again after the broker's visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS).
- `collect_cluster` (queue `default`): sends one `collect_node` per node, then follows them
  round by round (each round a retry of itself POLL_SECONDS later, so it never blocks a worker
  that is also a node's agent). A node whose task expired — no agent took it within
  CELERY_NODE_TASK_EXPIRES — or failed is probed without an agent
  (explorer/probes/agentless.py): exec, then recorded facts, and its cgroup tree through
  `nodes/proxy` (the kubelet's cAdvisor metrics), then the recorded tree, its volume usage
  through `nodes/proxy` (the kubelet's /stats/summary), and its mount table as recorded (only an
  agent reads a node's) — exec and nodes/proxy only where EXPLORER_NODE_ACCESS turns them on; a
  node none of them reaches is reported unreachable, and the others are still collected.
  Progress: n of N nodes, each node's outcome on its own report. Each node's facts go into the
  cluster's state as they come (explorer/jobs/facts_delivery.py). Redis (broker and results)
  going away under a round does not fail the collection: the round is put back, to run again
  once Redis has returned, from where the round before it left off (the agents' results are kept
  until the collection ends, so a round run again finds them). A round delivered again after it
  sent the next one (its acknowledgement lost with Redis) is not run: each round is claimed in
  Redis by the message carrying it (explorer/jobs/once.py); a task whose success is stored
  already is not run again (CELERY_WORKER_DEDUPLICATE_SUCCESSFUL_TASKS).
  Without a broker (tasks run in this process) there are no agents: every node goes agentless.

The agent's probe is configured by its environment: EXPLORER_PROBE_ROOT (where the node's
files are, e.g. /host in a container; default /), EXPLORER_PROBE_NETNS (a network namespace to
read instead of the worker's own), EXPLORER_PROBE_CGROUP_ROOT (the kubelet's --cgroup-root,
where kubepods is looked for under <root>/sys/fs/cgroup; default /), EXPLORER_PROBE_CGROUPS
(0 to leave the cgroup tree unread; default 1), EXPLORER_PROBE_STORAGE (0 to leave the mount
table and the kubelet's pod volume directories unread; default 1), EXPLORER_PROBE_KUBELET_ROOT
(the kubelet's --root-dir, where the pod volume directories are under the root; default
/var/lib/kubelet), and EXPLORER_PROBE_PAUSE_SECONDS (a test
hook: wait that long before reading, to kill a worker mid-task). On a control-plane node the
agent also reads kube-scheduler's configuration file when its own EXPLORER_NODE_ACCESS lists
`scheduler-config` (explorer/probes/scheduler_config_probe.py); without an agent only recorded
facts (the demo's) can hold it, under the same setting.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import TypedDict

from celery import Task, states
from celery.exceptions import BackendError, Ignore, Reject, Retry
from celery.result import AsyncResult
from django.conf import settings
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from explorer.collectors.storage.names import KUBELET_ROOT
from explorer.env import env_bool, env_int, env_str
from explorer.lib.choices import SCHEDULER_CONFIG
from explorer.probes import LocalProbe
from explorer.probes.agentless import Agentless
from explorer.probes.node_sources import node_names
from explorer.state.node_facts import NodeFacts, clock_skew, joined_all, one_line, reached

from .celery import app
from .facts_delivery import deliver
from .once import FIRST_ROUND, begin_round
from .progress import report_progress
from .queues import NodeTask

POLL_SECONDS = 1.0
START_GRACE = 2.0  # after a node task expired, before it is taken for not taken
RUN_LIMIT = 150.0  # a started node task not done this long after it could be redelivered
# Redis out of reach: reading a node task's result (BackendError: for longer than the result
# backend tries again), sending the next round or a node task.
REDIS_TROUBLE = (RedisConnectionError, RedisTimeoutError, OperationalError, BackendError)


class NodeOutcome(TypedDict):
    node: str
    probe: str  # local, exec, proxy or recorded; "" when the node could not be reached
    taken_at: str  # when the facts were taken ("" when unreachable)
    errors: dict[str, str]  # fact -> why it was not read
    message: str  # one line, as the progress reported it


class Ongoing(TypedDict):
    """What a collection carries from one round to the next."""

    nodes: list[str]
    tasks: dict[str, str]  # node -> the id of its collect_node task (awaited until an outcome)
    sent_at: float  # when they were sent (time.time())
    outcomes: dict[str, NodeOutcome]
    round: int  # the round this is sent to: 1, 2, ... (the first, sent by the caller, is 0)
    round_id: str  # the message that carries it (explorer/jobs/once.py)


class Collection(TypedDict):
    cluster: str
    nodes: list[NodeOutcome]


def agent_probe() -> LocalProbe:
    return LocalProbe(
        netns=env_str("EXPLORER_PROBE_NETNS"),
        root=Path(env_str("EXPLORER_PROBE_ROOT", "/")),
        pause=env_int("EXPLORER_PROBE_PAUSE_SECONDS", 0, minimum=0, maximum=3600),
        cgroups=env_bool("EXPLORER_PROBE_CGROUPS", True),
        cgroup_root=env_str("EXPLORER_PROBE_CGROUP_ROOT", "/"),
        storage=env_bool("EXPLORER_PROBE_STORAGE", True),
        kubelet_root=env_str("EXPLORER_PROBE_KUBELET_ROOT", KUBELET_ROOT),
        scheduler_config=SCHEDULER_CONFIG in settings.EXPLORER_NODE_ACCESS,
    )


@app.task(
    bind=True,
    base=NodeTask,
    name="explorer.jobs.collect.collect_node",
    acks_late=True,
    reject_on_worker_lost=True,
    track_started=True,
)
def collect_node(self: Task, node: str) -> NodeFacts:
    report_progress(self.request.id, 0, 1, f"{node}: reading its rules and resolv.conf")
    collected = agent_probe().collect(node)
    report_progress(self.request.id, 1, 1, _summary(collected), state="done")
    return collected


@app.task(
    bind=True,
    name="explorer.jobs.collect.collect_cluster",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def collect_cluster(self: Task, cluster: str, ongoing: Ongoing | None = None) -> Collection:
    task_id = self.request.id
    try:
        if ongoing is None:
            begin_round(self, 0, FIRST_ROUND)
            ongoing = _begin(cluster, agents=not self.request.is_eager)
            report_progress(task_id, 0, len(ongoing["nodes"]), f"{cluster}: collecting nodes")
        else:
            begin_round(self, ongoing["round"], ongoing["round_id"])
        _advance(task_id, cluster, ongoing)
        if _awaited(ongoing):
            ongoing.update(round=ongoing["round"] + 1, round_id=uuid.uuid4().hex)
            again = {"cluster": cluster, "ongoing": ongoing}
            raise self.retry(kwargs=again, countdown=POLL_SECONDS)
        for node_task in ongoing["tasks"].values():
            AsyncResult(node_task, app=app).forget()
    except (Retry, Ignore):
        raise
    except Reject as rejected:  # Task.retry could not send the next round
        if isinstance(rejected.reason, REDIS_TROUBLE):
            raise Reject(rejected.reason, requeue=True) from rejected
        raise
    except REDIS_TROUBLE as error:
        # Put back (at once, or after the visibility timeout when Redis is down): this round
        # runs again, from the `ongoing` it was given.
        raise Reject(error, requeue=True) from error
    except Exception as error:
        done = len(ongoing["outcomes"]) if ongoing else 0
        total = len(ongoing["nodes"]) if ongoing else 0
        report_progress(task_id, done, total, f"failed: {one_line(str(error))}", state="failed")
        raise
    outcomes = [ongoing["outcomes"][node] for node in ongoing["nodes"]]
    report_progress(task_id, len(outcomes), len(outcomes), _ending(cluster, outcomes), "done")
    return Collection(cluster=cluster, nodes=outcomes)


def _begin(cluster: str, agents: bool) -> Ongoing:
    nodes = node_names(cluster)
    tasks = {n: collect_node.apply_async(kwargs={"node": n}).id for n in nodes} if agents else {}
    return Ongoing(
        nodes=nodes, tasks=tasks, sent_at=time.time(), outcomes={}, round=0, round_id=FIRST_ROUND
    )


def _advance(task_id: str, cluster: str, ongoing: Ongoing) -> None:
    """Settle every node whose agent answered or will not; the others stay awaited."""
    waited = time.time() - ongoing["sent_at"]
    with Agentless(cluster, settings.EXPLORER_NODE_ACCESS) as agentless:
        for node in ongoing["nodes"]:
            if node in ongoing["outcomes"]:
                continue
            if node in ongoing["tasks"]:
                answer = _agent_answer(ongoing["tasks"][node], waited)
                if answer is None:
                    continue
            else:
                answer = "no agents without a broker"
            if isinstance(answer, str):
                collected = joined_all(
                    agentless.collect(node, answer),
                    agentless.cgroups(node),
                    agentless.storage(node),
                    agentless.volume_usage(node),
                    agentless.scheduler_config(node),
                )
                why = answer
            else:
                collected, why = answer, ""
                skew = clock_skew(collected["taken_at"], ongoing["sent_at"], time.time())
                if skew:
                    collected["clock_skew"] = skew
            deliver(cluster, collected)
            outcome = _outcome(collected, why)
            ongoing["outcomes"][node] = outcome
            report_progress(
                task_id, len(ongoing["outcomes"]), len(ongoing["nodes"]), outcome["message"]
            )


def _awaited(ongoing: Ongoing) -> bool:
    """Whether a node's agent has yet to answer (or to be given up on)."""
    return any(node not in ongoing["outcomes"] for node in ongoing["tasks"])


def _agent_answer(task: str, waited: float) -> NodeFacts | str | None:
    """The agent's facts, why there are none (it will not answer), or None: still waiting."""
    expires = float(app.conf.node_task_expires)
    result = AsyncResult(task, app=app)
    state = result.state
    if state == states.SUCCESS:
        return result.result
    if state == states.REVOKED:
        return f"no agent took it within {expires:g}s"
    if state == states.FAILURE:
        return f"its agent failed: {one_line(str(result.result))}"
    if state == states.PENDING and waited > expires + START_GRACE:
        return f"no agent took it within {expires:g}s"
    visibility = float((app.conf.broker_transport_options or {}).get("visibility_timeout", 3600))
    if waited > expires + visibility + RUN_LIMIT:
        return "its agent took it but did not finish"
    return None


def _summary(collected: NodeFacts) -> str:
    node = collected["node"]
    if not reached(collected):
        return f"{node}: unreachable: {next(iter(collected['errors'].values()), '')}"
    read = ", ".join(
        _read_by(fact, value, collected["probe"]) for fact, value in collected["facts"].items()
    )
    missing = f"; not read: {', '.join(collected['errors'])}" if collected["errors"] else ""
    return f"{node}: {collected['probe']} probe read {read}{missing}"


def _read_by(fact: str, value: object, probe: str) -> str:
    """A fact's name, and the probe that read it when another than the collection's."""
    own = value.get("probe") if isinstance(value, dict) else None
    return f"{fact} ({own} probe)" if own and own != probe else fact


def _outcome(collected: NodeFacts, why: str) -> NodeOutcome:
    message = _summary(collected)
    if why and reached(collected):
        message = f"{message} ({why})"
    return NodeOutcome(
        node=collected["node"],
        probe=collected["probe"] if reached(collected) else "",
        taken_at=collected["taken_at"] if reached(collected) else "",
        errors=dict(collected["errors"]),
        message=message,
    )


def _ending(cluster: str, outcomes: list[NodeOutcome]) -> str:
    unreachable = [o["node"] for o in outcomes if not o["probe"]]
    text = f"{cluster}: {len(outcomes) - len(unreachable)} of {len(outcomes)} nodes collected"
    return f"{text}; unreachable: {', '.join(unreachable)}" if unreachable else text
