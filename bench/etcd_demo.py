"""Benchmark: the demo at Kubernetes' own size kept in a real etcd as kube-apiserver keeps it,
listed and decoded by the explorer against etcdctl on the same etcd in the same run.

Builds the demo (`--nodes 5000 --pods-per-node 33`: about 165,000 pods; `--nodes 100` for a
quick run) and loads it into a private Debian etcd 3.4 (data on tmpfs, `--quota-backend-bytes`
raised) through the project's API server storage (explorer/apiserver/etcd_storage.py: its keys,
protobuf values, Event leases, Secrets encrypted, transactions under etcd's request limit).
Then, each side a fresh process, alternating, `--repeat` times (medians; peak RSS from wait4):
(a) keys: `EtcdClient.keys()` over /registry/, then the summary (key_listing.summarise) and the
    key space tree (key_space.listing_key_space), against `etcdctl get /registry --prefix
    --keys-only` into a pipe; for comparison, the listing as one range in pages (how keys()
    read before range_reads.py) and range by range with one reader;
(b) values: `EtcdClient.values()` with every value decoded (values.decode_value; Secrets are
    withheld by the client and never decoded), in process and in worker processes
    (decode_pool.py), and only read, against `etcdctl get /registry --prefix` printing them
    into a pipe.
CPU is user + system of the side's process and the children it waited for (the pool's workers
are not counted: the forkserver reaps them); peak RSS is the process's own.
Needs `etcd` and `etcdctl` (Debian's etcd-server and etcd-client). Not a test.
Usage: python bench/etcd_demo.py [--nodes 5000] [--pods-per-node 33] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PYTHON = sys.executable

ETCDCTL = shutil.which("etcdctl") or "/usr/bin/etcdctl"
QUOTA_BYTES = 16 * 1024**3  # etcd 3.4's default (2 GiB) is far too small for the demo at size
PIPE_CHUNK = 1024 * 1024
SCRIPT = str(Path(__file__).resolve())


# ---- the children ----------------------------------------------------------------------------


def load(endpoint: str, nodes: int, pods_per_node: int) -> dict:
    """Build the demo and write it into etcd as the project's API server keeps a cluster."""
    from explorer.apiserver.etcd_storage import EtcdStorage
    from explorer.apiserver.etcd_writes import EtcdWrites
    from explorer.apiserver.store import ApiStore
    from explorer.runtime.demo_cluster import demo_state

    started = time.perf_counter()
    state = demo_state(nodes=nodes, pods_per_node=pods_per_node)
    built = time.perf_counter() - started
    storage = EtcdStorage(EtcdWrites(endpoint, timeout=120), event_ttl=3600, compact_every=0)
    started = time.perf_counter()
    store = ApiStore(state, storage=storage)
    loaded = time.perf_counter() - started
    objects = sum(state.count(kind) for kind in state.kinds())
    return {
        "built": round(built, 1),
        "loaded": round(loaded, 1),
        "revision": store.resource_version,
        "pods": state.count("Pod"),
        "objects": objects,
    }


def _client(endpoint: str):
    from explorer.etcd.access import access_from_settings
    from explorer.etcd.client import EtcdClient

    return EtcdClient(access_from_settings({"endpoints": endpoint, "timeout": 300}))


def keys_side(endpoint: str, how: str) -> dict:
    """The key listing, its summary and its key space tree."""
    from explorer.etcd.client import RANGE_READERS
    from explorer.etcd.key_listing import Listing, ListingFormat, summarise
    from explorer.etcd.key_space import listing_key_space

    started = time.perf_counter()
    client = _client(endpoint)
    if how.startswith("keys-readers-") or how == "keys":
        readers = int(how.rpartition("-")[2]) if how != "keys" else RANGE_READERS
        keys = [record.text for record in client.keys(readers=readers)]
    else:  # one range in pages of 10,000, each at the first page's revision
        keys, after, revision = [], None, None
        while True:
            records, more, at = client._keys_page(None, after, 10_000, revision)
            revision = revision or at
            keys += [record.text for record in records]
            if not more or not records:
                break
            after = records[-1].key
    listed = time.perf_counter() - started
    listing = Listing(keys=keys, format=ListingFormat.LINES, prefix="/registry")
    summary = summarise(listing)
    tree = listing_key_space(listing.keys)
    return {
        "keys": len(keys),
        "listed": listed,
        "seconds": time.perf_counter() - started,
        "resources": len(summary["resources"]),
        "tree_nodes": len(tree["ids"]),
    }


def values_side(endpoint: str, how: str) -> dict:
    """Every value read (`values-read`), and decoded in process (`values`) or in worker
    processes (`values-pool`); Secrets are withheld by the client, never decoded."""
    from explorer.etcd.decode_pool import decode_all
    from explorer.etcd.values import decode_value

    started = time.perf_counter()
    withheld = size = 0

    def readable() -> Iterator[tuple[bytes, bytes]]:
        nonlocal withheld, size
        for stored in _client(endpoint).values():
            size += stored.size
            if stored.withheld:
                withheld += 1
                continue
            yield stored.record.key, stored.record.value or b""

    encodings: Counter[str] = Counter()
    problems = read = 0
    if how == "values-read":
        read = sum(1 for _ in readable())
    else:
        pairs = readable()
        if how == "values-pool":
            decoded = decode_all(pairs)
        else:
            decoded = (decode_value(key, raw) for key, raw in pairs)
        for value in decoded:
            encodings[str(value.encoding)] += 1
            problems += bool(value.problems)
        read = sum(encodings.values())
    return {
        "keys": read + withheld,
        "seconds": time.perf_counter() - started,
        "bytes": size,
        "encodings": dict(encodings),
        "with_problems": problems,
        "secrets_withheld": withheld,
    }


# ---- the run ---------------------------------------------------------------------------------


def run_child(argv: list[str], env: dict[str, str]) -> tuple[float, float, bytes, int, int, float]:
    """Wall seconds, peak RSS (MiB), the first MiB of stdout, how many bytes and lines it
    printed (drained through a pipe as it comes), and CPU seconds (user + system, its
    children's included), of one child run to completion."""
    before = os.times()
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, env=env)
    head, total, lines = b"", 0, 0
    while chunk := process.stdout.read(PIPE_CHUNK):  # type: ignore[union-attr]
        total += len(chunk)
        lines += chunk.count(b"\n")
        if len(head) < PIPE_CHUNK:
            head += chunk[: PIPE_CHUNK - len(head)]
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[:4]} failed with exit code {os.waitstatus_to_exitcode(status)}")
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return elapsed, usage.ru_maxrss / 1024, head, total, lines, cpu


PEERS = {
    "explorer keys": "etcdctl keys",
    "explorer keys (one range)": "etcdctl keys",
    "explorer keys (one reader)": "etcdctl keys",
    "explorer keys (two readers)": "etcdctl keys",
    "explorer values": "etcdctl values",
    "explorer values (decoded in workers)": "etcdctl values",
    "explorer values (read only)": "etcdctl values",
}
Run = tuple[float, float, float, dict]  # wall s, peak RSS MiB, CPU s, what the side said


def etcd_cpu(pid: int | None) -> float:
    """CPU seconds etcd has used so far (its share of each side's work); NaN when unknown."""
    if pid is None:
        return float("nan")
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sides_of(endpoint: str) -> dict[str, list[str]]:
    etcdctl = [ETCDCTL, f"--endpoints={endpoint}", "--command-timeout=600s", "get", "/registry"]
    ours = [PYTHON, SCRIPT, "--side"]
    return {
        "etcdctl keys": [*etcdctl, "--prefix", "--keys-only"],
        "explorer keys": [*ours, "keys", endpoint],
        "explorer keys (one range)": [*ours, "keys-one-range", endpoint],
        "explorer keys (one reader)": [*ours, "keys-readers-1", endpoint],
        "explorer keys (two readers)": [*ours, "keys-readers-2", endpoint],
        "etcdctl values": [*etcdctl, "--prefix"],
        "explorer values": [*ours, "values", endpoint],
        "explorer values (decoded in workers)": [*ours, "values-pool", endpoint],
        "explorer values (read only)": [*ours, "values-read", endpoint],
    }


def measure(
    endpoint: str, repeat: int, chosen: list[str], etcd_pid: int | None
) -> dict[str, list[Run]]:
    env = {**os.environ, "ETCDCTL_API": "3"}
    sides = {name: argv for name, argv in sides_of(endpoint).items() if name in chosen}
    runs: dict[str, list[Run]] = {name: [] for name in sides}
    for round_ in range(repeat):
        order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
        for name in order:
            server_before = etcd_cpu(etcd_pid)
            wall, peak, head, printed, lines, cpu = run_child(sides[name], env)
            found = orjson.loads(head) if name.startswith("explorer") else {"bytes": printed}
            found["etcd_cpu"] = round(etcd_cpu(etcd_pid) - server_before, 2)
            if name == "etcdctl keys":
                found["keys"] = lines // 2  # each key, then a blank line
            runs[name].append((wall, peak, cpu, found))
            load = os.getloadavg()[0]
            print(
                f"  {name}: {wall:.2f} s, {cpu:.2f} s CPU, {peak:,.0f} MiB, load {load:.1f}: "
                f"{found}"
            )
            sys.stdout.flush()
    return runs


def report(runs: dict[str, list[Run]]) -> None:
    def median(name: str, index: int) -> float:
        return statistics.median(run[index] for run in runs[name])

    for ours, peer in PEERS.items():
        if ours not in runs or peer not in runs:
            continue
        ot, om, oc = (median(ours, index) for index in range(3))
        pt, pm, pc = (median(peer, index) for index in range(3))
        inner = statistics.median(run[3]["seconds"] for run in runs[ours])
        server = (statistics.median(run[3]["etcd_cpu"] for run in runs[n]) for n in (ours, peer))
        print(
            f"{ours}: etcd used {next(server):.2f} s CPU, against {next(server):.2f} s for {peer}"
        )
        print(
            f"{ours}: {ot:.2f} s ({inner:.2f} s in process), {oc:.2f} s CPU, {om:,.0f} MiB "
            f"against {peer}: {pt:.2f} s, {pc:.2f} s CPU, {pm:,.0f} MiB — "
            f"ratio time {ot / pt:.2f}, CPU {oc / pc:.2f}, memory {om / pm:.2f}"
        )


def load_demo(endpoint: str, nodes: int, pods_per_node: int) -> None:
    loader = [PYTHON, SCRIPT, "--load", endpoint, "--nodes", str(nodes)]
    loader += ["--pods-per-node", str(pods_per_node)]
    wall, peak, head, *_ = run_child(loader, dict(os.environ))
    print(f"demo built and loaded in {wall:.0f} s ({peak:,.0f} MiB): {head.decode().strip()}")


def describe(endpoint: str) -> None:
    status = _client(endpoint).status()
    db = status.db_size / 2**20
    keys = _client(endpoint).count()
    print(f"etcd {status.version}: revision {status.revision:,}, db {db:,.0f} MiB; ", end="")
    print(f"{keys:,} keys under /registry/", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--pods-per-node", type=int, default=33)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--sides",
        default=",".join(sides_of("")),
        help="comma-separated names of the sides to run (default: all)",
    )
    parser.add_argument(
        "--etcd", metavar="URL", help="measure this etcd, already loaded by a run (no build)"
    )
    parser.add_argument("--etcd-pid", type=int, help="that etcd's process, to read its CPU time")
    parser.add_argument("--side", help=argparse.SUPPRESS)
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("endpoint", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        print(orjson.dumps(load(args.endpoint, args.nodes, args.pods_per_node)).decode())
        return
    if args.side:
        if args.side.startswith("values"):
            found = values_side(args.endpoint, args.side)
        else:
            found = keys_side(args.endpoint, args.side)
        print(orjson.dumps(found).decode())
        return
    chosen = [name.strip() for name in args.sides.split(",")]
    unknown = set(chosen) - set(sides_of(""))
    if unknown:
        raise SystemExit(f"no side named {', '.join(sorted(unknown))}")

    from explorer.runtime.etcd_process import etcd_binary, scratch_dir, start_etcd

    if etcd_binary() is None or not os.access(ETCDCTL, os.X_OK):
        raise SystemExit("etcd and etcdctl are not installed (Debian's etcd-server, etcd-client)")
    from _harness import machine  # not in the sides' processes: they import what they use

    print(f"machine: {machine()}; load average {os.getloadavg()}", flush=True)
    if args.etcd:
        describe(args.etcd)
        runs = measure(args.etcd, args.repeat, chosen, args.etcd_pid)
    else:
        workdir = scratch_dir()
        try:
            etcd = start_etcd(workdir, f"--quota-backend-bytes={QUOTA_BYTES}")
            try:
                load_demo(etcd.endpoint, args.nodes, args.pods_per_node)
                describe(etcd.endpoint)
                runs = measure(etcd.endpoint, args.repeat, chosen, etcd.process.pid)
            finally:
                etcd.stop()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    report(runs)
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
