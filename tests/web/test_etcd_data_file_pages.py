"""The etcd pages of a snapshot opened from an etcd data file (made by a real etcd, with updates,
a deletion and a compaction): the key space as of the snapshot's revision, a key's every held
revision with its deletion marked, and the Secret's canary in no answer."""

from __future__ import annotations

import orjson
import pytest

from explorer.etcd.datafile import open_data_file
from explorer.lib.sources import snapshot_source
from explorer.snapshots.etcd_snapshots import keep_data_file
from tests.snapshots.etcd_backup import CANARY, DELETED_POD, SECRET_KEY, UPDATED, etcd_backup  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(etcd_backup, settings, tmp_path, logged_in):  # noqa: F811
    settings.EXPLORER_SNAPSHOT_DIR = str(tmp_path / "snapshots")
    with open_data_file(etcd_backup.path) as data_file:
        snapshot, found = keep_data_file(data_file, None, file_name="backup.db", creator=None)
    return snapshot_source(snapshot.id), found


def _json(client, path: str, **query) -> dict:
    response = client.get(path, query)
    assert response.status_code == 200, response.content[:300]
    assert CANARY not in response.content
    return orjson.loads(response.content)


def test_the_key_space_of_a_data_file_is_its_keys_alive_at_the_snapshots_revision(
    etcd_backup,  # noqa: F811
    opened,
    logged_in,
):
    source, found = opened
    model = _json(logged_in, "/api/etcd/overview", cluster=source)
    alive = etcd_backup.alive[found.revision]

    assert model["origin"]["kind"] == "snapshot"
    assert model["origin"]["said"].startswith("Read from an etcd data file, as of revision")
    assert model["space"]["keys"] == len(alive)
    facts = dict(model["status"])
    assert facts["revision"] == f"{found.revision:,}"
    assert facts["compact revision"].startswith(f"{found.compacted_revision:,} ")


def test_a_deleted_pods_key_shows_its_revisions_and_its_deletion(etcd_backup, opened, logged_in):  # noqa: F811
    source, found = opened
    gone = f"/registry/pods/shop/{etcd_backup.pods[DELETED_POD]}"
    page = _json(logged_in, "/api/etcd/key", cluster=source, key=gone)

    assert page["facts_only"] and not page["exists"]
    assert page["deletions"] and page["deletions"][-1]["revision"] == found.revision
    assert page["problem"].startswith("The key did not exist at revision")
    deployment = f"/registry/deployments/{UPDATED[0]}/{UPDATED[1]}"
    updated = _json(logged_in, "/api/etcd/key", cluster=source, key=deployment)
    assert (
        updated["exists"]
        and updated["mod_revision"] == etcd_backup.alive[found.revision][deployment]
    )


def test_a_secrets_key_of_a_data_file_shows_no_value(opened, logged_in):
    source, _ = opened
    page = _json(logged_in, "/api/etcd/key", cluster=source, key=SECRET_KEY)
    html = logged_in.get("/etcd/key", {"cluster": source, "key": SECRET_KEY}).content

    assert page["secret"] and page["yaml"] == "" and page["envelope"]["head"] == ""
    assert CANARY not in html
