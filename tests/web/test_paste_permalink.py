"""A paste's analysis has a permalink: the text kept privately (0600) for EXPLORER_PASTE_DAYS,
readable by the install's logged-in users, deletable by whoever pasted it (or staff)."""

from __future__ import annotations

import re
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from explorer.web.models import Paste

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

RESOLV = "nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local\noptions ndots:5\n"


def pasted(client: Client) -> str:
    response = client.post("/network/paste", {"kind": "auto", "text": RESOLV})
    assert response.status_code == 200
    return re.search(r'data-permalink="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def other(django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_user("bob", password=PASSWORD))
    return client


def test_another_user_of_the_install_opens_the_permalink_and_sees_the_same_analysis(
    logged_in, other, settings
):
    link = pasted(logged_in)

    page = other.get(link)

    assert page.status_code == 200
    assert "ndots 5" in page.content.decode() and "pasted by ada" in page.content.decode()
    (kept,) = (Path(settings.EXPLORER_STATE_DIR) / "pastes").iterdir()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_only_who_pasted_it_may_delete_a_paste(logged_in, other):
    link = pasted(logged_in)

    assert other.post(link + "/delete").status_code == 403
    assert logged_in.post(link + "/delete").status_code == 302
    assert other.get(link).status_code == 404


def test_a_paste_older_than_the_retention_is_gone(logged_in, settings):
    link = pasted(logged_in)
    Paste.objects.update(created=timezone.now() - timedelta(days=settings.EXPLORER_PASTE_DAYS + 1))

    assert logged_in.get(link).status_code == 404
    assert not list((Path(settings.EXPLORER_STATE_DIR) / "pastes").iterdir())


def test_without_a_login_the_permalink_leads_to_the_login_form(logged_in):
    link = pasted(logged_in)
    assert Client().get(link).status_code == 302
