"""The other shapes the text inputs come in: find and ls -R of v1 hierarchies, systemd-cgls of
one v1 controller (newer systemd adds cgroup IDs), /proc/<pid>/cgroup on v2."""

from __future__ import annotations

from explorer.collectors.cgroups import parse_cgls, parse_listing, parse_proc_cgroup, read_tree

CID = "a" * 64
SANDBOX = "b" * 64
POD = "/kubepods/burstable/pod5820aaa5-2d89-499f-957a-e04d9b5dfab3"


def test_find_over_v1_controllers_is_one_tree_joined_by_path():
    text = (
        "\n".join(
            f"/sys/fs/cgroup/{controller}{path}"
            for controller in ("memory", "cpu,cpuacct", "pids")
            for path in (
                "/kubepods",
                "/kubepods/burstable",
                POD,
                f"{POD}/{CID}",
                f"{POD}/{SANDBOX}",
            )
        )
        + f"\n/sys/fs/cgroup/memory{POD}/{CID}/memory.limit_in_bytes\n"
    )
    tree = read_tree(text)
    assert (tree.source, tree.driver, tree.version) == ("listing", "cgroupfs", 1)
    [pod] = tree.pods
    assert pod.path == POD and pod.qos == "burstable"
    assert [c.id for c in pod.containers] == [CID, SANDBOX]


def test_ls_recursive_sections_name_the_directories():
    pod = "kubepods.slice/kubepods-pod5820aaa5_2d89_499f_957a_e04d9b5dfab3.slice"
    text = (
        "/sys/fs/cgroup/kubepods.slice:\n"
        "cgroup.controllers  cpu.weight  memory.max\n"
        "kubepods-pod5820aaa5_2d89_499f_957a_e04d9b5dfab3.slice\n\n"
        f"/sys/fs/cgroup/{pod}:\n"
        f"cgroup.procs  cri-containerd-{CID}.scope  crio-conmon-{SANDBOX}.scope\n\n"
        f"/sys/fs/cgroup/{pod}/cri-containerd-{CID}.scope:\n"
        "cgroup.procs  memory.max\n"
    )
    tree = parse_listing(text)
    assert (tree.driver, tree.version) == ("systemd", 2)
    [found] = tree.pods
    assert found.qos == "guaranteed" and found.uid == "5820aaa5-2d89-499f-957a-e04d9b5dfab3"
    assert [c.id for c in found.containers] == [CID]
    assert found.conmon == [f"/{pod}/crio-conmon-{SANDBOX}.scope"]


def test_cgls_of_one_v1_controller_with_cgroup_ids():
    text = (
        "Controller memory; Control group /explorer-x:\n"
        "└─kubepods (#10727)\n"
        "  └─besteffort (#10760)\n"
        "    └─pod5820aaa5-2d89-499f-957a-e04d9b5dfab3 (#10793)\n"
        f"      ├─{SANDBOX} (#10826)\n"
        "      │ └─7950 /pause\n"
        f"      └─{CID} (#10827)\n"
        "        └─7951 sleep 30\n"
    )
    tree = parse_cgls(text)
    assert (tree.driver, tree.version) == ("cgroupfs", 1)
    [pod] = tree.pods
    assert pod.path == "/explorer-x/kubepods/besteffort/pod5820aaa5-2d89-499f-957a-e04d9b5dfab3"
    assert [(c.id, c.sandbox, c.processes) for c in pod.containers] == [
        (SANDBOX, True, ["7950 /pause"]),
        (CID, False, ["7951 sleep 30"]),
    ]


def test_proc_cgroup_with_only_the_unified_line_is_v2():
    pod = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podab_cd.slice"
    path = f"{pod}/crio-{CID}.scope"
    tree = parse_proc_cgroup(f"0::{path}\n")
    assert (tree.driver, tree.version) == ("systemd", 2)
    assert tree.pods[0].containers[0].runtime == "cri-o"
