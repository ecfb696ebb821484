"""Benchmark: the app at Kubernetes' limits (issue 14) — 5,000 nodes, ~165,000 pods — as a user
meets it, against kubectl on the same API server, in one run.

Processes (bench/_harness.py): the project's API server serving the demo (`--nodes` x
`--pods-per-node`, no churn), then in turn:
  1. peers: `kubectl get pods -A` (the table) timed, and `kubectl get pods -A -o json` for its
     peak RSS, under an address-space cap (--kubectl-gib): at this size it needs more memory than
     the machine can spare, so it is stopped at the cap, which the report says;
  2. `manage.py serve` (its own process, sqlite DB and EXPLORER_STATE_DIR in a temp dir, KUBECONFIG
     to the API server): initial sync — the process's start to the first websocket `status` of
     the cluster saying "live" (every kind listed: the state holds every pod) — against the
     kubectl table; then Chromium (Playwright, /usr/bin/chromium) logged in as a user made with
     `createsuperuser --noinput`, timing navigation to a drawn chart for the overview, workloads,
     a node and the events, and to the results of find; the largest websocket frame and the
     largest message (`part` frames joined, explorer/streaming/message_parts.py) Chromium
     received; the overview, workloads, events and find pages kept open, the API server then
     flips --churn-rate pods' readiness a second (`--churn-on-signal`, SIGCONT) while the
     overview's tab times how late a 50 ms timer fires for --churn-seconds (its main thread's
     lag, goal p99 <= 100 ms) and a node page is opened, then as long again with the other kept
     pages in the background (no animation frames: what a browser does to tabs not shown, where
     headless counts every page as shown), then as long again with the workloads page in front
     and the others behind; then serve's peak RSS (VmHWM) and that
     per pod, and its resident size (VmRSS), the kept pages still open;
  3. in this process, `serve` stopped: the served cluster listed into a ClusterState as the
     app's watcher lists it (bench/headroom.py `listed`) — the resident size it added, per pod,
     is the state's bytes a pod (goal <= 4 KB) — then each main view's cold build
     (a fresh memo, median of --repeat) and, after one pod change, its `update` where it has
     one (else a rebuild with the memo kept, as the publisher does), and its model's size.
Prints the figures, the ratios to the peers and to the issue's goals. Usage:
  python bench/scale_5000.py [--nodes 5000] [--pods-per-node 30] [--repeat 3] [--kubectl-gib 6]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import orjson
from _harness import (
    KUBECTL,
    MANAGE,
    PYTHON,
    ROOT,
    free_port,
    kubeconfig_for,
    login_session,
    machine,
    median_seconds,
    start,
    stop,
    timed,
    wait_for,
)
from headroom import listed, one_pod_changed

from explorer.viewmodels.registry import get_view
from teamkit.browser import CHROMIUM, CHROMIUM_ARGS
from tests.browser.app import PASSWORD, USERNAME, app_env
from tests.load.crowd import headers_for, ws_url

CLUSTER = "bench"  # the context of kubeconfig_for's file
SYNC_GOAL, BUILD_GOAL, UPDATE_GOAL, FIND_GOAL, DRAW_GOAL = 0.3, 3.0, 0.3, 0.2, 3.0
STATE_GOAL = 4096  # resident bytes a pod for the watched state
LAG_GOAL = 0.1  # a page answers input within 100 ms (RAIL): its main thread's p99 lag
GIB = 2**30
DRAW_TIMEOUT = 180  # seconds a page may take to draw before it counts as not drawn


# ---- the peers -------------------------------------------------------------------------------


def kubectl_json_capped(env: dict[str, str], cap_gib: float) -> tuple[float, float, str]:
    """`kubectl get pods -A -o json` with its address space capped: seconds, peak RSS (GiB) and
    how it ended ("done", or why it stopped)."""
    cap = int(cap_gib * GIB)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    argv = [KUBECTL, "get", "pods", "-A", "-o", "json"]
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, preexec_fn=limit
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    errors = proc.stderr.read().decode(errors="replace")  # type: ignore[union-attr]
    ended = "done" if code == 0 else f"exit {code}: " + (errors.strip().splitlines() or [""])[0]
    return seconds, usage.ru_maxrss * 1024 / GIB, ended[:120]


def kubectl_table(env: dict[str, str], tmp: Path) -> tuple[float, int]:
    """`kubectl get pods -A` (the table): seconds, and the pods it listed."""
    out = tmp / "pods.txt"
    with out.open("wb") as sink:
        seconds, _ = timed([KUBECTL, "get", "pods", "-A"], env, stdout=sink)
    with out.open("rb") as lines:
        return seconds, sum(1 for _ in lines) - 1


# ---- serve -----------------------------------------------------------------------------------


async def until_live(base_url: str, session: str, timeout: float) -> float:
    """Connect a websocket as soon as the app takes one, subscribe to the overview, and return
    the wall time (time.time) of the first status saying the cluster is live."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                ws = await http.ws_connect(
                    ws_url(base_url), headers=headers_for(base_url, session), max_msg_size=0
                )
            except (aiohttp.ClientError, OSError):
                await asyncio.sleep(0.2)
                continue
            async with ws:
                subscribe = {"type": "subscribe", "id": "s1", "view": "overview"}
                await ws.send_str(
                    orjson.dumps({**subscribe, "params": {"cluster": CLUSTER}}).decode()
                )
                async for frame in ws:
                    message = orjson.loads(frame.data)
                    await ws.send_str(orjson.dumps({"type": "ack", "seq": message["seq"]}).decode())
                    if message.get("type") == "status" and message.get("state") == "live":
                        return time.time()
                    if time.monotonic() > deadline:
                        break
    raise SystemExit(f"the cluster was not live within {timeout:.0f}s")


def vm_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


@dataclass
class Frames:
    """What Chromium's websockets received: the largest frame, and the largest message once
    its `part` frames are joined (bytes)."""

    largest_frame: int = 0
    largest_message: int = 0
    parted: int = 0  # messages that came in parts
    counts: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # frames a socket
    parts: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(list))

    def received(self, socket: int, payload: str | bytes) -> None:
        size = len(payload.encode() if isinstance(payload, str) else payload)
        self.counts[socket] += 1
        self.largest_frame = max(self.largest_frame, size)
        if isinstance(payload, str) and payload.startswith('{"type":"part"'):
            part = orjson.loads(payload)
            pieces = self.parts[(socket, part["seq"])]
            pieces.append(len(part["text"].encode()))
            if len(pieces) == part["parts"]:
                self.parted += 1
                self.largest_message = max(self.largest_message, sum(pieces))
                del self.parts[(socket, part["seq"])]
        else:
            self.largest_message = max(self.largest_message, size)


def first_node(api_url: str) -> str:
    """A worker node (the first listed is the control plane)."""
    with urllib.request.urlopen(f"{api_url}/api/v1/nodes?limit=2", timeout=60) as answer:  # noqa: S310 (loopback)
        return orjson.loads(answer.read())["items"][-1]["metadata"]["name"]


PAGES_KEPT_OPEN = ("overview", "workloads", "events", "find")  # the memory goal's pages

# Run in the overview's tab while the flips arrive: how late a 50 ms timer fires (the main
# thread's lag, what a click would wait), and the long tasks (> 50 ms) Chromium reports.
LAG_SCRIPT = """async (seconds) => {
  let longTasks = 0, longMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) { longTasks += 1; longMs += entry.duration; }
  });
  observer.observe({ entryTypes: ["longtask"] });
  const period = 50, lags = [];
  let last = performance.now();
  const end = last + seconds * 1000;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      lags.push(Math.max(0, now - last - period));
      last = now;
      if (now > end) { clearInterval(timer); resolve(); }
    }, period);
  });
  observer.disconnect();
  lags.sort((a, b) => a - b);
  const at = (q) => lags[Math.min(lags.length - 1, Math.floor(lags.length * q))];
  return { p50: at(0.5), p99: at(0.99), max: lags[lags.length - 1], longTasks, longMs };
}"""


# What a tab in the background is to the page: its animation frames wait until it is shown
# again (the models still follow the deltas; static/js/live.js `paced` draws the latest then).
IN_THE_BACKGROUND = """() => {
  if (window.benchHidden) return;
  window.benchHidden = { shown: window.requestAnimationFrame, waiting: [] };
  window.requestAnimationFrame = (frame) => { window.benchHidden.waiting.push(frame); return 0; };
}"""
IN_FRONT = """() => {
  const hidden = window.benchHidden;
  if (!hidden) return;
  window.benchHidden = null;
  window.requestAnimationFrame = hidden.shown;
  for (const frame of hidden.waiting) window.requestAnimationFrame(frame);
}"""


@dataclass
class UnderChurn:
    """The overview's tab while --churn-rate flips a second arrive, every kept page open."""

    seconds: float = 0.0
    lag: dict[str, float] = field(default_factory=dict)  # p50, p99, max (ms), long tasks
    # then the same with the other kept tabs in the background, as a browser keeps them
    lag_in_front: dict[str, float] = field(default_factory=dict)
    workloads_in_front: dict[str, float] = field(default_factory=dict)  # its tab, likewise
    frames: int = 0  # websocket frames the overview's tab received meanwhile
    node_drawn: float = float("nan")  # a node page opened meanwhile, to its drawn bars


def page_draws(
    app_url: str,
    node: str,
    frames: Frames,
    *,
    churn: Callable[[], None],
    seconds: float,
    measure: Callable[[], None],
) -> tuple[dict[str, float], UnderChurn]:
    """Seconds from navigation to a drawn chart (to the results, for find) on each page; the
    overview, workloads, events and find pages stay open. Then `churn()` starts the flips and
    the overview's tab is watched for `seconds`, a node page opened meanwhile; `measure()` is
    called after that, every kept page still open."""
    from playwright.sync_api import sync_playwright

    pages = {
        "overview": (f"/?cluster={CLUSTER}", "#overview[data-drawn='1']"),
        "workloads": (f"/workloads/?cluster={CLUSTER}", "#hierarchy[data-drawn='1']"),
        "node": (f"/nodes/{node}?cluster={CLUSTER}", "#node-bars .barlayer .trace"),
        "events": (f"/events/?cluster={CLUSTER}", "#events-timeline .scatterlayer .trace"),
        "find": (f"/search?cluster={CLUSTER}&q=api", "#search-results a"),
    }
    drawn: dict[str, float] = {}
    under = UnderChurn(seconds=seconds)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=app_url, viewport={"width": 1400, "height": 900})
        context.set_default_timeout(DRAW_TIMEOUT * 1000)
        login = context.new_page()
        login.goto("/login/")
        login.fill("#id_username", USERNAME)
        login.fill("#id_password", PASSWORD)
        login.click("button[type=submit]")
        login.wait_for_url("**/")
        login.close()
        kept = {}
        for name, (path, selector) in pages.items():
            page = context.new_page()
            _record_frames(page, frames, socket=len(drawn))
            drawn[name] = _seconds_to(page, path, selector)
            if name in PAGES_KEPT_OPEN:
                kept[name] = page
            else:
                page.close()
        overview = kept["overview"]
        socket = list(pages).index("overview")
        counted = frames.counts[socket]
        churn()
        overview.evaluate(f"(s) => {{ window.benchLag = ({LAG_SCRIPT})(s); }}", seconds)
        node_page = context.new_page()
        under.node_drawn = _seconds_to(node_page, *pages["node"])
        under.lag = overview.evaluate("() => window.benchLag")  # awaits the watch's end
        under.frames = frames.counts[socket] - counted
        node_page.close()
        # A browser runs no animation frame in a tab that is not shown, so a user's other
        # tabs draw nothing while they look at one (every headless page counts as shown):
        for page in kept.values():
            if page is not overview:
                page.evaluate(IN_THE_BACKGROUND)
        under.lag_in_front = overview.evaluate(f"(s) => ({LAG_SCRIPT})(s)", seconds)
        workloads = kept["workloads"]  # then the workloads page in front, the others behind
        overview.evaluate(IN_THE_BACKGROUND)
        workloads.evaluate(IN_FRONT)
        under.workloads_in_front = workloads.evaluate(f"(s) => ({LAG_SCRIPT})(s)", seconds)
        measure()
        browser.close()
    return drawn, under


def _record_frames(page, frames: Frames, socket: int) -> None:
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda payload: frames.received(socket, payload)),
    )


def _seconds_to(page, path: str, selector: str) -> float:
    """Seconds from navigating `page` to `path` until `selector` is there (nan: not in time)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    started = time.perf_counter()
    try:
        page.goto(path)
        page.wait_for_selector(selector, state="attached")
    except PlaywrightTimeout:
        return float("nan")
    return time.perf_counter() - started


@dataclass
class Served:
    sync: float = 0.0
    peak_kib: int = 0
    resident_kib: int = 0  # after the pages, the kept ones still open
    draws: dict[str, float] = field(default_factory=dict)
    under_churn: UnderChurn = field(default_factory=UnderChurn)
    frames: Frames = field(default_factory=Frames)


def serve_side(
    api: subprocess.Popen, args, node: str, kubeconfig: str, tmp: Path, logs: Path
) -> Served:
    """serve's sync, the pages drawn in Chromium, then the flips started (SIGCONT to the API
    server, `--churn-on-signal`) and serve's memory read with the kept pages open."""
    workdir = tmp / "app"
    (workdir / "state").mkdir(parents=True)
    port = free_port()
    env = app_env(workdir, Path(kubeconfig), port)
    env.pop("EXPLORER_NODE_ACCESS")  # the default: no privileged node access
    env["EXPLORER_LOG_LEVEL"] = "WARNING"
    session = login_session(env)  # migrates; the websocket probe's user
    subprocess.run(
        [
            PYTHON,
            MANAGE,
            "createsuperuser",
            "--noinput",
            "--username",
            USERNAME,
            "--email",
            "b@x.invalid",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        check=True,
        capture_output=True,
    )
    served = Served()
    with (logs / "serve.log").open("ab") as log:
        started = time.time()
        app = start([PYTHON, MANAGE, "serve", "--port", str(port)], env, log, stdout=log)
        try:
            app_url = f"http://127.0.0.1:{port}"
            served.sync = asyncio.run(until_live(app_url, session, timeout=1800)) - started
            print(f"serve: live after {served.sync:.1f} s", flush=True)

            def measure() -> None:
                served.peak_kib = vm_kib(app.pid, "VmHWM")
                served.resident_kib = vm_kib(app.pid, "VmRSS")

            served.draws, served.under_churn = page_draws(
                app_url,
                node,
                served.frames,
                churn=lambda: api.send_signal(signal.SIGCONT),
                seconds=args.churn_seconds,
                measure=measure,
            )
        finally:
            stop(app)
    return served


# ---- the views, in this process --------------------------------------------------------------


def view_params(node: str) -> dict[str, dict[str, str]]:
    params = {
        "overview": {},
        "hierarchy": {"namespace": "*", "size": "count"},
        "events": {"namespace": "*", "object": "*"},
        "search": {"q": "api"},
        "node": {"name": node},
        "headroom": {},
        "storage": {},
        "scheduling-history": {},
        # a pending pod's page: kube-scheduler's cycle for it over every node and bound pod
        "scheduling": {"namespace": "default", "name": "train-llm", "node": "*"},
    }
    return {name: {"cluster": CLUSTER, **given} for name, given in params.items()}


def views_side(kubeconfig: str, node: str, repeat: int) -> tuple[dict[str, dict], int, float, int]:
    """Per view: cold build, update (or rebuild) after one pod change, model KiB; the pods
    listed, the seconds the listing took and the KiB this process grew by holding them."""
    gc.collect()
    before_kib = vm_kib(os.getpid(), "VmRSS")
    states, name, seconds = listed(kubeconfig)
    gc.collect()
    state_kib = vm_kib(os.getpid(), "VmRSS") - before_kib
    figures: dict[str, dict] = {}
    with states.read(name) as state:
        pods = state.count("Pod")
        memos = {}
        for view_name, params in view_params(node).items():
            view = get_view(view_name)
            cold, model = median_seconds(
                lambda v=view, p=params: v.build(state, p, v.memo()), repeat
            )
            memos[view_name] = view.memo()
            view.build(state, params, memos[view_name])
            figures[view_name] = {"cold": cold, "kib": len(orjson.dumps(model)) / 1024}
            print(f"  {view_name}: cold {cold:.3f} s", flush=True)
        change, changed = one_pod_changed(state)
        state.apply({"type": "MODIFIED", "object": changed}, "Pod")
        for view_name, params in view_params(node).items():
            view, memo = get_view(view_name), memos[view_name]
            if view.update is not None:
                again = lambda v=view, p=params, m=memo: v.update(state, p, m, [change])  # noqa: E731
                figures[view_name]["how"] = "update"
            else:
                again = lambda v=view, p=params, m=memo: v.build(state, p, m)  # noqa: E731
                figures[view_name]["how"] = "rebuild"
            figures[view_name]["update"], _ = median_seconds(again, repeat)
    return figures, pods, seconds, state_kib


# ---- the run ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--pods-per-node", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kubectl-gib", type=float, default=6, help="kubectl -o json's cap")
    parser.add_argument("--logs", metavar="DIR", help="keep the processes' logs here")
    parser.add_argument("--churn-rate", type=float, default=200, help="flips a second, at the end")
    parser.add_argument("--churn-seconds", type=float, default=20, help="how long they are watched")
    args = parser.parse_args()
    load_before = os.getloadavg()
    port = free_port()
    api_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        logs = Path(args.logs or tmp)
        logs.mkdir(parents=True, exist_ok=True)
        argv = [PYTHON, MANAGE, "apiserver", "--demo", "--port", str(port), "--churn-interval", "0"]
        argv += ["--churn-rate", str(args.churn_rate), "--churn-on-signal"]
        argv += ["--nodes", str(args.nodes), "--pods-per-node", str(args.pods_per_node)]
        with (logs / "apiserver.log").open("ab") as log:
            server = start(argv, dict(os.environ), log, stdout=subprocess.DEVNULL)
        try:
            started = time.perf_counter()
            wait_for(api_url, timeout=3600)
            print(f"API server up in {time.perf_counter() - started:.0f} s", flush=True)
            kubeconfig = kubeconfig_for(api_url, scratch)
            env = {**os.environ, "KUBECONFIG": kubeconfig}
            table_s, table_pods = kubectl_table(env, tmp)
            print(f"kubectl get pods -A: {table_s:.1f} s, {table_pods:,} pods", flush=True)
            json_s, json_gib, json_end = kubectl_json_capped(env, args.kubectl_gib)
            print(f"kubectl -o json: {json_s:.1f} s, {json_gib:.2f} GiB, {json_end}", flush=True)
            node = first_node(api_url)
            served = serve_side(server, args, node, kubeconfig, tmp, logs)
            views, pods, listed_s, state_kib = views_side(kubeconfig, node, args.repeat)
        finally:
            stop(server, timeout=60)
    load_after = os.getloadavg()
    peers = Peers(table_s, table_pods, json_s, json_gib, json_end, args.kubectl_gib)
    listing = Listing(listed_s, state_kib)
    print(report(args, (load_before, load_after), pods, peers, served, views, listing))


@dataclass
class Listing:
    """The bench's own listing of the cluster: its seconds, and the resident KiB it added."""

    seconds: float
    state_kib: int


@dataclass
class Peers:
    table_s: float
    table_pods: int
    json_s: float
    json_gib: float
    json_end: str
    cap_gib: float


def ratio(value: float, goal: float) -> str:
    return f"{value / goal:.2f}x the {goal:g} s goal"


def report(args, loads, pods, peers: Peers, served: Served, views, listing: Listing) -> str:
    """The figures, each beside its peer or goal."""
    before, after = ("/".join(f"{x:.1f}" for x in load) for load in loads)
    lines = [
        f"machine: {machine()}, Python {sys.version.split()[0]}; load average (1/5/15 min) "
        f"{before} before, {after} after",
        f"demo: {args.nodes:,} nodes x {args.pods_per_node}: {pods:,} pods "
        f"({peers.table_pods:,} rows in kubectl's table)",
        f"sync: serve live after {served.sync:.1f} s; kubectl get pods -A {peers.table_s:.1f} s; "
        f"ratio {served.sync / peers.table_s:.2f} (goal <= {SYNC_GOAL})",
    ]
    peak_gib = served.peak_kib * 1024 / GIB
    if peers.json_end == "done":
        peer = f"peak {peers.json_gib:.2f} GiB in {peers.json_s:.1f} s"
    else:
        peer = (
            f"stopped at its {peers.cap_gib:g} GiB address-space cap after {peers.json_s:.1f} s "
            f"({peers.json_end}), peak {peers.json_gib:.2f} GiB: a lower bound of its need"
        )
    lines += [
        f"memory: serve peak RSS (VmHWM) {peak_gib:.2f} GiB (goal <= 1.5), "
        f"{served.peak_kib / pods:.1f} KiB a pod; kubectl get pods -A -o json {peer}; "
        f"ratio serve/kubectl {peak_gib / peers.json_gib:.2f}; resident after the pages "
        f"{served.resident_kib * 1024 / GIB:.2f} GiB",
        f"in this process: the cluster listed into a ClusterState in {listing.seconds:.1f} s; "
        f"the state resident {listing.state_kib * 1024 / pods:,.0f} B a pod "
        f"({listing.state_kib * 1024 / pods / STATE_GOAL:.2f}x the {STATE_GOAL:,} B goal)",
    ]
    for name, figure in views.items():
        lines.append(
            f"view {name:<18} cold {figure['cold']:7.3f} s ({ratio(figure['cold'], BUILD_GOAL)}); "
            f"{figure['how']} {figure['update'] * 1000:8.1f} ms "
            f"({ratio(figure['update'], UPDATE_GOAL)}); model {figure['kib']:,.0f} KiB"
        )
    lines.append(f"find (the search view) cold: {ratio(views['search']['cold'], FIND_GOAL)}")
    for name, seconds in served.draws.items():
        lines.append(f"Chromium {name:<9} drawn in {seconds:6.2f} s ({ratio(seconds, DRAW_GOAL)})")
    under = served.under_churn
    lag = under.lag
    lines.append(
        f"Chromium under {args.churn_rate:g} flips/s for {under.seconds:g} s, the kept pages open: "
        f"the overview's main thread late by p50 {lag['p50']:.0f} ms, p99 {lag['p99']:.0f} ms, "
        f"max {lag['max']:.0f} ms ({ratio(lag['p99'] / 1000, LAG_GOAL)}); "
        f"{lag['longTasks']} long tasks, {lag['longMs'] / 1000:.2f} s in all; "
        f"{under.frames} frames received; a node page drawn meanwhile in {under.node_drawn:.2f} s "
        f"({ratio(under.node_drawn, DRAW_GOAL)})"
    )
    front = under.lag_in_front
    lines.append(
        f"  then {under.seconds:g} s more, the other kept pages in the background (no animation "
        f"frames, as a browser's hidden tabs): late by p50 {front['p50']:.0f} ms, p99 "
        f"{front['p99']:.0f} ms, max {front['max']:.0f} ms "
        f"({ratio(front['p99'] / 1000, LAG_GOAL)}); "
        f"{front['longTasks']} long tasks, {front['longMs'] / 1000:.2f} s in all"
    )
    front = under.workloads_in_front
    lines.append(
        f"  then {under.seconds:g} s more, the workloads page in front and the others behind: "
        f"its main thread late by p50 {front['p50']:.0f} ms, p99 {front['p99']:.0f} ms, max "
        f"{front['max']:.0f} ms ({ratio(front['p99'] / 1000, LAG_GOAL)}); "
        f"{front['longTasks']} long tasks, {front['longMs'] / 1000:.2f} s in all"
    )
    frames = served.frames
    lines.append(
        f"websocket (Chromium's): largest frame {frames.largest_frame:,} B, largest message "
        f"{frames.largest_message:,} B ({frames.parted} messages came in parts)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
