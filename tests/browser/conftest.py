"""Headless Debian Chromium driven by Playwright against the real app (never `playwright install`).

Chromium-needing tests skip, with a reason, only when /usr/bin/chromium is missing; in CI
scripts/test-deps installs it, and a skip there fails the run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.demo.pace import BRISK_PACE
from explorer.runtime.demo_cluster import DemoCluster, start_demo_cluster
from teamkit.browser import CHROMIUM, CHROMIUM_ARGS

from .app import REPO, USERNAME, LiveApp, add_probe_pod, start_app

ARTIFACTS = REPO / "test-artifacts" / "browser"


@pytest.fixture(scope="package")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="package")
def demo() -> Iterator[DemoCluster]:
    """The demo cluster, churning every second at a brisk pace (a rollout every 20 s: the live
    pages have something to follow), with a pod whose label is an injection attempt."""
    cluster = start_demo_cluster(churn_interval=1.0, pace=BRISK_PACE)
    add_probe_pod(cluster)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="package")
def live_app(demo, tmp_path_factory, artifacts) -> Iterator[LiveApp]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing (scripts/test-deps installs it)")
    app = start_app(tmp_path_factory.mktemp("app"), demo.kubeconfig, artifacts / "app.log")
    yield app
    app.stop()


@pytest.fixture(scope="package")
def browser():
    # package scope: sync_playwright runs an event loop in this thread until it is closed, and
    # later async tests (pytest-asyncio) cannot start theirs while it runs.
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing (scripts/test-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageProblems:
    """What a page reports that a reader would never see: console errors, CSP violations,
    uncaught exceptions, dialogs (an injected `alert`), failed static requests."""

    def __init__(self, page) -> None:
        self.console_errors: list[str] = []
        self.exceptions: list[str] = []
        self.dialogs: list[str] = []
        self.failed_requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.exceptions.append(str(error)))
        page.on("dialog", self._dialog)
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _request_failed(self, request) -> None:
        # the browser drops its icon's request when the page navigates on: not a failure
        if request.url.endswith("/favicon.svg") and request.failure == "net::ERR_ABORTED":
            return
        self.failed_requests.append(request.url)

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _response(self, response) -> None:
        if "/static/" in response.url and response.status >= 400:
            self.failed_requests.append(f"{response.status} {response.url}")


@pytest.fixture
def context(browser, live_app):
    ctx = browser.new_context(base_url=live_app.url, viewport={"width": 1400, "height": 900})
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.problems = PageProblems(page)
    return page


def log_in(page, password: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


@pytest.fixture
def logged_in_page(page):
    from .app import PASSWORD

    log_in(page, PASSWORD)
    return page


def open_once_watched(page, path: str, seconds: float = 30) -> None:
    """Open the page of an object just put in the demo: its page is Not Found (404) until the
    app's watcher holds the object, which on a busy machine can take seconds."""
    deadline = time.monotonic() + seconds
    while page.goto(path).status == 404 and time.monotonic() < deadline:
        page.wait_for_timeout(250)
