"""The snapshot pages, and every page of a cluster opened on a snapshot: the banner says which,
ages count from its moment, and live-only actions are absent."""

from __future__ import annotations

import html
import re
import time
from datetime import UTC, datetime

import orjson
import pytest
import zstandard

from explorer.demo import build_demo
from explorer.lib.sources import snapshot_source
from explorer.snapshots import store
from explorer.snapshots.bundle import bundle_to_bytes
from explorer.snapshots.models import Snapshot

from ..snapshots import known_changes
from .page_params import page_params

pytestmark = pytest.mark.django_db(transaction=True)

MOMENT = datetime(2026, 12, 6, 3, 12, tzinfo=UTC)
PAGES = [
    "/",
    "/workloads/",
    "/pods/shop/db-0",
    "/nodes/demo-worker",
    "/events/",
    "/scheduling/headroom/",
    "/search?q=web",
    "/objects/Deployment/shop/web",
    "/network/service-chain",
    "/network/chains",
    "/network/dns",
    "/network/corefile",
    "/network/packet-trace",
    "/network/drift",
    "/network/proxy-mode",
    "/storage/",
]


@pytest.fixture
def snapshot(user):
    return store.keep(
        build_demo(now=MOMENT), title="the 03:12 outage", taken_at=MOMENT, creator=user
    )


def text_of(response) -> str:
    """The page's words, without tags."""
    words = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    return re.sub(r" ([.,)])", r"\1", words)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_on_a_snapshot_with_a_banner_saying_which(
    logged_in, watched, snapshot, path
):
    watched.add("demo")
    source = snapshot_source(snapshot.id)
    joiner = "&" if "?" in path else "?"
    response = logged_in.get(f"{path}{joiner}cluster={source}")
    assert response.status_code == 200
    page = text_of(response)
    assert (
        "Snapshot “the 03:12 outage” of cluster demo, taken 2026-12-06 03:12:00 UTC by ada" in page
    )
    markup = response.content.decode()
    assert f'data-moment="{int(MOMENT.timestamp() * 1000)}"' in markup
    assert "Collect now" not in page and "Ask the DNS server now" not in page
    assert "Download a bundle of this cluster" not in page
    assert f'value="{source}" selected' in markup


def test_a_snapshots_page_hands_its_script_the_snapshots_name(logged_in, watched, snapshot):
    response = logged_in.get(f"/pods/shop/db-0?cluster={snapshot_source(snapshot.id)}")
    assert page_params(response)["cluster"] == snapshot_source(snapshot.id)


def test_a_pod_the_snapshot_never_held_is_not_found_there(logged_in, watched, snapshot):
    response = logged_in.get(f"/pods/shop/no-such-pod?cluster={snapshot_source(snapshot.id)}")
    assert response.status_code == 404


def test_the_snapshot_list_shows_each_with_its_size_and_moment(logged_in, snapshot):
    page = text_of(logged_in.get("/snapshots/"))
    assert "the 03:12 outage" in page and "2026-12-06 03:12:00" in page
    assert f"?cluster=snapshot:{snapshot.id}" in logged_in.get("/snapshots/").content.decode()


def test_the_header_button_takes_a_snapshot_of_the_live_cluster(logged_in, watched):
    watched.add("demo", state=build_demo())
    response = logged_in.post("/snapshots/take", {"source": "demo"})
    assert response.status_code == 302
    location = response.headers["Location"]
    snapshot_id = location.split("/snapshots/")[1].split("?")[0]
    assert "?task=" in location
    deadline = time.monotonic() + 20
    while not Snapshot.objects.filter(pk=snapshot_id).exists():
        assert time.monotonic() < deadline, "the snapshot was not kept"
        time.sleep(0.1)
    kept = Snapshot.objects.get(pk=snapshot_id)
    assert kept.creator.username == "ada" and kept.counts["Pod"] == build_demo().count("Pod")
    assert "the 03:12" not in text_of(logged_in.get(f"/snapshots/{snapshot_id}"))


def test_the_time_control_opens_the_same_page_at_the_moment_asked(logged_in, watched):
    watched.add("demo")
    response = logged_in.get("/moment?cluster=demo&at=2026-12-06T03:12:00&next=/workloads/")
    moment = int(datetime(2026, 12, 6, 3, 12, tzinfo=UTC).timestamp() * 1000)
    assert response.headers["Location"] == f"/workloads/?cluster=moment%3A{moment}%3Ademo"


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "javascript:alert(1)"]
)
def test_the_time_control_goes_nowhere_but_this_site(logged_in, watched, target):
    watched.add("demo")
    response = logged_in.get(f"/moment?cluster=demo&at=2026-12-06T03:12:00&next={target}")
    assert response.headers["Location"].startswith("/?cluster=")


def test_a_moment_of_a_cluster_not_watched_here_is_not_found(logged_in, watched):
    assert logged_in.get("/moment?cluster=elsewhere&at=2026-12-06T03:12:00").status_code == 404


def test_notes_and_pins_show_on_every_page_of_the_snapshot_and_stay_safe(
    logged_in, watched, snapshot
):
    logged_in.post(
        f"/snapshots/{snapshot.id}/edit",
        {"notes": "**db-0** was OOMKilled <script>alert(1)</script>"},
    )
    logged_in.post(
        f"/snapshots/{snapshot.id}/edit",
        {"pin_kind": "Pod", "pin_namespace": "shop", "pin_name": "db-0", "pin_note": "look here"},
    )
    page = logged_in.get(f"/workloads/?cluster={snapshot_source(snapshot.id)}").content.decode()
    assert "<strong>db-0</strong> was OOMKilled &lt;script&gt;" in page
    assert f'href="/pods/shop/db-0?cluster=snapshot%3A{snapshot.id}"' in page or (
        f'href="/objects/Pod/shop/db-0?cluster=snapshot%3A{snapshot.id}"' in page
    )
    assert "look here" in page


def test_only_who_took_a_snapshot_or_staff_may_change_or_delete_it(
    client, django_user_model, snapshot
):
    other = django_user_model.objects.create_user("bob")
    client.force_login(other)
    assert client.post(f"/snapshots/{snapshot.id}/edit", {"title": "mine"}).status_code == 403
    assert client.post(f"/snapshots/{snapshot.id}/delete").status_code == 403
    other.is_staff = True
    other.save()
    assert client.post(f"/snapshots/{snapshot.id}/delete").status_code == 302
    assert not Snapshot.objects.filter(pk=snapshot.id).exists()


def test_a_bundle_uploaded_is_kept_as_an_imported_snapshot(logged_in, tmp_path):
    path = tmp_path / "incident.cxb.zst"
    path.write_bytes(bundle_to_bytes(build_demo()))
    with path.open("rb") as upload:
        response = logged_in.post("/snapshots/import", {"bundle": upload})
    assert response.status_code == 302
    kept = Snapshot.objects.get()
    assert kept.imported and kept.title == "incident.cxb.zst" and kept.creator.username == "ada"
    page = text_of(logged_in.get(f"/?cluster={snapshot_source(kept.id)}"))
    assert "incident.cxb.zst — demo (imported by ada)" in page
    assert "This page live" not in page  # another install's `demo` is not this one's


def test_a_file_that_is_not_a_bundle_is_refused_on_the_list_page_in_one_line(logged_in, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(zstandard.ZstdCompressor().compress(b"hello"))
    with path.open("rb") as upload:
        response = logged_in.post("/snapshots/import", {"bundle": upload})
    assert response.status_code == 400
    assert html.escape("notes.txt: bundle is corrupt (invalid JSON at line 1 column 1)") in text_of(
        response
    )
    assert Snapshot.objects.count() == 0


def test_the_compare_page_lists_what_changed_from_a_snapshot_to_the_live_cluster(
    logged_in, watched, snapshot
):
    now = known_changes.snapshot(build_demo(now=MOMENT))
    known_changes.roll_out(now, "shop", "api", "api", "registry.example/api:2.0")
    watched.add("demo", state=now)
    response = logged_in.get(f"/compare?a=snapshot:{snapshot.id}&b=demo")
    assert response.status_code == 200
    page = text_of(response)
    assert (
        "A is the snapshot “the 03:12 outage” (demo, 2026-12-06 03:12:00 UTC); "
        "B is cluster demo now" in page
    )
    model = orjson.loads(
        html.unescape(re.search(r'data-model="([^"]*)"', response.content.decode()).group(1))
    )
    changed = {(group["kind"], c["name"]) for group in model["kinds"] for c in group["changed"]}
    assert ("Deployment", "api") in changed


def test_comparing_with_a_snapshot_that_is_gone_is_a_page_that_says_so(logged_in, watched):
    watched.add("demo")
    response = logged_in.get("/compare?a=snapshot:NoSuchSnap01&b=demo")
    assert response.status_code == 404
    assert "no such snapshot (deleted, or never taken)" in text_of(response)


def test_a_snapshot_downloads_as_one_html_file(logged_in, snapshot):
    response = logged_in.get(f"/snapshots/{snapshot.id}/export.html")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="demo-20261206T031200Z-{snapshot.id}.html"'
    )
    assert (
        response.content.startswith(b"<!doctype html>") and b"the 03:12 outage" in response.content
    )


def test_what_changed_between_two_times_is_the_compare_page_of_those_moments(logged_in, watched):
    watched.add("demo")
    response = logged_in.get(
        "/changes?cluster=demo&from=2026-12-06T03:00:00&to=2026-12-06T03:12:00"
    )
    start = int(datetime(2026, 12, 6, 3, tzinfo=UTC).timestamp() * 1000)
    end = int(datetime(2026, 12, 6, 3, 12, tzinfo=UTC).timestamp() * 1000)
    assert response.headers["Location"] == (
        f"/compare?a=moment%3A{start}%3Ademo&b=moment%3A{end}%3Ademo"
    )
    until_now = logged_in.get("/changes?cluster=demo&from=2026-12-06T03:00:00")
    assert until_now.headers["Location"] == f"/compare?a=moment%3A{start}%3Ademo&b=demo"


def test_a_snapshot_being_taken_is_followed_on_a_page_that_says_so(logged_in, watched):
    watched.add("demo", state=build_demo())
    location = logged_in.post("/snapshots/take", {"source": "demo"}).headers["Location"]
    assert re.fullmatch(r"/snapshots/[\w-]+\?task=[\w-]+", location)  # nothing of etcd
    snapshot_id = location.split("/snapshots/")[1].split("?")[0]
    deadline = time.monotonic() + 20
    while not Snapshot.objects.filter(pk=snapshot_id).exists():
        assert time.monotonic() < deadline, "the snapshot was not kept"
        time.sleep(0.1)
    page = logged_in.get("/snapshots/NotYetKept01?task=some-task").content.decode()
    # the header links to the etcd page on every page: the taking page says nothing of a file
    assert "Taking a snapshot…" in page and "etcd data file" not in page
