"""The names kubelet and the attach/detach controller derive, against the values real clusters
show (the fixtures decide every hash)."""

from __future__ import annotations

import orjson

from explorer.collectors.storage.names import (
    attachment_name,
    escape_qualified_name,
    kubelet_minor,
    kubelet_path,
    legacy_staging_path,
    pod_mount_path,
    staging_path,
    staging_path_for,
)

from .real import (
    AKS_DISK,
    AKS_DISK_ATTACHMENT,
    BLOB,
    BLOB_HANDLE,
    BLOB_POD_UID,
    BLOB_PV,
    BLOB_STAGING,
    CEPHFS,
    CEPHFS_HANDLE,
    CEPHFS_STAGING,
    KIND,
    KIND_ATTACHMENT,
    LEGACY,
    LEGACY_POD_UID,
    LEGACY_PV,
    LONGHORN,
    LONGHORN_POD_UID,
    LONGHORN_PV,
    LONGHORN_STAGING,
    VOL_DATA,
    text,
)


def test_the_kind_volume_attachment_is_named_from_handle_driver_and_node() -> None:
    name = attachment_name(
        "42bdc1e0-624e-11ea-beee-42d40678b2d1", "hostpath.csi.k8s.io", "csi-prow-worker"
    )
    assert name == KIND_ATTACHMENT
    assert f"Name:         {name}\n" in text(KIND)


def test_the_attachment_id_kubelet_wrote_in_vol_data_is_the_same_name() -> None:
    data = orjson.loads(text(VOL_DATA))
    expected = "csi-00a98606a6f4ed6a68f2635ab292924ee235e56a51e5024e70c19a04c17804c8"
    assert data["attachmentID"] == expected
    assert attachment_name(data["volumeHandle"], data["driverName"], data["nodeName"]) == expected


def test_a_redacted_volume_handle_gives_another_name_than_the_cluster_used() -> None:
    handle = (
        "/subscriptions/$subId/resourceGroups/MC_rg_aks_swedencentral/providers/"
        "Microsoft.Compute/disks/pvc-e96a31a5-2246-449e-b90f-2b6933595e22"
    )
    assert f"VolumeHandle:      {handle}\n" in text(AKS_DISK)
    name = attachment_name(handle, "disk.csi.azure.com", "aks-nodepool1-29436964-vmss000002")
    assert name != AKS_DISK_ATTACHMENT
    assert name.startswith("csi-") and len(name) == 68


def test_the_gke_attachment_the_controller_would_have_made_starts_33a7665b() -> None:
    handle = (
        "projects/strong-eon-153112/zones/us-central1-a/disks/"
        "pvc-e32d7590-dab5-11e9-9d63-42010a800067"
    )
    name = attachment_name(
        handle, "pd.csi.storage.gke.io", "gke-amitd-ddp-default-pool-d5aa3f95-t8p1"
    )
    assert name.startswith("csi-33a7665b")


def test_the_longhorn_staging_path_is_the_sha256_of_its_handle_under_the_driver() -> None:
    assert staging_path("driver.longhorn.io", LONGHORN_PV) == LONGHORN_STAGING
    assert f" on {LONGHORN_STAGING} type xfs " in text(LONGHORN)


def test_the_blob_staging_path_hashes_the_whole_handle() -> None:
    assert staging_path("blob.csi.azure.com", BLOB_HANDLE) == BLOB_STAGING
    assert f'device mount path \\"{BLOB_STAGING}\\"' in text(BLOB)


def test_the_cephfs_staging_path_hashes_the_ceph_volume_id() -> None:
    assert staging_path("cephfs.csi.ceph.com", CEPHFS_HANDLE) == CEPHFS_STAGING
    assert f" on {CEPHFS_STAGING} type ceph " in text(CEPHFS)


def test_pod_mounts_are_under_the_pod_uid_and_the_volume_name() -> None:
    longhorn = pod_mount_path(LONGHORN_POD_UID, LONGHORN_PV)
    blob = pod_mount_path(BLOB_POD_UID, BLOB_PV)
    assert f" on {longhorn} type xfs " in text(LONGHORN)
    assert f'"target_path":"{blob}"' in text(BLOB)


def test_a_kubelet_before_1_24_stages_under_the_pv_name() -> None:
    path = staging_path_for("disk.csi.azure.com", "any-handle", LEGACY_PV, (1, 23))
    assert path == legacy_staging_path(LEGACY_PV)
    assert f"/dev/sdc on {path} type ext4 (rw,relatime)" in text(LEGACY)
    assert f" on {pod_mount_path(LEGACY_POD_UID, LEGACY_PV)} type ext4 " in text(LEGACY)
    assert staging_path_for("driver.longhorn.io", LONGHORN_PV, "x", (1, 24)) == LONGHORN_STAGING


def test_a_driver_name_with_a_slash_is_one_path_segment() -> None:
    assert escape_qualified_name("example.com/nfs") == "example.com~nfs"
    assert "/csi/example.com~nfs/" in staging_path("example.com/nfs", "h")


def test_kubelet_paths_are_read_back_into_pod_volume_driver_and_digest() -> None:
    pod = kubelet_path(pod_mount_path(BLOB_POD_UID, BLOB_PV))
    staging = kubelet_path(BLOB_STAGING)
    legacy = kubelet_path(legacy_staging_path(LEGACY_PV))
    assert pod is not None and (pod.what, pod.pod_uid, pod.pv_name) == (
        "pod mount",
        BLOB_POD_UID,
        BLOB_PV,
    )
    assert staging is not None and (staging.what, staging.driver) == (
        "staging",
        "blob.csi.azure.com",
    )
    assert staging.digest == "468bbce0eb7e82f6d2775d23ec1a5c6c8fd58d69a1fcc5bee2f15806101224f4"
    assert legacy is not None and (legacy.what, legacy.pv_name) == ("legacy staging", LEGACY_PV)
    assert kubelet_path("/var/lib/kubelet/pods/u/volumes/kubernetes.io~empty-dir/x") is None
    assert kubelet_path("/mnt/blob") is None


def test_kubelet_versions_are_read_from_a_node_info_string() -> None:
    assert kubelet_minor("v1.14.6-eks-5047ed") == (1, 14)
    assert kubelet_minor("v1.31.2") == (1, 31)
    assert kubelet_minor("unknown") is None
