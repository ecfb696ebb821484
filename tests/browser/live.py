"""Helpers for tests of the live pages (static/js/live.js and overview.js)."""

from __future__ import annotations

import re
import time

from explorer.runtime.demo_cluster import DemoCluster

from .app import pod_names

LIVE = re.compile(r"\blive\b", re.IGNORECASE)
RECONNECTING = re.compile(r"reconnecting", re.IGNORECASE)

# Records every string the overview figure has ever held (ids, labels, hover text), so a pod
# that appears and then goes again is still seen.
RECORD_FIGURE_STRINGS = """() => {
  window.__seen = new Set();
  window.__notReloaded = true;
  setInterval(() => {
    const figure = document.getElementById('overview');
    for (const trace of (figure && figure.data) || []) {
      for (const key of ['ids', 'labels', 'text', 'hovertext']) {
        for (const value of trace[key] || []) window.__seen.add(String(value));
      }
    }
  }, 25);
}"""

HAS_SEEN = "name => [...(window.__seen || [])].some(value => value.includes(name))"


def wait_until_drawn(page) -> None:
    """The figure is drawn and the header says the cluster is live."""
    from playwright.sync_api import expect

    page.wait_for_selector("#overview .main-svg", timeout=20_000)
    expect(page.locator("#connection-state")).to_have_text(LIVE, timeout=20_000)
    page.evaluate(RECORD_FIGURE_STRINGS)


def wait_for_new_pod(demo: DemoCluster, before: set[str], timeout: float = 30) -> tuple[str, float]:
    """The name of a pod the churn created after `before`, and when it was seen in the store."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        created = sorted(pod_names(demo) - before)
        if created:
            return created[0], time.monotonic()
        time.sleep(0.02)
    raise AssertionError(f"the demo churn created no pod in {timeout} s")
