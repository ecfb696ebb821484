"""Cgroup names as the kubelet and the runtimes write them (paths.py)."""

from __future__ import annotations

import pytest

from explorer.collectors.cgroups.paths import bare_container_id, meaning
from explorer.collectors.cgroups.tree import CgroupEntry, build_tree

CID = "0123456789abcdef" * 4


@pytest.mark.parametrize(
    ("path", "driver", "qos", "runtime"),
    [
        (
            f"/kubepods.slice/kubepods-podab_cd.slice/cri-containerd-{CID}.scope",
            "systemd",
            "guaranteed",
            "containerd",
        ),
        (
            f"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podab_cd.slice/crio-{CID}.scope",
            "systemd",
            "burstable",
            "cri-o",
        ),
        (
            f"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podab_cd.slice/docker-{CID}.scope",
            "systemd",
            "besteffort",
            "docker",
        ),
        (f"/kubepods/burstable/podab-cd/{CID}", "cgroupfs", "burstable", None),
        (f"/kubepods/podab-cd/crio-{CID}", "cgroupfs", "guaranteed", "cri-o"),
        (
            f"/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-podab_cd.slice/cri-containerd-{CID}.scope",
            "systemd",
            "besteffort",
            "containerd",
        ),
    ],
)
def test_container_paths_of_every_driver_and_runtime(path, driver, qos, runtime):
    found = meaning(path)
    assert (found.role, found.driver, found.qos, found.runtime) == (
        "container",
        driver,
        qos,
        runtime,
    )
    assert found.uid == "ab-cd" and found.container_id == CID


def test_crio_conmon_scope_is_not_a_container():
    pod = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podab_cd.slice"
    tree = build_tree(
        [CgroupEntry(f"{pod}/crio-conmon-{CID}.scope"), CgroupEntry(f"{pod}/crio-{CID}.scope")],
        "test",
    )
    [found] = tree.pods
    assert [c.id for c in found.containers] == [CID]
    assert found.conmon == [f"{pod}/crio-conmon-{CID}.scope"]


def test_a_cgroup_a_container_made_inside_its_own_is_not_another_container():
    assert meaning(f"/kubepods/burstable/podab-cd/{CID}/{CID}").role is None


def test_names_outside_kubepods_mean_nothing():
    assert meaning("/system.slice/containerd.service").role is None
    assert meaning(f"/burstable/podab-cd/{CID}").role is None


@pytest.mark.parametrize("scheme", ["containerd://", "cri-o://", "docker://"])
def test_status_container_ids_lose_their_runtime_scheme(scheme):
    assert bare_container_id(scheme + CID) == CID
