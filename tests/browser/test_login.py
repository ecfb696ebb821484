"""Logging in through the browser: the form, the one-time link, and what is refused without it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .app import PASSWORD
from .conftest import log_in

OPEN_WEBSOCKET = """() => new Promise(resolve => {
  const socket = new WebSocket(`ws://${location.host}/ws/`);
  let opened = false;
  socket.onopen = () => { opened = true; socket.close(); };
  socket.onclose = event => resolve({opened, code: event.code});
  setTimeout(() => resolve({opened, code: 'no close within 5 s'}), 5000);
})"""


def _unexpected(problems) -> list[str]:
    """Everything that went wrong."""
    return (
        problems.failed_requests + problems.console_errors + problems.exceptions + problems.dialogs
    )


def test_login_form_opens_the_overview_and_a_screenshot_is_kept(page, artifacts):
    page.goto("/")
    assert re.search(r"/login/\?next=/$", page.url)
    log_in(page, PASSWORD)
    expect(page.locator("h1")).to_have_text("Overview")
    expect(page.locator("#overview")).to_be_attached()
    expect(page.locator("#connection-state")).to_be_visible()
    assert page.evaluate("() => typeof Plotly === 'object'"), "plotly-explorer.min.js did not load"
    stylesheet = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert stylesheet == "rgb(244, 246, 249)", "static/css/explorer.css did not load"
    page.wait_for_selector("#overview .main-svg", timeout=20_000)
    page.screenshot(path=artifacts / "overview.png", full_page=True)
    assert _unexpected(page.problems) == []


def test_one_time_link_logs_in_once_and_then_says_it_cannot_be_used(browser, live_app):
    link = live_app.login_link()
    assert link.startswith(live_app.url + "/login/once/")
    first = browser.new_context()
    try:
        page = first.new_page()
        page.goto(link)
        assert page.url == live_app.url + "/"
        expect(page.locator("h1")).to_have_text("Overview")
    finally:
        first.close()
    second = browser.new_context()
    try:
        page = second.new_page()
        response = page.goto(link)
        assert response.status == 410
        expect(page.locator("h1")).to_have_text("This login link cannot be used")
        page.click("text=Log in with your username and password")
        assert page.url == live_app.url + "/login/"
        page.goto(live_app.url + "/")
        assert "/login/" in page.url
    finally:
        second.close()


def test_without_login_pages_go_to_the_login_form_and_json_answers_401(page):
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Log in")
    response = page.request.get("/api/clusters")
    assert response.status == 401
    assert response.json()["error"] == "not_authenticated"
    assert page.request.get("/healthz").json() == {"ok": True}


def test_every_response_carries_the_content_security_policy(page):
    response = page.goto("/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert response.headers["x-frame-options"] == "DENY"


def test_websocket_is_refused_without_login_and_accepted_with_it(page):
    page.goto("/login/")
    refused = page.evaluate(OPEN_WEBSOCKET)
    assert refused["opened"] is False, refused
    log_in(page, PASSWORD)
    accepted = page.evaluate(OPEN_WEBSOCKET)
    assert accepted["opened"] is True, accepted
