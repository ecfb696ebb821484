"""A claim's page on the node, expected vs found: the real mount tables and kubelet summaries of
shared/fixtures/real/storage/ as a node's facts, the paths the page expects found in them, the
bytes the kubelet reported drawn as a bar, and, when nothing measured them, why."""

from __future__ import annotations

from explorer.collectors.storage.usage import usage_records, volume_usage
from explorer.state.cluster_state import ClusterState
from tests.collectors.storage.real import (
    LONGHORN,
    LONGHORN_POD_UID,
    LONGHORN_PV,
    LONGHORN_STAGING,
    SUMMARY_CSI,
    text,
)

from .test_object_page import page, section, texts
from .test_storage_pages import obj

NODE = "k8s-node-1"
OFF = "proxy: not turned on (EXPLORER_NODE_ACCESS does not include nodes-proxy)"


def cluster(
    driver: str, pv: str, handle: str, pod_uid: str, pod: str = "pg-0", volume: str = "data"
) -> ClusterState:
    state = ClusterState("real")
    state.upsert(obj("Node", NODE, status={"nodeInfo": {"kubeletVersion": "v1.28.9+rke2r1"}}))
    state.upsert(
        obj(
            "PersistentVolumeClaim",
            "data",
            "default",
            spec={"volumeName": pv, "resources": {"requests": {"storage": "10Gi"}}},
            status={"phase": "Bound", "capacity": {"storage": "10Gi"}},
        )
    )
    state.upsert(
        obj(
            "PersistentVolume",
            pv,
            spec={
                "capacity": {"storage": "10Gi"},
                "claimRef": {"namespace": "default", "name": "data"},
                "csi": {"driver": driver, "volumeHandle": handle},
            },
            status={"phase": "Bound"},
        )
    )
    state.upsert(
        obj(
            "Pod",
            pod,
            "default",
            metadata={"uid": pod_uid},
            spec={
                "nodeName": NODE,
                "volumes": [{"name": volume, "persistentVolumeClaim": {"claimName": "data"}}],
            },
            status={"phase": "Running"},
        )
    )
    return state


def longhorn() -> ClusterState:
    return cluster("driver.longhorn.io", LONGHORN_PV, LONGHORN_PV, LONGHORN_POD_UID)


def test_the_longhorn_pod_mount_and_staging_mount_are_found_in_the_nodes_real_table() -> None:
    state = longhorn()
    storage = {
        "kubelet_root": "/var/lib/kubelet",
        "mountinfo": text(LONGHORN),
        "volumes": [],
        "probe": "local",
        "taken_at": "2026-05-06T07:08:09.123Z",
    }
    state.set_node_facts(NODE, {"storage": storage})

    rows = texts(
        section(page(state, "PersistentVolumeClaim", "default", "data"), "on-the-node")["rows"]
    )

    mount = (
        f"/var/lib/kubelet/pods/{LONGHORN_POD_UID}/volumes/kubernetes.io~csi/{LONGHORN_PV}/mount"
    )
    when = "2026-05-06T07:08:09Z (local probe)"
    assert rows[0] == [
        "pg-0",
        NODE,
        "pod mount",
        f"mounted: xfs from /dev/longhorn/{LONGHORN_PV}",
        when,
        mount,
    ]
    assert rows[1] == [
        "",
        NODE,
        "staging",
        f"mounted: xfs from /dev/longhorn/{LONGHORN_PV}",
        when,
        LONGHORN_STAGING,
    ]


def test_a_mount_table_without_the_pods_mount_says_it_is_missing() -> None:
    state = longhorn()
    table = "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
    state.set_node_facts(
        NODE, {"storage": {"kubelet_root": "/var/lib/kubelet", "mountinfo": table}}
    )

    rows = texts(
        section(page(state, "PersistentVolumeClaim", "default", "data"), "on-the-node")["rows"]
    )

    assert rows[0][3] == "missing"
    assert rows[1][3] == "no staging mount (the driver may not stage)"


def summary_cluster() -> tuple[ClusterState, dict]:
    (usage,) = [u for u in volume_usage(text(SUMMARY_CSI)) if u.claim]
    state = cluster(
        "disk.csi.azure.com", "pvc-disk", "/subscriptions/x/disks/pvc-disk", usage.pod_uid,
        pod=usage.pod_name, volume=usage.volume,
    )  # fmt: skip
    fact = {"volumes": usage_records([usage]), "probe": "proxy", "taken_at": "2026-05-06T07:08:09Z"}
    return state, fact


def test_the_bytes_the_kubelets_summary_reported_are_a_bar_on_the_claims_page() -> None:
    state, fact = summary_cluster()
    state.set_node_facts(NODE, {"volume-usage": fact})

    model = page(state, "PersistentVolumeClaim", "default", "data")

    (row,) = section(model, "usage")["rows"]
    assert row[2] == {
        "text": "36.1 MiB of 9.8 GiB (0%)",
        "bar": {"value": 37801984, "max": 10501771264},
    }
    assert row[3] == "9.7 GiB"
    assert row[4].startswith("kubelet /stats/summary through nodes/proxy, ")


def test_with_nodes_proxy_off_and_no_agent_the_page_says_why_the_bytes_are_missing() -> None:
    state, _ = summary_cluster()
    state.set_node_facts(
        NODE,
        {
            "errors": {
                "volume-usage": OFF,
                "storage": "local: only the node's agent reads its mount table",
            }
        },
    )

    rows = texts(section(page(state, "PersistentVolumeClaim", "default", "data"), "usage")["rows"])

    assert rows[0][2:4] == ["not measured", ""]
    assert rows[0][4] == (
        f"kubelet /stats/summary not read: {OFF}; "
        "no agent read the node's mounts: local: only the node's agent reads its mount table"
    )


def test_with_nodes_proxy_off_the_agents_statvfs_gives_the_bytes() -> None:
    state = longhorn()
    usage = {
        "capacity_bytes": 10 * 2**30,
        "used_bytes": 2**30,
        "available_bytes": 9 * 2**30,
        "inodes": 655360,
        "inodes_used": 12,
    }
    storage = {
        "kubelet_root": "/var/lib/kubelet",
        "mountinfo": text(LONGHORN),
        "volumes": [
            {"pod_uid": LONGHORN_POD_UID, "plugin": "kubernetes.io~csi", "name": LONGHORN_PV,
             "usage": usage}
        ],
        "probe": "local",
        "taken_at": "2026-05-06T07:08:09Z",
    }  # fmt: skip
    state.set_node_facts(NODE, {"storage": storage, "errors": {"volume-usage": OFF}})

    rows = texts(section(page(state, "PersistentVolumeClaim", "default", "data"), "usage")["rows"])

    assert rows == [
        [
            "pg-0",
            NODE,
            "1.0 GiB of 10.0 GiB (10%)",
            "9.0 GiB",
            "statvfs of the mount, 2026-05-06T07:08:09Z (local probe)",
        ]
    ]
