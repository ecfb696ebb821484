"""Benchmark: parse + analyse a kube-proxy-shaped iptables-save, against the kernel printing it.

Generates the nat/filter rules kube-proxy (iptables mode) writes for N Services x M endpoints
(the demo's generator, explorer/demo/facts/iptables.py: hashed KUBE-SVC/KUBE-SEP chains,
statistic probabilities as the kernel stores them, comments), loads them into a fresh network
namespace with iptables-restore, then in the same run times:
  - peer:     `iptables-save` printing the namespace's rules (to /dev/null), per backend
              installed: the default one (nf_tables on Debian 12) and iptables-legacy;
  - explorer: explorer.collectors.iptables.parse + service_ports on the same text.
Each side runs --repeat times; medians are printed with the ratio explorer/peer (goal ≤ 1.0).
Needs root (network namespaces). Usage: python bench/iptables_parse.py [--services 10000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def _median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def kernel_save_seconds(text: str, variant: str, repeat: int) -> tuple[float, int]:
    netns = f"bench-ipt-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", netns], check=True)
    try:
        exec_ = ["ip", "netns", "exec", netns]
        subprocess.run([*exec_, f"iptables{variant}-restore"], input=text, text=True, check=True)
        saved = subprocess.run(
            [*exec_, f"iptables{variant}-save"], capture_output=True, text=True, check=True
        ).stdout
        rules = sum(1 for line in saved.splitlines() if line.startswith("-A "))

        def save() -> None:
            subprocess.run(
                [*exec_, f"iptables{variant}-save"], stdout=subprocess.DEVNULL, check=True
            )

        return _median_seconds(save, repeat), rules
    finally:
        subprocess.run(["ip", "netns", "delete", netns], check=False)


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--endpoints", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/iptables_parse.py needs root (it loads the rules into a network namespace)")
    text = generate(args.services, args.endpoints)
    lines = text.count("\n-A ")
    print(f"machine: {machine()}")
    print(
        f"dump: {args.services} Services x {args.endpoints} endpoints, {lines} rules, "
        f"{len(text) / 1e6:.1f} MB"
    )

    def ours() -> None:
        ports = service_ports(parse(text))
        assert len(ports) == args.services

    explorer = _median_seconds(ours, args.repeat)
    print(f"explorer parse + analyse: {explorer:.3f} s (median of {args.repeat})")
    for variant in ("", "-legacy"):
        if shutil.which(f"iptables{variant}-save") is None:
            continue
        version = subprocess.run(
            [f"iptables{variant}-save", "--version"], capture_output=True, text=True
        ).stdout.strip()
        peer, rules = kernel_save_seconds(text, variant, args.repeat)
        assert rules == lines, f"the kernel holds {rules} rules, the dump {lines}"
        print(
            f"peer {version}: {peer:.3f} s (median of {args.repeat}); "
            f"ratio explorer/peer {explorer / peer:.2f} (goal <= 1.0)"
        )


if __name__ == "__main__":
    main()
