"""The Workloads page of a cluster past the hierarchy's bound (issue 14), in Chromium over the
real app: the whole is drawn folded (a workload's pods in one sector saying how many), a click
on a folded sector opens its pods (the hierarchy view with that sector as `root`), and a click
on the path above it goes back to the whole."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from explorer.runtime.demo_cluster import DemoCluster, start_demo_cluster
from teamkit.browser import CHROMIUM

from .app import PASSWORD, LiveApp, start_app
from .conftest import PageProblems, log_in

NODES, PODS_PER_NODE = 120, 30  # ~3,900 pods: past MAX_SECTORS with containers and pods
NAMESPACE = "ceph-csi-rbd"
DAEMONSET = f"ns/{NAMESPACE}/DaemonSet/ceph-csi-rbd-nodeplugin"
FOLD = f"{DAEMONSET}/pods"


@pytest.fixture(scope="module")
def big_demo() -> Iterator[DemoCluster]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing (scripts/test-deps installs it)")
    cluster = start_demo_cluster(churn_interval=60.0, nodes=NODES, pods_per_node=PODS_PER_NODE)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def big_app(big_demo, tmp_path_factory, artifacts) -> Iterator[LiveApp]:
    app = start_app(
        tmp_path_factory.mktemp("big-workloads"), big_demo.kubeconfig, artifacts / "big-wl.log"
    )
    yield app
    app.stop()


# a point of the screen inside the drawn slice of a sector id (Plotly binds its d3 node to it)
INSIDE_SLICE = """id => {
  for (const g of document.querySelectorAll('#hierarchy g.slice')) {
    const d = g.__data__, node = d && d.data && (d.data.data || d.data);
    if (!node || node.id !== id) continue;
    const path = g.querySelector('path.surface'), box = path.getBBox(), m = path.getScreenCTM();
    for (let i = 1; i < 40; i++) for (let j = 1; j < 40; j++) {
      const p = new DOMPoint(box.x + box.width * i / 40, box.y + box.height * j / 40);
      if (path.isPointInFill(p)) { const s = p.matrixTransform(m); return [s.x, s.y]; }
    }
  }
  return null;
}"""


def _daemonset_pods(demo: DemoCluster) -> set[str]:
    return {
        p["metadata"]["name"]
        for p in demo.store.state.list("Pod", NAMESPACE)
        if (p["metadata"].get("ownerReferences") or [{}])[0].get("kind") == "DaemonSet"
    }


@pytest.mark.timeout(300)
def test_a_folded_workload_opens_its_pods_on_a_click_and_the_path_leads_back(
    browser, big_app, big_demo, artifacts
) -> None:
    context = browser.new_context(base_url=big_app.url, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    page = context.new_page()
    problems = PageProblems(page)
    try:
        log_in(page, PASSWORD)
        page.goto("/workloads/?cluster=demo")
        page.wait_for_selector("#hierarchy[data-drawn='1']", timeout=120_000)
        assert "folded: groups" in page.locator("#hierarchy-summary").text_content()
        whole = page.evaluate("() => document.getElementById('hierarchy').data[0].ids.length")
        assert whole <= 3000

        page.click(f'#hierarchy-children button[data-id="ns/{NAMESPACE}"]')
        page.click(f'#hierarchy-children button[data-id="{DAEMONSET}"]')
        folded = page.locator(f'#hierarchy-children button[data-id="{FOLD}"][data-folded="1"]')
        expected = _daemonset_pods(big_demo)
        assert folded.text_content() == f"{len(expected)} pods"
        page.wait_for_timeout(800)  # Plotly's zoom transition
        page.locator("#hierarchy").screenshot(path=artifacts / "workloads-folded.png")
        spot = page.evaluate(INSIDE_SLICE, FOLD)
        assert spot, "the folded sector is not drawn"
        page.mouse.click(*spot)  # on the chart itself, as a person would

        page.wait_for_function(
            "id => document.getElementById('hierarchy').dataset.zoomed === id", arg=FOLD
        )
        pods = page.locator('#hierarchy-children a[data-kind="pod"]')
        assert {pods.nth(i).text_content() for i in range(pods.count())} == expected
        figure = page.evaluate(
            "() => { const d = document.getElementById('hierarchy').data[0];"
            " return {level: d.level, ids: d.ids.length}; }"
        )
        assert figure["level"] == FOLD and figure["ids"] >= len(expected)
        page.wait_for_timeout(300)
        page.locator("#hierarchy").screenshot(path=artifacts / "workloads-zoomed.png")

        page.click('#hierarchy-path button[data-id=""]')
        page.wait_for_function("() => !('zoomed' in document.getElementById('hierarchy').dataset)")
        ids = page.evaluate("() => document.getElementById('hierarchy').data[0].ids.length")
        assert ids == whole
        assert page.locator(f'#hierarchy-children button[data-id="ns/{NAMESPACE}"]').count() == 1
    finally:
        context.close()
    assert problems.console_errors == [] and problems.exceptions == []
