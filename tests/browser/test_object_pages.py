"""Every link lands on a page: each watched kind of the demo, found by name in the search box,
opens a page with its YAML and the links its kind is worth opening for; owner links, event rows
and the workload hierarchy lead there too; a deleted object's page says when it went and links to
its last owner. In Chromium over the real app and the churning demo, with screenshots."""

from __future__ import annotations

import copy
import re
import time
import uuid

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .app import PROBE_POD
from .conftest import open_once_watched

WHEN = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
# the objects of kinds the churn replaces, or that share a name with many: one that stays
CHOSEN = {
    "Pod": ("shop", "db-0"),
    "Node": ("", "demo-worker"),
    "Service": ("shop", "web"),
    "Deployment": ("shop", "api"),
    "StatefulSet": ("shop", "db"),
    "DaemonSet": ("kube-system", "kube-proxy"),
    "CronJob": ("shop", "report"),
    "ConfigMap": ("shop", "web-config"),
    "Secret": ("shop", "db-credentials"),
    "Namespace": ("", "shop"),
    "PersistentVolumeClaim": ("shop", "data-db-0"),
    "StorageClass": ("", "ceph-rbd"),
}
# what must be on each page beyond its YAML: selectors of links (or parts) its kind is opened for
KIND_LINKS = {
    "Service": (
        "#section-dns a[href^='/network/dns?']",
        "#section-chains a[href^='/network/service-chain?'][href*='node=']",
        "#section-slices a[href^='/objects/EndpointSlice/shop/']",
        "#section-pods a[href^='/pods/shop/']",
    ),
    "Deployment": (
        "#section-rollout a[href^='/objects/ReplicaSet/shop/']",
        "#section-pods a[href^='/pods/shop/api-']",
    ),
    "ReplicaSet": ("#section-pods a[href^='/pods/']",),
    "StatefulSet": (
        "#section-pods a[href^='/pods/shop/db-0?']",
        "#section-claims a[href*='/data-db-0?']",
    ),
    "DaemonSet": ("#section-pods a[href^='/nodes/']",),
    "Job": ("#section-pods",),
    "CronJob": ("#section-jobs a[href^='/objects/Job/shop/report-']",),
    "ConfigMap": ("#section-used-by a[href^='/pods/shop/web-']",),
    "Secret": ("#object-secret:has-text('never fetched')",),
    "Namespace": (
        "#object-facts a[href^='/workloads/']",
        "#section-contents a[href^='/objects/Deployment/shop/api?']",
    ),
    "PersistentVolumeClaim": (
        "#section-chain a[href^='/objects/PersistentVolume/']",
        "#section-chain a[href^='/objects/StorageClass/ceph-rbd?']",
        "#section-mounted-by a[href^='/pods/shop/db-0?']",
    ),
    "PersistentVolume": (
        "#section-chain a[href^='/objects/PersistentVolumeClaim/shop/']",
        "#section-mounted-by a[href^='/pods/shop/db-']",
    ),
    "StorageClass": (
        "#section-claims a[href^='/objects/PersistentVolumeClaim/shop/data-db-']",
        "#object-facts a[href^='/objects/CSIDriver/rbd.csi.ceph.com?']",
    ),
}


def demo_kinds() -> list[str]:
    """The kinds of the demo cluster (Events aside: they are the events pages' own)."""
    from explorer.demo import build_demo

    return sorted(kind for kind in build_demo().kinds() if kind != "Event")


def _chosen(demo, kind: str) -> tuple[str, str]:
    if kind in CHOSEN:
        return CHOSEN[kind]
    if kind == "PersistentVolume":  # the database's (the newest is the restore pod's, elsewhere)
        return "", demo.store.state.volume_for_claim("shop", "data-db-0")["metadata"]["name"]
    if kind == "ReplicaSet":
        api = demo.store.state.get("Deployment", "shop", "api")
        return "shop", demo.store.state.children(api["metadata"]["uid"])[0]["metadata"]["name"]
    objects = sorted(
        demo.store.state.list(kind), key=lambda o: o["metadata"].get("creationTimestamp") or ""
    )
    meta = objects[-1]["metadata"]  # the newest: a Job the CronJob keeps longest
    return meta.get("namespace") or "", meta["name"]


def _drawn(page) -> None:
    page.wait_for_selector("#workloads[data-drawn='1']")


@pytest.mark.parametrize("kind", demo_kinds())
def test_every_kind_found_by_name_opens_a_page_with_its_yaml_and_its_links(
    logged_in_page, demo, artifacts, kind
) -> None:
    page = logged_in_page
    namespace, name = _chosen(demo, kind)
    shown = f"{kind} {namespace + '/' if namespace else ''}{name}"
    page.goto(f"/search?q={name}")
    result = page.locator("#search-results a", has_text=re.compile(f"^{re.escape(shown)}$"))
    result.click()
    if kind == "Pod":
        page.wait_for_url(f"**/pods/{namespace}/{name}**")
        page.wait_for_selector("#pod-facts dd")
        return
    if kind == "Node":
        page.wait_for_url(f"**/nodes/{name}**")
        page.wait_for_selector("#node-facts dd")
        return
    page.wait_for_url(re.compile(f"/objects/{kind}/"))
    _drawn(page)
    yaml = page.locator("#object-yaml").text_content()
    assert f"kind: {kind}\n" in yaml and f"name: {name}\n" in yaml
    assert "managedFields" in page.locator("#object-folded").text_content()
    assert "knows nothing" not in page.locator("#object-status").text_content()
    for selector in KIND_LINKS.get(kind, ()):
        assert page.locator(selector).count() >= 1, f"{kind}: nothing matches {selector}"
    if kind in KIND_LINKS:
        page.screenshot(path=artifacts / f"object-{kind}.png", full_page=True)
    assert page.problems.exceptions == [], page.problems.exceptions
    assert page.problems.failed_requests == [], page.problems.failed_requests


def test_owner_links_lead_from_a_pod_up_to_its_deployment_s_rollout_history(logged_in_page, demo):
    page = logged_in_page
    pod = next(
        p["metadata"]["name"]
        for p in demo.store.state.list("Pod", "shop")
        if p["metadata"]["name"].startswith("api-") and not p["metadata"].get("deletionTimestamp")
    )
    page.goto(f"/pods/shop/{pod}")
    page.locator("#pod-owners a", has_text="ReplicaSet").click()
    page.wait_for_url("**/objects/ReplicaSet/shop/api-**")
    _drawn(page)
    assert page.locator(f"#section-pods a[href^='/pods/shop/{pod}?']").count() == 1
    page.locator("#object-owners a", has_text="Deployment shop/api").click()
    page.wait_for_url("**/objects/Deployment/shop/api**")
    _drawn(page)
    assert page.locator("#section-rollout tbody tr").count() >= 1
    # and down again: the Deployment owns the ReplicaSet, which owns the pod
    assert page.locator(f"#object-dependents a[href^='/pods/shop/{pod}?']").count() == 1


def test_an_event_s_object_and_a_hierarchy_controller_open_their_object_pages(logged_in_page, demo):
    page = logged_in_page
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": f"api.{uuid.uuid4().hex[:8]}",
            "namespace": "shop",
            "uid": str(uuid.uuid4()),
        },
        "involvedObject": {"kind": "Deployment", "namespace": "shop", "name": "api"},
        "reason": "ScalingReplicaSet",
        "message": "Scaled up replica set api to 2",
        "type": "Normal",
        "count": 1,
        "firstTimestamp": now,
        "lastTimestamp": now,
        "source": {"component": "deployment-controller"},
    }
    demo.store.apply({"type": "ADDED", "object": event})
    page.goto("/events/?namespace=shop&kind=Deployment&name=api")
    page.locator("#events-list a", has_text="Deployment shop/api").first.click()
    page.wait_for_url("**/objects/Deployment/shop/api**")
    _drawn(page)
    assert "kind: Deployment" in page.locator("#object-yaml").text_content()
    page.goto("/workloads/?namespace=shop")
    page.click('#hierarchy-children button[data-id="ns/shop"]')
    page.click("#hierarchy-children a[data-page='ns/shop/Deployment/api']")
    page.wait_for_url("**/objects/Deployment/shop/api**")
    _drawn(page)


def test_a_deleted_config_map_s_page_says_when_it_went(logged_in_page, demo, artifacts):
    page = logged_in_page
    name = f"short-lived-{uuid.uuid4().hex[:6]}"
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "shop", "uid": str(uuid.uuid4())},
        "data": {"greeting": "hello"},
    }
    demo.store.apply({"type": "ADDED", "object": copy.deepcopy(config)})
    open_once_watched(page, f"/objects/ConfigMap/shop/{name}")
    _drawn(page)
    page.wait_for_function(
        "() => document.getElementById('object-status').textContent.includes('created')"
    )
    demo.store.apply({"type": "DELETED", "object": copy.deepcopy(config)})
    status = page.locator("#object-status")
    page.wait_for_function(
        "() => document.getElementById('object-status').textContent.startsWith('Deleted at')"
    )
    assert re.match(f"Deleted at {WHEN}", status.text_content())
    assert "greeting: hello" in page.locator("#object-yaml").text_content()
    page.screenshot(path=artifacts / "object-deleted-config-map.png", full_page=True)
    response = page.goto(f"/objects/ConfigMap/shop/{name}")  # a fresh visit: from the change log
    assert response.status == 200
    page.wait_for_function(
        "() => document.getElementById('object-status').textContent.startsWith('Deleted at')"
    )


def test_a_deleted_pod_s_link_lands_on_a_page_that_links_to_its_last_owner(
    logged_in_page, demo, artifacts
):
    page = logged_in_page
    template = demo.store.state.get("Pod", "shop", "db-0")
    pod = copy.deepcopy(template)
    name = f"db-gone-{uuid.uuid4().hex[:6]}"
    pod["metadata"].update(name=name, uid=str(uuid.uuid4()))
    pod["metadata"].pop("resourceVersion", None)
    demo.store.apply({"type": "ADDED", "object": copy.deepcopy(pod)})
    for _ in range(30):  # until the app's watcher has the pod (a busy machine is slower)
        page.goto(f"/pods/shop/{name}")
        try:
            page.wait_for_selector("#pod-facts dd", timeout=2_000)
            break
        except PlaywrightTimeout:
            continue
    demo.store.apply({"type": "DELETED", "object": copy.deepcopy(pod)})
    page.wait_for_selector("#pod-status a")  # the live pod page: gone, and a link to what it was
    page.click("#pod-status a")
    page.wait_for_url(f"**/objects/Pod/shop/{name}**")
    page.wait_for_function(
        "() => document.getElementById('object-status').textContent.startsWith('Deleted at')"
    )
    assert page.locator("#object-gone").is_visible()
    owner = page.locator("#object-last-owner")
    assert owner.text_content() == "StatefulSet shop/db"
    page.screenshot(path=artifacts / "object-deleted-pod.png", full_page=True)
    response = page.goto(f"/pods/shop/{name}")  # its own URL, visited afresh: not a 404
    assert response.status == 200
    page.locator("#object-last-owner").click()
    page.wait_for_url("**/objects/StatefulSet/shop/db**")
    _drawn(page)


def test_an_object_nobody_has_seen_gets_a_page_with_links(logged_in_page):
    page = logged_in_page
    response = page.goto(f"/objects/ConfigMap/shop/{PROBE_POD}-never-was")
    assert response.status == 404
    assert page.locator("main a[href*='/search?']").count() == 1
    assert "There is no ConfigMap" in page.locator("main").text_content()
