"""The overview of a cluster at Kubernetes' node limit (5,000 nodes, a few pods each) and a page
whose model is over what one websocket frame carries.

At 5,000 nodes one sector a node made a 1.7 MB model (over the 1 MiB daphne sends in a frame)
that took seconds to draw: the overview now draws runs of nodes, a model bounded whatever the
cluster's size, and a click on a run shows those nodes and their pods. A model that is still big
(a pod with a megabyte of labels) comes in parts that live.js joins."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import orjson
import pytest
from playwright.sync_api import Page, expect

from explorer.runtime.demo_cluster import DemoCluster, start_demo_cluster
from explorer.streaming.message_parts import MAX_MESSAGE
from teamkit.browser import CHROMIUM

from .app import PASSWORD, LiveApp, start_app
from .conftest import PageProblems, log_in
from .live import LIVE
from .test_overview_leads import _sector

NODES = 5000
RUNS_HOLD = """least => {
  const trace = document.getElementById('overview').data[0];
  let held = 0;
  trace.ids.forEach((id, i) => { if (id.startsWith('nodes/')) held += trace.values[i]; });
  return held >= least;
}"""


@pytest.fixture(scope="module")
def big_demo() -> Iterator[DemoCluster]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing (scripts/test-deps installs it)")
    cluster = start_demo_cluster(churn_interval=5.0, nodes=NODES, pods_per_node=2)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def big_app(big_demo, tmp_path_factory, artifacts) -> Iterator[LiveApp]:
    app = start_app(tmp_path_factory.mktemp("big-app"), big_demo.kubeconfig, artifacts / "big.log")
    yield app
    app.stop()


@contextmanager
def _logged_in(browser, app: LiveApp, timeout: float) -> Iterator[tuple[Page, PageProblems, list]]:
    """A logged-in page, its problems and every websocket frame it receives (kept after)."""
    context = browser.new_context(base_url=app.url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(timeout)
    page = context.new_page()
    problems = PageProblems(page)
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    try:
        log_in(page, PASSWORD)
        yield page, problems, frames
    finally:
        context.close()


@pytest.mark.timeout(900)  # building a 5,000-node demo takes a minute or more on two cores
def test_the_overview_of_5000_nodes_is_drawn_as_runs_of_nodes_each_leading_to_its_nodes(
    browser, big_app, artifacts
) -> None:
    with _logged_in(browser, big_app, 30_000) as (page, problems, frames):
        page.goto("/?cluster=demo")
        page.wait_for_selector("#overview[data-drawn='1']", timeout=180_000)
        # the header turns live when the watcher's status comes, which on two busy cores can
        # follow the first model by many seconds at this size
        expect(page.locator("#connection-state")).to_have_text(LIVE, timeout=180_000)
        page.wait_for_timeout(500)
        page.locator("#overview").screenshot(path=artifacts / "overview-5000-nodes.png")
        drawn = page.evaluate("() => document.querySelectorAll('#overview g.slice').length")
        # the runs' pods, as drawn once every pod is listed (the first model may come before)
        page.wait_for_function(RUNS_HOLD, arg=2 * NODES - 100, timeout=120_000)
        frames.clear()  # the models asked for again, of the cluster wholly listed
        page.reload()
        page.wait_for_selector("#overview[data-drawn='1']", timeout=180_000)
        page.wait_for_function(RUNS_HOLD, arg=2 * NODES - 100, timeout=120_000)
        run = _sector(page, "nodes/demo-worker")
        page.mouse.click(run["x"] + run["width"] / 2, run["y"] + run["height"] / 2)
        page.wait_for_url("**first=*last=*")
        page.wait_for_selector("#overview[data-drawn='1']", timeout=60_000)
        expect(page.locator("#overview-range")).to_contain_text("Every node")
        expect(page.locator("#overview-range code").first).to_have_text(re.compile(r"^demo-worker"))
        node = _sector(page, "node/demo-worker")
        page.wait_for_timeout(500)
        page.locator("#overview").screenshot(path=artifacts / "overview-run-of-nodes.png")

    texts = [frame for frame in frames if isinstance(frame, str)]
    fulls = [m["model"] for m in map(orjson.loads, texts) if m.get("type") == "full"]
    overviews = [model for model in fulls if "sectors" in model]
    ranged = [model for model in overviews if "range" in model["header"]]
    assert ranged, "no model of one run of nodes came"
    runs = [s for s in overviews[0]["sectors"].values() if s["kind"] == "nodes"]
    assert overviews[0]["header"]["detail"] == "node groups"
    assert 240 <= len(runs) <= 260
    assert 19 <= ranged[-1]["header"]["range"]["nodes"] <= 21  # one run's nodes, each drawn
    assert ranged[-1]["header"]["detail"] == "pods"
    assert max(len(text.encode()) for text in texts) < MAX_MESSAGE // 4  # bounded, not parted
    assert drawn >= len(runs)
    assert node["id"].startswith("node/demo-worker") and run["label"].startswith("demo-worker")
    assert problems.console_errors == [] and problems.exceptions == []


@pytest.mark.timeout(900)
def test_a_page_whose_model_is_over_a_frame_is_drawn_from_parts(browser, big_demo, big_app) -> None:
    """A pod whose labels alone are over 1 MiB: its page's model comes in parts."""
    labelled = orjson.loads(orjson.dumps(big_demo.store.state.get("Pod", "shop", "db-0")))
    labelled["metadata"] = {
        "name": "many-labels",
        "namespace": "shop",
        "uid": "0b1d8a52-5c1e-4f0e-9e57-labels000001",
        "labels": {f"label-{n:05}": "v" * 60 for n in range(20_000)},
    }
    big_demo.store.apply({"type": "ADDED", "object": labelled})
    with _logged_in(browser, big_app, 60_000) as (page, problems, frames):
        page.goto("/pods/shop/many-labels?cluster=demo")
        expect(page.locator("body")).to_contain_text("label-19999", timeout=120_000)
    texts = [frame for frame in frames if isinstance(frame, str)]
    parts = [orjson.loads(text) for text in texts if text.startswith('{"type":"part"')]
    assert parts, "the pod's model fitted in one frame: this test no longer tests parts"
    assert sum(len(part["text"]) for part in parts) > MAX_MESSAGE
    assert max(len(text.encode()) for text in texts) <= MAX_MESSAGE
    assert problems.console_errors == [] and problems.exceptions == []
