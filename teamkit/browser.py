"""Debian's Chromium (never `playwright install`), headless, driven by Playwright — started by us
with a DevTools port and attached with `connect_over_cdp(no_defaults=True)`, so that a page can
be frozen: Playwright's own launch emulates focus on every page, which keeps it visible, and
Chromium then ignores `Page.setWebLifecycleState {state: "frozen"}`."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .processes import answers, free_port, wait_until

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# What the page's live connection (static/js/live.js) does, recorded in window.__arrivals as
# [seconds since the epoch, what]: each message's type, "closed" when the socket is lost, "draw"
# for each redraw of a figure (Plotly.react), and the page lifecycle's freeze and resume.
RECORD_ARRIVALS = """() => {
  const conn = window.ExplorerLive.connection();
  const arrivals = window.__arrivals = [];
  const now = () => Date.now() / 1000;
  const handle = conn.handle.bind(conn);
  conn.handle = (message) => { arrivals.push([now(), message.type]); return handle(message); };
  // a draw: a sector figure drawn or repainted in place (ExplorerKit.plotSectors), or any
  // other Plotly.react — one arrival each, not two for a sector figure Plotly draws
  let inSectors = false;
  const react = window.Plotly.react.bind(window.Plotly);
  window.Plotly.react = (...args) => {
    if (!inSectors) arrivals.push([now(), "draw"]);
    return react(...args);
  };
  const kit = window.ExplorerKit, plotSectors = kit.plotSectors;
  kit.plotSectors = (...args) => {
    arrivals.push([now(), "draw"]);
    inSectors = true;
    try { return plotSectors(...args); } finally { inSectors = false; }
  };
  const lost = conn.lost.bind(conn);
  conn.lost = (reason) => { arrivals.push([now(), "closed"]); return lost(reason); };
  document.addEventListener("freeze", () => arrivals.push([now(), "freeze"]));
  document.addEventListener("resume", () => arrivals.push([now(), "resume"]));
}"""
# The page's one subscription: its version and model (null before the first full model).
SUBSCRIPTION = """() => {
  const sub = [...window.ExplorerLive.connection().subs.values()][0];
  return sub ? {version: sub.version, model: sub.model} : null;
}"""


@dataclass
class Browser:
    playwright: Any  # playwright.sync_api.Playwright
    browser: Any  # playwright.sync_api.Browser
    context: Any  # its default context: the one without Playwright's emulation

    def page(self, url: str, session: str) -> Any:
        """A page of the app at `url`, logged in with the session cookie."""
        self.context.add_cookies([{"name": "sessionid", "value": session, "url": url}])
        page = self.context.new_page()
        page.goto(url + "/")
        return page


def chromium_available() -> bool:
    return shutil.which(CHROMIUM) is not None


@contextmanager
def freezable_chromium(timeout: float = 30) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    with tempfile.TemporaryDirectory(
        prefix="faults-chromium-", ignore_cleanup_errors=True
    ) as profile:
        argv = [
            *(CHROMIUM, "--headless", *CHROMIUM_ARGS),
            *(f"--remote-debugging-port={port}", f"--user-data-dir={profile}", "about:blank"),
        ]
        chromium = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            endpoint = f"http://127.0.0.1:{port}"
            wait_until(lambda: answers(endpoint + "/json/version"), timeout, CHROMIUM)
            with sync_playwright() as playwright:
                browser = playwright.chromium.connect_over_cdp(endpoint, no_defaults=True)
                try:
                    yield Browser(playwright, browser, browser.contexts[0])
                finally:
                    browser.close()
        finally:
            chromium.kill()
            chromium.wait(10)


def arrivals(page: Any, since: float = 0.0) -> list[tuple[float, str]]:
    return [(at, what) for at, what in page.evaluate("() => window.__arrivals") if at >= since]


def set_lifecycle(page: Any, state: str) -> float:
    """Freeze (`frozen`: hidden, then frozen, as Chromium does to a background tab) or thaw
    (`active`, then shown again, as when its user comes back to it) the page; the time it was
    asked. Showing it takes a DevTools session that stays attached (focus emulation: a
    headless page has no window to bring forward)."""
    session = getattr(page, "lifecycle", None)
    if session is None:
        session = page.lifecycle = page.context.new_cdp_session(page)
    at = time.time()
    session.send("Page.setWebLifecycleState", {"state": state})
    session.send("Emulation.setFocusEmulationEnabled", {"enabled": state == "active"})
    return at
