"""Snapshots in Chromium over the real app and the churning demo: the header's Snapshot button
keeps the cluster, its pages draw from the snapshot with its banner (and no log follow), the
time control opens a past moment of the flight recorder, and the compare page draws what
changed since. Screenshots in test-artifacts/browser/."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

DRAWN = """selector => {
  const element = document.querySelector(selector);
  return element && element.dataset.drawn && element.dataset.drawn !== 'empty';
}"""
# each page of a snapshot, and what is drawn on it once its model came
PAGES = [
    ("/", "#overview"),
    ("/workloads/", "#hierarchy"),
    ("/nodes/demo-worker", "#cgroup-tree"),
    ("/objects/Deployment/shop/web", "#workloads"),
    ("/network/service-chain?node=demo-worker&service=shop/web", "#service-chain [data-figure]"),
    ("/network/chains?node=demo-worker", "#chain-browser"),
    ("/network/drift", "#drift"),
    ("/network/proxy-mode", "#proxy-mode"),
    ("/network/corefile", "#corefile"),
    ("/storage/", "#storage-sankey"),
]


def take_snapshot(page) -> str:
    page.goto("/")
    page.click("form.take-snapshot button")
    # the taking page follows the job (?task=…)
    page.wait_for_url(re.compile(r"/snapshots/[\w-]+(\?task=[\w-]+)?$"), timeout=60_000)
    return page.url.split("?")[0].rsplit("/", 1)[1]


def test_a_snapshot_taken_from_the_header_opens_on_every_page_with_its_banner(
    logged_in_page, artifacts
):
    page = logged_in_page
    snapshot_id = take_snapshot(page)
    page.screenshot(path=artifacts / "snapshot-page.png", full_page=True)
    page.click("text=Open the overview")
    page.wait_for_function(DRAWN, arg="#overview", timeout=30_000)
    assert "Read-only: nothing here changes." in page.locator(".frozen-banner").inner_text()
    assert page.locator("#connection-state").inner_text() == "snapshot"
    for path, drawn in PAGES:
        joiner = "&" if "?" in path else "?"
        page.goto(f"{path}{joiner}cluster=snapshot:{snapshot_id}")
        page.wait_for_function(DRAWN, arg=drawn, timeout=30_000)
        name = re.sub(r"\W+", "-", path.split("?")[0]).strip("-") or "overview"
        page.screenshot(path=artifacts / f"snapshot-{name}.png", full_page=True)
        assert page.locator(".frozen-banner").count() == 1, path
        assert page.locator("#collect-job [data-job-start]").count() == 0, path
    page.goto(f"/pods/shop/db-0?cluster=snapshot:{snapshot_id}")
    page.wait_for_selector("#pod-facts dd")
    assert page.locator("#log-follow").count() == 0
    problems = page.problems
    assert (problems.console_errors, problems.exceptions, problems.failed_requests) == ([], [], [])


def test_a_link_on_a_snapshots_page_stays_in_the_snapshot(logged_in_page):
    page = logged_in_page
    snapshot_id = take_snapshot(page)
    page.goto(f"/workloads/?cluster=snapshot:{snapshot_id}")
    page.wait_for_function(DRAWN, arg="#hierarchy", timeout=30_000)
    page.goto(f"/objects/Deployment/shop/web?cluster=snapshot:{snapshot_id}")
    page.wait_for_selector("#section-pods a[href^='/pods/shop/']")
    page.locator("#section-pods a[href^='/pods/shop/']").first.click()
    page.wait_for_url(re.compile(rf"/pods/shop/web-.*cluster=snapshot%3A{snapshot_id}"))
    page.wait_for_selector("#pod-facts dd")


def test_the_time_control_opens_a_past_moment_and_compares_it_with_now(logged_in_page, artifacts):
    page = logged_in_page
    page.goto("/workloads/")
    page.wait_for_function(DRAWN, arg="#hierarchy", timeout=30_000)
    page.wait_for_timeout(3000)  # a few seconds of the churn recorded
    moment = datetime.now(UTC) - timedelta(seconds=2)
    page.fill("#moment-at", moment.strftime("%Y-%m-%dT%H:%M:%S"))
    page.click("form.time-control button[type=submit]")
    page.wait_for_url(re.compile(r"cluster=moment%3A\d+%3Ademo"))
    page.wait_for_function(DRAWN, arg="#hierarchy", timeout=30_000)
    assert "Past moment" in page.locator(".frozen-banner").inner_text()
    page.screenshot(path=artifacts / "moment-workloads.png", full_page=True)
    page.click("text=What changed since then")
    page.wait_for_function(DRAWN, arg="#compare-overview", timeout=30_000)
    page.screenshot(path=artifacts / "moment-compare.png", full_page=True)
    problems = page.problems
    assert (problems.console_errors, problems.exceptions) == ([], [])
