"""Making, opening, listing, expiring and revoking share links; the throttle on tokens; the token
kept out of the database and the logs."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from explorer.snapshots.models import ShareLink, ShareOpening
from explorer.web.secret_paths import WithoutSecrets, without_secrets

from .share_world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, django_user_model, tmp_path, watched):
    return make_world(settings, django_user_model, tmp_path, watched)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_link(client: Client, snapshot_id: str, **fields) -> str:
    """The token of a link made on the snapshot page (shown once, in the answer)."""
    response = client.post(reverse("snapshot-share", args=[snapshot_id]), fields)
    assert response.status_code == 200, response.content[:300]
    found = re.search(
        r'id="new-share-url"[^>]*value="http://testserver/share/([^"]+)"', response.content.decode()
    )
    assert found, "the new link is not shown"
    assert response["Cache-Control"] == "no-store"
    return found.group(1)


def test_a_link_made_on_the_snapshot_page_opens_the_snapshot_and_drops_the_token(world):
    token = make_link(logged_in(world.staff), world.shared.id)
    viewer = Client()
    response = viewer.get(f"/share/{token}", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302
    assert response["Location"] == f"/?cluster=snapshot:{world.shared.id}"
    assert token not in response["Location"]
    page = viewer.get(response["Location"])
    assert page.status_code == 200
    assert world.shared.title in page.content.decode()
    opening = ShareOpening.objects.get(
        link__token_sha256=hashlib.sha256(token.encode()).hexdigest()
    )
    assert opening.address == "192.0.2.7"


def test_only_the_sha256_of_a_token_is_stored(world):
    token = make_link(logged_in(world.staff), world.shared.id)
    link = ShareLink.objects.latest("created")
    assert link.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 43  # 256 random bits, base64
    stored = " ".join(str(v) for v in ShareLink.objects.values_list().get(pk=link.pk))
    assert token not in stored


def test_a_link_expires_after_the_days_its_maker_picks_seven_by_default_at_most_thirty(
    world, settings
):
    staff = logged_in(world.staff)
    make_link(staff, world.shared.id)
    link = ShareLink.objects.latest("created")
    assert abs(link.expires - timezone.now() - timedelta(days=7)) < timedelta(minutes=1)
    settings.EXPLORER_SHARE_DAYS = 3
    make_link(staff, world.shared.id)
    link = ShareLink.objects.latest("created")
    assert abs(link.expires - timezone.now() - timedelta(days=3)) < timedelta(minutes=1)
    make_link(staff, world.shared.id, days="30")
    for days in ("31", "0", "-1", "seven"):
        response = staff.post(reverse("snapshot-share", args=[world.shared.id]), {"days": days})
        assert response.status_code == 400, days


def test_making_a_link_needs_the_share_permission(world, django_user_model):
    plain = django_user_model.objects.create_user("plain", password="x-3")
    client = logged_in(plain)
    page = client.get(reverse("snapshot", args=[world.shared.id])).content.decode()
    assert "Make a share link" not in page
    response = client.post(reverse("snapshot-share", args=[world.shared.id]))
    assert response.status_code == 403
    assert not ShareLink.objects.filter(creator=plain).exists()
    plain.user_permissions.add(Permission.objects.get(codename="share_snapshot"))
    make_link(logged_in(plain), world.shared.id)


def test_a_link_past_its_expiry_opens_nothing_and_ends_its_sessions(world):
    viewer = Client()
    assert viewer.get(f"/share/{world.token}").status_code == 302
    ShareLink.objects.filter(pk=world.link.pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert viewer.get("/").status_code == 410
    assert viewer.get("/").status_code == 302  # the session is gone: the login form
    response = Client().get(f"/share/{world.token}")
    assert response.status_code == 410
    assert world.shared.title not in response.content.decode()


def test_revoking_a_link_ends_its_sessions_on_the_next_request(world):
    viewer = Client()
    viewer.get(f"/share/{world.token}")
    assert viewer.get("/workloads/").status_code == 200
    staff = logged_in(world.staff)
    revoke = reverse("snapshot-share-revoke", args=[world.shared.id, world.link.pk])
    assert staff.post(revoke).status_code == 302
    assert viewer.get("/workloads/").status_code == 410
    assert Client().get(f"/share/{world.token}").status_code == 410
    page = staff.get(reverse("snapshot", args=[world.shared.id])).content.decode()
    assert "revoked" in page


def test_only_who_made_a_link_the_snapshots_creator_and_staff_may_revoke_it(
    world, django_user_model
):
    revoke = reverse("snapshot-share-revoke", args=[world.shared.id, world.link.pk])
    other = django_user_model.objects.create_user("someone", password="x-4")
    assert logged_in(other).post(revoke).status_code == 403
    world.link.refresh_from_db()
    assert world.link.revoked is None
    assert logged_in(world.creator).post(revoke).status_code == 302
    world.link.refresh_from_db()
    assert world.link.revoked is not None


def test_the_snapshot_page_lists_a_users_own_links_and_staff_see_all_with_openings(
    world, django_user_model
):
    Client().get(f"/share/{world.token}", REMOTE_ADDR="198.51.100.4")
    sharer = django_user_model.objects.create_user("sharer", password="x-5")
    sharer.user_permissions.add(Permission.objects.get(codename="share_snapshot"))
    make_link(logged_in(sharer), world.shared.id)

    def listed(user) -> list[str]:
        page = logged_in(user).get(reverse("snapshot", args=[world.shared.id])).content.decode()
        return re.findall(r'data-share-link="(\d+)"', page)

    sharers_link = str(ShareLink.objects.get(creator=sharer).pk)
    assert listed(sharer) == [sharers_link]
    assert listed(world.staff) == [sharers_link, str(world.link.pk)]  # the latest first
    assert sorted(listed(world.creator)) == sorted([sharers_link, str(world.link.pk)])
    page = logged_in(world.staff).get(reverse("snapshot", args=[world.shared.id])).content
    assert b"198.51.100.4" in page
    assert b'data-share-openings="1"' in page
    assert world.token.encode() not in page  # shown once, when made


def test_share_tokens_are_throttled_as_login_links_are_and_failures_count(world):
    client = Client()
    for attempt in range(5):  # the free failures (explorer/web/login_throttle.py)
        assert client.get(f"/share/not-a-token-{attempt}").status_code == 410
    response = client.get(f"/share/{world.token}")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert not ShareOpening.objects.exists()
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert elsewhere.get(f"/share/{world.token}").status_code == 302


def test_opening_a_share_link_ends_the_login_of_that_browser(world):
    browser = logged_in(world.staff)
    assert browser.get("/snapshots/").status_code == 200
    browser.get(f"/share/{world.token}")
    assert browser.get("/snapshots/").status_code == 404
    browser.post(reverse("logout"))
    assert browser.get("/snapshots/").status_code == 302  # to the login form


def test_a_share_token_reaches_no_log_record():
    assert without_secrets("/share/abcDEF-123_x") == "/share/[token]"
    record = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Gone: %s", ("/share/abcDEF-123_x",), None
    )
    WithoutSecrets().filter(record)
    assert "abcDEF" not in record.getMessage()
