"""The snapshot store: a bundle file per snapshot (0600), its record in the database, states read
back from the file, deletion and retention."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from explorer.demo import build_demo
from explorer.snapshots import store
from explorer.snapshots.bundle import About, Pin, bundle_to_bytes, decode_bundle
from explorer.snapshots.models import Snapshot
from explorer.state.state_dump import dump_state

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 12, 6, 3, 12, tzinfo=UTC)


@pytest.fixture
def demo():
    return build_demo(now=MOMENT)


def test_a_kept_snapshot_is_a_private_file_and_a_record_of_what_it_holds(demo, django_user_model):
    ada = django_user_model.objects.create_user("ada")
    snapshot = store.keep(demo, title="checkout outage", taken_at=MOMENT, creator=ada)
    path = store.path_of(snapshot)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    record = Snapshot.objects.get(pk=snapshot.id)
    assert (record.title, record.cluster, record.taken_at, record.creator) == (
        "checkout outage",
        "demo",
        MOMENT,
        ada,
    )
    assert record.size == path.stat().st_size
    assert record.counts["Pod"] == demo.count("Pod") and record.object_count == len(demo)


def test_a_snapshot_read_back_from_its_file_is_the_state_it_kept(demo):
    snapshot = store.keep(demo, title="", taken_at=MOMENT, creator=None)
    store.forget_loaded()
    assert dump_state(store.state_of(snapshot)) == dump_state(demo)
    assert snapshot.title == "demo, 2026-12-06 03:12:00 UTC"


def test_ids_are_random_and_url_safe(demo):
    ids = {store.new_id() for _ in range(200)}
    assert len(ids) == 200 and all(
        len(i) == 12 and i.replace("-", "").replace("_", "").isalnum() for i in ids
    )


def test_deleting_a_snapshot_removes_its_file_and_record(demo):
    snapshot = store.keep(demo, title="x", taken_at=MOMENT, creator=None)
    store.delete(snapshot)
    assert not store.path_of(snapshot).exists()
    assert not Snapshot.objects.filter(pk=snapshot.id).exists()


def test_snapshots_past_the_retention_go_when_the_next_is_kept(demo, settings):
    settings.EXPLORER_SNAPSHOT_DAYS = 30
    old = store.keep(demo, title="old", taken_at=MOMENT, creator=None)
    Snapshot.objects.filter(pk=old.id).update(created=timezone.now() - timedelta(days=31))
    kept = store.keep(demo, title="new", taken_at=MOMENT, creator=None)
    assert list(Snapshot.objects.values_list("title", flat=True)) == ["new"]
    assert not store.path_of(old).exists() and store.path_of(kept).exists()


def test_a_retention_of_zero_days_keeps_snapshots_until_deleted(demo, settings):
    settings.EXPLORER_SNAPSHOT_DAYS = 0
    old = store.keep(demo, title="old", taken_at=MOMENT, creator=None)
    Snapshot.objects.filter(pk=old.id).update(created=timezone.now() - timedelta(days=3000))
    store.keep(demo, title="new", taken_at=MOMENT, creator=None)
    assert Snapshot.objects.count() == 2


def test_an_imported_bundle_keeps_its_own_title_notes_pins_and_moment(demo):
    about = About(
        title="from the other team",
        notes="see **db**",
        pins=[Pin(kind="Pod", namespace="shop", name="db-0", note="OOMKilled")],
        taken_at="2026-12-05T22:00:00.000Z",
    )
    bundle = decode_bundle(bundle_to_bytes(demo, about=about, extras={"etcd": {"keys": 1}}))
    snapshot = store.keep_bundle(bundle, creator=None, title="incident.cxb.zst")
    assert (snapshot.title, snapshot.notes, snapshot.pins, snapshot.imported) == (
        "from the other team",
        "see **db**",
        about["pins"],
        True,
    )
    assert snapshot.taken_at == datetime(2026, 12, 5, 22, tzinfo=UTC)
    assert store.open_snapshot(snapshot).extras == {"etcd": {"keys": 1}}


def test_no_id_starts_with_a_dash_that_a_command_line_would_take_for_an_option():
    assert not any(store.new_id().startswith("-") for _ in range(2_000))  # 1 in 64 would
