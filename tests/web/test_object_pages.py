"""The object page through Django's test client: every watched kind has one, a pod or a node goes
to its own page, a deleted object's page is served from the change log, and an object nobody has
seen gets a not-found page with links — never a bare 404."""

from __future__ import annotations

import pytest

from explorer.demo import build_demo
from explorer.state import store
from explorer.state.change_log import Retention
from explorer.state.store import ClusterStates
from explorer.web import sources

from .page_params import page_params

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)>"
CLUSTER = {"name": "demo", "status": "live", "reason": "", "not_visible": []}


@pytest.fixture
def states(monkeypatch):
    """The demo as the state this process watches, with a change log (in memory)."""
    states = ClusterStates(retention=Retention())
    states.add("demo", build_demo())
    monkeypatch.setattr(sources, "known_clusters", lambda: [CLUSTER])
    store.install(states)
    yield states
    store.uninstall(states)


def _delete(states: ClusterStates, kind: str, namespace: str, name: str) -> None:
    with states.read("demo") as state:
        obj = state.get(kind, namespace, name)
    states.event("demo", kind, {"type": "DELETED", "object": obj})


def test_a_held_object_page_names_the_object_for_the_object_view(logged_in, states) -> None:
    response = logged_in.get("/objects/Deployment/shop/web")
    assert response.status_code == 200
    assert page_params(response) == {
        "cluster": "demo",
        "kind": "Deployment",
        "namespace": "shop",
        "name": "web",
    }
    assert "<title>Deployment shop/web · Cluster Explorer</title>" in response.content.decode()


def test_a_cluster_scoped_object_has_its_page_without_a_namespace(logged_in, states) -> None:
    response = logged_in.get("/objects/StorageClass/ceph-rbd")
    assert response.status_code == 200
    assert page_params(response)["namespace"] == "-"


def test_a_kind_as_kubectl_takes_it_goes_to_the_page_of_the_kind_as_the_api_names_it(
    logged_in, states
) -> None:
    response = logged_in.get("/objects/deploy/shop/web?cluster=demo")
    assert response.status_code == 302
    assert response.headers["Location"] == "/objects/Deployment/shop/web?cluster=demo"


def test_a_held_pod_or_node_goes_to_its_own_richer_page(logged_in, states) -> None:
    pod = logged_in.get("/objects/Pod/shop/db-0")
    node = logged_in.get("/objects/Node/demo-worker?cluster=demo")
    assert (pod.status_code, pod.headers["Location"]) == (302, "/pods/shop/db-0")
    assert node.headers["Location"] == "/nodes/demo-worker?cluster=demo"


def test_a_deleted_object_gets_its_page_from_the_change_log(logged_in, states) -> None:
    _delete(states, "ConfigMap", "shop", "web-config")
    response = logged_in.get("/objects/ConfigMap/shop/web-config")
    assert response.status_code == 200
    assert page_params(response)["name"] == "web-config"


def test_a_deleted_pod_s_own_url_lands_on_its_object_page_not_a_404(logged_in, states) -> None:
    _delete(states, "Pod", "shop", "db-0")
    response = logged_in.get("/pods/shop/db-0")
    assert response.status_code == 200
    assert page_params(response)["kind"] == "Pod"
    assert "js/workloads/object.js" in response.content.decode()


def test_an_object_nobody_has_seen_gets_a_not_found_page_with_links(logged_in, states) -> None:
    response = logged_in.get("/objects/ConfigMap/shop/never-was")
    assert response.status_code == 404
    text = response.content.decode()
    assert "There is no ConfigMap shop/never-was in cluster" in text
    assert "/search?cluster=demo&amp;q=never-was" in text
    assert 'href="/workloads/?cluster=demo"' in text


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/objects/Widget/shop/w", "does not watch objects of kind Widget"),
        ("/objects/StorageClass/shop/ceph-rbd", "A StorageClass lives cluster-wide"),
        ("/objects/Deployment/web", "A Deployment lives in a namespace"),
    ],
)
def test_an_unwatched_kind_or_the_wrong_scope_says_why_on_a_not_found_page(
    logged_in, states, url, says
) -> None:
    response = logged_in.get(url)
    assert response.status_code == 404
    assert says in response.content.decode()


def test_a_hostile_name_in_the_url_is_escaped_on_the_not_found_page(logged_in, states) -> None:
    response = logged_in.get("/objects/ConfigMap/shop/" + HOSTILE.replace("/", "%2F"))
    assert response.status_code == 404
    assert "<img" not in response.content.decode()
