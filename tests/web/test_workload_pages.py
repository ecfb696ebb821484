"""The workload pages through Django's test client: login, what they carry for their scripts,
a readable 404 for an object the watched state does not hold, no inline script anywhere."""

from __future__ import annotations

import re

import pytest

from explorer.demo import build_demo
from explorer.state import store
from explorer.state.store import ClusterStates
from explorer.web import sources

from .page_params import page_params

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)>"
CLUSTER = {"name": "demo", "status": "live", "reason": "", "not_visible": []}
PAGES = (
    "/workloads/",
    "/pods/shop/db-0",
    "/nodes/demo-worker",
    "/events/",
    "/scheduling/history/",
    "/scheduling/headroom/",
    "/search?q=web",
    "/objects/Deployment/shop/web",
    "/objects/StorageClass/ceph-rbd",
    "/storage/",
)


@pytest.fixture
def watched(monkeypatch):
    """The demo as the state this process watches (what the embedded install has)."""
    state = build_demo()
    states = ClusterStates()
    states.add("demo", state)
    monkeypatch.setattr(sources, "known_clusters", lambda: [CLUSTER])
    store.install(states)
    yield state
    store.uninstall(states)


@pytest.mark.parametrize("url", PAGES)
def test_every_workload_page_needs_a_login(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/")


@pytest.mark.parametrize("url", PAGES)
def test_every_workload_page_loads_its_scripts_by_src_only(logged_in, watched, url) -> None:
    body = logged_in.get(url).content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", body, re.S)
    assert scripts and all('src="' in attrs and not inline.strip() for attrs, inline in scripts)
    assert re.search(r"\son\w+=", body) is None


def test_storage_page_hands_its_script_the_cluster_and_the_header_links_to_it(
    logged_in, watched
) -> None:
    body = logged_in.get("/storage/?cluster=demo").content.decode()
    assert 'data-params="{&quot;cluster&quot;:&quot;demo&quot;}"' in body
    assert '<a href="/storage/?cluster=demo">Storage</a>' in body


def test_headroom_page_hands_its_script_the_question_and_echoes_it_escaped(logged_in, watched):
    response = logged_in.get(f"/scheduling/headroom/?cpu=2&memory=&selector={HOSTILE}")
    params = page_params(response)
    assert params == {
        "cluster": "demo",
        "fit": "1",
        "cpu": "2",
        "memory": "0",
        "extended": "-",
        "selector": HOSTILE,
        "tolerate": "-",
    }
    assert HOSTILE not in response.content.decode()
    unasked = page_params(logged_in.get("/scheduling/headroom/"))
    assert unasked["fit"] == ""


def test_hierarchy_page_hands_its_script_the_view_params(logged_in, watched) -> None:
    params = page_params(logged_in.get("/workloads/?namespace=shop&size=cpu"))
    assert params == {"cluster": "demo", "namespace": "shop", "size": "cpu"}


def test_hierarchy_page_falls_back_to_count_for_an_unknown_size(logged_in, watched) -> None:
    assert page_params(logged_in.get("/workloads/?size=bogus"))["size"] == "count"


def test_pod_page_of_a_held_pod_names_it_for_the_pod_view(logged_in, watched) -> None:
    response = logged_in.get("/pods/shop/db-0")
    assert response.status_code == 200
    assert page_params(response) == {"cluster": "demo", "namespace": "shop", "name": "db-0"}
    assert b"pause" in response.content and b"QoS" in response.content


def test_unknown_pod_gets_a_readable_404_page(logged_in, watched) -> None:
    response = logged_in.get("/pods/shop/no-such-pod")
    assert response.status_code == 404
    text = response.content.decode()
    assert "There is no pod shop/no-such-pod in cluster" in text
    assert "<h1>Not found</h1>" in text


def test_unknown_node_gets_a_readable_404_page(logged_in, watched) -> None:
    response = logged_in.get("/nodes/ghost")
    assert response.status_code == 404
    assert "There is no node ghost" in response.content.decode()


def test_hostile_pod_name_in_the_url_is_escaped_on_the_404_page(logged_in, watched) -> None:
    response = logged_in.get("/pods/shop/" + HOSTILE.replace("/", "%2F"))
    assert response.status_code == 404
    assert "<img" not in response.content.decode()


def test_node_page_carries_the_cgroup_to_highlight(logged_in, watched) -> None:
    path = "/kubepods.slice/kubepods-burstable.slice"
    response = logged_in.get("/nodes/demo-worker", {"cgroup": path})
    assert page_params(response) == {"cluster": "demo", "name": "demo-worker", "size": "limit"}
    assert f'data-highlight="{path}"' in response.content.decode()


def test_where_the_state_is_not_held_here_the_page_is_served_and_the_view_decides(
    logged_in, monkeypatch
) -> None:
    monkeypatch.setattr(sources, "known_clusters", lambda: [CLUSTER])
    assert store.watched() is None
    assert logged_in.get("/pods/shop/anything").status_code == 200


def test_events_page_scopes_to_one_object(logged_in, watched) -> None:
    params = page_params(logged_in.get("/events/?namespace=shop&kind=Deployment&name=web"))
    assert params == {"cluster": "demo", "namespace": "shop", "object": "Deployment/web"}


def test_scheduling_history_page_names_the_cluster_for_its_view(logged_in, watched) -> None:
    response = logged_in.get("/scheduling/history/")
    assert response.status_code == 200 and page_params(response) == {"cluster": "demo"}
    assert 'href="/scheduling/history/?cluster=demo"' in logged_in.get("/").content.decode()


def test_search_box_is_in_every_page_header_with_its_static_script(logged_in, watched) -> None:
    body = logged_in.get("/").content.decode()
    assert 'id="find"' in body and "js/find.js" in body


def test_search_page_escapes_the_query(logged_in, watched) -> None:
    response = logged_in.get("/search", {"q": HOSTILE})
    assert "<img" not in response.content.decode()
    assert page_params(response)["q"] == HOSTILE


def test_log_tail_of_an_unwatched_cluster_is_a_json_404(logged_in) -> None:
    response = logged_in.get("/api/clusters/nowhere/pods/shop/db-0/log")
    assert response.status_code == 404
    assert response.json()["error"] == "no_such_cluster"


def test_the_pod_and_events_pages_carry_the_timeline_window_and_their_new_parts(
    logged_in, watched
) -> None:
    pod = logged_in.get("/pods/shop/db-0").content.decode()
    events = logged_in.get("/events/").content.decode()
    for body, figure in ((pod, "pod-events"), (events, "events-timeline")):
        assert f'data-timeline="{figure}"' in body and f'id="{figure}"' in body
        assert 'data-window="hour"' in body and 'data-window="all"' in body
    assert re.search(r'id="pod-pending"[^>]*hidden', pod) and "Why is it Pending?" in pod
    assert events.count('class="pager"') == 2 and 'data-step="1"' in events
