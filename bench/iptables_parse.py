"""Benchmark: parse + analyse a kube-proxy-shaped iptables-save, against the kernel printing it.

Generates the nat/filter rules kube-proxy (iptables mode) writes for N Services x M endpoints
(the demo's generator, explorer/demo/facts/iptables.py: hashed KUBE-SVC/KUBE-SEP chains,
statistic probabilities as the kernel stores them, comments), loads them into a fresh network
namespace with iptables-restore, then in the same run times:
  - peer:     `iptables-save` printing the namespace's rules (to /dev/null), per backend
              installed: the default one (nf_tables on Debian 12) and iptables-legacy;
  - explorer: explorer.collectors.iptables.parse + service_ports on the same text.
Each side runs --repeat times, the runs alternating; medians of wall time (the goal: ratio
explorer/peer ≤ 1.0) and of CPU time (user + system; less moved by other jobs' load) are printed.
Needs root (network namespaces). Usage: python bench/iptables_parse.py [--services 10000]
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _harness import arguments

from explorer.collectors.iptables import parse, service_ports
from explorer.demo.facts.iptables import iptables_save


def generate(services: int, endpoints: int) -> str:
    """ClusterIP Services in 100 namespaces, each with `endpoints` ready pods on other nodes."""
    objects: list[dict] = []
    slices: dict[tuple[str, str], list[dict]] = {}
    for index in range(services):
        namespace, name = f"team-{index % 100:02d}", f"svc-{index:05d}"
        objects.append(
            {
                "metadata": {"namespace": namespace, "name": name},
                "spec": {
                    "type": "ClusterIP",
                    "clusterIP": f"10.96.{index // 250}.{index % 250 + 1}",
                    "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
                },
            }
        )
        pods = []
        for number in range(endpoints):
            serial = index * endpoints + number
            ip = f"10.{64 + serial // 62500}.{serial % 62500 // 250}.{serial % 250 + 1}"
            pods.append(
                {"addresses": [ip], "conditions": {"ready": True}, "nodeName": f"node-{number}"}
            )
        ports = [{"name": "http", "port": 8080, "protocol": "TCP"}]
        slices[(namespace, name)] = [{"ports": ports, "endpoints": pods}]
    when = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    return iptables_save(objects, slices, "node-x", "10.244.1.0/24", "10.0.0.0/8", when)


class Timings:
    """Wall and CPU seconds of one side, a run at a time."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)

    def median(self) -> tuple[float, float]:
        return statistics.median(self.wall), statistics.median(self.cpu)


def time_ours(text: str, services: int, timings: Timings) -> None:
    cpu, start = time.process_time(), time.perf_counter()
    ports = service_ports(parse(text))
    assert len(ports) == services
    del ports
    timings.add(time.perf_counter() - start, time.process_time() - cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class KernelRules:
    """The dump loaded into a fresh network namespace through one iptables backend."""

    def __init__(self, text: str, variant: str) -> None:
        self.variant = variant
        self.netns = f"bench-ipt-{uuid.uuid4().hex[:8]}"
        self.exec = ["ip", "netns", "exec", self.netns]
        subprocess.run(["ip", "netns", "add", self.netns], check=True)
        subprocess.run(
            [*self.exec, f"iptables{variant}-restore"], input=text, text=True, check=True
        )
        saved = subprocess.run(
            [*self.exec, f"iptables{variant}-save"], capture_output=True, text=True, check=True
        ).stdout
        self.rules = sum(1 for line in saved.splitlines() if line.startswith("-A "))

    def time_save(self, timings: Timings) -> None:
        cpu, start = _children_cpu(), time.perf_counter()
        subprocess.run(
            [*self.exec, f"iptables{self.variant}-save"], stdout=subprocess.DEVNULL, check=True
        )
        timings.add(time.perf_counter() - start, _children_cpu() - cpu)

    def close(self) -> None:
        subprocess.run(["ip", "netns", "delete", self.netns], check=False)


def machine() -> str:
    fields = {}
    for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return (
        f"{fields.get('Model name', '?')}, {fields.get('CPU(s)', '?')} CPUs, "
        f"{memory_kb / 1024 / 1024:.0f} GiB, Python {sys.version.split()[0]}"
    )


def main() -> None:
    args = arguments(__doc__.splitlines()[0], services=10_000, endpoints=5, repeat=3)
    if os.geteuid() != 0:
        sys.exit("bench/iptables_parse.py needs root (it loads the rules into a network namespace)")
    text = generate(args.services, args.endpoints)
    lines = text.count("\n-A ")
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    print(
        f"dump: {args.services} Services x {args.endpoints} endpoints, {lines} rules, "
        f"{len(text) / 1e6:.1f} MB"
    )
    peers: dict[str, tuple[KernelRules, Timings]] = {}
    try:
        for variant in ("", "-legacy"):
            if shutil.which(f"iptables{variant}-save") is None:
                continue
            version = subprocess.run(
                [f"iptables{variant}-save", "--version"], capture_output=True, text=True
            ).stdout.strip()
            kernel = KernelRules(text, variant)
            peers[version] = (kernel, Timings())
            assert kernel.rules == lines, f"the kernel holds {kernel.rules} rules, the dump {lines}"
        # Runs alternate, so that a change of load from other jobs falls on every side alike.
        ours = Timings()
        for _ in range(args.repeat):
            time_ours(text, args.services, ours)
            for kernel, timings in peers.values():
                kernel.time_save(timings)
    finally:
        for kernel, _ in peers.values():
            kernel.close()
    wall, cpu = ours.median()
    print(f"explorer parse + analyse: {wall:.3f} s wall, {cpu:.3f} s CPU (median of {args.repeat})")
    for version, (_, timings) in peers.items():
        peer_wall, peer_cpu = timings.median()
        print(
            f"peer {version}: {peer_wall:.3f} s wall, {peer_cpu:.3f} s CPU; ratio explorer/peer "
            f"{wall / peer_wall:.2f} wall (goal <= 1.0), {cpu / peer_cpu:.2f} CPU"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
