"""Mount tables as nodes print them: `mount` transcripts as pasted, and mountinfo."""

from __future__ import annotations

from pathlib import Path

from explorer.collectors.storage.mounts import parse_mount_line, parse_mountinfo_line, parse_mounts

from .real import (
    BLOB,
    BLOB_STAGING,
    CEPHFS,
    CEPHFS_STAGING,
    LEGACY,
    LONGHORN,
    LONGHORN_STAGING,
    text,
)


def test_the_longhorn_transcript_gives_its_two_xfs_mounts_and_nothing_of_the_prompts() -> None:
    table = parse_mounts(text(LONGHORN))
    assert table.form == "mount"
    assert len(table.mounts) == 2
    staging = table.at(LONGHORN_STAGING)
    assert staging is not None
    assert staging.source == "/dev/longhorn/pvc-4151d201-437b-4ceb-bbf6-c227ea49e285"
    assert staging.fstype == "xfs"
    assert staging.options[:3] == ("rw", "relatime", "nouuid")
    assert staging.options[-1] == "noquota"


def test_cephfs_options_end_at_their_parenthesis_when_the_next_prompt_follows_on_the_line() -> None:
    table = parse_mounts(text(CEPHFS))
    assert [m.fstype for m in table.mounts] == ["ceph", "ceph"]
    pod = table.mounts[1]
    assert pod.options[-1] == "_netdev"
    assert pod.target.endswith("/pvc-15e63d0a-77de-4886-8d0f-516f9fecbeb4/mount")
    assert table.at(CEPHFS_STAGING) is not None
    assert table.mounts[0].source.startswith("10.102.104.172:6789:/volumes/csi/csi-vol-7fed1ce7")


def test_the_blob_transcript_holds_the_pod_side_and_the_node_side_nfs_mounts() -> None:
    table = parse_mounts(text(BLOB))
    nfs = table.at(BLOB_STAGING)
    assert nfs is not None and nfs.fstype == "nfs" and "vers=3" in nfs.options
    assert table.at("/mnt/blob") is not None  # what the pod itself showed
    assert len([m for m in table.mounts if "/var/lib/kubelet/" in m.target]) == 2


def test_the_legacy_table_reads_both_ext4_mounts_of_one_device() -> None:
    table = parse_mounts(text(LEGACY))
    assert [(m.source, m.fstype, m.options) for m in table.mounts] == [
        ("/dev/sdc", "ext4", ("rw", "relatime")),
        ("/dev/sdc", "ext4", ("rw", "relatime")),
    ]


def test_the_proc5_mountinfo_example_is_read_field_by_field() -> None:
    line = "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
    mount = parse_mountinfo_line(line)
    assert mount is not None
    assert (mount.mount_id, mount.parent_id, mount.root, mount.target) == (36, 35, "/mnt1", "/mnt2")
    assert (mount.fstype, mount.source) == ("ext3", "/dev/root")
    assert mount.options == ("rw", "noatime", "rw", "errors=continue")


def test_mountinfo_escapes_are_read_back_into_spaces() -> None:
    line = (
        r"100 25 0:52 / /var/lib/kubelet/pods/u/volumes/a\040b rw,relatime shared:5"
        " - tmpfs tmpfs rw,size=1024k"
    )
    mount = parse_mountinfo_line(line)
    assert mount is not None and mount.target == "/var/lib/kubelet/pods/u/volumes/a b"


def test_this_machines_mountinfo_is_read_whole() -> None:
    raw = Path("/proc/self/mountinfo").read_text()
    table = parse_mounts(raw)
    assert table.form == "mountinfo"
    assert len(table.mounts) == len(raw.splitlines())
    assert table.at("/") is not None


def test_a_read_only_mount_says_so_and_a_stacked_target_is_its_last_mount() -> None:
    text_ = "/dev/a on /x type ext4 (rw)\n/dev/b on /x type ext4 (ro,relatime)\n"
    table = parse_mounts(text_)
    top = table.at("/x")
    assert top is not None and top.source == "/dev/b" and top.read_only
    assert parse_mount_line("mount: /x: permission denied.") is None


def test_text_with_no_mount_is_an_empty_table() -> None:
    table = parse_mounts("$ ssh k8s1\n\nnothing here\n")
    assert table.form == "empty" and table.mounts == ()
