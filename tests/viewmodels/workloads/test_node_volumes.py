"""The node page's volumes on the demo: every mount its objects call for found in the node's
recorded mount table, the restore pod's (attachment failed) and the notebook backup's
(Multi-Attach) waiting rather than missing, a CSI mount of a pod that is gone unexpected, and
another plugin's pod volume listed with its pod."""

from __future__ import annotations

from explorer.demo import build_demo
from explorer.lib.objects import key_of, uid_of
from explorer.viewmodels.workloads.node_volumes import node_volumes

NODE = "demo-worker"


def model(state) -> dict:
    return node_volumes(state, {"cluster": "demo", "name": NODE})


def test_the_demo_workers_claims_are_mounted_and_the_failed_attachments_pod_waits() -> None:
    state = build_demo()
    built = model(state)
    assert built["header"]["counts"] == {"mounted": 4, "waiting": 4}
    assert built["header"]["mounts_from"] == "/proc/1/mountinfo"
    mounted = {(r["what"], r["claim_text"]): r for r in built["rows"] if r["verdict"] == "mounted"}
    assert set(mounted) == {
        ("pod mount", "shop/data-db-0"),
        ("pod mount", "shop/data-db-1"),
        ("staging", "shop/data-db-0"),
        ("staging", "shop/data-db-1"),
    }
    db = mounted[("pod mount", "shop/data-db-0")]
    assert db["pod_text"] == "shop/db-0" and db["device"] == "ext4 from /dev/rbd0"
    assert db["pod"] == {"page": "pod", "namespace": "shop", "name": "db-0"}
    assert db["usage"]["max"] == 10 * 2**30 and 0 < db["usage"]["value"] < db["usage"]["max"]
    waiting = [r for r in built["rows"] if r["verdict"] == "waiting"]
    # the restore pod's attachment failed; the notebook's backup waits for its Multi-Attach
    assert {r["claim_text"] for r in waiting} == {"default/restore-data", "default/notebook-home"}
    assert all(
        r["state"] == "not mounted yet: the pod is Pending" and r["healthy"] for r in waiting
    )
    assert all(r["healthy"] for r in built["rows"])


def test_a_mount_of_a_gone_pod_is_unexpected_and_a_token_volume_is_listed_with_its_pod() -> None:
    state = build_demo()
    pod = state.pods_on_node(NODE)[0]
    storage = dict(state.node_facts[NODE]["storage"])
    root = "/var/lib/kubelet/pods"
    gone = f"{root}/0000dead-0000-0000-0000-000000000000/volumes/kubernetes.io~csi/pvc-gone/mount"
    token = f"{root}/{uid_of(pod)}/volumes/kubernetes.io~projected/kube-api-access-x1"
    storage["mountinfo"] += (
        f"900 22 252:64 / {gone} rw,relatime shared:900 - ext4 /dev/rbd4 rw\n"
        f"901 22 0:90 / {token} rw,relatime shared:901 - tmpfs tmpfs rw,size=3984k\n"
    )
    state.set_node_facts(NODE, {"storage": storage})

    rows = {r["path"]: r for r in model(state)["rows"]}

    assert rows[gone]["verdict"] == "unexpected" and not rows[gone]["healthy"]
    assert rows[gone]["state"] == "mounted, but no pod or volume held calls for it"
    assert rows[token]["what"] == "kubernetes.io/projected"
    assert rows[token]["pod_text"] == "/".join(key_of(pod)) and rows[token]["healthy"]


def test_a_node_without_a_mount_table_says_why() -> None:
    state = build_demo()
    state.node_facts[NODE] = {"errors": {"storage": "local: only the node's agent reads it"}}
    built = model(state)
    assert built["rows"] == []
    assert built["header"]["missing"] == "local: only the node's agent reads it"
