"""Shapes of capture seen in other people's tickets, read into the pods they name with their
QoS class: `systemd-cgls -u kubepods.slice` (and of a cgroup path, in newer systemd's words),
cut from the real full `systemd-cgls` (this machine's systemd cannot ask a bus for a unit),
and any text that names kubepods cgroups in passing, static pods (a 32-hex UID) too. The
shapes the real tools make are in test_real_tool_shapes.py."""

from __future__ import annotations

import pytest

from explorer.collectors.cgroups import read_tree
from explorer.collectors.cgroups.parse_mentions import parse_mentions
from explorer.collectors.cgroups.report import cgroups_report

CGLS = "ubuntu22-containerd-cgroupv2-systemd-cgls-full.txt"
BESTEFFORT_UID = "5820aaa5-2d89-499f-957a-e04d9b5dfab3"
STATIC_UID = "0b7a4b7a9f2e8c1d3e5f6a7b8c9d0e1f"  # a static pod's: the hash of its manifest


def _pods(tree) -> set[tuple[str, str]]:
    return {(pod.uid, pod.qos) for pod in tree.pods}


# --- systemd-cgls ------------------------------------------------------------------------------


def _below_kubepods(cgls: str) -> list[str]:
    """The lines the full tree draws below `└─kubepods.slice`, two columns less deep: what
    `systemd-cgls` prints for that cgroup alone."""
    lines = cgls.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("└─kubepods.slice"))
    return [line[2:] for line in lines[start + 1 :] if line.strip()]


@pytest.mark.parametrize(
    "header",
    [
        "Unit kubepods.slice (/kubepods.slice):",  # systemd-cgls -u kubepods.slice
        "CGroup /kubepods.slice:",  # systemd-cgls /kubepods.slice, systemd 254 and later
        "Control group /kubepods.slice:",  # the same, earlier
        "Directory /sys/fs/cgroup/kubepods.slice:",  # systemd-cgls /sys/fs/cgroup/kubepods.slice
    ],
)
def test_systemd_cgls_of_the_kubepods_cgroup_alone_names_the_pods_of_the_whole_tree(
    real_fixtures, header
):
    full = (real_fixtures / "cgroups" / CGLS).read_text()
    alone = "\n".join(
        ["root@node2:~# systemd-cgls -u kubepods.slice", header, *_below_kubepods(full)]
    )
    whole, part = cgroups_report(full), cgroups_report(alone)
    assert part["pods"] == whole["pods"] and len(part["pods"]) == 5
    assert part["kubepods"] == {"path": "/kubepods.slice"}
    assert [level["qos"] for level in part["qos_levels"]] == ["burstable", "besteffort"]


def test_a_pod_slice_named_in_prose_is_read_with_its_qos_class():
    note = (
        "kubelet[641]: I1106 10:12:01 Killing unwanted pod cgroup "
        f'"kubepods-besteffort-pod{BESTEFFORT_UID.replace("-", "_")}.slice"; the static pod '
        f"sits in kubepods-pod{STATIC_UID}.slice, untouched.\n"
    )
    assert _pods(read_tree(note)) == {(BESTEFFORT_UID, "besteffort"), (STATIC_UID, "guaranteed")}


def test_every_real_capture_names_the_pods_its_own_reader_finds(real_fixtures):
    for folder in ("cgroups", "metrics"):
        for path in sorted((real_fixtures / folder).iterdir()):
            if path.name.endswith(".source.txt") or path.suffix == ".json":
                continue
            text = path.read_text()
            found = {(pod.uid, pod.qos, pod.path) for pod in parse_mentions(text).pods}
            assert found == {(pod.uid, pod.qos, pod.path) for pod in read_tree(text).pods}, path
