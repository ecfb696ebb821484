"""Benchmark: latency from an API server event to the websocket delta that carries it, against
`kubectl get pods -A --watch`.

Processes, all against one API server and measured in the same run:
  - the project's API server serving the demo (N nodes x M pods), flipping the readiness of
    --rate pods a second, one node after another, each change stamped with the time it was
    applied (`manage.py apiserver --churn-rate`, annotation bench.explorer/applied-at);
  - the app as `make run` serves it (`manage.py serve`: watcher, publisher, daphne) watching it;
  - --clients websocket clients (aiohttp, one process, logged in with a session cookie)
    subscribed to the overview, recording when each delta arrives and which nodes it changes;
  - the peer: `kubectl get pods -A --watch-only -o json`, recording when each event is printed.
A node's pods change once per round (nodes / rate seconds), so the first delta to change a
node's sector after a change to one of its pods is the one that carries it. Latency is that
delta's arrival minus the change's stamp, for every change applied during --duration seconds
(after --warmup) and every client. Prints median and p99 for both sides, the ratio explorer p99 /
kubectl p99, and the app's peak memory. Goal: explorer p99 <= 250 ms.
Usage: python bench/stream_latency.py [--nodes 1000] [--pods-per-node 30] [--rate 200]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
from cluster_state_load import KUBECTL, PYTHON, ROOT, free_port, kubeconfig_for, wait_for

APPLIED_AT = "bench.explorer/applied-at"  # explorer.demo.readiness_flips.APPLIED_AT
ALL_NODES = "*"  # a full model (a resync) carries every change made before it
MANAGE = str(ROOT / "manage.py")


# ---- the clients process ---------------------------------------------------------------------


async def one_client(url: str, headers: dict[str, str], log: list, ready: asyncio.Event) -> None:
    """Subscribe to the overview; log (arrival, nodes changed) for each full model and delta."""
    import aiohttp

    live = have_model = False
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(url, headers=headers, max_msg_size=0) as ws,
    ):
        subscribe = {"type": "subscribe", "id": "o", "view": "overview"}
        await ws.send_str(orjson.dumps({**subscribe, "params": {"cluster": "bench"}}).decode())
        async for frame in ws:
            arrived = time.time()
            message = orjson.loads(frame.data)
            await ws.send_str(orjson.dumps({"type": "ack", "seq": message["seq"]}).decode())
            kind = message["type"]
            if kind == "delta":
                nodes = {op["path"][1][5:] for op in message["ops"] if _node_path(op["path"])}
                log.append((arrived, sorted(nodes)))
            elif kind == "full":
                log.append((arrived, [ALL_NODES]))
                have_model = True
            elif kind == "status":
                live = message["state"] == "live"
            elif kind == "error":
                print(f"client error: {message['message']}", file=sys.stderr)
            if live and have_model:
                ready.set()


def _node_path(path: list[str]) -> bool:
    return len(path) >= 2 and path[0] == "sectors" and path[1].startswith("node/")


async def run_clients(port: int, session: str, count: int, out: str) -> None:
    url = f"ws://127.0.0.1:{port}/ws/"
    headers = {"Origin": f"http://127.0.0.1:{port}", "Cookie": f"sessionid={session}"}
    logs: list[list] = [[] for _ in range(count)]
    readies = [asyncio.Event() for _ in range(count)]
    tasks = [
        asyncio.ensure_future(one_client(url, headers, log, ready))
        for log, ready in zip(logs, readies, strict=True)
    ]
    all_ready = asyncio.ensure_future(asyncio.gather(*(r.wait() for r in readies)))
    await asyncio.wait([all_ready, *tasks], timeout=300, return_when=asyncio.FIRST_COMPLETED)
    if not all_ready.done():
        failed = next((t for t in tasks if t.done()), None)
        raise SystemExit(f"clients not ready: {failed.exception() if failed else 'timeout'}")
    print("READY", flush=True)
    await asyncio.to_thread(sys.stdin.read)  # the bench closes our stdin to stop us
    failed = [t for t in tasks if t.done() and t.exception()]
    for task in tasks:
        task.cancel()
    Path(out).write_bytes(orjson.dumps({"logs": logs, "failed": [repr(t) for t in failed]}))


# ---- the bench process -----------------------------------------------------------------------


@dataclass
class Change:
    node: str
    applied: float  # the stamp: when the API server applied it
    printed: float  # when kubectl printed it


@dataclass
class KubectlWatch:
    """`kubectl get pods -A --watch-only -o json`, its output parsed as it comes."""

    process: subprocess.Popen
    changes: list[Change] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)

    def read(self) -> None:
        lines: list[bytes] = []
        for line in self.process.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line != b"}\n":  # kubectl prints each object indented, closing at column 0
                continue
            printed = time.time()
            pod = orjson.loads(b"".join(lines))
            lines = []
            stamp = ((pod.get("metadata") or {}).get("annotations") or {}).get(APPLIED_AT)
            if stamp:
                self.changes.append(Change(pod["spec"].get("nodeName", ""), float(stamp), printed))
                self.started.set()


def start(argv: list[str], env: dict[str, str], log: IO, **kwargs: Any) -> subprocess.Popen:
    return subprocess.Popen(argv, cwd=ROOT, env=env, stderr=log, **kwargs)


def stop(process: subprocess.Popen, timeout: float = 30) -> tuple[float, float]:
    """Stop a child; its peak RSS (MiB) and CPU seconds."""
    with contextlib.suppress(ProcessLookupError):  # not poll(): it would reap the child
        os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
        time.sleep(0.1)
    process.kill()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def profile(pid: int, seconds: float, out: Path, env: dict[str, str], log: IO) -> None:
    """py-spy (pip install py-spy) samples every thread of `pid` for `seconds` in the background."""
    py_spy = str(Path(PYTHON).with_name("py-spy"))
    argv = [
        py_spy,
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(int(seconds)),
        "--threads",
        "--rate",
        "40",
    ]
    start([*argv, "--nonblocking", "--format", "raw", "--output", str(out)], env, log)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def login_session(env: dict[str, str]) -> str:
    """Migrate the app's fresh database and log a user in; the session key."""
    subprocess.run([PYTHON, MANAGE, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    code = (
        "import secrets; from django.contrib.auth import get_user_model; "
        "from django.test import Client; "
        "user = get_user_model().objects.create_user('bench', password=secrets.token_urlsafe()); "
        "client = Client(); client.force_login(user); print(client.cookies['sessionid'].value)"
    )
    done = subprocess.run(
        [PYTHON, MANAGE, "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def wait_healthy(port: int, app: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.poll() is not None:
            raise SystemExit("the app exited; see its log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the app did not answer within {timeout:.0f}s")


def explorer_latencies(
    changes: list[Change], logs: list[list]
) -> tuple[list[float], list[float], int, int, int]:
    """Per (change, client): arrival of the first message after the change that changes the
    change's node, minus its stamp; and minus the time kubectl printed it (what the app adds to
    what any watcher of the same API server sees). Also: changes never delivered, deltas,
    resyncs."""
    latencies: list[float] = []
    beyond: list[float] = []
    missed = deltas = resyncs = 0
    for log in logs:
        arrivals: dict[str, list[float]] = defaultdict(list)
        fulls: list[float] = []
        for arrived, nodes in log:
            if nodes == [ALL_NODES]:
                fulls.append(arrived)
                continue
            deltas += 1
            for node in nodes:
                arrivals[node].append(arrived)
        resyncs += max(len(fulls) - 1, 0)
        for change in changes:
            candidates = []
            for times in (arrivals.get(change.node, []), fulls):
                index = bisect_left(times, change.applied)
                if index < len(times):
                    candidates.append(times[index])
            if candidates:
                latencies.append(min(candidates) - change.applied)
                beyond.append(min(candidates) - change.printed)
            else:
                missed += 1
    return latencies, beyond, missed, deltas, resyncs


def percentiles(values: list[float]) -> tuple[float, float]:
    """Median and 99th percentile, in milliseconds."""
    return statistics.median(values) * 1000, statistics.quantiles(values, n=100)[98] * 1000


def machine() -> str:
    info = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next(
        (line.split(":", 1)[1].strip() for line in info.splitlines() if "Model name" in line), "?"
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} CPU {model}, {memory:.0f} GiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--pods-per-node", type=int, default=30)
    parser.add_argument("--rate", type=float, default=200, help="pod changes a second")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--warmup", type=float, default=10, help="seconds before measuring")
    parser.add_argument("--duration", type=float, default=30, help="seconds measured")
    parser.add_argument("--logs", metavar="DIR", help="keep the processes' logs here")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the app with py-spy while measuring (collapsed stacks in the --logs dir)",
    )
    parser.add_argument("--run-clients", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_clients:
        port, session, count, out = args.run_clients
        asyncio.run(run_clients(int(port), session, int(count), out))
        return
    if args.nodes / args.rate < 2:
        raise SystemExit("nodes / rate must be >= 2 s, so that a node changes once per delta")

    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(args.logs or tmp)
        logs.mkdir(parents=True, exist_ok=True)
        report = run(args, Path(tmp), logs)
    print(report)


def run(args: argparse.Namespace, tmp: Path, logs: Path) -> str:
    api_port, app_port = free_port(), free_port()
    url = f"http://127.0.0.1:{api_port}"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "EXPLORER_DEMO")}
    env.update(
        KUBECONFIG=kubeconfig_for(url, str(tmp)),
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        EXPLORER_LOG_LEVEL="WARNING",
    )
    err = (logs / "stderr.log").open("a")
    children: list[subprocess.Popen] = []
    figures: dict[str, tuple[float, float]] = {}
    try:
        apiserver = start(
            [
                *(PYTHON, MANAGE, "apiserver", "--demo", "--port", str(api_port)),
                *("--nodes", str(args.nodes), "--pods-per-node", str(args.pods_per_node)),
                *("--churn-interval", "0", "--churn-rate", str(args.rate)),
            ],
            env,
            err,
            stdout=subprocess.DEVNULL,
        )
        children.append(apiserver)
        session = login_session(env)
        wait_for(url, timeout=600)
        app = start(
            [PYTHON, MANAGE, "serve", "--port", str(app_port)], env, err, stdout=subprocess.DEVNULL
        )
        children.append(app)
        kubectl = KubectlWatch(
            start(
                [KUBECTL, "get", "pods", "-A", "--watch-only", "-o", "json"],
                env,
                err,
                stdout=subprocess.PIPE,
            )
        )
        children.append(kubectl.process)
        threading.Thread(target=kubectl.read, daemon=True).start()
        wait_healthy(app_port, app, timeout=300)
        out = tmp / "clients.json"
        clients = start(
            [
                PYTHON,
                __file__,
                "--run-clients",
                str(app_port),
                session,
                str(args.clients),
                str(out),
            ],
            env,
            err,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        children.append(clients)
        if clients.stdout.readline().strip() != "READY":  # type: ignore[union-attr]
            raise SystemExit("the clients did not get their models; see the log")
        if not kubectl.started.wait(300):
            raise SystemExit("kubectl printed no change within 300s")
        time.sleep(args.warmup)
        named = {
            "app": app,
            "API server": apiserver,
            "clients": clients,
            "kubectl": kubectl.process,
        }
        before = {name: cpu_seconds(p.pid) for name, p in named.items()}
        begin = time.time()
        if args.profile:
            profile(app.pid, args.duration, logs / "app.pyspy.txt", env, err)
        time.sleep(args.duration)
        end = time.time()
        busy = {
            name: (cpu_seconds(p.pid) - before[name]) / (end - begin) for name, p in named.items()
        }
        time.sleep(5)  # let the last changes arrive
        clients.stdin.close()  # type: ignore[union-attr]
        clients.wait(60)
        figures["kubectl"] = stop(kubectl.process)
        figures["app"] = stop(app)
        figures["apiserver"] = stop(apiserver)
    finally:
        for child in reversed(children):
            if child.returncode is None:
                stop(child, timeout=10)
        err.close()

    result = orjson.loads(out.read_bytes())
    changes = [c for c in kubectl.changes if begin <= c.applied < end]
    if not changes:
        raise SystemExit("no change was applied while measuring")
    ours, beyond, missed, deltas, resyncs = explorer_latencies(changes, result["logs"])
    theirs = [c.printed - c.applied for c in changes]
    our_median, our_p99 = percentiles(ours)
    their_median, their_p99 = percentiles(theirs)
    beyond_median, beyond_p99 = percentiles(beyond)
    app_mb, app_cpu = figures["app"]
    lines = [
        f"machine: {machine()}",
        f"demo: {args.nodes} nodes x {args.pods_per_node} pods/node; {len(changes)} pod changes"
        f" in {args.duration:.0f} s ({len(changes) / args.duration:.0f}/s);"
        f" {args.clients} clients on the overview",
        f"explorer overview delta : median {our_median:6.0f} ms  p99 {our_p99:6.0f} ms"
        f"  ({len(ours)} samples, {missed} missed, {deltas} deltas, {resyncs} resyncs)",
        f"kubectl get pods --watch: median {their_median:6.0f} ms  p99 {their_p99:6.0f} ms",
        f"explorer after kubectl printed the same change: median {beyond_median:6.0f} ms"
        f"  p99 {beyond_p99:6.0f} ms",
        f"ratio explorer p99 / kubectl p99: {our_p99 / their_p99:.2f}"
        "  (goal: explorer p99 <= 250 ms)",
        f"app (manage.py serve) peak RSS {app_mb:.0f} MiB, CPU {app_cpu:.0f} s;"
        f" API server peak RSS {figures['apiserver'][0]:.0f} MiB;"
        f" kubectl peak RSS {figures['kubectl'][0]:.0f} MiB",
    ]
    lines.append(
        "CPU while measuring (cores): "
        + ", ".join(f"{n} {c:.2f}" for n, c in busy.items())
        + f"; machine load average after: {os.getloadavg()[0]:.1f}"
    )
    if result["failed"]:
        lines.append(f"clients that failed: {result['failed']}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
