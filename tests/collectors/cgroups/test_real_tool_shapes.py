"""Shapes of capture made by the real tools over a kubepods tree made on this machine's cgroup
v1 mounts (root): `systemd-cgtop` in batch and on a terminal that cuts paths, a shell transcript
of `ls | grep slice`, `ls -l` and `cd`, and a `/proc/<pid>/cgroup` amid a transcript. Each is
read into the pods it names with their QoS class (a static pod's UID is a 32-hex config hash)
and the containers it names."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from explorer.collectors.cgroups import read_tree
from explorer.collectors.cgroups.paths import slice_path
from explorer.collectors.cgroups.report import cgroups_report
from explorer.collectors.cgroups.walk import MOUNT
from tests.cgroupfs import NEEDS_V1_CGROUPFS, ScratchTree

pytestmark = NEEDS_V1_CGROUPFS

BURSTABLE_UID = "37e86a8c-ae27-4d50-a868-a8509947fe25"
STATIC_UID = "0b7a4b7a9f2e8c1d3e5f6a7b8c9d0e1f"  # a static pod's: the hash of its manifest
BESTEFFORT_UID = "5820aaa5-2d89-499f-957a-e04d9b5dfab3"
BURSTABLE = slice_path(f"kubepods-burstable-pod{BURSTABLE_UID.replace('-', '_')}.slice")[1:]
STATIC = slice_path(f"kubepods-pod{STATIC_UID}.slice")[1:]
BESTEFFORT = slice_path(f"kubepods-besteffort-pod{BESTEFFORT_UID.replace('-', '_')}.slice")[1:]
APP, STATIC_APP, SANDBOX = "a" * 64, "b" * 64, "c" * 64
CONTAINERS = {
    f"{BURSTABLE}/cri-containerd-{APP}.scope": APP,
    f"{STATIC}/cri-containerd-{STATIC_APP}.scope": STATIC_APP,
    f"{BESTEFFORT}/cri-containerd-{SANDBOX}.scope": SANDBOX,
}
EXPECTED_PODS = {
    (BURSTABLE_UID, "burstable"),
    (STATIC_UID, "guaranteed"),
    (BESTEFFORT_UID, "besteffort"),
}


def _pods(tree) -> set[tuple[str, str]]:
    return {(pod.uid, pod.qos) for pod in tree.pods}


def _containers(tree) -> dict[str, set[str]]:
    return {pod.uid: {c.id for c in pod.containers} for pod in tree.pods}


@pytest.fixture(scope="module")
def node():
    """Three pods (one static) with a container each, a process in each container; yields the
    scratch tree and the processes' ids by container."""
    scratch = ScratchTree(prefix="explorer-shapes")
    sleepers: dict[str, subprocess.Popen] = {}
    try:
        scratch.open()
        for path, container in CONTAINERS.items():
            scratch.make(path)
            sleepers[container] = subprocess.Popen(["sleep", "300"])
            scratch.move(path, sleepers[container].pid)
        yield scratch, {container: p.pid for container, p in sleepers.items()}
    finally:
        for sleeper in sleepers.values():
            sleeper.kill()
            sleeper.wait()
        scratch.remove()


def _run(*argv: str, **environment: str) -> str:
    env = {**os.environ, **environment}
    return subprocess.run(argv, capture_output=True, text=True, check=True, env=env).stdout


@pytest.mark.skipif(shutil.which("systemd-cgtop") is None, reason="systemd-cgtop not installed")
def test_systemd_cgtop_in_batch_mode_names_every_pod_and_container_with_its_usage(node):
    scratch, _ = node
    output = _run("systemd-cgtop", "-b", "-n", "1", "--depth=20", "-p")
    report = cgroups_report(output)
    assert report["input"] == "systemd-cgtop" and report["driver"] == "systemd"
    mine = [pod for pod in report["pods"] if pod["path"].startswith(scratch.cgroup_root + "/")]
    assert {(pod["uid"], pod["qos"]) for pod in mine} == EXPECTED_PODS
    assert {pod["uid"]: [c["id"] for c in pod["containers"]] for pod in mine} == {
        BURSTABLE_UID: [APP],
        STATIC_UID: [STATIC_APP],
        BESTEFFORT_UID: [SANDBOX],
    }
    for pod in mine:  # a process each, and the memory it holds
        assert pod["pids_current"] == 1 and pod["memory_usage_bytes"] > 0


@pytest.mark.skipif(
    shutil.which("systemd-cgtop") is None or shutil.which("script") is None,
    reason="systemd-cgtop or script (util-linux) not installed",
)
def test_systemd_cgtop_on_a_narrow_terminal_still_names_the_pods_whose_paths_it_cut(node):
    scratch, _ = node
    output = _run(
        "script",
        "-qc",
        "systemd-cgtop -n 1 --depth=20 -p",
        "/dev/null",
        COLUMNS="120",
        LINES="60",
        TERM="dumb",
    )
    assert "Control Group" in output and "…" in output  # a terminal's heading, cut paths
    tree = read_tree(output)
    mine = [pod for pod in tree.pods if pod.path.startswith(scratch.cgroup_root + "/")]
    assert {(pod.uid, pod.qos) for pod in mine} == EXPECTED_PODS


def _transcript(scratch: ScratchTree) -> str:
    """What one pastes from a CentOS node: `ls | grep slice`, `ls -l`, `cd` and a bare `ls`."""
    cpu = f"{MOUNT}/cpu{scratch.cgroup_root}"
    commands = [
        ("~", f"ls {cpu}/ | grep slice"),
        ("~", f"ls -l {cpu}/kubepods.slice/"),
        ("~", f"cd {cpu}/kubepods.slice/kubepods-burstable.slice"),
        ("kubepods-burstable.slice", "ls | grep pod"),
        ("kubepods-burstable.slice", f"ls -l {cpu}/{STATIC}"),
    ]
    lines = []
    cwd = os.getcwd()
    for directory, command in commands:
        lines.append(f"[root@k8s-node1 {directory}]# {command}")
        if command.startswith("cd "):
            cwd = command[3:]
            continue
        lines += _run("sh", "-c", f"cd {cwd} && {command}").splitlines()
    return "\n".join(lines) + "\n"


def test_a_shell_transcript_of_ls_and_cd_names_the_pods_and_the_containers_listed(node):
    scratch, _ = node
    tree = read_tree(_transcript(scratch))
    assert (tree.source, tree.driver, tree.version) == ("listing", "systemd", 1)
    assert _pods(tree) == {(BURSTABLE_UID, "burstable"), (STATIC_UID, "guaranteed")}
    assert _containers(tree)[STATIC_UID] == {STATIC_APP}  # the `ls -l` of its pod's directory


def test_proc_cgroup_amid_a_transcript_names_the_pod_and_container_of_the_process(node):
    _, processes = node
    with open(f"/proc/{processes[APP]}/cgroup") as file:
        proc = file.read()
    pasted = (
        f"root@node:~# cat /proc/{processes[APP]}/cgroup\n{proc}"
        "root@node:~# journalctl -u kubelet | grep -c OOM\n0\n"
    )
    tree = read_tree(pasted)
    assert _pods(tree) == {(BURSTABLE_UID, "burstable")}
    assert _containers(tree) == {BURSTABLE_UID: {APP}}
