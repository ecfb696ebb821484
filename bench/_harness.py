"""What the benchmarks share: the app's heap settings (two malloc arenas); a command line of
whole-number options (`--pods 110`); for those that run the project's processes (the API server,
`manage.py serve`, kubectl, websocket clients): starting and stopping them, the app's login,
kubectl's watch as the peer, the latency of a change to the overview's delta, percentiles and
the machine."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
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
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the benchmarks import explorer and tests helpers

from explorer.lib.heap import tune_heap  # noqa: E402
from tests.processes import free_port  # noqa: E402

# A bench that lists a cluster in its own process holds its C heap as every process of the app
# does (Django's app registry does it there, explorer/runtime/apps.py): before any thread starts.
tune_heap()

PYTHON = sys.executable
KUBECTL = str(Path(sys.executable).with_name("kubectl"))
MANAGE = str(ROOT / "manage.py")
APPLIED_AT = "bench.explorer/applied-at"  # explorer.demo.readiness_flips.APPLIED_AT

__all__ = ["free_port"]


def arguments(description: str, **defaults: int) -> argparse.Namespace:
    """The parsed command line: one integer option per default (`pods_per_node` is
    `--pods-per-node`)."""
    parser = argparse.ArgumentParser(description=description)
    for name, default in defaults.items():
        parser.add_argument("--" + name.replace("_", "-"), type=int, default=default)
    return parser.parse_args()


def stack_parser(description: str, clients: int, warmup: float) -> argparse.ArgumentParser:
    """The options of a benchmark that runs a `Stack` and clients (`stack_main` reads them)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--pods-per-node", type=int, default=30)
    parser.add_argument("--rate", type=float, default=200, help="pod changes a second")
    parser.add_argument("--clients", type=int, default=clients, help="websocket tabs")
    parser.add_argument("--warmup", type=float, default=warmup, help="seconds before measuring")
    parser.add_argument("--logs", metavar="DIR", help="keep the processes' logs here")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the app with py-spy while measuring (collapsed stacks in the --logs dir)",
    )
    parser.add_argument("--run-clients", nargs=4, help=argparse.SUPPRESS)
    return parser


def stack_main(
    parser: argparse.ArgumentParser,
    run: Callable[[argparse.Namespace, Path, Path], str],
    **processes: Callable[..., Coroutine],
) -> None:
    """Parse the command line; be a clients' process (`--run-clients`, or the flag of one of
    `processes`, e.g. `run_followers=...` for --run-followers), or run the benchmark —
    `run(args, scratch directory, logs directory)` — and print its report."""
    args = parser.parse_args()
    for name, process in {"run_clients": run_clients, **processes}.items():
        if getattr(args, name):
            asyncio.run(process(*getattr(args, name)))
            return
    if args.nodes / args.rate < 2:
        raise SystemExit("nodes / rate must be >= 2 s, so that a node changes once per delta")
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(args.logs or tmp)
        logs.mkdir(parents=True, exist_ok=True)
        report = run(args, Path(tmp), logs)
    print(report)


# ---- the API server --------------------------------------------------------------------------


def timed(
    argv: list[str], env: dict[str, str], stdout: IO | int = subprocess.DEVNULL
) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process run to completion."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout, env=env, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} failed with exit code {proc.returncode}")
    return elapsed, usage.ru_maxrss * 1024


def serve_demo(nodes: int, pods_per_node: int) -> tuple[subprocess.Popen, str]:
    """The demo, not churning, served by the project's API server in a process of its own:
    (the process, its URL). Wait for it with `wait_for`, end it with `stop`."""
    port = free_port()
    argv = [PYTHON, MANAGE, "apiserver", "--demo", "--port", str(port)]
    argv += ["--nodes", str(nodes), "--pods-per-node", str(pods_per_node), "--churn-interval", "0"]
    server = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"


def wait_for(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/version", timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the API server at {url} did not answer within {timeout:.0f}s")


def kubeconfig_for(url: str, directory: str) -> str:
    path = os.path.join(directory, "kubeconfig")
    Path(path).write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: bench\n"
        f"clusters: [{{name: bench, cluster: {{server: '{url}'}}}}]\n"
        "users: [{name: bench, user: {token: bench}}]\n"
        "contexts: [{name: bench, context: {cluster: bench, user: bench}}]\n"
    )
    return path


# ---- child processes -------------------------------------------------------------------------


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
    """CPU time (user + system) a running process has used so far (NaN once it has ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except FileNotFoundError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---- the app ---------------------------------------------------------------------------------


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


@dataclass
class Change:
    node: str
    applied: float  # the stamp: when the API server applied it
    printed: float  # when kubectl printed it


KUBECTL_WATCH = (KUBECTL, "get", "pods", "-A", "--watch-only", "-o", "json")


@dataclass
class KubectlWatch:
    """`kubectl get pods -A --watch-only -o json`, its output parsed as it comes; started again
    when it exits (an API server ends the watch of a reader that falls behind, as kube-apiserver
    does, and kubectl then exits): `restarts` counts those."""

    stack: Stack
    process: subprocess.Popen
    changes: list[Change] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)
    restarts: int = 0
    stopping: bool = False

    def read(self) -> None:
        while True:
            self._read(self.process)
            if self.stopping:
                return
            self.restarts += 1
            self.process = self.stack.start(*KUBECTL_WATCH, stdout=subprocess.PIPE)

    def _read(self, process: subprocess.Popen) -> None:
        lines: list[bytes] = []
        for line in process.stdout:  # type: ignore[union-attr]
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


@dataclass
class Stack:
    """The processes of a streaming benchmark, against one API server: the project's API server
    serving the demo (`nodes` x `pods_per_node`) and flipping the readiness of `rate` pods a
    second, each change stamped (`manage.py apiserver --churn-rate`); the app as `make run`
    serves it (`manage.py serve`) watching it, with a logged-in session; and the peer,
    `kubectl get pods -A --watch-only -o json`. Stop them all with `close`."""

    api_url: str
    app_port: int
    env: dict[str, str]
    err: IO
    session: str = ""
    apiserver: subprocess.Popen | None = None
    app: subprocess.Popen | None = None
    kubectl: KubectlWatch | None = None
    children: list[subprocess.Popen] = field(default_factory=list)
    figures: dict[str, tuple[float, float]] = field(default_factory=dict)  # peak MiB, CPU s

    @property
    def app_url(self) -> str:
        return f"http://127.0.0.1:{self.app_port}"

    def start(self, *argv: str, **kwargs: Any) -> subprocess.Popen:
        child = start(list(argv), self.env, self.err, **kwargs)
        self.children.append(child)
        return child

    def close(self) -> None:
        """Stop every child, the peer and the app first; keep their peak memory and CPU."""
        if self.kubectl is not None:
            self.kubectl.stopping = True
        named = {"kubectl": self.kubectl.process if self.kubectl else None, "app": self.app}
        named["apiserver"] = self.apiserver
        for name, child in named.items():
            if child is not None and child.returncode is None:
                self.figures[name] = stop(child)
        for child in reversed(self.children):
            if child.returncode is None:
                stop(child, timeout=10)
        self.err.close()


def start_stack(nodes: int, pods_per_node: int, rate: float, tmp: Path, logs: Path) -> Stack:
    """Start the API server, the app and kubectl's watch; return once the app answers and
    kubectl has printed a change. On failure, what was started is stopped."""
    api_port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "EXPLORER_DEMO")}
    stack = Stack(f"http://127.0.0.1:{api_port}", free_port(), env, (logs / "stderr.log").open("a"))
    env.update(
        KUBECONFIG=kubeconfig_for(stack.api_url, str(tmp)),
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        EXPLORER_LOG_LEVEL="WARNING",
    )
    try:
        stack.apiserver = stack.start(
            *(PYTHON, MANAGE, "apiserver", "--demo", "--port", str(api_port)),
            *("--nodes", str(nodes), "--pods-per-node", str(pods_per_node)),
            *("--churn-interval", "0", "--churn-rate", str(rate)),
            stdout=subprocess.DEVNULL,
        )
        stack.session = login_session(env)
        wait_for(stack.api_url, timeout=600)
        serve = (PYTHON, MANAGE, "serve", "--port", str(stack.app_port))
        stack.app = stack.start(*serve, stdout=subprocess.DEVNULL)
        watch = stack.start(*KUBECTL_WATCH, stdout=subprocess.PIPE)
        stack.kubectl = KubectlWatch(stack, watch)
        threading.Thread(target=stack.kubectl.read, daemon=True).start()
        wait_healthy(stack.app_port, stack.app, timeout=300)
        if not stack.kubectl.started.wait(300):
            raise SystemExit("kubectl printed no change within 300s")
    except BaseException:
        stack.close()
        raise
    return stack


# ---- websocket clients in a process of their own ---------------------------------------------


def start_clients(
    stack: Stack, script: str, plan: Any, out: Path, flag: str = "--run-clients"
) -> subprocess.Popen:
    """`python SCRIPT FLAG PORT SESSION PLAN OUT`, a process of websocket clients on the stack's
    app (`run_clients` for the flag --run-clients: one tab per page of `plan`, a list of `Page`);
    returns once it says READY. `plan` goes to it as JSON; it writes what it found to `out` when
    `stop_clients` closes its stdin."""
    plan_file = out.with_suffix(".plan.json")
    plan_file.write_bytes(orjson.dumps(plan))
    argv = [PYTHON, script, flag, str(stack.app_port), stack.session, str(plan_file), str(out)]
    clients = stack.start(*argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if clients.stdout.readline().strip() != "READY":  # type: ignore[union-attr]
        raise SystemExit(f"{flag}: the clients did not start; see the log")
    return clients


async def until_stdin_closes() -> None:
    """A clients' process: say READY, then wait for the bench to close our stdin."""
    print("READY", flush=True)
    await asyncio.to_thread(sys.stdin.read)


async def run_clients(port: str, session: str, plan: str, out: str) -> None:
    """The clients' process: a tab per page of the plan, on the demo cluster the app watches
    (its kubeconfig context is `bench`); READY once all have their models; each tab's UserLog
    is written to `out` when the bench closes our stdin."""
    from tests.load.crowd import Page, Tabs

    pages = [
        Page(p["name"], tuple((view, params) for view, params in p["views"]))
        for p in orjson.loads(Path(plan).read_bytes())
    ]
    tabs = Tabs(f"http://127.0.0.1:{port}", session, "bench", pages)
    try:
        await tabs.ready(timeout=600)
    except TimeoutError as error:
        raise SystemExit(f"clients not ready: {error}") from None
    await until_stdin_closes()
    await tabs.leave()
    Path(out).write_bytes(orjson.dumps(tabs.logs))


def stop_clients(clients: subprocess.Popen, out: Path) -> Any:
    """Stop a clients' process; what it wrote (JSON)."""
    clients.stdin.close()  # type: ignore[union-attr]
    clients.wait(90)
    return orjson.loads(out.read_bytes())


# ---- figures ---------------------------------------------------------------------------------


@dataclass
class Latencies:
    stamp: list[float] = field(default_factory=list)  # arrival minus the change's stamp
    after_kubectl: list[float] = field(default_factory=list)  # minus when kubectl printed it
    missed: int = 0  # (change, tab) pairs no message carried
    deltas: int = 0
    resyncs: int = 0


def overview_latencies(changes: list[Change], logs: list[list]) -> Latencies:
    """Per (change, overview tab): arrival of the first message after the change that changes the
    change's node, minus its stamp; and minus the time kubectl printed it (what the app adds to
    what any watcher of the same API server sees). `logs`: each tab's (arrival, nodes) list."""
    from tests.load.crowd import ALL_NODES

    found = Latencies()
    for log in logs:
        arrivals: dict[str, list[float]] = defaultdict(list)
        fulls: list[float] = []
        for arrived, nodes in log:
            if nodes == [ALL_NODES]:
                fulls.append(arrived)
                continue
            found.deltas += 1
            for node in nodes:
                arrivals[node].append(arrived)
        found.resyncs += max(len(fulls) - 1, 0)
        for change in changes:
            candidates = []
            for times in (arrivals.get(change.node, []), fulls):
                index = bisect_left(times, change.applied)
                if index < len(times):
                    candidates.append(times[index])
            if candidates:
                found.stamp.append(min(candidates) - change.applied)
                found.after_kubectl.append(min(candidates) - change.printed)
            else:
                found.missed += 1
    return found


def median_seconds(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The median wall seconds of `repeat` runs (a full collection before each) and the last
    run's result."""
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


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
