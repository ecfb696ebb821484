"""The real storage fixtures (shared/fixtures/real/storage/, each described in its .source.txt)
and the values read from them by hand, which the tests hold the code to."""

from __future__ import annotations

from pathlib import Path

REAL = Path("/tmp/shared/fixtures/real/storage")


def text(name: str) -> str:
    return (REAL / name).read_text()


LONGHORN = "rke2-longhorn-node-mount-globalmount.txt"
LONGHORN_PV = "pvc-4151d201-437b-4ceb-bbf6-c227ea49e285"  # also Longhorn's volume handle
LONGHORN_POD_UID = "06fc67d7-833f-4ecd-810f-77787fd703e6"
LONGHORN_STAGING = (
    "/var/lib/kubelet/plugins/kubernetes.io/csi/driver.longhorn.io/"
    "0bb8a8bc36ca16f14a425e5eaf35ed51af6096bf0302129a05394ce51393cecd/globalmount"
)

BLOB = "aks-blob-nfs-node-mount-syslog-driverlog.txt"
BLOB_HANDLE = (
    "mc_secureshack2_aksblob_swedencentral#nfsd1e1b9f5405a439690cd#"
    "pvc-b99827c6-a0d6-4841-b085-bb66f8c3c183##default#"
)
BLOB_PV = "pvc-b99827c6-a0d6-4841-b085-bb66f8c3c183"
BLOB_POD_UID = "9702c0b1-570a-4f43-ad49-ad46b0a40acc"
BLOB_STAGING = (
    "/var/lib/kubelet/plugins/kubernetes.io/csi/blob.csi.azure.com/"
    "468bbce0eb7e82f6d2775d23ec1a5c6c8fd58d69a1fcc5bee2f15806101224f4/globalmount"
)

CEPHFS = "rook-cephfs-kernel-mount-globalmount.txt"
CEPHFS_HANDLE = "0001-0009-rook-ceph-0000000000000001-7fed1ce7-97cf-43ef-9b84-2a49ab992515"
CEPHFS_STAGING = (
    "/var/lib/kubelet/plugins/kubernetes.io/csi/cephfs.csi.ceph.com/"
    "bc0146ec2b5d9a9db62e698abbe0adcae19c0e01f5cf15d3d593ed33c7bc1a8d/globalmount"
)

LEGACY = "aks-engine-azuredisk-legacy-pv-globalmount-mount.txt"
LEGACY_PV = "pvc-e4c14592-2a79-423e-846f-4b25fe393d6c"
LEGACY_POD_UID = "75351f5a-b2ce-4fab-bb90-250aaa010298"

KIND = "kind-csi-hostpath-pv-pvc-pod-volumeattachment-describe.txt"
KIND_ATTACHMENT = "csi-5f182b564c52cd52e04e148a1feef00d470155e051924893d3aee8c3b26b8471"

VOL_DATA = "acs-engine-csi-hostpath-kubelet-vol_data.json"
AKS_DISK = "aks-azuredisk-volumeattachment-pv-pvc-sc-describe.txt"
AKS_DISK_ATTACHMENT = "csi-859f338b71b4d725a1b92e6d8b78b36359b1de2c9bf293e7ffa96fc0f6bc8a20"
SUMMARY_2018 = "aks-2018-kubelet-stats-summary-pvcs.json"
SUMMARY_CSI = "aks-azuredisk-csi-kubelet-stats-summary.json"
