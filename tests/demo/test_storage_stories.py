"""The demo's storage shows what real clusters show: each story is there, consistent with the
rest of the cluster (its nodes' recorded mounts too), and said in words on its object page."""

from __future__ import annotations

from explorer.collectors.storage.names import attachment_name
from explorer.collectors.storage.volume_dirs import node_storage
from explorer.demo.storage_stories import RETAIN_CLASS
from explorer.viewmodels.objects.page import CLUSTER_SCOPED, object_view


def words(state, kind: str, namespace: str, name: str) -> list[str]:
    params = {"cluster": "demo", "kind": kind, "namespace": namespace or CLUSTER_SCOPED}
    model = object_view(state, {**params, "name": name})
    found = [s for s in model["sections"] if s["id"] == "why"]
    return [row[0] for row in found[0]["rows"]] if found else []


def test_a_claim_asking_for_no_class_is_pending_with_the_controllers_event(demo):
    claim = demo.get("PersistentVolumeClaim", "shop", "scratch")
    assert claim["spec"]["storageClassName"] == "" and claim["status"]["phase"] == "Pending"
    (event,) = [
        e for e in demo.list("Event", "shop") if e["involvedObject"].get("name") == "scratch"
    ]
    assert (event["reason"], event["type"]) == ("FailedBinding", "Warning")
    assert event["message"] == (
        "no persistent volumes available for this claim and no storage class is set"
    )
    assert words(demo, "PersistentVolumeClaim", "shop", "scratch")[0].startswith(
        'It asks for no class (storageClassName "")'
    )


def test_a_wait_for_first_consumer_claim_waits_for_a_pod_no_one_made(demo):
    storage_class = demo.get("StorageClass", "", RETAIN_CLASS)
    assert storage_class["volumeBindingMode"] == "WaitForFirstConsumer"
    assert storage_class["reclaimPolicy"] == "Retain"
    claim = demo.get("PersistentVolumeClaim", "shop", "exports")
    assert claim["status"]["phase"] == "Pending"
    said = words(demo, "PersistentVolumeClaim", "shop", "exports")
    assert said[0].startswith("Its class ceph-rbd-retain waits for the first consumer: no pod")


def test_the_second_databases_claim_is_growing_and_waits_for_the_node(demo):
    claim = demo.get("PersistentVolumeClaim", "shop", "data-db-1")
    volume = demo.volume_for_claim("shop", "data-db-1")
    assert claim["spec"]["resources"]["requests"]["storage"] == "20Gi"
    assert claim["status"]["capacity"]["storage"] == "10Gi"
    assert volume["spec"]["capacity"]["storage"] == "20Gi"
    said = words(demo, "PersistentVolumeClaim", "shop", "data-db-1")
    assert said[0] == "Expansion in progress: asks for 20Gi, has 10Gi."
    assert said[1].startswith("FileSystemResizePending")


def test_a_released_volume_under_retain_names_its_deleted_claim(demo):
    (volume,) = [v for v in demo.list("PersistentVolume") if v["status"]["phase"] == "Released"]
    assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert demo.get("PersistentVolumeClaim", "shop", "reports-archive") is None
    said = words(demo, "PersistentVolume", "", volume["metadata"]["name"])
    assert said[0].startswith("Released: its claim shop/reports-archive was deleted.")


def test_the_restore_pod_waits_on_an_attachment_that_failed(demo):
    pod = demo.get("Pod", "default", "restore")
    assert pod["status"]["phase"] == "Pending" and pod["spec"]["nodeName"]
    volume = demo.volume_for_claim("default", "restore-data")
    csi = volume["spec"]["csi"]
    name = attachment_name(csi["volumeHandle"], csi["driver"], pod["spec"]["nodeName"])
    attachment = demo.get("VolumeAttachment", "", name)
    assert attachment["status"]["attached"] is False
    assert "Connection timed out" in attachment["status"]["attachError"]["message"]
    node = demo.get("Node", "", pod["spec"]["nodeName"])
    attached = [v["name"] for v in node["status"].get("volumesAttached") or ()]
    assert not any(csi["volumeHandle"] in v for v in attached)
    said = words(demo, "PersistentVolumeClaim", "default", "restore-data")
    assert said[0].startswith(f"It cannot be attached to node {pod['spec']['nodeName']}: rpc error")
    events = [
        e for e in demo.list("Event", "default") if e["involvedObject"].get("name") == "restore"
    ]
    assert [e["reason"] for e in events] == ["FailedAttachVolume"]


def test_each_node_records_the_mounts_and_vol_data_its_attached_volumes_call_for(demo):
    """The demo's `storage` facts agree with its objects: every running pod's claim on an
    attached volume is mounted twice (staged, then bound into the pod) from one device, its
    vol_data.json names the attachment the controller made, and the filesystem of the claim
    grown while it waits for the node is still the old size."""
    mounted: set[str] = set()
    for node, facts in demo.node_facts.items():
        storage = node_storage(facts["storage"])
        for found in storage.dirs:
            data = found.vol_data
            attachment = demo.get("VolumeAttachment", "", data.attachment_id)
            assert attachment["status"]["attached"] and attachment["spec"]["nodeName"] == node
            assert attachment_name(data.volume_handle, data.driver, node) == data.attachment_id
            mount = storage.table.at(found.mount_path(storage.kubelet_root))
            assert mount is not None and mount.fstype == "ext4"
            staged = [m for m in storage.table.mounts if m.target.endswith("/globalmount")]
            assert mount.source in {m.source for m in staged}
            mounted.add(data.spec_volume)
    grown = demo.volume_for_claim("shop", "data-db-1")["metadata"]["name"]
    failed = demo.volume_for_claim("default", "restore-data")["metadata"]["name"]
    assert grown in mounted and failed not in mounted
    (usage,) = [
        d.usage for f in demo.node_facts.values() for d in node_storage(f["storage"]).dirs
        if d.name == grown
    ]  # fmt: skip
    assert usage.capacity_bytes == 10 * 2**30, "the filesystem waits for the node to grow"
