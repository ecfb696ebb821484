"""The one-file export of a snapshot opened in Chromium from file:// with every request that is
not the file itself blocked and recorded: none may be attempted, every page kind is drawn, and
what a hostile cluster wrote runs nothing and shows as text."""

from __future__ import annotations

import re

import pytest

from explorer.snapshots.export_html import export_html
from tests.snapshots.exports import HOSTILE, HOSTILE_POD, about, hostile_demo

from .conftest import PageProblems


@pytest.fixture(scope="module")
def export_file(tmp_path_factory):
    state = hostile_demo()
    path = tmp_path_factory.mktemp("export") / "snapshot.html"
    path.write_bytes(export_html(state, about(state)))
    return path


@pytest.fixture
def offline(browser, export_file):
    """A page on the export with the network off: {page, problems, attempted, url}."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
    context.set_default_timeout(15_000)
    attempted: list[str] = []

    def only_the_file(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    page.on("request", lambda r: None if r.url.startswith("file://") else attempted.append(r.url))
    yield {
        "page": page,
        "problems": PageProblems(page),
        "attempted": attempted,
        "url": export_file.as_uri(),
    }
    context.close()


def _drawn(page, selector: str) -> None:
    page.wait_for_selector(f"{selector}[data-drawn]:not([data-drawn='empty'])")
    assert page.locator(f"{selector} .main-svg").count() >= 1


def _quiet(offline) -> None:
    problems = offline["problems"]
    assert offline["attempted"] == []
    assert problems.dialogs == [] and problems.exceptions == []
    assert problems.console_errors == []


def test_every_page_kind_is_drawn_from_the_file_with_the_network_off(offline, artifacts):
    page = offline["page"]
    page.goto(offline["url"] + "#/")
    _drawn(page, "#overview")
    page.click("nav.site-nav >> text=Workloads")
    _drawn(page, "#hierarchy")
    namespace_page = page.locator("#hierarchy-children a.page-link").first
    assert namespace_page.get_attribute("href").startswith("#/objects/Namespace/")
    namespace_page.click()
    page.wait_for_selector("#object-facts dt")

    page.click(f"#export-pins a[href='#/pods/shop/{HOSTILE_POD}']")
    page.wait_for_selector("#pod-facts dt")
    assert page.locator("#pod-log").is_hidden()  # no log to follow in a file

    page.click("#pod-facts a[href^='#/nodes/']")
    _drawn(page, "#cgroup-tree")
    assert page.locator("#node-bars .main-svg").count() >= 1
    # the Lease was renewed moments before the snapshot: reckoned from then, not from now
    assert re.fullmatch(r"renewed \d+ (s|min) ago .*", page.inner_text("#node-lease"))

    page.click("#export-pins a[href='#/objects/Secret/shop/payment']")
    page.wait_for_selector("#object-facts dt")

    page.click("nav.site-nav >> text=Service chains")
    _drawn(page, "#service-chain [data-figure]")

    page.click("nav.site-nav >> text=Events")
    page.wait_for_selector("#events-list tbody tr")
    assert page.locator("#events-timeline .main-svg").count() >= 1
    page.screenshot(path=str(artifacts / "export-events.png"))

    page.click("nav.site-nav >> text=Storage")
    _drawn(page, "#storage-sankey")
    assert "Connection timed out" in page.inner_text("#storage-attention")
    page.screenshot(path=str(artifacts / "export-storage.png"), full_page=True)
    box = page.locator("#storage-sankey .sankey-node", has_text="shop/exports")
    box.locator("rect.node-rect").click()
    page.wait_for_selector("#object-facts dt")
    assert page.evaluate("location.hash").startswith("#/objects/PersistentVolumeClaim/shop/exports")
    _quiet(offline)


def test_a_hostile_label_owner_and_event_run_nothing_and_show_as_text(offline, artifacts):
    page = offline["page"]
    page.goto(offline["url"] + f"#/pods/shop/{HOSTILE_POD}")
    page.wait_for_selector("#pod-facts dt")
    assert f"note={HOSTILE}" in page.inner_text("#pod-facts")
    assert HOSTILE in page.inner_text("#pod-owners")
    assert page.inner_text("#export-banner .export-title") == f"Checkout outage {HOSTILE}"
    assert HOSTILE in page.inner_text("#export-pins")
    page.wait_for_selector("#pod-events .main-svg")
    page.screenshot(path=str(artifacts / "export-hostile-pod.png"))
    page.click("nav.site-nav >> text=Events")
    page.wait_for_selector("#events-list tbody tr")
    assert HOSTILE in page.inner_text("#events-list")
    scripts = "() => [...document.querySelectorAll('script:not([type])')].map((s) => s.text)"
    assert not [text for text in page.evaluate(scripts) if "alert(1)" in text]
    _quiet(offline)


def test_a_page_the_export_does_not_hold_says_so_and_leads_on(offline):
    page = offline["page"]
    page.goto(offline["url"] + "#/pods/shop/no-such-pod")
    page.wait_for_selector("#missing-leads li")
    assert page.inner_text("h1") == "Not in this export"
    assert "pod shop/no-such-pod" in page.inner_text("#missing-what")
    page.goto(offline["url"] + "#/workloads/?namespace=shop&size=cpu")
    page.wait_for_selector("#missing-leads li")
    page.click("#missing-leads >> text=the workload hierarchy")
    _drawn(page, "#hierarchy")
    _quiet(offline)
