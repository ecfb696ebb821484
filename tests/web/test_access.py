"""Without login: pages redirect to the login form, JSON endpoints answer JSON 401/403."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path

from explorer.urls import urlpatterns as app_urlpatterns

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def forbidden(request):
    raise PermissionDenied("only operators may do this")


urlpatterns = [path("api/forbidden", forbidden), path("", include("explorer.urls"))]


def test_overview_redirects_to_the_login_form_when_not_logged_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/?next=/"


def test_json_endpoint_answers_401_as_json_when_not_logged_in(client):
    response = client.get("/api/clusters")
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["error"] == "not_authenticated"
    assert "WWW-Authenticate" in response.headers


@pytest.mark.urls(__name__)
def test_json_endpoint_answers_403_as_json_when_permission_is_denied(logged_in):
    response = logged_in.get("/api/forbidden")
    assert response.status_code == 403
    assert response.json() == {"error": "forbidden", "message": "only operators may do this"}


def test_json_post_without_csrf_token_answers_403_as_json(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/clusters")
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_login_form_logs_in_and_goes_back_to_the_page_asked_for(client, user):
    form = client.get("/login/?next=/")
    assert form.status_code == 200
    assert b'name="password"' in form.content
    response = client.post("/login/", {"username": "ada", "password": PASSWORD, "next": "/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_form_with_a_wrong_password_says_so_and_logs_nobody_in(client, user):
    response = client.post("/login/", {"username": "ada", "password": "wrong"})
    assert response.status_code == 200
    assert b"did not match" in response.content
    assert client.get("/").status_code == 302


def test_login_form_refuses_an_offsite_next(client, user):
    response = client.post(
        "/login/", {"username": "ada", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/"


def test_logout_takes_a_post_and_ends_the_session(logged_in):
    assert logged_in.get("/logout/").status_code == 405
    response = logged_in.post("/logout/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/"
    assert logged_in.get("/").status_code == 302


def _routes() -> dict[str, object]:
    return {pattern.name: pattern.callback for pattern in app_urlpatterns}


def test_only_health_the_icon_and_the_ways_to_log_in_are_open_without_a_login():
    open_routes = {
        name for name, view in _routes().items() if not getattr(view, "login_required", True)
    }
    assert open_routes == {"healthz", "favicon", "login", "login-once", "share-open"}


def test_the_icon_browsers_ask_for_is_there(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg")  # the static files handler serves what the finders find


def test_only_the_paste_form_and_the_etcd_upload_skip_the_csrf_middleware_and_check_it_themselves():
    exempt = {name for name, view in _routes().items() if getattr(view, "csrf_exempt", False)}
    # see test_the_paste_form_refuses_a_post_without_its_csrf_token, and
    # test_an_upload_without_the_csrf_token_is_refused_and_its_file_removed (test_etcd_upload.py)
    assert exempt == {"network-paste", "snapshot-etcd"}


def test_a_path_that_names_no_page_answers_a_page_that_leads_on(logged_in):
    response = logged_in.get("/network/no-such-page")
    assert response.status_code == 404
    page = response.content.decode()
    assert "No such page" in page and 'href="/network/"' in page
    assert "/network/no-such-page" in page
