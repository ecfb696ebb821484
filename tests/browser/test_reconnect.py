"""Killing the API server while a page is open: the page says so, then catches up."""

from __future__ import annotations

from playwright.sync_api import expect

from .app import pod_names
from .live import (
    HAS_SEEN,
    LIVE,
    RECONNECTING,
    wait_for_new_pod,
    wait_until_drawn,
)


def test_api_server_down_shows_reconnecting_and_the_page_catches_up_when_it_returns(
    logged_in_page, demo, artifacts
):
    page = logged_in_page
    wait_until_drawn(page)
    state = page.locator("#connection-state")
    demo.server.stop()
    try:
        expect(state).to_have_text(RECONNECTING, timeout=20_000)
        page.screenshot(path=artifacts / "overview-reconnecting.png")
        created_while_down, _ = wait_for_new_pod(demo, pod_names(demo))
    finally:
        demo.server.start()
    expect(state).to_have_text(LIVE, timeout=45_000)
    page.wait_for_function(HAS_SEEN, arg=created_while_down, timeout=45_000)
    assert page.evaluate("() => window.__notReloaded === true")
