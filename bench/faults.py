"""Benchmark: the team install under faults, with churn running — time to recover and what was
lost, each against a peer measured in the same run.

Processes (teamkit/): a private `redis-server --appendonly yes` on a free port (never the
machine's shared one), the project's API server serving the demo (N nodes x M pods, the demo's
churn every 3 s and --churn-rate readiness flips a second), and the team install's processes run
directly: `manage.py web`, `manage.py watch`, a Celery worker on `default` (prefork, as
docker-compose runs it), a node agent for --agents nodes (solo, slowed by
EXPLORER_PROBE_PAUSE_SECONDS; the other nodes are collected without an agent once their tasks
expire) and beat. A websocket tab (live.js's behaviour, in this process) follows the overview.

Scenarios, in order:
  a. Redis SIGKILLed while a collection and a bundle job run, started again --outage seconds
     later on the same port and file. Measured from its return: /healthz, the tab live again
     with a new model, the watcher's first delta and its directory entry, the worker
     reconnected and taking a new task, the two jobs finished — each exactly once (the
     workers' logs). No natural peer: Redis's own start (its file read back, answering PING)
     is given beside.
  b. The node agent SIGKILLed mid-collection and started again at once (as a supervisor
     would): time until its task is delivered again and the collection finished, done once.
     Peer: the broker's visibility timeout (the floor of any redelivery).
  c. The API server cuts every watch (SIGUSR1); forgets its history and cuts them (SIGUSR2);
     restarts on the same port with its history forgotten (SIGHUP). Measured: the tab's first
     delta after the fault, and the time until the tab — live again, and sent a model or delta
     since the fault — shows the server's state: its overview
     equal, sector by sector, to the one drawn from a fresh list before or after it, the earlier
     list taken no sooner than the fault and at least --window seconds before the tab was read
     (the lag allowed under churn; so --window is also the finest figure). Peer: `kubectl get
     pods -A --watch` run again in a loop whenever it exits (kubectl ends when the server cuts
     its watch): the time until it prints again.
  d. A Chromium tab (Debian's, headless, attached over CDP so that it can be frozen) on the
     overview, frozen with `Page.setWebLifecycleState {state: "frozen"}` for --freeze-minutes
     while the churn runs, then thawed and shown: time until it holds the model the live tab
     held when it was thawed (the publication's version), the full models, deltas and redraws
     that took, and the time until it shows the server's state as in c. Peer: a fresh tab
     opening the overview, to the live tab's version at its opening.
Usage: python bench/faults.py [--quick] [--nodes 100] [--pods-per-node 30] [--freeze-minutes 10]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stream_latency import machine  # noqa: E402

from teamkit.processes import answers, free_port, wait_until  # noqa: E402
from teamkit.redis_server import PrivateRedis  # noqa: E402
from teamkit.served import Listing, listing, sandwiched  # noqa: E402
from teamkit.tab import Tab  # noqa: E402
from teamkit.team import Team, completions, receipts  # noqa: E402

KUBECTL = str(Path(sys.executable).with_name("kubectl"))
CLUSTER = "demo"
NODE_TASK = re.compile(r"collect_node\[([0-9a-f-]{36})\] received")


@dataclass
class Run:
    args: argparse.Namespace
    redis: PrivateRedis
    team: Team
    api_url: str
    tab: Tab
    session: str
    agent_nodes: list[str]
    lines: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        print(line, flush=True)
        self.lines.append(line)

    def agent_env(self) -> dict[str, str]:
        root = self.team.directory / "node-root"
        (root / "etc").mkdir(parents=True, exist_ok=True)
        (root / "etc" / "resolv.conf").write_text("nameserver 192.0.2.53\n")
        return {
            "EXPLORER_PROBE_PAUSE_SECONDS": str(self.args.agent_pause),
            "EXPLORER_PROBE_ROOT": str(root),
            "EXPLORER_PROBE_CGROUPS": "0",
        }

    def start_agent(self) -> None:
        queues = [f"node.{node}" for node in self.agent_nodes]
        self.team.start_worker("agent", queues, self.agent_env())

    def logs(self) -> str:
        return "".join(self.team.children[n].text() for n in ("worker", "agent"))


def since(moment: float, at: float | None) -> str:
    return f"{at - moment:.1f} s" if at is not None else "never"


def first(check: Callable[[], Any], timeout: float, interval: float = 0.1) -> float | None:
    """When `check()` first held (time.time()), or None within `timeout`."""
    try:
        wait_until(check, timeout, "", interval)
    except TimeoutError:
        return None
    return time.time()


def all_first(checks: dict[str, Callable[[], Any]], timeout: float) -> dict[str, float | None]:
    """When each check first held (time.time()), all polled together every 0.1 s."""
    held: dict[str, float | None] = dict.fromkeys(checks)
    deadline = time.monotonic() + timeout
    while None in held.values() and time.monotonic() < deadline:
        for name, check in checks.items():
            if held[name] is None:
                with contextlib.suppress(Exception):  # not up yet
                    if check():
                        held[name] = time.time()
        time.sleep(0.1)
    return held


# ---- jobs ------------------------------------------------------------------------------------


@dataclass
class Job:
    name: str
    result: Any  # celery AsyncResult
    done_at: float | None = None

    def ended(self) -> bool:
        from celery import states

        state = self.result.state
        if state in states.READY_STATES and self.done_at is None:
            self.done_at = time.time()
        return state in states.READY_STATES

    def succeeded(self) -> bool:
        return self.result.state == "SUCCESS"


def start_collection(run: Run) -> tuple[Job, str]:
    """A collection, once the agent is in the middle of its first node task (its id)."""
    from explorer.jobs.collect import collect_cluster

    agent = run.team.children["agent"]
    offset = len(agent.text())
    job = Job("collection", collect_cluster.apply_async(kwargs={"cluster": CLUSTER}))
    found = wait_until(lambda: NODE_TASK.search(agent.text(), offset), 60, "a node task taken")
    time.sleep(0.5)  # into its probe's pause
    return job, found.group(1)


def job_report(run: Run, job: Job, moment: float, node_tasks: set[str]) -> str:
    logs = run.logs()
    twice = [t for t in {job.result.id, *node_tasks} if completions(logs, t) > 1]
    lost = "0" if job.succeeded() else f"1 ({job.result.state})"
    probes = ""
    if job.name == "collection" and job.succeeded():
        counted: dict[str, int] = {}
        for node in job.result.result["nodes"]:
            probe = node["probe"] or "unreachable"
            counted[probe] = counted.get(probe, 0) + 1
        probes = " (" + ", ".join(f"{n} {p}" for p, n in sorted(counted.items())) + ")"
    return (
        f"{job.name} finished +{since(moment, job.done_at)}{probes}; lost {lost},"
        f" done twice {len(twice)} (of {1 + len(node_tasks)} tasks)"
    )


# ---- a. Redis --------------------------------------------------------------------------------


def redis_scenario(run: Run) -> None:
    from explorer.jobs.tasks import download_bundle, prune_downloads

    agent = run.team.children["agent"]
    offset = len(agent.text())
    collection, _ = start_collection(run)
    bundle = Job(
        "bundle",
        download_bundle.apply_async(kwargs={"cluster": CLUSTER, "user_id": run.team.user_id}),
    )
    time.sleep(0.5)
    killed = time.time()
    run.redis.kill()
    time.sleep(run.args.outage)
    restarted = time.time()
    run.redis.restart()
    back = time.time()
    run.say(
        f"a. Redis SIGKILLed, down {restarted - killed:.1f} s; answering PING"
        f" {back - restarted:.2f} s after its start (peer)"
    )

    probe = Job("probe", prune_downloads.apply_async())  # sent as soon as Redis is back
    seen = all_first(
        {
            "healthz": lambda: answers(run.team.web_url + "/healthz"),
            "tab": lambda: run.tab.live() and run.tab.first_since(back, "full") is not None,
            "delta": lambda: run.tab.first_since(back, "delta") is not None,
            "directory": lambda: directory_written_since(run, back),
            "worker": probe.ended,
            "jobs": lambda: all([collection.ended(), bundle.ended()]),
        },
        timeout=run.args.visibility_timeout + 300,
    )
    healthz, tab_live, delta = seen["healthz"], seen["tab"], seen["delta"]
    directory, worker = seen["directory"], seen["worker"]
    reconnected = logged_at(run.team.children["worker"].text(), "Connected to", back)
    beat = "alive" if run.team.children["beat"].alive() else "exited"
    run.say(
        f"   web /healthz +{since(back, healthz)};"
        f" tab live with a new model +{since(back, tab_live)};"
        f" watcher's first delta +{since(back, delta)},"
        f" directory entry +{since(back, directory)};"
        f" worker reconnected +{since(back, reconnected)}, took a new task"
        f" +{since(back, worker)}; beat {beat}"
    )
    tasks = set(NODE_TASK.findall(agent.text(), offset))
    run.say("   " + job_report(run, collection, back, tasks))
    run.say("   " + job_report(run, bundle, back, set()))


def logged_at(text: str, what: str, after: float) -> float | None:
    """When a Celery log line saying `what` was written, the first at or after `after`."""
    for stamp in re.findall(r"^\[(\S+ \S+): [^\]]*\] " + re.escape(what), text, re.M):
        at = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
        if at >= after:
            return at
    return None


def directory_written_since(run: Run, moment: float) -> bool:
    with run.redis.client() as client:
        raw = client.hget("explorer:clusters", CLUSTER)
    return bool(raw) and orjson.loads(raw)["written"] >= moment


# ---- b. a worker SIGKILLed -------------------------------------------------------------------


def worker_scenario(run: Run) -> None:
    agent = run.team.children["agent"]
    offset = len(agent.text())
    collection, killed_task = start_collection(run)
    killed = time.time()
    agent.kill()
    run.start_agent()
    agent = run.team.children["agent"]
    timeout = run.args.visibility_timeout + 300
    redelivered = first(lambda: receipts(agent.text(), killed_task) >= 2, timeout, 0.2)
    first(collection.ended, timeout, interval=0.5)
    tasks = set(NODE_TASK.findall(agent.text(), offset))
    outcome = ""
    if collection.succeeded():
        node = next(
            (n for n in collection.result.result["nodes"] if n["node"] in run.agent_nodes), None
        )
        outcome = f"; its node read by the {node['probe']} probe" if node else ""
    v = run.args.visibility_timeout
    run.say(
        f"b. node agent SIGKILLed mid-task and started again: its task delivered again"
        f" +{since(killed, redelivered)} (visibility timeout {v} s: ratio"
        f" {((redelivered or killed) - killed) / v:.2f}){outcome}"
    )
    run.say("   " + job_report(run, collection, killed, tasks))


# ---- c. the API server -----------------------------------------------------------------------


class Lists:
    """Fresh lists of the API server, taken one after another (each drawn as the overview)."""

    def __init__(self, api_url: str) -> None:
        self.api_url = api_url
        self.taken: deque[Listing] = deque(maxlen=200)

    def take(self) -> Listing:
        self.taken.append(listing(self.api_url, CLUSTER))
        return self.taken[-1]

    def before(self, moment: float) -> Listing | None:
        return next((t for t in reversed(self.taken) if t.at <= moment), None)


def shows_the_server(
    lists: Lists, read: Callable[[], dict | None], not_before: float, window: float
) -> bool:
    """Read a tab's model, then list: whether the model is between a list taken at most
    `window` s before the read (and not before `not_before`) and the list just taken."""
    read_at = time.time()
    model = read()
    after = lists.take()
    before = lists.before(read_at - window)
    if before is None or before.at < not_before:
        return False
    return sandwiched(model, before, after)


def converge(
    lists: Lists,
    read: Callable[[], dict | None],
    start: float,
    args: argparse.Namespace,
    also: Callable[[], bool] = lambda: True,
) -> float | None:
    """When the tab first showed the server's state (and `also` held)."""
    return first(
        lambda: also() and shows_the_server(lists, read, start, args.window), 300, interval=0
    )


@dataclass
class KubectlLoop:
    """`kubectl get pods -A --watch -o name`, started again whenever it exits (0.1 s later)."""

    env: dict[str, str]
    printed: list[tuple[float, float]] = field(default_factory=list)  # (its start, a print)
    stopping: bool = False
    process: subprocess.Popen | None = None

    def run(self) -> None:
        argv = [KUBECTL, "get", "pods", "-A", "--watch", "-o", "name"]
        while not self.stopping:
            started = time.time()
            self.process = subprocess.Popen(
                argv, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
            for _ in self.process.stdout:  # type: ignore[union-attr]
                self.printed.append((started, time.time()))
            self.process.wait()
            time.sleep(0.1)

    def prints_again(self, fault: float) -> float | None:
        """When a kubectl started after the fault first printed."""
        return next((at for started, at in self.printed if started >= fault), None)

    def stop(self) -> None:
        self.stopping = True
        if self.process is not None:
            self.process.kill()


def apiserver_scenario(run: Run, lists: Lists) -> None:
    kubectl = KubectlLoop({**run.team.env})
    thread = threading.Thread(target=kubectl.run, name="kubectl", daemon=True)
    thread.start()
    try:
        read = run.tab.model
        baseline_at = time.time()
        passes = [shows_the_server(lists, read, 0, run.args.window) for _ in range(20)]
        run.say(
            f"c. before any fault the tab shows the server's state in {sum(passes)} of"
            f" {len(passes)} checks ({time.time() - baseline_at:.0f} s)"
        )
        wait_until(lambda: kubectl.printed, 120, "kubectl printing")
        faults = [
            ("cuts every watch", signal.SIGUSR1),
            ("compacts and cuts every watch", signal.SIGUSR2),
            ("restarts, history compacted", signal.SIGHUP),
        ]
        for what, signum in faults:
            time.sleep(5)
            fault = time.time()
            run.team.children["apiserver"].signal(signum)

            # Not a tab that merely stopped at the fault: live again, with news since.
            def moving(fault: float = fault) -> bool:
                return run.tab.live() and bool(
                    run.tab.since(fault, "delta") or run.tab.since(fault, "full")
                )

            equal = converge(lists, read, fault, run.args, also=moving)
            delta = run.tab.first_since(fault, "delta")
            statuses = sorted({a.detail for a in run.tab.since(fault, "status")})
            again = first(lambda fault=fault: kubectl.prints_again(fault) is not None, 120)
            printed = kubectl.prints_again(fault)
            ratio = f"{(equal - fault) / (printed - fault):.2f}" if equal and printed else "—"
            run.say(
                f"   API server {what}:"
                f" tab's first delta +{since(fault, delta.at if delta else None)},"
                f" tab shows the server's state +{since(fault, equal)} (statuses seen:"
                f" {', '.join(statuses) or 'none'}); kubectl prints again"
                f" +{since(fault, printed if again else None)}; ratio {ratio}"
            )
    finally:
        kubectl.stop()
        thread.join(10)


# ---- d. a frozen tab -------------------------------------------------------------------------


def frozen_tab_scenario(run: Run, lists: Lists) -> None:
    from teamkit.browser import (
        RECORD_ARRIVALS,
        SUBSCRIPTION,
        arrivals,
        freezable_chromium,
        set_lifecycle,
    )

    with freezable_chromium() as browser:
        page = browser.page(run.team.web_url, run.session)
        page.wait_for_selector("#overview .main-svg", timeout=120_000)
        target = run.tab.version() or 0
        wait_until(lambda: version_of(page) >= target, 120, "the tab current")
        page.evaluate(RECORD_ARRIVALS)

        def page_model() -> dict | None:
            held = page.evaluate(SUBSCRIPTION)
            return held["model"] if held else None

        frozen = set_lifecycle(page, "frozen")
        time.sleep(run.args.freeze_minutes * 60)
        published = len(run.tab.since(frozen, "delta"))
        target = run.tab.version()
        thawed = set_lifecycle(page, "active")
        caught_up = first(lambda: version_of(page) >= target, 300, interval=0.05)
        current = converge(lists, page_model, thawed, run.args)
        seen = arrivals(page, since=frozen)
        until = caught_up or time.time()
        catching = [what for at, what in seen if thawed <= at <= until + 0.2]
        really = {"freeze", "resume"} <= {what for _, what in seen}

        opened, target = time.time(), run.tab.version()
        fresh = browser.page(run.team.web_url, run.session)
        loaded = first(lambda: version_of(fresh) >= target, 300, interval=0.05)
    minutes = run.args.freeze_minutes
    ratio = f"{(caught_up - thawed) / (loaded - opened):.2f}" if caught_up and loaded else "—"
    closed = ", its socket closed meanwhile and opened again" if "closed" in catching else ""
    run.say(
        f"d. tab frozen {minutes:g} min ({'frozen' if really else 'NOT frozen'};"
        f" {published} deltas published meanwhile): caught up with the moment it was thawed"
        f" +{since(thawed, caught_up)}, having received {catching.count('full')} full model(s)"
        f" and {catching.count('delta')} deltas and drawn {catching.count('draw')} time(s){closed};"
        f" showing the server's state +{since(thawed, current)}; a fresh tab caught up"
        f" +{since(opened, loaded)}; ratio {ratio}"
    )


def version_of(page: Any) -> int:
    from teamkit.browser import SUBSCRIPTION

    held = page.evaluate(SUBSCRIPTION)
    return (held or {}).get("version") or 0


# ---- the run ---------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a short run (small demo, 30 s freeze)"
    )
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--pods-per-node", type=int, default=30)
    parser.add_argument("--churn-rate", type=float, default=20, help="readiness flips a second")
    parser.add_argument("--agents", type=int, default=3, help="nodes with an agent")
    parser.add_argument("--agent-pause", type=int, default=5, help="seconds an agent's probe takes")
    parser.add_argument("--node-task-expires", type=int, default=60, help="(the app's default)")
    parser.add_argument(
        "--visibility-timeout",
        type=int,
        default=30,
        help="below the node tasks' expiry, so that a killed agent's task is run again",
    )
    parser.add_argument("--outage", type=float, default=5, help="seconds Redis stays down")
    parser.add_argument("--window", type=float, default=1.0, help="lag allowed (s), see c.")
    parser.add_argument("--freeze-minutes", type=float, default=10)
    parser.add_argument("--logs", metavar="DIR", help="keep the processes' logs here")
    parser.add_argument("--scenarios", default="abcd", help="which to run (default: abcd)")
    args = parser.parse_args()
    if args.quick:
        args.nodes, args.freeze_minutes, args.outage = 20, 0.5, 2
        args.churn_rate = args.nodes / 4  # each node's pods change every 4 s, as below
        args.visibility_timeout, args.node_task_expires = 10, 20
    return args


def main() -> None:
    args = arguments()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="faults-bench-") as tmp:
        directory = Path(args.logs or tmp)
        lines = run_all(args, directory)
    load_after = os.getloadavg()
    print()
    loads = " / ".join(f"{a:.1f} -> {b:.1f}" for a, b in zip(load_before, load_after, strict=True))
    system = platform.freedesktop_os_release().get("PRETTY_NAME", "")
    print(f"machine: {machine()}, {system}, Python {sys.version.split()[0]}")
    print(f"load average (1 / 5 / 15 min) before -> after: {loads}")
    print(
        f"demo: {args.nodes} nodes x {args.pods_per_node} pods/node, churn every 3 s and"
        f" {args.churn_rate:g} readiness flips/s; visibility timeout {args.visibility_timeout} s,"
        f" node tasks expire after {args.node_task_expires} s"
    )
    print("\n".join(lines))


def run_all(args: argparse.Namespace, directory: Path) -> list[str]:
    from explorer.runtime.demo_cluster import write_kubeconfig

    redis = PrivateRedis(directory / "redis").start()
    api_port = free_port()
    api_url = f"http://127.0.0.1:{api_port}"
    kubeconfig = write_kubeconfig(api_url)
    settings = {
        "EXPLORER_BROKER_VISIBILITY_TIMEOUT": str(args.visibility_timeout),
        "EXPLORER_NODE_TASK_EXPIRES": str(args.node_task_expires),
    }
    team = Team(directory / "team", redis.url, kubeconfig, settings)
    tab = None
    try:
        team.start_apiserver(
            api_port,
            *("--nodes", str(args.nodes), "--pods-per-node", str(args.pods_per_node)),
            *("--churn-interval", "3", "--churn-rate", str(args.churn_rate)),
        )
        team.migrate()
        session = team.session()
        os.environ.update(REDIS_URL=redis.url, DJANGO_SETTINGS_MODULE="explorer.settings")
        os.environ.update(DATABASE_URL=team.env["DATABASE_URL"], SECRET_KEY=team.env["SECRET_KEY"])
        import django

        django.setup()
        from explorer.probes.node_sources import node_names

        os.environ["KUBECONFIG"] = str(kubeconfig)
        nodes = node_names(CLUSTER)
        team.start_web()
        team.start_watcher()
        team.start_worker("worker", ["default"], pool="prefork")
        team.start_beat()
        tab = Tab(team.web_url, session, CLUSTER).start()
        run = Run(args, redis, team, api_url, tab, session, nodes[: args.agents])
        run.start_agent()
        wait_until(tab.live, 300, "the tab live on the overview")
        lists = Lists(api_url)
        scenarios = {
            "a": lambda: redis_scenario(run),
            "b": lambda: worker_scenario(run),
            "c": lambda: apiserver_scenario(run, lists),
            "d": lambda: frozen_tab_scenario(run, lists),
        }
        for name in args.scenarios:
            scenarios[name]()
        return run.lines
    finally:
        if tab is not None:
            tab.stop()
        team.stop()
        redis.stop()
        kubeconfig.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
