"""`python manage.py analyze cgroups FILE --json` on each captured file, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

MANAGE = Path(__file__).resolve().parents[3] / "manage.py"


def _analyze(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(MANAGE), "analyze", "cgroups", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _json(path: Path) -> dict:
    done = _analyze(str(path), "--json")
    assert done.returncode == 0, done.stderr
    return orjson.loads(done.stdout)


def _contract(document: dict) -> None:
    """The keys every answer has, whatever the input."""
    assert document["driver"] in ("systemd", "cgroupfs")
    assert document["version"] in (1, 2, None)
    for pod in document["pods"]:
        assert pod["qos"] in ("guaranteed", "burstable", "besteffort")
        assert pod["path"].startswith("/") and pod["uid"] in pod["path"].replace("_", "-")
        for container in pod["containers"]:
            assert container["path"].startswith(pod["path"] + "/")
            assert container["id"] in container["path"] and "." not in container["id"]


def test_cgls_json(real_fixtures):
    document = _json(
        real_fixtures / "cgroups" / "ubuntu22-containerd-cgroupv2-systemd-cgls-full.txt"
    )
    _contract(document)
    assert (document["driver"], document["version"]) == ("systemd", None)
    assert [p["qos"] for p in document["pods"]] == ["burstable"] * 2 + ["besteffort"] * 3
    metrics_server = document["pods"][1]
    assert metrics_server["uid"] == "37e86a8c-ae27-4d50-a868-a8509947fe25"
    assert [c["id"][:12] for c in metrics_server["containers"]] == ["e13d6e852a57", "a281e2819735"]
    assert metrics_server["containers"][0]["sandbox"] is True
    assert metrics_server["containers"][1]["processes"][0].startswith("2299 /metrics-server")


def test_proc_cgroup_json(real_fixtures):
    document = _json(real_fixtures / "cgroups" / "gke-cgroupfs-v1-proc-self-cgroup.txt")
    _contract(document)
    assert (document["driver"], document["version"]) == ("cgroupfs", 1)
    assert document["pods"] == [
        {
            "uid": "74c13223-5a00-11e9-b385-42010a80018d",
            "qos": "besteffort",
            "path": "/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d",
            "containers": [
                {
                    "id": "34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376",
                    "path": "/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d/"
                    "34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376",
                }
            ],
        }
    ]


def test_listing_json(real_fixtures):
    document = _json(real_fixtures / "cgroups" / "ubuntu22-cgroupv2-kubepods-slice-files.txt")
    _contract(document)
    assert (document["driver"], document["version"], document["pods"]) == ("systemd", 2, [])
    assert document["kubepods"]["memory_limit_bytes"] == 8325677056


def test_minikube_cadvisor_json(real_fixtures):
    document = _json(
        real_fixtures
        / "metrics"
        / "minikube-v1.34-containerd-cgroupfs-kubelet-metrics-cadvisor.prom"
    )
    _contract(document)
    assert (document["driver"], document["version"]) == ("cgroupfs", 2)
    assert len(document["pods"]) == 19
    coredns = next(p for p in document["pods"] if p["uid"].startswith("d765336d"))
    assert (
        coredns["qos"] == "burstable" and coredns["name"] == "kube-system/coredns-66bc5c9577-d98t2"
    )
    [app] = [c for c in coredns["containers"] if not c["sandbox"]]
    assert app["name"] == "coredns" and app["memory_limit_bytes"] == 170 * 2**20
    assert app["cpu_limit_cores"] is None and app["cpu_shares"] == 80


def test_aks_cadvisor_json(real_fixtures):
    document = _json(
        real_fixtures / "metrics" / "aks-ubuntu22-cgroupv2-systemd-cadvisor-snippet.prom"
    )
    _contract(document)
    assert (document["driver"], document["version"]) == ("systemd", None)
    assert [(p["uid"], p["qos"], len(p["containers"])) for p in document["pods"]] == [
        ("06a0b8ac-1ec4-4058-982d-3a175e1f0458", "burstable", 1)
    ]


def test_readable_table_names_each_pod_and_its_sandbox(real_fixtures):
    done = _analyze(
        str(real_fixtures / "cgroups" / "ubuntu22-containerd-cgroupv2-systemd-cgls-full.txt")
    )
    assert done.returncode == 0, done.stderr
    assert "driver: systemd" in done.stdout and "5 pod(s)" in done.stdout
    assert "pod 698c53d8-3460-48bb-988c-3032faa318d3  besteffort" in done.stdout
    assert done.stdout.count("- sandbox") == 5


@pytest.mark.parametrize(
    "content",
    ["hello world\n", "", '{"node": {}, "pods": []}\n', "/etc/passwd\n"],
    ids=["prose", "empty", "stats-summary", "not-cgroupfs"],
)
def test_what_is_not_a_cgroup_input_is_one_line_and_exit_code_2(tmp_path, content):
    path = tmp_path / "input.txt"
    path.write_text(content)
    done = _analyze(str(path), "--json")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
