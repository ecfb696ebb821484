"""The kubelet's volume usage: /stats/summary's per-pod volumes and vol_data.json."""

from __future__ import annotations

import pytest

from explorer.collectors.storage.usage import NotVolumeData, claim_usage, vol_data, volume_usage

from .real import SUMMARY_2018, SUMMARY_CSI, VOL_DATA, text


def test_the_2018_summary_gives_the_four_claims_with_their_capacity_and_use() -> None:
    usages = volume_usage(text(SUMMARY_2018))
    by_claim = claim_usage(usages)
    assert {claim: (u.capacity_bytes, u.used_bytes) for claim, u in by_claim.items()} == {
        ("default", "data-nomadic-hare-mariadb-0"): (8320901120, 202186752),
        ("default", "guiding-pronghorn-mysql"): (8320901120, 238919680),
        ("default", "pvc-azurefile"): (10737418240, 4194304),
        ("default", "nomadic-hare-wordpress"): (10434699264, 70754304),
    }
    assert {u.node for u in usages} == {"aks-nodepool1-31692934-0"}
    maria = by_claim[("default", "data-nomadic-hare-mariadb-0")]
    assert (maria.pod_name, maria.volume) == ("nomadic-hare-mariadb-0", "data")
    assert maria.pod_uid == "4bcf09d2-f774-11e8-9a89-466a8348dc59"


def test_volumes_without_a_claim_are_listed_without_one() -> None:
    usages = volume_usage(text(SUMMARY_2018))
    tokens = [u for u in usages if u.claim is None]
    assert tokens and all(u.volume for u in tokens)


def test_the_csi_azure_disk_summary_gives_its_claim_and_inodes() -> None:
    (usage,) = claim_usage(volume_usage(text(SUMMARY_CSI))).values()
    assert usage.claim == ("default", "pvc-azuredisk")
    assert (usage.capacity_bytes, usage.used_bytes, usage.available_bytes) == (
        10501771264,
        37801984,
        10447192064,
    )
    assert (usage.inodes, usage.inodes_used) == (655360, 12)
    assert usage.used_fraction == pytest.approx(37801984 / 10501771264)
    assert usage.node == "aks-agentpool-00887928-vmss000000"


def test_vol_data_names_the_attachment_driver_node_and_handle() -> None:
    data = vol_data(text(VOL_DATA))
    assert (
        data.attachment_id == "csi-00a98606a6f4ed6a68f2635ab292924ee235e56a51e5024e70c19a04c17804c8"
    )
    assert data.driver == "csi-hostpath"
    assert data.node == "k8s-agentpool-87187153-0"
    assert data.spec_volume == "kubernetes-dynamic-pvc-5a7519c9-1c57-11e8-99dd-bab516dca496"
    assert data.volume_handle == "5a752b36-1c57-11e8-abf8-bab516dca496"
    assert data.lifecycle_mode is None


@pytest.mark.parametrize(
    "bad, said",
    [
        ("[1, 2]", "not a kubelet /stats/summary: a list"),
        ("{", "not JSON"),
        ('{"pods": 3}', "without pods"),
    ],
)
def test_what_is_no_summary_is_refused_in_one_line(bad: str, said: str) -> None:
    with pytest.raises(NotVolumeData, match=said):
        volume_usage(bad)


def test_fields_of_the_wrong_type_are_read_as_missing() -> None:
    (usage,) = volume_usage(
        '{"node": {"nodeName": 5}, "pods": [7, {"podRef": "x", "volume": '
        '[{"name": "v", "usedBytes": "12", "capacityBytes": true, "pvcRef": {"name": 3}}]}]}'
    )
    assert (usage.node, usage.used_bytes, usage.capacity_bytes, usage.claim) == (
        "",
        None,
        None,
        None,
    )


def test_json_that_is_no_vol_data_is_refused() -> None:
    with pytest.raises(NotVolumeData, match="no volumeHandle"):
        vol_data('{"a": 1}')
