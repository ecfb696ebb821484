"""A tab frozen by the browser (as Chromium freezes a background tab) while the cluster changes:
the server keeps no more than the tab's outbox for it, and once thawed the tab catches up with
one full model, without a reload."""

from __future__ import annotations

import time

import pytest

from explorer.demo.readiness_flips import ReadinessFlips
from explorer.runtime.demo_cluster import DemoCluster
from explorer.streaming.outbox import CAPACITY, WINDOW
from teamkit.browser import (
    CHROMIUM,
    RECORD_ARRIVALS,
    SUBSCRIPTION,
    arrivals,
    chromium_available,
    freezable_chromium,
    set_lifecycle,
)
from teamkit.processes import wait_until
from teamkit.served import listing, sandwiched
from teamkit.tab import Tab
from teamkit.team import Team

CHANGES = WINDOW + CAPACITY + 20  # more deltas than the server keeps for a tab that reads none
SPACING = 0.15  # seconds between changes: the publisher sends each in a delta of its own


@pytest.fixture
def browser():
    if not chromium_available():
        pytest.skip(f"{CHROMIUM} is missing (scripts/test-deps installs it)")
    with freezable_chromium() as started:
        yield started


def test_a_tab_frozen_while_changes_pile_up_catches_up_with_one_full_model_once_thawed(
    team: Team, session: str, demo: DemoCluster, tab: Tab, browser
) -> None:
    page = browser.page(team.web_url, session)
    page.wait_for_selector("#overview .main-svg", timeout=30_000)
    page.evaluate(RECORD_ARRIVALS)
    flips = ReadinessFlips(demo.store.state)

    frozen = set_lifecycle(page, "frozen")
    for _ in range(CHANGES):
        demo.store.apply(flips.step())
        time.sleep(SPACING)
    wait_until(lambda: len(tab.since(frozen, "delta")) >= CHANGES, 15, "every change published")
    thawed = set_lifecycle(page, "active")

    def caught_up() -> bool:
        held = page.evaluate(SUBSCRIPTION)
        fresh = listing(demo.server.url, "demo")
        return bool(held) and sandwiched(held["model"], fresh, fresh)

    wait_until(caught_up, 30, "the thawed tab showing what a fresh list holds", interval=0.2)
    seen = arrivals(page, since=frozen)  # kept by the page itself: it was not reloaded
    assert {"freeze", "resume"} <= {what for _, what in seen}  # it really was frozen
    assert [what for at, what in seen if at >= thawed].count("full") == 1
