"""What keeps a pod from being picked up or started, in words, each with the cluster's own text
and count: on small hand-made states."""

from __future__ import annotations

from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.objects.page import object_view
from explorer.viewmodels.workloads.pod import pod_view


def _pod(name: str, *, node: str = "", phase: str = "Pending", **spec) -> dict:
    body = {"containers": [{"name": "app", "image": "busybox"}], **spec}
    body.setdefault("schedulerName", "default-scheduler")
    if node:
        body["nodeName"] = node
    return {
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "ns", "uid": f"uid-{name}"},
        "spec": body,
        "status": {"phase": phase},
    }


def _event(about: dict, reason: str, message: str, count: int = 1, n: int = 0) -> dict:
    meta = about["metadata"]
    return {
        "kind": "Event",
        "metadata": {"name": f"{meta['name']}.{reason}.{n}", "namespace": "ns", "uid": f"e-{n}"},
        "involvedObject": {
            "kind": about["kind"],
            "name": meta["name"],
            "namespace": "ns",
            "uid": meta["uid"],
        },
        "reason": reason,
        "message": message,
        "type": "Warning",
        "count": count,
        "firstTimestamp": "2030-01-01T00:00:00Z",
        "lastTimestamp": f"2030-01-01T00:0{n}:00Z",
    }


def _stuck(*objects: dict) -> list[dict]:
    state = ClusterState("t")
    for obj in objects:
        state.upsert(obj, obj["kind"])
    pod = next(o for o in objects if o["kind"] == "Pod")
    params = {"cluster": "t", "namespace": "ns", "name": pod["metadata"]["name"]}
    return pod_view(state, params)["stuck"]


def test_a_gated_pod_says_it_is_gated_and_by_which_gate() -> None:
    pod = _pod("gated", schedulingGates=[{"name": "example.com/wait"}])
    pod["status"]["conditions"] = [
        {
            "type": "PodScheduled",
            "status": "False",
            "reason": "SchedulingGated",
            "message": "Scheduling is blocked due to non-empty scheduling gates",
        }
    ]
    (stuck,) = _stuck(pod)
    assert stuck["concern"] == "gated"
    assert "scheduling gate example.com/wait is removed" in stuck["headline"]
    assert stuck["said"] == "Scheduling is blocked due to non-empty scheduling gates"


def test_a_pod_for_a_scheduler_nobody_runs_says_no_scheduler_picks_it_up() -> None:
    (stuck,) = _stuck(_pod("mine", schedulerName="my-scheduler"))
    assert stuck["concern"] == "scheduler"
    assert stuck["headline"].startswith("No scheduler picks it up: it asks for the scheduler my-")


def test_a_scheduler_with_a_lease_of_its_name_is_taken_to_run() -> None:
    lease = {"kind": "Lease", "metadata": {"name": "my-scheduler", "namespace": "kube-system"}}
    (stuck,) = _stuck(_pod("mine", schedulerName="my-scheduler"), lease)
    assert "seems to run (Lease kube-system/my-scheduler)" in stuck["headline"]


def test_a_pod_the_default_scheduler_tries_is_not_stuck_this_way() -> None:
    assert _stuck(_pod("plain")) == []


def test_an_image_pull_back_off_names_the_container_the_image_and_the_pull_error() -> None:
    pod = _pod("canary", node="n1")
    pod["spec"]["containers"][0]["image"] = "example/web:nope"
    waiting = {"reason": "ImagePullBackOff", "message": 'Back-off pulling image "example/web:nope"'}
    pod["status"]["containerStatuses"] = [{"name": "app", "state": {"waiting": waiting}}]
    failed = 'Failed to pull image "example/web:nope": not found'
    (stuck,) = _stuck(pod, _event(pod, "Failed", failed, 7, 1), _event(pod, "BackOff", "b", 30, 2))
    assert stuck["concern"] == "image"
    assert stuck["headline"].startswith(
        "Container app cannot pull its image example/web:nope (ImagePullBackOff)"
    )
    assert (stuck["said"], stuck["count"]) == (failed, 7)


def test_a_sandbox_the_cni_cannot_network_says_the_network_is_not_ready() -> None:
    pod = _pod("net", node="n1")
    said = (
        "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network "
        'for sandbox "abc": plugin type="flannel" failed (add): loadFlannelSubnetEnv failed: '
        "open /run/flannel/subnet.env: no such file or directory"
    )
    (stuck,) = _stuck(pod, _event(pod, "FailedCreatePodSandBox", said, 12))
    assert stuck["concern"] == "network"
    assert "pod network is not ready" in stuck["headline"]
    assert (stuck["said"], stuck["count"]) == (said, 12)


def test_network_not_ready_events_are_read_as_the_cni_not_ready() -> None:
    pod = _pod("net", node="n1")
    said = (
        "network is not ready: container runtime network not ready: NetworkReady=false "
        "reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not "
        "initialized"
    )
    (stuck,) = _stuck(pod, _event(pod, "NetworkNotReady", said, 4))
    assert stuck["concern"] == "network" and stuck["said"] == said


def test_a_failed_mount_names_the_volume() -> None:
    pod = _pod("mount", node="n1")
    said = 'MountVolume.SetUp failed for volume "settings" : configmap "cfg" not found'
    (stuck,) = _stuck(pod, _event(pod, "FailedMount", said, 18))
    assert stuck["concern"] == "mount"
    assert stuck["headline"].startswith("The kubelet cannot mount volume settings")
    assert stuck["count"] == 18


def test_a_multi_attach_error_names_the_volume_and_the_pod_holding_it() -> None:
    pod = _pod("backup", node="n2")
    said = 'Multi-Attach error for volume "pvc-1" Volume is already used by pod(s) db-0'
    (stuck,) = _stuck(pod, _event(pod, "FailedAttachVolume", said, 11))
    assert stuck["concern"] == "multi-attach"
    assert stuck["headline"].startswith(
        "Volume pvc-1 is attached to another node already (used by db-0)"
    )


def test_a_running_pod_is_not_said_to_be_stuck_by_old_mount_events() -> None:
    pod = _pod("fine", node="n1", phase="Running")
    assert _stuck(pod, _event(pod, "FailedMount", 'for volume "x" : gone')) == []


def test_a_replica_set_refused_by_a_quota_says_so_on_its_page() -> None:
    rs = {
        "kind": "ReplicaSet",
        "metadata": {"name": "web-1", "namespace": "ns", "uid": "rs-1"},
        "spec": {"replicas": 2},
        "status": {"replicas": 0},
    }
    said = (
        'Error creating: pods "web-1-abcde" is forbidden: exceeded quota: compute, requested: '
        "requests.cpu=2, used: requests.cpu=9, limited: requests.cpu=10"
    )
    state = ClusterState("t")
    state.upsert(rs, "ReplicaSet")
    state.upsert(_event(rs, "FailedCreate", said, 17), "Event")
    params = {"cluster": "t", "kind": "ReplicaSet", "namespace": "ns", "name": "web-1"}
    model = object_view(state, params)
    (section,) = [s for s in model["sections"] if s["id"] == "cannot-create"]
    (row,) = section["rows"]
    assert row[1].startswith("The ReplicaSet cannot create its pods: ResourceQuota compute")
    assert "asks for requests.cpu=2; the namespace already uses requests.cpu=9 of" in row[1]
    assert (row[2], row[3]) == (said, "17")
    assert row[5]["text"] == "compute"
    assert ["creating pods", row[1]] in model["facts"]
