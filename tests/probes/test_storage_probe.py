"""The agent's storage read (explorer/probes/storage_fact.py) under a root of the test's own:
the mount table at <root>/proc/1/mountinfo, the kubelet's pod volume directories with the real
vol_data.json of shared/fixtures/real/storage/ beside a CSI volume, each within its bound; and,
with root, a tmpfs mounted at a pod's CSI mount path in a mount namespace, measured."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from explorer.collectors.storage.names import pod_volume_dir
from explorer.collectors.storage.usage import vol_data
from explorer.collectors.storage.volume_dirs import node_storage
from explorer.probes import LocalProbe, storage_fact
from tests.collectors.storage.real import VOL_DATA, text

UID = "75351f5a-b2ce-4fab-bb90-250aaa010298"
PV = "kubernetes-dynamic-pvc-5a7519c9-1c57-11e8-99dd-bab516dca496"
MOUNTINFO = (
    "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
    f"301 22 8:32 / /var/lib/kubelet/pods/{UID}/volumes/kubernetes.io~csi/{PV}/mount "
    "rw,relatime shared:301 - ext4 /dev/sdc rw\n"
)


def node_root(tmp_path: Path) -> Path:
    root = tmp_path / "host"
    (root / "proc" / "1").mkdir(parents=True)
    (root / "proc" / "1" / "mountinfo").write_text(MOUNTINFO)
    csi = Path(f"{root}{pod_volume_dir(UID, PV)}")
    (csi / "mount").mkdir(parents=True)
    (csi / "vol_data.json").write_text(text(VOL_DATA))
    token = root / f"var/lib/kubelet/pods/{UID}/volumes/kubernetes.io~projected/kube-api-access-x"
    token.mkdir(parents=True)
    return root


def test_the_probe_reads_the_hosts_table_and_the_kubelets_volume_directories(
    tmp_path: Path,
) -> None:
    collected = LocalProbe(root=node_root(tmp_path), storage=True).collect("k8s-agentpool-0")

    fact = collected["facts"]["storage"]
    assert (fact["mountinfo"], fact["mounts_from"], fact["kubelet_root"]) == (
        MOUNTINFO,
        "/proc/1/mountinfo",
        "/var/lib/kubelet",
    )
    assert (fact["probe"], fact["taken_at"], fact["cut"]) == ("local", collected["taken_at"], 0)
    csi, token = fact["volumes"]
    assert (csi["pod_uid"], csi["plugin"], csi["name"]) == (UID, "kubernetes.io~csi", PV)
    assert vol_data(csi["vol_data"]).spec_volume == PV
    assert "usage" not in csi, "its mount directory is no mount here"
    assert (token["plugin"], token["name"]) == ("kubernetes.io~projected", "kube-api-access-x")
    parsed = node_storage(fact)
    assert parsed.table.at(f"{pod_volume_dir(UID, PV)}/mount").source == "/dev/sdc"
    assert parsed.dir_at(UID, "kubernetes.io~csi", PV).vol_data.driver == "csi-hostpath"


def test_directories_over_the_bound_are_counted_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_fact, "MAX_VOLUME_DIRS", 1)
    monkeypatch.setattr(storage_fact, "MAX_MOUNTINFO_BYTES", 60)
    fact = LocalProbe(root=node_root(tmp_path), storage=True).collect("n")["facts"]["storage"]
    assert len(fact["volumes"]) == 1
    assert len(fact["mountinfo"]) == 60
    assert fact["cut"] == 1 + len(MOUNTINFO) - 60


def test_a_node_whose_table_cannot_be_read_says_so_and_keeps_its_other_facts(
    tmp_path: Path,
) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "resolv.conf").write_text("nameserver 192.0.2.53\n")
    collected = LocalProbe(root=tmp_path, storage=True).collect("n")
    assert "storage" not in collected["facts"] and "resolv.conf" in collected["facts"]
    assert collected["errors"]["storage"] == (
        f"storage: {tmp_path}/proc/1/mountinfo: No such file or directory"
    )


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() != 0, reason="mounting needs root")
@pytest.mark.skipif(shutil.which("unshare") is None, reason="util-linux unshare is missing")
def test_a_tmpfs_at_a_pods_csi_mount_path_is_measured_in_its_mount_namespace(
    tmp_path: Path,
) -> None:
    kubelet = tmp_path / "kubelet"
    mount = Path(pod_volume_dir(UID, PV, str(kubelet))) / "mount"
    mount.mkdir(parents=True)
    probe = (
        "import orjson, sys; from pathlib import Path; from explorer.probes import LocalProbe; "
        f"facts = LocalProbe(storage=True, kubelet_root={str(kubelet)!r}).collect('n')['facts']; "
        "sys.stdout.buffer.write(orjson.dumps(facts['storage']))"
    )
    script = (
        f'mount -t tmpfs -o size=4m tmpfs "{mount}" && head -c 524288 /dev/zero > "{mount}/f" '
        '&& exec "$@"'
    )
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--mount-proc",
         "sh", "-c", script, "sh", sys.executable, "-c", probe],
        capture_output=True, timeout=60, check=True, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    fact = orjson.loads(done.stdout)

    (volume,) = fact["volumes"]
    assert volume["usage"]["capacity_bytes"] == 4 * 1024 * 1024
    assert volume["usage"]["used_bytes"] == 524288
    assert node_storage(fact).table.at(str(mount)).fstype == "tmpfs"
    assert not os.path.ismount(mount), "the mount stayed in its namespace"
