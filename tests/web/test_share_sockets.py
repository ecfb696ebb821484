"""A share session's websocket: its snapshot's views come, a live cluster's and another
snapshot's are refused, logs and tasks are refused, and revoking the link closes it."""

from __future__ import annotations

import orjson
import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from explorer.streaming.shared import CLOSE_REVOKED
from explorer.viewmodels.registry import VIEWS

from ..streaming.tabs import Tab
from .share_world import make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings, django_user_model, tmp_path, watched):
    return make_world(settings, django_user_model, tmp_path, watched)


@pytest.fixture
def cookie(world) -> str:
    viewer = Client()
    assert viewer.get(f"/share/{world.token}").status_code == 302
    return viewer.cookies["sessionid"].value


async def refused(tab: Tab, message: dict) -> str:
    await tab.send(message)
    answer = await tab.until(lambda m: m["type"] in ("error", "full"))
    assert answer["type"] == "error", answer
    return answer["message"]


async def test_a_share_socket_shows_its_snapshot_and_refuses_everything_else(world, cookie):
    tab = await Tab.open(cookie)
    model = await tab.subscribe("mine", world.source)
    assert model["sectors"]
    for cluster in (world.live, f"snapshot:{world.other.id}"):
        for view in VIEWS.values():
            params = dict.fromkeys(view.params, "x") | {"cluster": cluster}
            subscribe = {"type": "subscribe", "id": view.name, "view": view.name}
            message = await refused(tab, {**subscribe, "params": params})
            assert "its own snapshot only" in message
    logs = {"type": "logs", "id": "l1", "namespace": "shop", "pod": "web-1", "container": "web"}
    for cluster in (world.live, world.source):
        assert "no logs" in await refused(tab, {**logs, "cluster": cluster})
    assert "no tasks" in await refused(tab, {"type": "follow", "task": "any-task"})
    await tab.drain(0.5)
    frames = orjson.dumps(tab.received)
    assert not world.leaked(frames)
    assert set(tab.models) == {"mine"}
    await tab.close()


async def test_revoking_a_link_closes_its_open_sockets_and_refuses_new_ones(world, cookie):
    tab = await Tab.open(cookie)
    await tab.subscribe("mine", world.source)
    staff = Client()
    await sync_to_async(staff.force_login)(world.staff)
    revoke = reverse("snapshot-share-revoke", args=[world.shared.id, world.link.pk])
    response = await sync_to_async(staff.post)(revoke)
    assert response.status_code == 302
    while True:
        output = await tab.communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
    assert output["code"] == CLOSE_REVOKED
    again = Tab.communicator(cookie)
    connected, _ = await again.connect(timeout=5)
    assert not connected
    viewer = Client()
    viewer.cookies["sessionid"] = cookie
    assert (await sync_to_async(viewer.get)("/")).status_code == 410


async def test_a_socket_whose_link_was_revoked_unheard_shows_no_more_views(world, cookie):
    """The revoke view's message lost (a channel layer that was down): the next subscription
    finds the link revoked and closes the socket."""
    from explorer.snapshots.sharing import revoke

    tab = await Tab.open(cookie)
    await tab.subscribe("mine", world.source)
    await sync_to_async(revoke)(world.link)
    await tab.send(
        {
            "type": "subscribe",
            "id": "more",
            "view": "events",
            "params": {"cluster": world.source, "namespace": "*", "object": "*"},
        }
    )
    while True:
        output = await tab.communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
        assert '"full"' not in output.get("text", ""), output
    assert output["code"] == CLOSE_REVOKED
