"""`manage.py apiserver`: serve the demo cluster (optionally churning) or a snapshot bundle as a
read-only Kubernetes API that kubectl and the official client can use.

Faults on signal, for the fault benchmark (bench/faults.py): SIGUSR1 cuts every open watch,
SIGUSR2 forgets the watch history (any older version now gets 410 Gone) and cuts every watch,
SIGHUP restarts the server (stops, forgets the history, listens again on the same port). Each
prints one line when done. With `--churn-rate N --churn-on-signal` the readiness flips start at
the first SIGCONT (bench/scale_5000.py starts them once its pages are drawn)."""

from __future__ import annotations

import gc
import queue
import signal
import threading
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from explorer.apiserver import ApiServer, ApiStore, Policy
from explorer.lib.events import DEFAULT_EVENT_TTL_SECONDS
from explorer.runtime.demo_cluster import churn_forever, demo_state
from explorer.state.cluster_state import ClusterState


def _demo_state(options: dict) -> ClusterState:
    return demo_state(
        nodes=options["nodes"],
        pods_per_node=options["pods_per_node"],
        services=options["services"],
        seed=options["seed"],
    )


def _bundle_state(path: str) -> ClusterState:
    from explorer.snapshots.bundle import read_bundle

    return read_bundle(path)


def _event_ttl(options: dict) -> float | None:
    ttl = options["event_ttl"]
    if ttl is None:
        ttl = DEFAULT_EVENT_TTL_SECONDS if options["demo"] else 0
    return float(ttl) or None


def _demo_churn(store: ApiStore, seed: int):
    try:
        from explorer.demo.churn import DemoChurn
    except ImportError as err:
        raise CommandError(f"--churn-interval needs the demo churn: {err}") from err
    return DemoChurn(store.state, seed=seed)


def _start_flips(store: ApiStore, rate: float, stop: threading.Event, on_signal: bool) -> None:
    from explorer.demo.readiness_flips import ReadinessFlips, flip_at_rate

    go = threading.Event()
    if on_signal:
        signal.signal(signal.SIGCONT, lambda _signum, _frame: go.set())
    else:
        go.set()

    def flip() -> None:
        while not go.wait(0.5):
            if stop.is_set():
                return
        flip_at_rate(store.apply, ReadinessFlips(store.state), rate, stop)

    threading.Thread(target=flip, name="readiness flips", daemon=True).start()


def _faults_on_signals(server: ApiServer, say) -> None:
    """SIGUSR1, SIGUSR2 and SIGHUP as the module says. The handler only queues the signal: the
    main thread it interrupts may hold the store's lock, which the fault needs."""
    received: queue.SimpleQueue[int] = queue.SimpleQueue()

    def act() -> None:
        while True:
            signum = received.get()
            if signum == signal.SIGUSR1:
                say(f"Dropped {server.drop_watches()} watches")
            elif signum == signal.SIGUSR2:
                server.store.compact()
                dropped = server.drop_watches()
                say(f"Compacted at {server.store.resource_version}; dropped {dropped} watches")
            elif signum == signal.SIGHUP:
                server.restart()
                say(f"Restarted at {server.url}, history compacted")

    threading.Thread(target=act, name="faults", daemon=True).start()
    for signum in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP):
        signal.signal(signum, lambda signum, _frame: received.put(signum))


class Command(BaseCommand):
    help = "Serve the demo cluster or a snapshot bundle as a read-only Kubernetes API."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--demo", action="store_true", help="serve the generated demo cluster")
        source.add_argument("--bundle", metavar="FILE", help="serve a snapshot bundle")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=6443, help="0 picks a free port")
        parser.add_argument("--nodes", type=int, default=3)
        parser.add_argument("--pods-per-node", type=int, default=None)
        parser.add_argument("--services", type=int, default=None)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--churn-interval",
            type=float,
            default=3.0,
            metavar="SECONDS",
            help="change the demo cluster every SECONDS (default 3; 0: never)",
        )
        parser.add_argument(
            "--churn-rate",
            type=float,
            default=0.0,
            metavar="N",
            help="also flip the readiness of N pods a second, one node after another, each stamped"
            " with the time applied (annotation bench.explorer/applied-at); for benchmarks",
        )
        parser.add_argument(
            "--churn-on-signal",
            action="store_true",
            help="start the --churn-rate flips at the first SIGCONT, not at once",
        )
        parser.add_argument(
            "--forbid",
            default="",
            metavar="RESOURCES",
            help="resources the anonymous user may not read, e.g. secrets,nodes",
        )
        parser.add_argument(
            "--history", type=int, default=20_000, help="events kept for watches to resume from"
        )
        parser.add_argument(
            "--event-ttl",
            type=float,
            default=None,
            metavar="SECONDS",
            help="delete an Event SECONDS after its last write, as kube-apiserver's --event-ttl"
            " (default: 3600 for the demo, 0 for a bundle; 0 keeps Events for ever)",
        )

    def handle(self, *args: object, **options: object) -> None:
        bundle = options["bundle"]
        state = _bundle_state(str(bundle)) if bundle else _demo_state(options)
        # The served objects live as long as the process: keep them out of every later full
        # collection, whose pauses (seconds at 30k pods) would stall all watches at once.
        gc.freeze()
        store = ApiStore(
            state, history_limit=int(options["history"]), event_ttl=_event_ttl(options)
        )
        interval = float(options["churn_interval"])
        churn = (
            _demo_churn(store, int(options["seed"])) if options["demo"] and interval > 0 else None
        )
        server = ApiServer(
            store,
            host=str(options["host"]),
            port=int(options["port"]),
            policy=Policy.from_text(str(options["forbid"])),
        )
        try:
            server.start()
        except OSError as err:
            raise CommandError(
                f"cannot listen on {options['host']}:{options['port']}: {err}"
            ) from err
        what = f"bundle {options['bundle']}" if options["bundle"] else "demo cluster"
        self.stdout.write(
            f"Serving the {what} ({len(state)} objects) at {server.url}"
            f" (kubectl --server {server.url})"
        )
        self.stdout.flush()
        _faults_on_signals(server, self._say)
        stop = threading.Event()
        rate = float(options["churn_rate"])
        if rate > 0 and options["demo"]:
            _start_flips(store, rate, stop, bool(options["churn_on_signal"]))
        try:
            if churn is not None:
                churn_forever(store, churn, interval, stop)
            else:
                while True:
                    time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            server.stop()

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
