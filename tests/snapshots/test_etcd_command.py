"""`manage.py etcd open FILE`: a real etcd's data file kept as a snapshot marked reconstructed
from it, as of its last or an earlier revision; a foreign file, a compacted or a future revision
one line and exit status 2, nothing kept; the Secret's canary in no output and no bundle."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import orjson
import pytest
import zstandard
from django.core.management import call_command
from django.core.management.base import CommandError

from explorer.snapshots import store
from explorer.snapshots.from_etcd import EXTRA_NAME
from explorer.snapshots.models import Snapshot

from .etcd_backup import CANARY, MANAGED

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("etcd", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def failure(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        run(*args)
    message = str(caught.value)
    assert "\n" not in message
    assert caught.value.returncode == 2
    assert Snapshot.objects.count() == 0
    return message


def held_count(backup) -> int:
    """Revisions 2 up to the compaction each put one key, and each survived it; then the
    update and the deletion."""
    return backup.revisions["broken"] - 1 + 2


def test_open_keeps_the_last_revision_as_a_snapshot_reconstructed_from_the_file(etcd_backup):
    last = etcd_backup.revisions["deleted"]
    compacted = etcd_backup.revisions["broken"]

    lines = run("open", str(etcd_backup.path)).splitlines()

    snapshot = Snapshot.objects.get()
    assert lines[0] == (
        f"revisions held: {held_count(etcd_backup)}, from 2 to {last} (compacted at {compacted}); "
        f"the state can be had as of {compacted}..{last}"
    )
    assert lines[-2:] == [
        f"snapshot {snapshot.id}: backup.db at revision {last}",
        f"/snapshots/{snapshot.id}",
    ]
    assert "encrypted at rest, not shown: configmaps 1" in lines
    assert snapshot.imported and snapshot.creator is None
    assert snapshot.reconstructed_from == f"the etcd data file backup.db, revision {last}"
    assert snapshot.cluster == "backup.db"
    assert snapshot.taken_at.isoformat().replace("+00:00", "Z") == MANAGED
    assert "has no clock" in snapshot.notes and "opened by the command line" in snapshot.notes
    state = store.state_of(snapshot)
    assert state.get("Pod", "shop", etcd_backup.pods[1]) is None
    assert state.get("Deployment", "shop", "web")["metadata"]["resourceVersion"] == str(
        etcd_backup.revisions["updated"]
    )


def test_open_at_an_earlier_revision_with_a_title_prints_json(etcd_backup):
    revision = etcd_backup.revisions["broken"]

    answer = orjson.loads(
        run(
            "open",
            str(etcd_backup.path),
            "--revision",
            str(revision),
            "--title",
            "before",
            "--json",
        )
    )

    snapshot = Snapshot.objects.get()
    assert answer["snapshot"] == {
        "id": snapshot.id,
        "title": "before",
        "path": f"/snapshots/{snapshot.id}",
    }
    assert answer["revisions"] == {
        "count": held_count(etcd_backup),
        "earliest": 2,
        "first": revision,
        "last": etcd_backup.revisions["deleted"],
        "compacted": revision,
    }
    assert answer["reconstruction"]["revision"] == revision
    assert store.state_of(snapshot).get("Pod", "shop", etcd_backup.pods[1]) is not None
    bundle = store.open_snapshot(snapshot)
    assert bundle.extras[EXTRA_NAME]["source"] == {
        "file": "backup.db",
        "revision": revision,
        "opened_by": "the command line",
    }


def test_the_secrets_canary_is_in_no_output_bundle_file_or_note(etcd_backup):
    printed = run("open", str(etcd_backup.path)) + run("open", str(etcd_backup.path), "--json")

    assert CANARY.decode() not in printed
    for snapshot in Snapshot.objects.all():
        raw = (
            zstandard.ZstdDecompressor()
            .decompressobj()
            .decompress(store.path_of(snapshot).read_bytes())
        )
        assert b'"db-password"' in raw  # the Secret is there, by name
        assert CANARY not in raw and CANARY.hex().encode() not in raw
        assert CANARY.decode() not in snapshot.notes


def test_a_compacted_revision_is_one_line_with_the_range_the_file_holds(etcd_backup):
    compacted = etcd_backup.revisions["broken"]
    last = etcd_backup.revisions["deleted"]

    message = failure("open", str(etcd_backup.path), "--revision", str(compacted - 5))

    assert message == (
        f"{etcd_backup.path}: revision {compacted - 5} is compacted: this file holds revisions "
        f"{compacted}..{last}"
    )


def test_a_future_revision_is_one_line(etcd_backup):
    last = etcd_backup.revisions["deleted"]
    message = failure("open", str(etcd_backup.path), "--revision", str(last + 1))
    assert message == (
        f"{etcd_backup.path}: revision {last + 1} is past the last revision of this file, {last}"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty file, not a bolt database"),
        (b"hello, this is a text file\n" * 300, "not a bolt database"),
        (bytes(range(256)) * 64, "not a bolt database"),
    ],
    ids=["empty", "text", "binary"],
)
def test_a_file_that_is_not_an_etcd_data_file_is_one_line(tmp_path: Path, content, expected):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    message = failure("open", str(path))
    assert message.startswith(f"{path}: ") and expected in message


def test_a_missing_file_is_one_line(tmp_path: Path):
    message = failure("open", str(tmp_path / "nowhere.db"))
    assert message.startswith(f"{tmp_path / 'nowhere.db'}: cannot read nowhere.db")


def test_an_empty_etcds_data_file_is_a_snapshot_of_nothing_whose_moment_is_unknown(etcd, tmp_path):
    path = tmp_path / "empty.db"
    etcd.ctl("snapshot", "save", str(path))

    printed = run("open", str(path))

    assert "0 keys alive: 0 objects held" in printed
    assert "no time found in the objects: the moment is unknown" in printed
    snapshot = Snapshot.objects.get()
    assert snapshot.object_count == 0 and "its moment is when it was opened" in snapshot.notes
