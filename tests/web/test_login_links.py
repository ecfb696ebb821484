"""One-time login links: log in once, within 15 minutes, and say clearly when they cannot."""

from __future__ import annotations

import io
import time

import pytest
from django.core import signing
from django.core.management import CommandError, call_command
from django.test import Client

from explorer.web.bootstrap import ensure_admin
from explorer.web.login_links import MAX_AGE_SECONDS, make_login_link, user_for_token

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_link_logs_the_user_in_and_lands_on_the_overview(client, user):
    response = client.get(make_login_link(user))
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_link_works_only_once(user):
    link = make_login_link(user)
    assert Client().get(link).status_code == 302
    second = Client()
    response = second.get(link)
    assert response.status_code == 410
    assert b"cannot be used" in response.content
    assert b'href="/login/"' in response.content
    assert second.get("/").status_code == 302


def test_login_link_older_than_15_minutes_is_refused(monkeypatch, client, user):
    issued = time.time() - MAX_AGE_SECONDS - 1
    monkeypatch.setattr(signing.time, "time", lambda: issued)
    link = make_login_link(user)
    monkeypatch.undo()
    response = client.get(link)
    assert response.status_code == 410
    assert b"15 minutes" in response.content


def test_login_link_within_15_minutes_is_accepted(monkeypatch, user):
    issued = time.time() - MAX_AGE_SECONDS + 30
    monkeypatch.setattr(signing.time, "time", lambda: issued)
    link = make_login_link(user)
    monkeypatch.undo()
    assert user_for_token(link.rsplit("/", 1)[1]) == user


def test_login_link_dated_in_the_future_is_refused(monkeypatch, client, user):
    issued = time.time() + 3600
    monkeypatch.setattr(signing.time, "time", lambda: issued)
    link = make_login_link(user)
    monkeypatch.undo()
    assert client.get(link).status_code == 410


def test_tampered_login_link_is_refused_without_a_traceback(client, user):
    link = make_login_link(user)
    response = client.get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    assert response.status_code == 410
    assert b"Traceback" not in response.content


def test_a_password_change_spends_outstanding_links(user):
    token = make_login_link(user).rsplit("/", 1)[1]
    user.set_password("a new one")
    user.save()
    assert user_for_token(token) is None


def test_a_login_with_the_password_spends_outstanding_links(client, user):
    token = make_login_link(user).rsplit("/", 1)[1]
    client.post("/login/", {"username": "ada", "password": PASSWORD})
    assert user_for_token(token) is None


def test_login_link_of_a_deactivated_user_is_refused(user):
    token = make_login_link(user).rsplit("/", 1)[1]
    user.is_active = False
    user.save()
    assert user_for_token(token) is None


def test_loginlink_command_prints_one_login_line_that_logs_the_admin_in(client, settings):
    ensure_admin()
    out = io.StringIO()
    call_command("loginlink", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Login: http://127.0.0.1:{settings.EXPLORER_PORT}/login/once/")
    path = lines[0].split(f":{settings.EXPLORER_PORT}", 1)[1]
    assert client.get(path).status_code == 302
    assert client.get("/").context["user"].username == "admin"


def test_loginlink_command_says_what_to_do_when_the_admin_does_not_exist():
    with pytest.raises(CommandError, match="make run"):
        call_command("loginlink", stdout=io.StringIO())


def test_ensure_admin_creates_the_admin_once_and_returns_the_password_only_then():
    admin, password = ensure_admin()
    assert admin.username == "admin" and admin.is_superuser
    assert password and admin.check_password(password)
    again, no_password = ensure_admin()
    assert again.pk == admin.pk
    assert no_password is None
