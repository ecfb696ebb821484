"""Redis killed (SIGKILL) and started again on the same port and append-only file: the web
process, the watcher and the workers recover, and a job sent before the kill is done once."""

from __future__ import annotations

import time

from explorer.demo.readiness_flips import ReadinessFlips
from explorer.jobs.collect import collect_cluster
from explorer.jobs.progress import latest_progress
from explorer.jobs.tasks import download_bundle, prune_downloads
from explorer.runtime.demo_cluster import DemoCluster
from explorer.streaming.directory import Directory
from teamkit.processes import answers, wait_until
from teamkit.redis_server import PrivateRedis
from teamkit.tab import Tab
from teamkit.team import Team

from .collections import done_once, finished, node_tasks, redis_dies_under, start_collection
from .conftest import NODES

OUTAGE = 1.5  # seconds Redis stays down


def kill_and_restart(redis_server: PrivateRedis) -> float:
    redis_server.kill()
    time.sleep(OUTAGE)
    redis_server.restart()
    return time.time()


def test_a_task_acknowledged_before_redis_dies_is_done_once_after_it_returns(
    team: Team, redis_server: PrivateRedis, through_redis: None
) -> None:
    agent = team.children["agent"]
    since = len(agent.text())
    result, _ = start_collection(agent)  # the default worker holds its next round meanwhile

    kill_and_restart(redis_server)

    collected = finished(result)
    assert [(n["node"], n["probe"]) for n in collected["nodes"]] == [(n, "local") for n in NODES]
    assert team.children["worker"].alive(), team.children["worker"].tail()
    tasks = {result.id, *node_tasks(agent, since)}
    assert done_once(team, tasks) == dict.fromkeys(tasks, 1)


def test_a_collection_that_redis_dies_under_is_put_back_and_done_once_after_it_returns(
    team: Team, redis_server: PrivateRedis, through_redis: None, demo: DemoCluster
) -> None:
    # The collection's first round lists the nodes, then sends each its task: held at the
    # list, it goes on to send them with Redis gone.
    since = len(team.children["agent"].text())
    with redis_dies_under(demo.server, redis_server, "list", "nodes", OUTAGE):
        result = collect_cluster.apply_async(kwargs={"cluster": "demo"})

    collected = finished(result)
    assert [(n["node"], n["probe"]) for n in collected["nodes"]] == [(n, "local") for n in NODES]
    tasks = {result.id, *node_tasks(team.children["agent"], since)}
    assert done_once(team, tasks) == dict.fromkeys(tasks, 1)


def test_a_bundle_job_that_redis_dies_under_is_done_once_and_its_followers_told(
    team: Team, session: str, redis_server: PrivateRedis, through_redis: None, demo: DemoCluster
) -> None:
    # (`session` made the user the bundle is for: team.user_id)
    with redis_dies_under(demo.server, redis_server, "list", "pods", OUTAGE):  # copying
        job = download_bundle.apply_async(kwargs={"cluster": "demo", "user_id": team.user_id})

    download = finished(job)
    assert done_once(team, {job.id}) == {job.id: 1}
    told = wait_until(lambda: latest_progress(job.id), 10, "the job's last report")
    assert (told["state"], told["download"]) == ("done", download["filename"])


def test_after_redis_returns_the_tab_is_live_and_the_watcher_and_worker_work_again(
    team: Team, redis_server: PrivateRedis, through_redis: None, tab: Tab, demo: DemoCluster
) -> None:
    back = kill_and_restart(redis_server)

    assert answers(team.web_url + "/healthz")
    flips = ReadinessFlips(demo.store.state)
    wait_until(lambda: tab.live() and tab.first_since(back, "full"), 30, "a full model again")
    changed = time.time()
    demo.store.apply(flips.step())
    wait_until(lambda: tab.first_since(changed, "delta"), 15, "the watcher's delta")
    assert finished(prune_downloads.apply_async(), 30) == 0
    wait_until(
        lambda: "demo" in [s["cluster"] for s in Directory(redis_server.url).read()],
        15,
        "the watcher listing its cluster again",
    )
    assert team.children["beat"].alive(), team.children["beat"].tail()
