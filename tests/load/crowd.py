"""A crowd of people using the live app, for the load tests and the streaming benchmarks
(bench/load_mixed.py, bench/stream_latency.py): each a real websocket client (aiohttp) logged in
with a session cookie and sending the app's own Origin, as static/js/live.js behaves —

- `live_user`: a tab on one page, subscribed to the page's views (`Page`), acknowledging every
  message and asking for a resync when a delta's version is not the next one; it logs when each
  overview model arrives and which nodes' sectors it changes (a change's latency is the first
  message after it that changes its node: bench/_harness.py `overview_latencies`);
- `log_follower`: a pod page following container logs (`logs`/`log`/`unlogs`), stopping a follow
  or leaving the page (closing the websocket) at random, and following again;
- `HealthPoller`: GET /healthz at an interval, on a thread of its own, keeping every answer's time;
- `MemoryWatch`: a process's resident memory, sampled on a thread.

`pages` and `log_targets` choose what they look at from the API server the app watches.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from explorer.demo.churn import CRONJOB, DEPLOYMENT
from explorer.demo.churn import NAMESPACE as CHURNED_NAMESPACE

OVERVIEW = "overview"
ALL_NODES = "*"  # logged for a full overview model: it carries every change made before it
ANSWER_TIMEOUT = 30.0  # seconds a follow may wait for its first lines
MAX_KEPT_ERRORS = 20

View = tuple[str, dict[str, str]]  # a view's name and its parameters but the cluster


@dataclass(frozen=True)
class Page:
    """A page of the app: the live views its scripts subscribe to (static/js/)."""

    name: str
    views: tuple[View, ...]


def ws_url(base_url: str) -> str:
    return base_url.replace("http://", "ws://", 1) + "/ws/"


def headers_for(base_url: str, session: str) -> dict[str, str]:
    """A logged-in tab's handshake: the session cookie and the app's exact Origin (asgi.py
    refuses any other)."""
    return {"Origin": base_url, "Cookie": f"sessionid={session}"}


# ---- what the crowd looks at -----------------------------------------------------------------


def _get_text(api_url: str, path: str, **query: str) -> bytes:
    url = api_url + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (loopback)
        return response.read()


def _get(api_url: str, path: str, **query: str) -> Any:
    return orjson.loads(_get_text(api_url, path, **query))


def _pods_on(api_url: str, node: str) -> list[dict]:
    return _get(api_url, "/api/v1/pods", fieldSelector=f"spec.nodeName={node}")["items"]


def pages(api_url: str, count: int) -> list[Page]:
    """`count` pages, one per person, in turn: the overview (a quarter of them), the workloads
    hierarchy of every namespace, a pod, a node (and its cgroup tree), the events, a network
    page (the network index and one of service chains, proxy mode, drift, DNS trace, Corefile),
    one namespace's hierarchy with a pod's events. Pods, nodes and namespaces change from one
    round of eight to the next."""
    nodes = sorted(n["metadata"]["name"] for n in _get(api_url, "/api/v1/nodes")["items"])
    namespaces = sorted(n["metadata"]["name"] for n in _get(api_url, "/api/v1/namespaces")["items"])
    workers = [n for n in nodes if n != "demo-control-plane"]
    pods = [
        (p["metadata"]["namespace"], p["metadata"]["name"])
        for node in workers[: count // 8 + 1]
        for p in _pods_on(api_url, node)
    ]
    return [_page(person, workers, namespaces, pods) for person in range(count)]


def _page(
    person: int, nodes: list[str], namespaces: list[str], pods: list[tuple[str, str]]
) -> Page:
    turn = person // 8
    node, namespace = nodes[turn % len(nodes)], namespaces[turn % len(namespaces)]
    pod_namespace, pod = pods[(turn * 7) % len(pods)]
    the_pod = {"namespace": pod_namespace, "name": pod}
    network: View = [
        ("service-chains", {"node": node, "service": "kube-system/kube-dns"}),
        ("proxy-mode", {}),
        ("drift", {}),
        ("dns-trace", {"namespace": pod_namespace, "pod": pod, "name": "kubernetes.default"}),
        ("corefile", {}),
    ][turn % 5]
    pod_events = {"namespace": pod_namespace, "object": f"Pod/{pod}"}
    return [
        Page("overview", ((OVERVIEW, {}),)),
        Page("workloads", (("hierarchy", {"namespace": "*", "size": "count"}),)),
        Page("pod", (("pod", the_pod),)),
        Page("node", (("node", {"name": node}), ("cgroup-tree", {"node": node, "size": "limit"}))),
        Page("overview", ((OVERVIEW, {}),)),
        Page("events", (("events", {"namespace": "*", "object": "*"}),)),
        Page(f"network: {network[0]}", (("network-index", {}), network)),
        Page(
            "namespace",
            (("hierarchy", {"namespace": namespace, "size": "cpu"}), ("events", pod_events)),
        ),
    ][person % 8]


def log_targets(api_url: str) -> list[tuple[str, str, str]]:
    """(namespace, pod, container) of every running container with a log on the demo's nodes
    whose facts it recorded, but the pods its churn replaces (shop/web, shop/report)."""
    found = []
    for node in ("demo-control-plane", "demo-worker", "demo-gpu-worker"):
        for pod in _pods_on(api_url, node):
            namespace, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
            churned = namespace == CHURNED_NAMESPACE and name.startswith(
                (f"{DEPLOYMENT}-", f"{CRONJOB}-")
            )
            if churned or pod["status"].get("phase") != "Running":
                continue
            for container in pod["spec"]["containers"]:
                path = f"/api/v1/namespaces/{namespace}/pods/{name}/log"
                if _get_text(api_url, path, container=container["name"], tailLines="1").strip():
                    found.append((namespace, name, container["name"]))
    return found


# ---- a tab on a page -------------------------------------------------------------------------


@dataclass
class UserLog:
    page: str
    overview: list[tuple[float, list[str]]] = field(default_factory=list)  # (arrival, nodes)
    fulls: int = 0
    deltas: int = 0
    resyncs: int = 0  # full models after a subscription's first: asked for after a gap, or resent
    gaps: int = 0  # deltas whose version was not the next one (this tab asked for a resync)
    errors: list[str] = field(default_factory=list)
    dropped: str = ""  # how the connection ended before the tab left, if it did

    def error(self, text: str) -> None:
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(text)


async def live_user(
    base_url: str,
    session: str,
    cluster: str,
    page: Page,
    log: UserLog,
    ready: asyncio.Event,
    leave: asyncio.Event,
) -> None:
    """Stay on `page` until `leave` is set; `ready` once every view has its model and the
    cluster is live. A connection the server ends, or that breaks, is logged as dropped."""
    tab = _Tab(page, log)
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(
                ws_url(base_url), headers=headers_for(base_url, session), max_msg_size=0
            ) as ws,
        ):
            for sub_id, (view, params) in tab.views.items():
                subscribe = {"type": "subscribe", "id": sub_id, "view": view}
                await _send(ws, {**subscribe, "params": {"cluster": cluster, **params}})
            closer = asyncio.ensure_future(_close_when(leave, ws))
            try:
                async for frame in ws:
                    arrived = time.time()
                    if frame.type != aiohttp.WSMsgType.TEXT:
                        log.dropped = f"{frame.type.name}: {frame.data!r}"[:200]
                        return
                    message = orjson.loads(frame.data)
                    await _send(ws, {"type": "ack", "seq": message["seq"]})
                    if tab.read(message, arrived):
                        await _send(ws, {"type": "resync", "id": message["id"]})
                    if tab.ready():
                        ready.set()
            finally:
                closer.cancel()
            if not leave.is_set():
                log.dropped = f"closed by the server (code {ws.close_code})"
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        if not leave.is_set():
            log.dropped = repr(error)[:200]


class Tabs:
    """A tab (`live_user`) per page, opened at once: `ready()` waits until all have their
    models, `leave()` closes them; `logs` says what each saw."""

    def __init__(self, base_url: str, session: str, cluster: str, pages: list[Page]) -> None:
        self.logs = [UserLog(page.name) for page in pages]
        self._readies = [asyncio.Event() for _ in pages]
        self._leave = asyncio.Event()
        self._tasks = [
            asyncio.ensure_future(
                live_user(base_url, session, cluster, page, log, ready, self._leave)
            )
            for page, log, ready in zip(pages, self.logs, self._readies, strict=True)
        ]

    async def ready(self, timeout: float) -> None:
        """Every tab has its models and the cluster is live; else TimeoutError saying which
        have not and what ended those that were dropped."""
        everyone = asyncio.ensure_future(asyncio.gather(*(r.wait() for r in self._readies)))
        await asyncio.wait(
            [everyone, *self._tasks], timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if not everyone.done():
            everyone.cancel()
            late = [
                log.page for log, r in zip(self.logs, self._readies, strict=True) if not r.is_set()
            ]
            dropped = [log.dropped for log in self.logs if log.dropped]
            raise TimeoutError(f"{len(late)} tabs not ready ({late[:5]}); dropped: {dropped[:3]}")

    async def leave(self, timeout: float = 30) -> None:
        self._leave.set()
        await asyncio.wait(self._tasks, timeout=timeout)


class _Tab:
    """What live.js keeps of a page's subscriptions: the version of each model."""

    def __init__(self, page: Page, log: UserLog) -> None:
        self.views = {f"s{i}": view for i, view in enumerate(page.views)}
        self.versions: dict[str, int | None] = dict.fromkeys(self.views)
        self.had_full: set[str] = set()
        self.live = False
        self.log = log

    def ready(self) -> bool:
        return self.live and len(self.had_full) == len(self.views)

    def read(self, message: dict[str, Any], arrived: float) -> bool:
        """Take one message in; True when its subscription must be sent whole again (a delta
        whose version is not the next one)."""
        kind, sub_id, log = message["type"], message.get("id"), self.log
        if kind == "status":
            self.live = message["state"] == "live"
        elif kind == "error":
            log.error(f"{sub_id}: {message['message']}")
        if sub_id not in self.views or kind not in ("full", "delta"):
            return False
        overview = self.views[sub_id][0] == OVERVIEW
        if kind == "full":
            log.fulls += 1
            log.resyncs += sub_id in self.had_full
            self.had_full.add(sub_id)
            self.versions[sub_id] = message["version"]
            if overview:
                log.overview.append((arrived, [ALL_NODES]))
            return False
        version = self.versions[sub_id]
        if version is None:
            return False  # a full model is on its way
        if message["version"] != version + 1:
            log.gaps += 1
            self.versions[sub_id] = None
            return True
        log.deltas += 1
        self.versions[sub_id] = message["version"]
        if overview:
            nodes = {op["path"][1][5:] for op in message["ops"] if _node_sector(op["path"])}
            log.overview.append((arrived, sorted(nodes)))
        return False


def _node_sector(path: list[str]) -> bool:
    """An op on a node's sector of the overview (at scale the overview draws one per node)."""
    return len(path) >= 2 and path[0] == "sectors" and path[1].startswith("node/")


async def _send(ws: aiohttp.ClientWebSocketResponse, message: dict[str, Any]) -> None:
    await ws.send_str(orjson.dumps(message).decode())


async def _close_when(leave: asyncio.Event, ws: aiohttp.ClientWebSocketResponse) -> None:
    await leave.wait()
    await ws.close()


# ---- a pod page following logs -------------------------------------------------------------


@dataclass
class FollowTally:
    asked: int = 0  # follows asked for
    started: int = 0  # follows whose first lines came
    stopped: int = 0  # follows stopped on the page (unlogs)
    left: int = 0  # follows ended by leaving the page (the websocket closed)
    lines: int = 0
    first_lines: list[float] = field(default_factory=list)  # seconds from asking to first lines
    errors: list[str] = field(default_factory=list)

    def error(self, text: str) -> None:
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(text)


class LogFollower:
    """A pod page following container logs until `leave` is set: follow a random one of
    `targets`, keep it `hold` seconds (at random), then stop it and follow another, or leave the
    page (its websocket closes) and come back."""

    def __init__(
        self,
        base_url: str,
        session: str,
        cluster: str,
        targets: list[tuple[str, str, str]],
        rng: random.Random,
        tally: FollowTally,
        hold: tuple[float, float] = (0.2, 2.0),
    ) -> None:
        self.base_url, self.session, self.cluster = base_url, session, cluster
        self.targets, self.rng, self.tally, self.hold = targets, rng, tally, hold

    async def run(self, leave: asyncio.Event) -> None:
        async with aiohttp.ClientSession() as http:
            while not leave.is_set():
                try:
                    await self._one_page(http, leave)
                except (TimeoutError, aiohttp.ClientError, OSError) as error:
                    self.tally.error(f"connection: {error!r}"[:200])
                    await asyncio.sleep(0.5)

    async def _one_page(self, http: aiohttp.ClientSession, leave: asyncio.Event) -> None:
        tally, headers = self.tally, headers_for(self.base_url, self.session)
        async with http.ws_connect(ws_url(self.base_url), headers=headers, max_msg_size=0) as ws:
            inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
            reader = asyncio.ensure_future(_acknowledge(ws, inbox, tally))
            try:
                for n in itertools.count():
                    namespace, pod, container = target = self.rng.choice(self.targets)
                    log_id, asked = f"l{n}", time.monotonic()
                    follow = {"type": "logs", "id": log_id, "cluster": self.cluster, "tail": 100}
                    where = {"namespace": namespace, "pod": pod, "container": container}
                    await _send(ws, {**follow, **where})
                    tally.asked += 1
                    if not await _first_lines(inbox, log_id, tally, "/".join(target)):
                        return
                    tally.started += 1
                    tally.first_lines.append(time.monotonic() - asked)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(leave.wait(), self.rng.uniform(*self.hold))
                    if leave.is_set():
                        return
                    if self.rng.random() < 0.5:
                        tally.left += 1
                        return  # leaving the page closes its websocket
                    await _send(ws, {"type": "unlogs", "id": log_id})
                    tally.stopped += 1
            finally:
                reader.cancel()


async def _acknowledge(
    ws: aiohttp.ClientWebSocketResponse, inbox: asyncio.Queue, tally: FollowTally
) -> None:
    async for frame in ws:
        message = orjson.loads(frame.data)
        await _send(ws, {"type": "ack", "seq": message["seq"]})
        if message["type"] == "log":
            tally.lines += len(message["lines"])
        inbox.put_nowait(message)
    inbox.put_nowait({"type": "closed", "id": None})


async def _first_lines(inbox: asyncio.Queue, log_id: str, tally: FollowTally, what: str) -> bool:
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while True:
        try:
            message = await asyncio.wait_for(inbox.get(), deadline - time.monotonic())
        except TimeoutError:
            tally.error(f"{what}: no lines within {ANSWER_TIMEOUT:.0f} s")
            return False
        if message["type"] == "closed":
            tally.error(f"{what}: the server closed the websocket")
            return False
        if message.get("id") != log_id:
            continue  # a follow stopped earlier, or the cluster's status
        if message["type"] == "error":
            tally.error(f"{what}: {message['message']}")
            return False
        if message["type"] == "log" and message["lines"]:
            return True


# ---- the server's health and memory ----------------------------------------------------------


class HealthPoller:
    """GET /healthz every `interval` seconds on a thread of its own (so that a busy event loop in
    the caller's process does not count), keeping how long each answer took and each failure."""

    def __init__(self, base_url: str, interval: float = 0.1, timeout: float = 30.0) -> None:
        self.url = base_url + "/healthz"
        self.interval = interval
        self.timeout = timeout
        self.times: list[float] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="healthz", daemon=True)

    def __enter__(self) -> HealthPoller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(self.timeout + 5)

    @property
    def worst(self) -> float:
        return max(self.times, default=0.0)

    def _poll(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=self.timeout) as answer:  # noqa: S310
                    answer.read()
                self.times.append(time.monotonic() - started)
            except OSError as error:
                self.failures.append(repr(error)[:200])
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))


def rss_mib(pid: int) -> float:
    """A process's resident memory now, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise LookupError(f"no VmRSS for process {pid}")


class MemoryWatch:
    """A process's resident memory, sampled every `interval` seconds while entered:
    `start`, `end` and `peak` (MiB)."""

    def __init__(self, pid: int, interval: float = 1.0) -> None:
        self.pid = pid
        self.interval = interval
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="rss", daemon=True)

    def __enter__(self) -> MemoryWatch:
        self.samples.append(rss_mib(self.pid))
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.samples.append(rss_mib(self.pid))

    @property
    def start(self) -> float:
        return self.samples[0]

    @property
    def end(self) -> float:
        return self.samples[-1]

    @property
    def peak(self) -> float:
        return max(self.samples)

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            with contextlib.suppress(OSError, LookupError):
                self.samples.append(rss_mib(self.pid))
