"""The workload pages in Chromium over the real app and the churning demo: from the shop/api
Deployment in the hierarchy down to one container's cgroup on the node page, with screenshots.
(shop/api, not shop/web: the churn keeps rolling web's pods, so a tree taken a moment ago may
no longer hold the pod the page just opened.)

The node's cgroup tree reaches the app the way a collection job delivers node facts: a
`publisher.node_facts` message to the app's publisher over the channel layer. So this app runs
with the Redis layer (its own database number), and the test sends the demo's recorded tree.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import os
import re
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from explorer.demo.facts.cgroups import cgroup_tree
from explorer.streaming.names import publisher_channel

from . import app as app_module
from .app import HOSTILE, HOSTILE_LINK, HOSTILE_OWNER, PASSWORD, PROBE_POD, start_app
from .conftest import CHROMIUM, PageProblems, log_in

REDIS_URL = "redis://127.0.0.1:6379/7"
CLUSTER = "demo"  # the demo kubeconfig's context
NODE = "demo-worker"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def redis_app(demo, tmp_path_factory, artifacts) -> Iterator[app_module.LiveApp]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing (scripts/test-deps installs it)")
    if not _redis_up():
        pytest.skip("no Redis at 127.0.0.1:6379 (make test starts one)")
    plain_env = app_module.app_env

    def with_redis(*args):
        return {**plain_env(*args), "REDIS_URL": REDIS_URL}

    app_module.app_env = with_redis
    try:
        app = start_app(
            tmp_path_factory.mktemp("workloads"), demo.kubeconfig, artifacts / "workloads-app.log"
        )
    finally:
        app_module.app_env = plain_env
    yield app
    app.stop()


@pytest.fixture
def page(browser, redis_app):
    context = browser.new_context(base_url=redis_app.url, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.problems = PageProblems(page)
    log_in(page, PASSWORD)
    yield page
    context.close()


def _deliver_cgroups(demo) -> dict:
    """What a collection job does with a node's facts: send them to the cluster's publisher.
    The tree is the demo's recorded form, made now (the churn replaces pods as it goes); returns
    a running shop/api pod it holds."""
    from channels_redis.core import RedisChannelLayer

    state = demo.store.state
    pods = [copy.deepcopy(p) for p in state.pods_on_node(NODE)]
    recorded = cgroup_tree(copy.deepcopy(state.get("Node", "", NODE)), pods)
    message = {
        "type": "publisher.node_facts",
        "cluster": CLUSTER,
        "facts": {
            "node": NODE,
            "taken_at": "2026-01-01T00:00:00Z",
            "probe": "recorded",
            "facts": {"cgroups": recorded},
            "errors": {},
        },
    }

    async def send() -> None:
        layer = RedisChannelLayer(hosts=[{"address": REDIS_URL}])
        await layer.send(publisher_channel(CLUSTER), message)

    # Playwright runs an event loop in this thread: send from another one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, send()).result(timeout=10)
    return next(
        p
        for p in pods
        if p["metadata"]["namespace"] == "shop"
        and p["metadata"]["name"].startswith("api-")
        and "running" in (p["status"].get("containerStatuses") or [{}])[0].get("state", {})
        and not p["metadata"].get("deletionTimestamp")
    )


def _drawn(page, selector: str) -> None:
    page.wait_for_function(
        "s => document.querySelector(s) && document.querySelector(s).dataset.drawn === '1'",
        arg=selector,
    )


def test_from_the_api_deployment_down_to_a_container_cgroup_on_its_node(page, demo, artifacts):
    api = _deliver_cgroups(demo)
    pod_name = api["metadata"]["name"]
    replica_set = api["metadata"]["ownerReferences"][0]["name"]
    page.goto("/workloads/?namespace=shop")
    _drawn(page, "#hierarchy")
    page.screenshot(path=artifacts / "workloads-hierarchy.png", full_page=True)

    page.click('#hierarchy-children button[data-id="ns/shop"]')
    page.click('#hierarchy-children button[data-id="ns/shop/Deployment/api"]')
    rs_id = f"ns/shop/Deployment/api/ReplicaSet/{replica_set}"
    page.click(f'#hierarchy-children button[data-id="{rs_id}"]')
    pods = page.locator('#hierarchy-children a[data-kind="pod"]')
    pods.first.wait_for()
    assert pods.count() >= 1
    assert page.evaluate("() => document.getElementById('hierarchy').data[0].level") == rs_id
    page.click(f'#hierarchy-children a[data-id="pod/shop/{pod_name}"]')

    page.wait_for_url(f"**/pods/shop/{pod_name}**")
    page.wait_for_selector("#pod-anatomy tr[data-container='api'] a.cgroup-link")
    assert "Guaranteed" in page.locator("#pod-qos").text_content()
    assert "pause" in page.locator("#pod-anatomy").text_content()
    page.screenshot(path=artifacts / "workloads-pod.png", full_page=True)
    link = page.locator("#pod-anatomy tr[data-container='api'] a.cgroup-link")
    cgroup = link.get_attribute("data-cgroup")
    assert cgroup.startswith("/kubepods.slice/kubepods-pod")  # Guaranteed: under kubepods
    assert cgroup.endswith(".scope")
    link.click()

    page.wait_for_url(f"**/nodes/{NODE}**")
    _drawn(page, "#cgroup-tree")
    page.wait_for_function("() => document.getElementById('cgroup-tree').dataset.highlight")
    assert page.evaluate("() => document.getElementById('cgroup-tree').dataset.highlight") == cgroup
    selected = page.locator("#cgroup-selected").text_content()
    assert cgroup in selected and "container api" in selected and "memory limit: 512Mi" in selected
    page.wait_for_timeout(500)  # let Plotly finish drawing
    page.locator("#cgroups").screenshot(path=artifacts / "node-cgroup-sunburst.png")
    page.screenshot(path=artifacts / "workloads-node.png", full_page=True)
    assert page.problems.exceptions == [], page.problems.exceptions
    assert page.problems.dialogs == []


def test_slash_focuses_the_search_box_and_a_pod_ip_finds_its_pod(page, demo):
    db = demo.store.state.get("Pod", "shop", "db-0")
    page.goto("/workloads/")
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.id") == "find"
    page.keyboard.type(db["status"]["podIP"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results a")
    result = page.locator("#search-results a").first
    assert result.text_content() == "Pod shop/db-0"
    result.click()
    page.wait_for_url("**/pods/shop/db-0**")
    page.wait_for_selector("#pod-volumes td")
    assert "StorageClass ceph-rbd" in page.locator("#pod-volumes").text_content()


def test_hostile_label_stays_text_on_the_pod_page_and_the_hierarchy(page):
    page.goto("/pods/default/xss-probe")
    page.wait_for_selector("#pod-facts dd")
    assert "<img src=x onerror=alert(1)>" in page.locator("#pod-facts").text_content()
    page.goto("/workloads/?namespace=default")
    _drawn(page, "#hierarchy")
    assert page.locator("#pod-facts img, #hierarchy img, #hierarchy-children img").count() == 0
    # the probe pod's controller is named with markup: the list beside the figure and the
    # crumbs show it literally (sent plain, set as text), the figure too (sent escaped once)
    page.click('#hierarchy-children button[data-id="ns/default"]')
    owner = page.locator("#hierarchy-children button", has_text="ReplicaSet <b>bold</b>")
    assert owner.text_content() == f"ReplicaSet {HOSTILE_OWNER}"
    owner.click()
    assert f"ReplicaSet {HOSTILE_OWNER}" in page.locator("#hierarchy-path").text_content()
    markup = "#hierarchy-children b, #hierarchy-path b, script:not([src])"
    assert page.locator(markup).count() == 0
    assert page.locator("#hierarchy tspan[style*='bold']").count() == 0  # Plotly's <b>
    page.goto(f"/events/?namespace=default&kind=Pod&name={PROBE_POD}")
    tick = page.locator("#events-timeline .ytick text").first
    tick.wait_for()
    assert tick.text_content() == HOSTILE_LINK  # shown literally, not drawn as a link
    assert page.locator("#events-timeline a").count() == 0
    assert HOSTILE_LINK in page.locator("#events-list").text_content()
    assert HOSTILE in page.locator("#events-list").text_content()
    assert page.locator("#events-list img, #events-list td a[href^='https://example']").count() == 0
    assert page.problems.dialogs == []


def test_pod_logs_follow_live(page):
    page.goto("/pods/shop/db-0")
    page.wait_for_selector("#log-container option", state="attached")
    page.click("#log-follow")
    page.wait_for_function("() => document.getElementById('pod-log').textContent.length > 0")
    assert page.problems.exceptions == []


# the x axis's range as Plotly holds it, in ms since the epoch, and its tick labels with their boxes
X_AXIS = """id => {
  const figure = document.getElementById(id);
  const [start, end] = figure._fullLayout.xaxis.range.map((t) => Date.parse(t));
  const ticks = [...figure.querySelectorAll('.xtick text')].map((t) => {
    const box = t.getBoundingClientRect();
    return {text: t.textContent, left: box.left, right: box.right};
  });
  return {start, end, ticks};
}"""
HOUR_MS = 3600 * 1000


def _x_axis(page, figure: str) -> dict:
    page.wait_for_selector(f"#{figure} .xtick text")
    return page.evaluate(X_AXIS, figure)


# every point of the figure within the x axis's range (Plotly's dates are wall-clock strings,
# parsed alike on both sides)
EVERY_POINT_SHOWN = """id => {
  const figure = document.getElementById(id);
  const range = figure._fullLayout.xaxis.range.map((x) => Date.parse(x));
  const xs = figure.data.flatMap((trace) => Array.from(trace.x || [])).map((x) => Date.parse(x));
  return xs.length > 0 && range[0] <= Math.min(...xs) && Math.max(...xs) <= range[1];
}"""


def _wait_for_every_event(page, figure: str) -> None:
    """The window of every event: from the first drawn to the last (how far back depends on how
    long the demo has churned: the timeline keeps the latest events that fit its message)."""
    page.wait_for_function(EVERY_POINT_SHOWN, arg=figure)


def _spans_about_an_hour(axis: dict) -> bool:
    return 0.9 * HOUR_MS <= axis["end"] - axis["start"] <= 1.1 * HOUR_MS


def _trainer(demo) -> str:
    return next(
        p["metadata"]["name"]
        for p in demo.store.state.list("Pod", "shop")
        if p["metadata"]["name"].startswith("trainer-")
    )


def test_the_pending_gpu_pod_page_says_in_words_why_no_node_can_run_it(page, demo, artifacts):
    page.goto(f"/pods/shop/{_trainer(demo)}")
    why = page.locator("#pod-pending")
    why.locator("li").first.wait_for()
    text = why.inner_text()
    assert "Why is it Pending?" in text
    assert "0 of 3 nodes can run it:" in text
    reasons = why.locator("ul.why-reasons").first.locator("li").all_inner_texts()
    assert reasons == [
        "1 node has too little nvidia.com/gpu",
        "1 node has a taint it does not tolerate ({node-role.kubernetes.io/control-plane: })",
        "1 node has a taint it does not tolerate ({nvidia.com/gpu: present})",
    ]
    assert "Preemption would not help:" in text
    assert "2 nodes fail for a reason that evicting pods would not remove" in text
    assert re.search(r"Last said at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, \d+ times since", text)
    assert _spans_about_an_hour(_x_axis(page, "pod-events"))  # not an axis 1 ms wide
    page.wait_for_timeout(300)  # let Plotly finish drawing
    why.screenshot(path=artifacts / "pod-pending-why.png")
    page.locator("#pod-events").screenshot(path=artifacts / "pod-pending-events.png")
    page.screenshot(path=artifacts / "pod-pending.png", full_page=True)
    assert page.problems.exceptions == [], page.problems.exceptions


def test_the_events_page_shows_one_page_of_grouped_rows_and_the_next_one_on_request(
    page, artifacts
):
    page.goto("/events/")
    pager = page.locator(".pager").first
    pager.wait_for()
    rows = page.locator("#events-list tbody tr")
    assert 0 < rows.count() <= 100
    where = pager.locator('[data-role="where"]')
    total = int(re.fullmatch(r"rows 1 to 100 of (\d+), page 1 of \d+", where.inner_text())[1])
    assert total > 100
    assert "times" in page.locator("#events-list thead").inner_text()
    assert page.evaluate("document.body.scrollHeight") < 9000
    page.screenshot(path=artifacts / "events-page-1.png", full_page=True)
    page.screenshot(path=artifacts / "events-page-top.png")
    first_row = rows.first.inner_text()
    pager.locator('[data-step="1"]').click()
    assert where.inner_text().startswith("rows 101 to ")
    assert rows.first.inner_text() != first_row
    assert 0 < rows.count() <= 100
    pager.locator('[data-step="-1"]').click()
    assert where.inner_text().startswith("rows 1 to 100 of")
    assert page.problems.exceptions == [], page.problems.exceptions


def test_an_events_timeline_opens_on_the_last_hour_with_readable_ticks_and_zooms(page, artifacts):
    page.goto("/events/")
    axis = _x_axis(page, "events-timeline")
    assert _spans_about_an_hour(axis)
    labels = [t["text"] for t in axis["ticks"]]
    assert len(labels) >= 3 and all(re.match(r"\d\d:\d\d:\d\d", t) for t in labels), labels
    assert re.search(r"\d{4}-\d\d-\d\d", labels[0]), labels  # the date, under the first tick
    boxes = sorted(axis["ticks"], key=lambda t: t["left"])
    assert all(a["right"] <= b["left"] for a, b in itertools.pairwise(boxes))
    page.locator("#events-timeline").screenshot(path=artifacts / "events-timeline.png")

    page.click('.timeline-window button[data-window="all"]')
    _wait_for_every_event(page, "events-timeline")
    every = page.evaluate(X_AXIS, "events-timeline")
    box = page.locator("#events-timeline .nsewdrag").first.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.45, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.55, y, steps=5)
    page.mouse.up()
    zoomed = page.evaluate(X_AXIS, "events-timeline")
    assert zoomed["end"] - zoomed["start"] < 0.5 * (every["end"] - every["start"])
    page.wait_for_timeout(1500)  # live updates keep the zoom
    still = page.evaluate(X_AXIS, "events-timeline")
    assert (still["start"], still["end"]) == (zoomed["start"], zoomed["end"])
    page.mouse.dblclick(box["x"] + box["width"] / 2, y)  # back to every event
    _wait_for_every_event(page, "events-timeline")

    page.click('.timeline-window button[data-window="hour"]')
    assert _spans_about_an_hour(page.evaluate(X_AXIS, "events-timeline"))
    assert page.problems.exceptions == [], page.problems.exceptions
