"""What an engineer reads off each captured cgroup and metrics file, read by the parsers."""

from __future__ import annotations

import pytest

from explorer.collectors.cgroups import (
    parse_cadvisor,
    parse_cgls,
    parse_listing,
    parse_proc_cgroup,
    read_tree,
)
from tests.kubelet_summary import parse_summary


@pytest.fixture(scope="module")
def cgroups_dir(real_fixtures):
    return real_fixtures / "cgroups"


@pytest.fixture(scope="module")
def metrics_dir(real_fixtures):
    return real_fixtures / "metrics"


@pytest.fixture(scope="module")
def minikube(metrics_dir):
    return parse_cadvisor(
        (
            metrics_dir / "minikube-v1.34-containerd-cgroupfs-kubelet-metrics-cadvisor.prom"
        ).read_text()
    )


def test_every_data_file_is_read_by_the_detecting_reader_or_refused_with_a_reason(real_fixtures):
    for folder in ("cgroups", "metrics"):
        paths = sorted((real_fixtures / folder).iterdir())
        assert any(not p.name.endswith(".source.txt") for p in paths), f"no data files in {folder}"
        for path in paths:
            if path.name.endswith(".source.txt"):
                continue
            if path.suffix == ".json":
                with pytest.raises(ValueError, match="stats/summary"):
                    read_tree(path.read_text())
                continue
            tree = read_tree(path.read_text())
            assert tree.driver in ("systemd", "cgroupfs"), path.name


def test_gke_proc_self_cgroup_is_one_besteffort_container_on_cgroupfs_v1(cgroups_dir):
    tree = parse_proc_cgroup((cgroups_dir / "gke-cgroupfs-v1-proc-self-cgroup.txt").read_text())
    assert (tree.driver, tree.version) == ("cgroupfs", 1)
    [pod] = tree.pods
    assert pod.uid == "74c13223-5a00-11e9-b385-42010a80018d" and pod.qos == "besteffort"
    assert pod.path == "/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d"
    [container] = pod.containers
    assert container.id == "34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376"
    assert container.path == f"{pod.path}/{container.id}"


def test_ubuntu_cgls_shows_two_burstable_and_three_besteffort_pods_each_with_its_pause(
    cgroups_dir,
):
    tree = parse_cgls(
        (cgroups_dir / "ubuntu22-containerd-cgroupv2-systemd-cgls-full.txt").read_text()
    )
    assert tree.driver == "systemd"
    assert tree.version is None  # systemd-cgls draws v1's name=systemd tree the same way
    qos = {pod.uid: pod.qos for pod in tree.pods}
    assert qos == {
        "deec8eaa-762b-4488-930e-ca027350a56c": "burstable",
        "37e86a8c-ae27-4d50-a868-a8509947fe25": "burstable",
        "9da901e3-5ecf-4ad0-8898-6705162646e0": "besteffort",
        "14b729a1-249f-4f8f-a80f-2c18895a4072": "besteffort",
        "698c53d8-3460-48bb-988c-3032faa318d3": "besteffort",
    }
    assert set(tree.qos_levels) == {"burstable", "besteffort"}
    assert tree.kubepods.path == "/kubepods.slice"
    cilium = tree.pod("deec8eaa-762b-4488-930e-ca027350a56c")
    assert cilium.path == (
        "/kubepods.slice/kubepods-burstable.slice/"
        "kubepods-burstable-poddeec8eaa_762b_4488_930e_ca027350a56c.slice"
    )
    sandbox, agent = cilium.containers
    assert sandbox.id == "b5011aa871fa1a7ba6825193e049498135967f48ba43182075b3a0b7c6f8ddd6"
    assert sandbox.sandbox is True and sandbox.processes == ["1130 /pause"]
    assert sandbox.runtime == "containerd"
    assert agent.id == "a6169e340ef4898071b1a6a143f831e77a8849fd29d8366355e0718bfbcbe6ae"
    assert agent.sandbox is False and len(agent.processes) == 2
    assert agent.path == f"{cilium.path}/cri-containerd-{agent.id}.scope"
    for pod in tree.pods:
        assert [c.sandbox for c in pod.containers] == [True, False], pod.uid
    # containerd runs one shim per pod, named after the sandbox: the five shims are the five pauses
    assert {c.id for p in tree.pods for c in p.containers if c.sandbox} == {
        "60afea4b416c9ac5f87f9993aa4849114b61adb1a71d963b4727ad4898b87258",
        "8bebfa3d737a34481f0915859a4278a0f24d9abbbd215039dd2fdd2d6a24ae34",
        "6081fa4d9218da6e269ac318faf6138c0d0caff1f783ce3cac3b5e8d6ab4edbf",
        "b5011aa871fa1a7ba6825193e049498135967f48ba43182075b3a0b7c6f8ddd6",
        "e13d6e852a571d3948aaec028d3a6af16390c95adb4d4382c029119d0c8cae15",
    }


def test_ubuntu_kubepods_slice_listing_is_v2_systemd_with_its_memory_limit_and_no_pods(
    cgroups_dir,
):
    tree = parse_listing((cgroups_dir / "ubuntu22-cgroupv2-kubepods-slice-files.txt").read_text())
    assert (tree.driver, tree.version) == ("systemd", 2)
    assert tree.pods == []
    assert tree.kubepods.path == "/kubepods.slice"
    assert tree.kubepods.limits == {
        "memory_limit_bytes": 8325677056,
        "memory_usage_bytes": 788398080,
    }
    assert {q: level.path for q, level in tree.qos_levels.items()} == {
        "besteffort": "/kubepods.slice/kubepods-besteffort.slice",
        "burstable": "/kubepods.slice/kubepods-burstable.slice",
    }


def test_minikube_cadvisor_is_cgroupfs_v2_with_nineteen_pods_and_their_qos(minikube):
    assert (minikube.driver, minikube.version) == ("cgroupfs", 2)  # PSI metrics: only on v2
    qos = {pod.name: pod.qos for pod in minikube.pods}
    assert len(qos) == 19
    assert qos["kube-system/kindnet-zqk2n"] == "guaranteed"  # directly under /kubepods
    assert qos["scraper/e2e-container-creating"] == "guaranteed"
    assert [n for n, q in qos.items() if q == "besteffort"] == [
        "scraper/e2e-scraper-586c69668b-dh6dj",
        "kube-system/storage-provisioner",
        "scraper/e2e-kube-state-metrics-64d545d47-nvr8f",
        "kube-system/kube-proxy-nz2nc",
    ]
    assert sum(q == "burstable" for q in qos.values()) == 13
    # static pods carry the config hash as their UID: no dashes to restore
    assert minikube.pod("e7af3d41a9bc7ac098920fc104ca8ac4").name == (
        "kube-system/kube-scheduler-datagen-1-34"
    )


def test_minikube_cadvisor_limits_in_bytes_and_cores(minikube):
    kindnet = minikube.pod("c573a764-ebd5-4d94-ae1d-b123dbb0b4e8")
    assert kindnet.path == "/kubepods/podc573a764-ebd5-4d94-ae1d-b123dbb0b4e8"
    assert kindnet.limits["memory_limit_bytes"] == 50 * 2**20
    assert kindnet.limits["cpu_limit_cores"] == 0.1
    sandbox, cni = sorted(kindnet.containers, key=lambda c: not c.sandbox)
    assert sandbox.sandbox and sandbox.name is None and sandbox.limits["memory_limit_bytes"] is None
    assert cni.name == "kindnet-cni" and cni.limits["memory_limit_bytes"] == 50 * 2**20
    # 5M asked, the kernel keeps whole pages: 1220 * 4096
    creating = minikube.pod("fbcd2441-562d-4d91-a349-d7c168241f6d")
    assert creating.limits["memory_limit_bytes"] == 4997120
    assert creating.limits["cpu_quota_us"] == 1000
    assert [c.sandbox for c in creating.containers] == [True]  # its container not started yet
    hpa = minikube.pod("7438b6dd-c756-4454-b0da-bdd7d8b31d38")
    assert hpa.limits["cpu_limit_cores"] == 0.5 and hpa.limits["memory_limit_bytes"] is None
    assert minikube.kubepods.path == "/kubepods"
    assert minikube.kubepods.limits["memory_limit_bytes"] == 16749006848
    for pod in minikube.pods:
        assert sum(bool(c.sandbox) for c in pod.containers) == 1, pod.name


def test_aks_cadvisor_snippet_is_one_burstable_pod_sandbox_on_systemd(metrics_dir):
    tree = parse_cadvisor(
        (metrics_dir / "aks-ubuntu22-cgroupv2-systemd-cadvisor-snippet.prom").read_text()
    )
    assert (tree.driver, tree.version) == ("systemd", None)  # nothing in the snippet tells
    [pod] = tree.pods
    assert pod.uid == "06a0b8ac-1ec4-4058-982d-3a175e1f0458" and pod.qos == "burstable"
    assert pod.name == "kube-system/csi-azuredisk-node-zq544"
    [sandbox] = pod.containers
    assert sandbox.id == "9f168f96353bec90282cbbf7f1daadfd119e1bc389c40b9ee256c45870894f0d"
    assert sandbox.sandbox is True and sandbox.runtime == "containerd"


def test_minikube_stats_summary_usage_and_limits_agree_with_its_cadvisor(metrics_dir, minikube):
    summary = parse_summary(
        (metrics_dir / "minikube-v1.34-kubelet-stats-summary.json").read_bytes()
    )
    assert summary.node == "datagen-1-34" and summary.pressure
    assert len(summary.pods) == 18  # the pod still creating its container has no stats yet
    for usage in summary.pods:
        pod = minikube.pod(usage.uid)
        assert pod is not None and pod.name == f"{usage.namespace}/{usage.name}"
        assert usage.usage.memory_limit_bytes == pod.limits["memory_limit_bytes"], pod.name
        for name, container_usage in usage.containers.items():
            [container] = [c for c in pod.containers if c.name == name]
            assert container_usage.memory_limit_bytes == container.limits["memory_limit_bytes"]
    assert summary.pods_cgroup.memory_limit_bytes == minikube.kubepods.limits["memory_limit_bytes"]
