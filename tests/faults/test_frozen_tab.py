"""A tab frozen by the browser (as Chromium freezes a background tab) while the cluster changes:
the server keeps no more than the tab's outbox for it, and once thawed the tab catches up with
one full model, without a reload. And a tab slower to draw than the cluster changes keeps up,
drawing once a frame what it has applied and acknowledged at once."""

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

OVERFLOW = WINDOW + CAPACITY + 1  # more deltas than the server keeps for a tab that reads none
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
    deadline = time.monotonic() + 120
    while len(tab.since(frozen, "delta")) < OVERFLOW:  # deltas, not changes: a busy publisher
        assert time.monotonic() < deadline, "the changes were not published"  # may merge some
        demo.store.apply(flips.step())
        time.sleep(SPACING)
    thawed = set_lifecycle(page, "active")

    def caught_up() -> bool:
        held = page.evaluate(SUBSCRIPTION)
        fresh = listing(demo.server.url, "demo")
        return bool(held) and sandwiched(held["model"], fresh, fresh)

    wait_until(caught_up, 30, "the thawed tab showing what a fresh list holds", interval=0.2)
    seen = arrivals(page, since=frozen)  # kept by the page itself: it was not reloaded
    assert {"freeze", "resume"} <= {what for _, what in seen}  # it really was frozen
    after = [what for at, what in seen if at >= thawed]
    assert after.count("full") == 1
    assert "draw" in after  # shown again, it drew what it caught up with


def quiet(tab: Tab, seconds: float) -> bool:
    """No delta came to the tab for `seconds`."""
    return not tab.since(time.time() - seconds, "delta")


# The overview draws through ExplorerKit.plotSectors (a Plotly.react, or a repaint in place)
SLOW_DRAW = """ms => {
  const kit = window.ExplorerKit, plotSectors = kit.plotSectors;
  kit.plotSectors = (...args) => {
    const until = performance.now() + ms;
    while (performance.now() < until) {}  // a big figure on a slow machine
    return plotSectors(...args);
  };
}"""


def test_a_tab_slower_to_draw_than_the_cluster_changes_keeps_up_drawing_once_a_frame(
    team: Team, session: str, demo: DemoCluster, tab: Tab, browser
) -> None:
    page = browser.page(team.web_url, session)
    page.wait_for_selector("#overview .main-svg", timeout=30_000)
    page.evaluate(SLOW_DRAW, 400)  # more than the time between two deltas
    page.evaluate(RECORD_ARRIVALS)
    flips = ReadinessFlips(demo.store.state)

    began = time.time()
    for _ in range(40):
        demo.store.apply(flips.step())
        time.sleep(SPACING)
    wait_until(lambda: quiet(tab, 1.0), 15, "the changes published")
    published = tab.version()

    wait_until(lambda: page.evaluate(SUBSCRIPTION)["version"] == published, 3, "the tab current")
    seen = [what for _, what in arrivals(page, since=began)]
    assert "full" not in seen  # it never fell so far behind that the server gave up on deltas
    assert 1 <= seen.count("draw") < seen.count("delta")
