"""Scheduling as it happened, in Chromium over the real app and the demo: the cluster page's
charts, percentiles, slowest pods and evicted or preempted pods (a cluster's words kept as
text), and a pod's "How it started", with screenshots."""

from __future__ import annotations

import time
import uuid

from .app import HOSTILE, PROBE_POD


def _hostile_eviction(demo) -> None:
    """The kubelet's Evicted event about the probe pod, its message an injection attempt."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    demo.store.apply(
        {
            "type": "ADDED",
            "object": {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {
                    "name": f"{PROBE_POD}.evicted",
                    "namespace": "default",
                    "uid": str(uuid.uuid4()),
                },
                "involvedObject": {"kind": "Pod", "namespace": "default", "name": PROBE_POD},
                "reason": "Evicted",
                "message": HOSTILE,
                "type": "Warning",
                "count": 1,
                "firstTimestamp": now,
                "lastTimestamp": now,
                "source": {"component": "kubelet"},
            },
        }
    )


def test_the_history_page_draws_the_demo_s_waits_and_its_evicted_and_preempted_pods(
    logged_in_page, demo, artifacts
):
    _hostile_eviction(demo)
    page = logged_in_page
    page.goto("/")
    page.locator("nav.site-nav a", has_text="Scheduling history").click()
    page.wait_for_url("**/scheduling/history/**")
    slowest = page.locator("#history-slowest table tbody tr")
    slowest.first.wait_for()
    assert page.locator("#history-percentiles").inner_text().startswith("Of ")
    assert "reindex-" in slowest.first.inner_text()
    assert "after 8 failed attempts" in slowest.first.inner_text()
    page.locator("#history-bins .main-svg").first.wait_for()
    page.locator("#history-scatter .scatterlayer .point").first.wait_for()
    disrupted = page.locator("#history-disrupted tr[data-kind]")
    probe = page.locator("#history-disrupted tr", has_text=PROBE_POD)
    probe.wait_for()
    assert HOSTILE in probe.inner_text() and page.locator("img[src=x]").count() == 0
    evicted = page.locator("#history-disrupted tr[data-kind='evicted']", has_text="reindex-")
    assert "The node was low on resource: memory." in evicted.inner_text()
    preempted = page.locator("#history-disrupted tr[data-kind='preempted']")
    assert "warm-cache-" in preempted.inner_text() and "shop/reindex-" in preempted.inner_text()
    assert "(deleted since)" in preempted.inner_text()
    assert disrupted.count() >= 3
    # the churn's warm-cache pods, evicted through the Eviction API and deleted: the flight
    # recorder still holds them (one may still be terminating: the first gone is looked for)
    evictions = page.locator("#history-disrupted tr", has_text="Eviction API")
    cache = evictions.filter(has_text="(deleted since)").first
    cache.wait_for(timeout=60_000)
    assert "warm-cache-" in cache.inner_text()
    assert "evicted through the Eviction API" in cache.inner_text()
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts / "scheduling-history.png", full_page=True)

    slowest.first.locator("a").first.click()
    page.wait_for_url("**/pods/shop/reindex-*")
    page.locator("#pod-started table tbody tr").first.wait_for()
    summary = page.locator("#pod-started-summary").inner_text()
    assert summary.startswith("Scheduled 2 min 40 s after it was created, after 8 failed")
    steps = page.locator("#pod-started tr[data-step]")
    assert steps.count() == 5
    scheduled = page.locator("#pod-started tr[data-step='scheduled']")
    assert scheduled.get_attribute("data-state") == "done"
    page.locator("#pod-started").screenshot(path=artifacts / "pod-how-it-started.png")
    assert page.problems.exceptions == [] and page.problems.dialogs == []
    assert page.problems.console_errors == []
