"""kubectl, the real client, against the API server: headers and rows as a real cluster prints."""

from __future__ import annotations

import copy
import time

import pytest

from explorer.apiserver import ApiStore, Policy

from .conftest import Kubectl


def _rows(output: str) -> list[list[str]]:
    return [line.split() for line in output.strip().splitlines()]


def test_get_pods_all_namespaces_prints_real_headers_and_status(kubectl: Kubectl) -> None:
    result = kubectl("get", "pods", "-A")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    rows = {(r[0], r[1]): r for r in _rows("\n".join(lines[1:]))}
    assert rows[("default", "web-1")][2:4] == ["1/1", "Running"]
    assert rows[("default", "pending-1")][2:4] == ["0/1", "Pending"]
    coredns = " ".join(rows[("kube-system", "coredns-1")])
    assert "0/1 CrashLoopBackOff 4 (15m ago)" in coredns


def test_get_nodes_wide_prints_roles_addresses_and_runtime(kubectl: Kubectl) -> None:
    result = kubectl("get", "nodes", "-o", "wide")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == [
        "NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP",
        "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME",
    ]  # fmt: skip
    cp = rows[0].split()
    assert cp[:5] == ["cp-1", "Ready", "control-plane", "3d2h", "v1.31.2"]
    assert cp[5:7] == ["10.0.0.10", "<none>"]
    assert rows[0].rstrip().endswith("containerd://1.7.22")
    assert rows[1].split()[:3] == ["worker-1", "Ready", "<none>"]


def test_get_services_all_namespaces(kubectl: Kubectl) -> None:
    result = kubectl("get", "svc", "-A")
    assert result.returncode == 0, result.stderr
    header, *rows = _rows(result.stdout)
    assert header == ["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert ["default", "web", "ClusterIP", "10.96.0.20", "<none>", "80/TCP", "3d"] in rows
    assert ["kube-system", "kube-dns", "ClusterIP", "10.96.0.10", "<none>", "53/TCP", "3d"] in rows


def test_get_events_all_namespaces(kubectl: Kubectl) -> None:
    result = kubectl("get", "events", "-A")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAMESPACE", "LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert any(
        line.split()[:5] == ["kube-system", "14m", "Warning", "BackOff", "pod/coredns-1"]
        and line.endswith("Back-off restarting failed container")
        for line in lines[1:]
    )


def test_get_pods_watch_prints_a_line_for_a_change_applied_through_the_store(
    kubectl: Kubectl, store: ApiStore
) -> None:
    watcher = kubectl.start("get", "pods", "-A", "--watch", "--request-timeout=20s")
    try:
        first = watcher.stdout.readline()
        assert first.split()[:4] == ["NAMESPACE", "NAME", "READY", "STATUS"]
        for _ in range(4):  # the four listed pods
            watcher.stdout.readline()
        time.sleep(0.3)  # let the watch request reach the server
        crashed = copy.deepcopy(store.get("Pod", "default", "web-2"))
        crashed["status"]["containerStatuses"][0]["state"] = {
            "waiting": {"reason": "ImagePullBackOff"}
        }
        crashed["status"]["containerStatuses"][0]["ready"] = False
        store.apply({"type": "MODIFIED", "object": crashed})
        line = watcher.stdout.readline()
        assert line.split()[:4] == ["default", "web-2", "0/1", "ImagePullBackOff"]
    finally:
        watcher.kill()
        watcher.communicate()


@pytest.mark.parametrize("policy", [Policy(forbidden={"secrets"})])
def test_forbidden_secrets_print_the_real_forbidden_error(kubectl: Kubectl) -> None:
    result = kubectl("get", "secrets")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        'Error from server (Forbidden): secrets is forbidden: User "system:anonymous" cannot list '
        'resource "secrets" in API group "" in the namespace "default"'
    )
    assert kubectl("auth", "can-i", "list", "secrets").stdout.strip() == "no"
    assert kubectl("auth", "can-i", "list", "pods").stdout.strip() == "yes"


def test_secrets_list_shows_no_values(kubectl: Kubectl) -> None:
    result = kubectl("get", "secrets", "-o", "json")
    assert result.returncode == 0, result.stderr
    assert "db-credentials" in result.stdout
    assert "aHVudGVyMg==" not in result.stdout
    table = kubectl("get", "secrets")
    assert _rows(table.stdout)[1][:3] == ["db-credentials", "Opaque", "0"]


def test_writes_are_refused_with_method_not_allowed(kubectl: Kubectl) -> None:
    result = kubectl("delete", "pod", "web-1")
    assert result.returncode == 1
    assert "(MethodNotAllowed)" in result.stderr


def test_missing_pod_is_reported_as_not_found(kubectl: Kubectl) -> None:
    result = kubectl("get", "pod", "nope")
    assert result.stderr.strip() == 'Error from server (NotFound): pods "nope" not found'


def test_logs_come_from_the_node_facts(kubectl: Kubectl) -> None:
    result = kubectl("logs", "web-1", "--tail=2")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "line two\nline three\n"
