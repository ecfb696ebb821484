"""The overview follows the cluster without reloading."""

from __future__ import annotations

import time

from .app import pod_names
from .live import HAS_SEEN, wait_for_new_pod, wait_until_drawn


def test_pod_created_by_the_churn_appears_within_two_seconds_without_reload(
    logged_in_page, demo, artifacts
):
    page = logged_in_page
    wait_until_drawn(page)
    name, created_at = wait_for_new_pod(demo, pod_names(demo))
    remaining_ms = max(0, 2000 - (time.monotonic() - created_at) * 1000)
    page.wait_for_function(HAS_SEEN, arg=name, timeout=remaining_ms)
    page.screenshot(path=artifacts / "overview-after-churn.png")
    assert page.evaluate("() => window.__notReloaded === true")
