"""A share session reaches its snapshot's pages and nothing else: crawled from its overview (every
link and form followed) and tried directly at every other kind of URL, no response carries a
live cluster's name, another snapshot's title or cluster, a user's name or a pasted text."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from explorer.web.share_sessions import SHOWN

from .crawl import crawl
from .share_world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, django_user_model, tmp_path, watched):
    return make_world(settings, django_user_model, tmp_path, watched)


def share_session(world) -> Client:
    client = Client()
    response = client.get(f"/share/{world.token}")
    assert response.status_code == 302
    return client


def test_the_canaries_are_there_for_a_logged_in_user(world):
    """Without a share session the same pages name the live cluster, the other snapshot and
    the users: the isolation test below would see them if a share session did."""
    client = Client()
    client.force_login(world.staff)
    seen = set()
    for url in ["/", "/snapshots/", "/network/pasted/" + str(world.paste.id)]:
        seen |= set(world.leaked(client.get(url).content))
    assert seen == set(world.canaries)


def test_a_share_session_crawled_from_its_overview_serves_nothing_of_anything_else(world):
    client = share_session(world)
    visits = crawl(client, f"/?cluster={world.source}", avoid=("/logout/",))
    assert len(visits) > 10, [v.url for v in visits]
    for visit in visits:
        assert not world.leaked(visit.body), (visit.method, visit.url, world.leaked(visit.body))
        assert visit.status in (200, 302), (visit.method, visit.url, visit.status)  # no dead link
    reached = {visit.url.split("?")[0] for visit in visits if visit.status == 200}
    for name in ("overview", "network", "network-service-chain", "workloads", "events", "search"):
        assert reverse(name) in reached, name


def test_a_share_session_opens_every_page_of_its_snapshot(world):
    from explorer.snapshots.store import state_of

    client = share_session(world)
    state = state_of(world.shared)
    node = next(state.list("Node"))["metadata"]["name"]
    pod = next(state.list("Pod"))["metadata"]
    service = next(state.list("Service"))["metadata"]
    pages = [
        reverse("pod", args=[pod["namespace"], pod["name"]]),
        reverse("node", args=[node]),
        reverse("object", args=["Service", service["namespace"], service["name"]]),
        reverse("object-cluster-scoped", args=["Namespace", pod["namespace"]]),
        reverse("network-dns") + f"?pod={pod['namespace']}/{pod['name']}&name=kubernetes",
        reverse("network-chains") + f"?node={node}",
        reverse("network-packet-trace"),
        reverse("network-drift"),
        reverse("network-proxy-mode"),
        reverse("network-corefile"),
        reverse("search") + "?q=checkout",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert world.source in response.content.decode(), page
        assert not world.leaked(response.content), (page, world.leaked(response.content))


def test_a_share_session_answers_404_to_everything_else(world):
    client = share_session(world)
    live, other, shared = world.live, world.other.id, world.shared.id
    tried = [
        ("get", f"/?cluster={live}"),
        ("get", f"/workloads/?cluster={live}"),
        ("get", f"/network/service-chain?cluster={live}"),
        ("get", f"/?cluster=snapshot:{other}"),
        ("get", f"/events/?cluster=snapshot:{other}"),
        ("get", "/snapshots/"),
        ("get", f"/snapshots/{other}"),
        ("get", f"/snapshots/{shared}"),
        ("get", f"/snapshots/{other}/bundle"),
        ("get", f"/snapshots/{shared}/bundle"),  # the link does not allow downloads
        ("post", "/snapshots/take"),
        ("post", f"/snapshots/{shared}/edit"),
        ("post", f"/snapshots/{shared}/delete"),
        ("post", f"/snapshots/{shared}/share"),
        ("post", f"/snapshots/{shared}/share/{world.link.pk}/revoke"),
        ("get", "/network/paste"),
        ("post", "/network/paste"),
        ("get", f"/network/pasted/{world.paste.id}"),
        ("post", f"/network/pasted/{world.paste.id}/delete"),
        ("get", "/api/clusters"),
        ("get", f"/api/clusters/{live}/pods/default/web-1/log"),
        ("get", f"/api/clusters/snapshot:{shared}/pods/default/web-1/log"),
        ("post", f"/api/clusters/{live}/collect"),
        ("post", f"/api/clusters/{live}/bundle"),
        ("get", f"/api/clusters/{live}/dns-trace?pod=a/b&name=c"),
        ("get", f"/downloads/{uuid.uuid4().hex}"),
        ("get", f"/moment?cluster={live}&at=2026-01-01T00:00:00&next=/"),
        ("get", "/login/"),
        ("get", "/no/such/page"),
    ]
    for method, url in tried:
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
        assert not world.leaked(response.content), (url, world.leaked(response.content))
    # and the session is still the share's
    assert client.get("/").status_code == 200


ETCD_JSON = {"api-etcd-overview", "api-etcd-key", "api-etcd-object"}  # below: JSON, no page


def test_a_share_session_without_cluster_shows_its_snapshot(world):
    client = share_session(world)
    for name in sorted(SHOWN - {"pod", "node", "object", "object-cluster-scoped"} - ETCD_JSON):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert world.source in response.content.decode(), name


def test_a_share_session_header_names_its_snapshot_only(world):
    client = share_session(world)
    page = client.get("/").content.decode()
    assert world.shared.title in page
    assert 'value="snapshot:' + world.shared.id + '" selected' in page
    assert page.count("<option") == 1
    assert "Snapshots</a>" not in page and "Paste</a>" not in page
    assert 'name="source"' not in page  # no Snapshot button
    assert 'id="moment-at"' not in page  # no time control
    assert "Leave" in page


def test_a_link_that_allows_downloads_serves_its_bundle_and_no_other(world):
    world.link.allow_download = True
    world.link.save()
    client = share_session(world)
    page = client.get("/").content.decode()
    bundle = reverse("snapshot-bundle", args=[world.shared.id])
    assert bundle in page
    response = client.get(bundle)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zstd"
    assert not world.leaked(response.content)
    assert client.get(reverse("snapshot-bundle", args=[world.other.id])).status_code == 404


def test_a_share_session_reads_its_snapshots_etcd_json_and_no_other_clusters(world):
    client = share_session(world)
    overview = client.get("/api/etcd/overview")
    key = client.get("/api/etcd/key", {"key": "/registry/pods/default/web-1"})
    elsewhere = client.get("/api/etcd/overview", {"cluster": world.live})

    assert overview.status_code == 200 and overview.json()["origin"]["derived"] is True
    assert key.status_code == 200 and key.json()["facts_only"] is True
    assert elsewhere.status_code == 404
    for response in (overview, key, elsewhere):
        assert not world.leaked(response.content)
