"""An etcd data file uploaded on the snapshots page: written to a private temporary file, opened,
reconstructed on a thread and kept as a snapshot that opens on every page — the temporary file
gone afterwards in every case; a file too big, a foreign file, a revision the file does not hold
refused in one line; the Secret's canary on no page, bundle or export."""

from __future__ import annotations

import html
import os
import re
import stat
import time
from pathlib import Path

import pytest
from django.test import Client

from explorer.etcd.datafile import DataFileError
from explorer.jobs.progress import latest_progress
from explorer.lib.sources import snapshot_source
from explorer.snapshots.models import Snapshot
from explorer.web import etcd_upload, snapshot_pages
from explorer.web.body_limits import MB, MULTIPART_SLACK, body_limit

from ..snapshots.etcd_backup import CANARY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def uploads(settings, tmp_path) -> Path:
    """Where the upload's temporary file is written: the test looks that it is gone."""
    directory = tmp_path / "uploads"
    directory.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(directory)
    return directory


def text_of(response) -> str:
    words = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    return html.unescape(words)


def upload(client, path: Path, **fields: str):
    with path.open("rb") as datafile:
        return client.post("/snapshots/etcd", {"datafile": datafile, **fields})


def kept_after(response) -> Snapshot:
    """The snapshot the upload's job keeps, once it is done."""
    assert response.status_code == 302, response.content[:500]
    location = response.headers["Location"]
    snapshot_id = location.split("/snapshots/")[1].split("?")[0]
    task = location.split("?task=")[1].split("&")[0]
    deadline = time.monotonic() + 30
    while (latest_progress(task) or {}).get("state") not in ("done", "failed"):
        assert time.monotonic() < deadline, "the upload's job did not end"
        time.sleep(0.05)
    assert latest_progress(task)["state"] == "done", latest_progress(task)
    return Snapshot.objects.get(pk=snapshot_id)


def test_an_uploaded_data_file_is_kept_as_a_snapshot_that_opens_on_the_overview(
    logged_in, etcd_backup, uploads
):
    last = etcd_backup.revisions["deleted"]

    kept = kept_after(upload(logged_in, etcd_backup.path))

    assert kept.imported and kept.creator.username == "ada"
    assert kept.reconstructed_from == f"the etcd data file backup.db, revision {last}"
    assert list(uploads.iterdir()) == []
    page = text_of(logged_in.get(f"/?cluster={snapshot_source(kept.id)}"))
    assert (
        f"reconstructed from the etcd data file backup.db, revision {last}" in page
        and "inferred: an etcd data file has no clock" in page
    )
    about = text_of(logged_in.get(f"/snapshots/{kept.id}"))
    assert f"Reconstructed from the etcd data file backup.db, revision {last}" in about
    assert "opened by ada" in about


def test_an_earlier_revision_can_be_asked_for(logged_in, etcd_backup, uploads):
    revision = etcd_backup.revisions["broken"]

    kept = kept_after(upload(logged_in, etcd_backup.path, revision=str(revision)))

    gone_later = etcd_backup.pods[1]
    assert kept.title == f"backup.db at revision {revision}"
    pod_page = logged_in.get(f"/pods/shop/{gone_later}?cluster={snapshot_source(kept.id)}")
    assert pod_page.status_code == 200


def test_the_secrets_canary_is_on_no_page_bundle_or_export(logged_in, etcd_backup, uploads):
    kept = kept_after(upload(logged_in, etcd_backup.path))
    source = snapshot_source(kept.id)

    for path in (
        f"/?cluster={source}",
        f"/objects/Secret/shop/db-password?cluster={source}",
        f"/snapshots/{kept.id}",
        f"/snapshots/{kept.id}/export.html",
        "/snapshots/",
    ):
        response = logged_in.get(path)
        assert response.status_code == 200, path
        assert CANARY not in response.content and CANARY.hex().encode() not in response.content
    bundle = logged_in.get(f"/snapshots/{kept.id}/bundle").content
    assert CANARY not in bundle  # compressed: the store's file is checked decompressed elsewhere


def test_the_temporary_file_is_private_while_it_is_read(
    logged_in, etcd_backup, uploads, monkeypatch
):
    seen = []
    real = snapshot_pages.open_data_file

    def looked_at(path, **kwargs):
        seen.append((Path(path).parent, stat.S_IMODE(os.stat(path).st_mode)))
        return real(path, **kwargs)

    monkeypatch.setattr(snapshot_pages, "open_data_file", looked_at)

    kept_after(upload(logged_in, etcd_backup.path))

    assert seen == [(uploads, 0o600)]
    assert list(uploads.iterdir()) == []


def test_a_foreign_file_is_one_line_on_the_list_page_and_nothing_is_kept(
    logged_in, uploads, tmp_path
):
    path = tmp_path / "notes.db"
    path.write_bytes(b"hello, this is not a database\n" * 500)

    response = upload(logged_in, path)

    assert response.status_code == 400
    errors = re.findall(r'<p class="error" role="alert">([^<]*)</p>', response.content.decode())
    assert len(errors) == 1 and errors[0].startswith("notes.db: ")
    assert "Traceback" not in response.content.decode()
    assert Snapshot.objects.count() == 0
    assert list(uploads.iterdir()) == []


def test_a_revision_the_file_does_not_hold_is_one_line(logged_in, etcd_backup, uploads):
    compacted = etcd_backup.revisions["broken"]
    last = etcd_backup.revisions["deleted"]

    response = upload(logged_in, etcd_backup.path, revision=str(compacted - 1))

    assert response.status_code == 400
    assert (
        f"backup.db: revision {compacted - 1} is not one this file can give: it holds "
        f"{compacted}..{last}" in text_of(response)
    )
    assert Snapshot.objects.count() == 0 and list(uploads.iterdir()) == []


def test_a_file_over_the_limit_is_refused_and_not_kept(logged_in, uploads, tmp_path, settings):
    settings.EXPLORER_ETCD_UPLOAD_MB = 1
    path = tmp_path / "huge.db"
    path.write_bytes(b"\0" * (2 * MB))

    response = upload(logged_in, path)

    assert response.status_code == 413
    assert "huge.db: over 1 MB, the most taken." in text_of(response)
    assert Snapshot.objects.count() == 0 and list(uploads.iterdir()) == []


def test_the_web_server_refuses_a_larger_body_before_it_is_buffered(settings):
    # the real server's refusal is tested in tests/web/test_web_server.py; this is its limit
    settings.EXPLORER_ETCD_UPLOAD_MB = 3
    assert body_limit(b"/snapshots/etcd") == 3 * MB + MULTIPART_SLACK
    assert body_limit(b"/snapshots/etcd?x=1") == 3 * MB + MULTIPART_SLACK


def test_an_upload_without_the_csrf_token_is_refused_and_its_file_removed(
    user, etcd_backup, uploads
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    refused = upload(client, etcd_backup.path)

    assert refused.status_code == 403
    assert Snapshot.objects.count() == 0 and list(uploads.iterdir()) == []
    token = client.get("/snapshots/").cookies["csrftoken"].value
    kept = kept_after(upload(client, etcd_backup.path, csrfmiddlewaretoken=token))
    assert kept.creator == user and list(uploads.iterdir()) == []


def test_no_file_is_one_line(logged_in, uploads):
    response = logged_in.post("/snapshots/etcd", {"revision": "3"})
    assert response.status_code == 400
    assert "Choose an etcd data file first." in text_of(response)


def test_the_list_page_offers_the_upload(logged_in):
    page = logged_in.get("/snapshots/").content.decode()
    assert 'action="/snapshots/etcd"' in page and 'name="datafile"' in page
    assert 'name="revision"' in page


def test_while_the_file_is_read_its_page_says_so_and_follows_the_job(logged_in):
    response = logged_in.get("/snapshots/NotYetKept01?task=some-task&from=etcd")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Opening the etcd data file…" in page and 'data-task="some-task"' in page


def test_a_reconstruction_that_fails_is_one_line_on_its_page_and_the_file_still_goes(
    logged_in, etcd_backup, uploads, monkeypatch
):
    def damaged(*args, **kwargs):
        raise DataFileError("revision 7: a record that does not parse\n(second line)")

    monkeypatch.setattr(etcd_upload, "keep_data_file", damaged)

    response = upload(logged_in, etcd_backup.path)

    task = response.headers["Location"].split("?task=")[1].split("&")[0]
    deadline = time.monotonic() + 30
    while (latest_progress(task) or {}).get("state") != "failed":
        assert time.monotonic() < deadline, "the job did not fail"
        time.sleep(0.05)
    assert latest_progress(task)["message"] == (
        "failed: revision 7: a record that does not parse (second line)"
    )
    assert Snapshot.objects.count() == 0 and list(uploads.iterdir()) == []
