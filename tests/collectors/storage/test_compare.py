"""Expected vs actual: the mounts a node's objects call for against a real mount table."""

from __future__ import annotations

from explorer.collectors.storage.compare import (
    MISSING,
    MOUNTED,
    NOT_STAGED,
    UNEXPECTED,
    compare_mounts,
)
from explorer.collectors.storage.expected import POD_MOUNT, STAGING, expected_mounts
from explorer.collectors.storage.mounts import parse_mounts

from .real import (
    LEGACY,
    LEGACY_POD_UID,
    LEGACY_PV,
    LONGHORN,
    LONGHORN_POD_UID,
    LONGHORN_PV,
    LONGHORN_STAGING,
    text,
)


def objects(driver: str, pv: str, handle: str, pod_uid: str, node: str = "k8s1"):
    pod = {
        "metadata": {"namespace": "db", "name": "pg-0", "uid": pod_uid},
        "spec": {
            "nodeName": node,
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data-pg-0"}}],
        },
        "status": {"phase": "Running"},
    }
    claim = {
        "metadata": {"namespace": "db", "name": "data-pg-0"},
        "spec": {"volumeName": pv},
        "status": {"phase": "Bound"},
    }
    volume = {"metadata": {"name": pv}, "spec": {"csi": {"driver": driver, "volumeHandle": handle}}}
    return pod, {("db", "data-pg-0"): claim}, {pv: volume}


def test_the_longhorn_node_has_both_mounts_its_pod_calls_for() -> None:
    pod, claims, volumes = objects("driver.longhorn.io", LONGHORN_PV, LONGHORN_PV, LONGHORN_POD_UID)
    expected = expected_mounts("k8s1", [pod], claims, volumes)
    assert [(e.what, e.path) for e in expected][1] == (STAGING, LONGHORN_STAGING)
    result = compare_mounts(expected, parse_mounts(text(LONGHORN)))
    assert [c.verdict for c in result.checks] == [MOUNTED, MOUNTED]
    assert result.differences == []
    assert result.stages == {"driver.longhorn.io"}
    assert str(result.checks[0]).startswith("db/pg-0: pod mount at /var/lib/kubelet/pods/06fc67d7")


def test_a_pre_1_24_kubelet_is_checked_at_its_legacy_staging_path() -> None:
    pod, claims, volumes = objects("disk.csi.azure.com", LEGACY_PV, "h", LEGACY_POD_UID)
    expected = expected_mounts("k8s1", [pod], claims, volumes, kubelet_version=(1, 20))
    result = compare_mounts(expected, parse_mounts(text(LEGACY)))
    assert [c.verdict for c in result.checks] == [MOUNTED, MOUNTED]
    current = expected_mounts("k8s1", [pod], claims, volumes)
    missed = compare_mounts(current, parse_mounts(text(LEGACY)))
    assert [c.verdict for c in missed.checks] == [MOUNTED, NOT_STAGED, UNEXPECTED]


def test_a_mount_of_a_pod_that_is_gone_is_unexpected() -> None:
    result = compare_mounts([], parse_mounts(text(LONGHORN)))
    assert [c.verdict for c in result.checks] == [UNEXPECTED, UNEXPECTED]
    assert "no pod or volume held calls for it" in str(result.checks[0])


def test_a_pod_whose_volume_is_not_mounted_misses_it_and_its_staging_when_the_driver_stages() -> (
    None
):
    pod, claims, volumes = objects("driver.longhorn.io", "pvc-other", "pvc-other", "u-2")
    expected = expected_mounts("k8s1", [pod], claims, volumes)
    result = compare_mounts(expected, parse_mounts(text(LONGHORN)))
    verdicts = [(c.verdict, c.expected.what if c.expected else None) for c in result.checks]
    assert verdicts[:2] == [(MISSING, POD_MOUNT), (MISSING, STAGING)]
    assert len(result.differences) == 4  # and the two mounts of the pod it does not know


def test_a_driver_not_seen_staging_has_its_missing_staging_said_not_counted() -> None:
    pod, claims, volumes = objects("nfs.csi.k8s.io", "pv-n", "srv#share", "u-3")
    expected = expected_mounts("k8s1", [pod], claims, volumes)
    pod_path = expected[0].path
    table = parse_mounts(f"srv:/share on {pod_path} type nfs4 (rw,relatime)\n")
    result = compare_mounts(expected, table)
    assert [c.verdict for c in result.checks] == [MOUNTED, NOT_STAGED]
    assert result.differences == []
    told = compare_mounts(expected, table, stages={"nfs.csi.k8s.io"})
    assert [c.verdict for c in told.checks] == [MOUNTED, MISSING]


def test_pods_elsewhere_finished_or_unbound_call_for_nothing() -> None:
    pod, claims, volumes = objects("driver.longhorn.io", LONGHORN_PV, LONGHORN_PV, "u")
    assert expected_mounts("other-node", [pod], claims, volumes) == []
    pod["status"]["phase"] = "Succeeded"
    assert expected_mounts("k8s1", [pod], claims, volumes) == []
    pod["status"]["phase"] = "Running"
    claims[("db", "data-pg-0")]["status"]["phase"] = "Pending"
    assert expected_mounts("k8s1", [pod], claims, volumes) == []


def test_two_pods_on_one_node_share_one_staging_mount() -> None:
    pod, claims, volumes = objects("driver.longhorn.io", LONGHORN_PV, LONGHORN_PV, "u-a")
    other = {**pod, "metadata": {"namespace": "db", "name": "pg-reader", "uid": "u-b"}}
    expected = expected_mounts("k8s1", [pod, other], claims, volumes)
    staging = [e for e in expected if e.what == STAGING]
    assert len(staging) == 1 and staging[0].pods == ("db/pg-0", "db/pg-reader")


def test_an_inline_csi_volume_expects_a_pod_mount_under_its_own_name_and_no_staging() -> None:
    pod = {
        "metadata": {"namespace": "a", "name": "p", "uid": "u"},
        "spec": {
            "nodeName": "n",
            "volumes": [{"name": "secrets-store", "csi": {"driver": "secrets-store.csi.k8s.io"}}],
        },
        "status": {"phase": "Running"},
    }
    (mount,) = expected_mounts("n", [pod], {}, {})
    assert mount.inline and mount.what == POD_MOUNT
    assert mount.path == "/var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/secrets-store/mount"
