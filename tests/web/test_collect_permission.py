"""Who may start a collection of node facts: staff, and users given the collect permission
(`manage.py grant USER collect`); everyone else is told so, on the page and by the endpoint."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from .conftest import Watched

pytestmark = pytest.mark.django_db

COLLECT = "/api/clusters/demo/collect"
PAGE = "/network/chains"


@pytest.fixture
def demo_watched(watched: Watched) -> Watched:
    watched.add("demo")
    return watched


def test_a_user_who_is_not_staff_may_not_start_a_collection(logged_in, demo_watched):
    response = logged_in.post(COLLECT)

    assert response.status_code == 403
    assert response.json()["error"] == "not_allowed"
    assert "staff or the collect permission" in response.json()["message"]


def test_the_page_tells_a_user_who_may_not_collect_instead_of_offering_the_button(
    logged_in, demo_watched
):
    page = logged_in.get(PAGE).content.decode()

    assert "data-job-start" not in page
    assert "Starting a collection needs staff or the collect permission." in page


def test_staff_see_the_button(logged_in, user, demo_watched):
    user.is_staff = True
    user.save()

    assert "data-job-start" in logged_in.get(PAGE).content.decode()


def test_grant_gives_the_collect_permission_and_revoke_takes_it_back(
    logged_in, user, demo_watched, capsys
):
    call_command("grant", user.username, "collect")
    assert capsys.readouterr().out.strip() == "ada may now collect"
    assert "data-job-start" in logged_in.get(PAGE).content.decode()

    call_command("grant", user.username, "collect", "--revoke")
    assert logged_in.post(COLLECT).status_code == 403


def test_grant_names_a_user_that_does_not_exist():
    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("grant", "nobody", "collect")
