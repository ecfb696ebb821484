"""Table cells as kube-apiserver's printers compute them."""

from __future__ import annotations

import time

import pytest

from explorer.apiserver.duration import human_duration
from explorer.apiserver.printers import printer_for
from explorer.apiserver.printers.pods import pod_cells

from .objects import ago, event, node, pod, service


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"), (119, "119s"), (120, "2m"), (125, "2m5s"), (599, "9m59s"), (600, "10m"),
        (10799, "179m"), (10920, "3h2m"), (8 * 3600, "8h"), (47 * 3600, "47h"), (2 * 86400, "2d"),
        (2 * 86400 + 3600, "2d1h"), (10 * 86400, "10d"), (730 * 86400, "2y"), (-5, "<invalid>"),
    ],
)  # fmt: skip
def test_human_duration_matches_kubectl(seconds: int, text: str) -> None:
    assert human_duration(seconds) == text


def _status(obj: dict) -> str:
    return pod_cells(obj, time.time())[2]


def _with(obj: dict, **status) -> dict:
    obj["status"].update(status)
    return obj


def test_running_and_pending_pods() -> None:
    assert pod_cells(pod("d", "p", "n"), time.time())[1:4] == ["1/1", "Running", "0"]
    assert _status(pod("d", "p", None, phase="Pending")) == "Pending"


def test_waiting_container_reason_becomes_the_status() -> None:
    assert (
        _status(pod("d", "p", "n", waiting="ContainerCreating", ready=False)) == "ContainerCreating"
    )


def test_restarts_show_when_the_last_one_was() -> None:
    cells = pod_cells(pod("d", "p", "n", restarts=5, waiting="CrashLoopBackOff"), time.time())
    assert cells[2:4] == ["CrashLoopBackOff", "5 (15m ago)"]


def test_init_containers_show_progress() -> None:
    obj = pod("d", "p", "n", phase="Pending", ready=False)
    obj["spec"]["initContainers"] = [{"name": "migrate"}, {"name": "warm"}]
    obj["status"]["initContainerStatuses"] = [
        {"name": "migrate", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
        {"name": "warm", "state": {"running": {}}},
    ]
    assert _status(obj) == "Init:1/2"
    obj["status"]["initContainerStatuses"][1]["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    assert _status(obj) == "Init:CrashLoopBackOff"
    obj["status"]["initContainerStatuses"][1]["state"] = {"terminated": {"exitCode": 2}}
    assert _status(obj) == "Init:ExitCode:2"


def test_sidecar_init_containers_count_as_containers() -> None:
    obj = pod("d", "p", "n")
    obj["spec"]["initContainers"] = [{"name": "proxy", "restartPolicy": "Always"}]
    obj["status"]["initContainerStatuses"] = [
        {"name": "proxy", "started": True, "ready": True, "state": {"running": {}}}
    ]
    obj["status"]["conditions"].append({"type": "Initialized", "status": "True"})
    assert pod_cells(obj, time.time())[1:3] == ["2/2", "Running"]


def test_finished_and_terminating_pods() -> None:
    done = _with(pod("d", "p", "n"), phase="Succeeded")
    done["status"]["containerStatuses"][0]["state"] = {
        "terminated": {"exitCode": 0, "reason": "Completed"}
    }
    assert _status(done) == "Completed"
    assert printer_for("Pod").conditions(done)[0]["type"] == "Completed"
    leaving = pod("d", "p", "n")
    leaving["metadata"]["deletionTimestamp"] = ago(seconds=3)
    assert _status(leaving) == "Terminating"
    lost = _with(pod("d", "p", "n"), reason="NodeLost")
    lost["metadata"]["deletionTimestamp"] = ago(seconds=3)
    assert _status(lost) == "Unknown"


def test_wide_pod_columns() -> None:
    cells = pod_cells(pod("d", "p", None, phase="Pending"), time.time())
    assert cells[5:] == ["<none>", "<none>", "<none>", "<none>"]


def test_node_status_and_roles() -> None:
    sick = node("n", "10.0.0.1", role="worker", ready=False)
    sick["spec"]["unschedulable"] = True
    sick["metadata"]["labels"]["node-role.kubernetes.io/infra"] = ""
    cells = printer_for("Node").cells(sick, time.time())
    assert cells[1:3] == ["NotReady,SchedulingDisabled", "infra,worker"]


def test_service_external_ip_and_ports_per_type() -> None:
    svc = service("d", "lb", "10.96.0.5", 443, {"app": "x"})
    svc["spec"].update(
        type="LoadBalancer", ports=[{"port": 443, "nodePort": 31443, "protocol": "TCP"}]
    )
    cells = printer_for("Service").cells(svc, time.time())
    assert cells[1:5] == ["LoadBalancer", "10.96.0.5", "<pending>", "443:31443/TCP"]
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}]}}
    assert printer_for("Service").cells(svc, time.time())[3] == "203.0.113.7"
    assert printer_for("Service").cells(svc, time.time())[6] == "app=x"


def test_event_cells_in_column_order() -> None:
    ev = event(
        "d", "e1", "Scheduled", "  Assigned d/p to n  ", {"kind": "Pod", "name": "p", "host": "n"}
    )
    columns = [c["name"] for c in printer_for("Event").columns]
    cells = dict(zip(columns, printer_for("Event").cells(ev, time.time()), strict=True))
    assert cells["Last Seen"] == "14m" and cells["First Seen"] == "20m"
    assert cells["Object"] == "pod/p" and cells["Message"] == "Assigned d/p to n"
    assert cells["Source"] == "kubelet, n" and cells["Count"] == 2 and cells["Name"] == "e1"


def test_workload_rows() -> None:
    now = time.time()
    deployment = {
        "metadata": {"name": "web", "creationTimestamp": ago(hours=3, minutes=2)},
        "spec": {
            "replicas": 3,
            "selector": {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "Exists"}],
            },
            "template": {
                "spec": {
                    "containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:2"}]
                }
            },
        },
        "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2},
    }
    assert printer_for("Deployment").cells(deployment, now) == [
        "web",
        "2/3",
        3,
        2,
        "3h2m",
        "a,b",
        "a:1,b:2",
        "app=web,tier",
    ]
    job = {
        "metadata": {"name": "j"},
        "spec": {"completions": 3},
        "status": {"succeeded": 1, "startTime": ago(minutes=12)},
    }
    assert printer_for("Job").cells(job, now)[1:4] == ["Running", "1/3", "12m"]
    cron = {
        "metadata": {"name": "c"},
        "spec": {"schedule": "*/5 * * * *", "suspend": False},
        "status": {},
    }
    assert printer_for("CronJob").cells(cron, now)[1:6] == [
        "*/5 * * * *",
        "<none>",
        "False",
        0,
        "<none>",
    ]


def test_storage_class_marks_the_default() -> None:
    sc = {
        "metadata": {
            "name": "standard",
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
        },
        "provisioner": "rancher.io/local-path",
    }
    assert printer_for("StorageClass").cells(sc, time.time())[:5] == [
        "standard (default)",
        "rancher.io/local-path",
        "Delete",
        "Immediate",
        False,
    ]


def test_secret_data_is_a_count_never_a_value() -> None:
    printer = printer_for("Secret")
    metadata_only = printer.cells({"metadata": {"name": "s"}, "type": "Opaque"}, time.time())
    assert metadata_only[:3] == ["s", "Opaque", 0]
    whole = {"metadata": {"name": "s"}, "type": "Opaque", "data": {"a": "aHVudGVyMg==", "b": ""}}
    cells = printer.cells(whole, time.time())
    assert cells[:3] == ["s", "Opaque", 2]
    assert "aHVudGVyMg==" not in repr(cells)
