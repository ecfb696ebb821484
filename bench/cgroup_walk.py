"""Benchmark: walk and map a kubepods tree on real cgroupfs, against `systemd-cgls` and `find`
over the same tree in the same run.

Makes, under this machine's own cgroup v1 mounts (memory, cpu, pids) and a root owned by the
benchmark (`/sys/fs/cgroup/<controller>/explorer-bench-<random>/`), the tree a kubelet with the
systemd driver and containerd makes for N pods x M containers: kubepods.slice, the QoS slices,
one slice per pod (a third each Guaranteed, Burstable, BestEffort) holding its pause sandbox's
scope and M container scopes, with the limits the pods call for written to the kernel's files.
Then times, each --repeat times (median):
  - explorer: explorer.collectors.cgroups.walk, then map_pods — all three hierarchies, the limit and
    usage files of every cgroup, each pod cgroup mapped to its pod by UID and each container
    to its container by the status containerID;
  - systemd-cgls --no-pager -a memory:/<root>: one hierarchy, names and processes only;
  - find over the root in the three hierarchies: every cgroup and file name, no contents.
Prints the ratios explorer/peer. Needs root. Removes the tree whatever happens.
Usage: python bench/cgroup_walk.py [--pods 110] [--containers 3] [--repeat 7]
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _harness import arguments

from explorer.collectors.cgroups import map_pods, walk
from explorer.collectors.cgroups.expected import (
    container_expected,
    pod_expected,
    qos_level_expected,
    sandbox_expected,
)
from tests.cgroupfs import ScratchTree

RESOURCES = {
    "Guaranteed": {
        "requests": {"cpu": "250m", "memory": "256Mi"},
        "limits": {"cpu": "250m", "memory": "256Mi"},
    },
    "Burstable": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "512Mi"}},
    "BestEffort": {},
}


def make_pods(count: int, containers: int) -> list[dict]:
    pods = []
    for index in range(count):
        qos = list(RESOURCES)[index % 3]
        names = [f"c{n}" for n in range(containers)]
        pods.append(
            {
                "metadata": {
                    "namespace": "bench",
                    "name": f"pod-{index:03d}",
                    "uid": str(uuid.uuid4()),
                },
                "spec": {"containers": [{"name": n, "resources": RESOURCES[qos]} for n in names]},
                "status": {
                    "phase": "Running",
                    "qosClass": qos,
                    "containerStatuses": [
                        {
                            "name": n,
                            "containerID": f"containerd://{uuid.uuid4().hex}{uuid.uuid4().hex}",
                            "state": {"running": {}},
                        }
                        for n in names
                    ],
                },
            }
        )
    return pods


def v1_files(expected: dict) -> dict[str, str]:
    files = {"cpu.shares": str(expected["cpu_shares"])}
    if expected.get("cpu_quota_us"):
        files["cpu.cfs_quota_us"] = str(expected["cpu_quota_us"])
    if expected.get("memory_limit_bytes"):
        files["memory.limit_in_bytes"] = str(expected["memory_limit_bytes"])
    return files


def build(scratch: ScratchTree, pods: list[dict]) -> int:
    """The kubelet's systemd-driver tree for the pods; returns the number of cgroups made."""
    made = 0
    levels = qos_level_expected(pods)
    scratch.make("kubepods.slice")
    for qos in ("burstable", "besteffort"):
        scratch.make(f"kubepods.slice/kubepods-{qos}.slice", v1_files(levels[qos]))
    made += 3
    for pod in pods:
        qos = pod["status"]["qosClass"].lower()
        uid = pod["metadata"]["uid"].replace("-", "_")
        parent = "kubepods.slice" if qos == "guaranteed" else f"kubepods.slice/kubepods-{qos}.slice"
        prefix = "kubepods" if qos == "guaranteed" else f"kubepods-{qos}"
        pod_path = f"{parent}/{prefix}-pod{uid}.slice"
        scratch.make(pod_path, v1_files(pod_expected(pod)) | {"pids.max": "4096"})
        sandbox = uuid.uuid4().hex * 2
        scratch.make(f"{pod_path}/cri-containerd-{sandbox}.scope", v1_files(sandbox_expected()))
        specs = {c["name"]: c for c in pod["spec"]["containers"]}
        for status in pod["status"]["containerStatuses"]:
            cid = status["containerID"].removeprefix("containerd://")
            scratch.make(
                f"{pod_path}/cri-containerd-{cid}.scope",
                v1_files(container_expected(specs[status["name"]])),
            )
        made += 2 + len(specs)
    return made


def timed(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    args = arguments(__doc__.split("\n\n")[0], pods=110, containers=3, repeat=7)
    if os.geteuid() != 0:
        sys.exit("needs root (makes cgroups)")
    pods = make_pods(args.pods, args.containers)
    scratch = ScratchTree("explorer-bench")
    try:
        scratch.open()
        started = time.perf_counter()
        cgroups = build(scratch, pods)
        took = time.perf_counter() - started
        print(f"made {cgroups} cgroups x {len(scratch.hierarchies)} hierarchies in {took:.2f} s")

        def explorer() -> None:
            tree = walk(cgroup_root=scratch.cgroup_root)
            mapping = map_pods(tree, pods)
            assert len(tree.pods) == args.pods and not mapping.unknown_containers
            assert len(mapping.containers) == args.pods * args.containers
            assert len(mapping.sandboxes) == args.pods

        roots = [str(h / scratch.name) for h in scratch.hierarchies.values()]
        peers = {"find (3 hierarchies)": [shutil.which("find") or "find", *roots]}
        cgls = shutil.which("systemd-cgls")
        if cgls:
            peers["systemd-cgls (memory)"] = [
                cgls,
                "--no-pager",
                "-a",
                f"memory:{scratch.cgroup_root}",
            ]

        def run(argv: list[str]) -> None:
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)

        ours = timed(explorer, args.repeat)
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} CPUs, kernel {platform.release()},"
            f" Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
        )
        print(f"explorer walk+map: {ours * 1000:.1f} ms (median of {args.repeat})")
        for name, argv in peers.items():
            theirs = timed(lambda argv=argv: run(argv), args.repeat)
            print(f"{name}: {theirs * 1000:.1f} ms — ratio explorer/peer {ours / theirs:.2f}")
    finally:
        scratch.remove()
        left = [
            h / scratch.name for h in scratch.hierarchies.values() if (h / scratch.name).exists()
        ]
        print("cleaned up" if not left else f"LEFT BEHIND: {left}")


if __name__ == "__main__":
    main()
