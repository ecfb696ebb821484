"""A page asked to redraw by every delta of a busy stream leaves its tab time to answer input
(static/js/live.js `paced`)."""

from __future__ import annotations

# Asks for a redraw every 5 ms for 3 s; each draw keeps the main thread busy for 60 ms.
ASK_FOR_THREE_SECONDS = """async (spacing) => {
  const busy = (ms) => { const end = performance.now() + ms; while (performance.now() < end) {} };
  let draws = 0, busyMs = 0, asked = 0, drawnAt = -1;
  const ask = window.ExplorerLive.paced(() => {
    draws += 1; drawnAt = asked; busy(60); busyMs += 60;
  }, spacing);
  const start = performance.now();
  while (performance.now() - start < 3000) {
    asked += 1;
    ask();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const elapsed = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 400));
  return { draws, busyShare: busyMs / elapsed, drawnAt, asked };
}"""


def test_a_slow_redraw_asked_for_again_and_again_leaves_two_thirds_of_the_time_free(
    logged_in_page,
) -> None:
    page = logged_in_page
    page.wait_for_function("() => window.ExplorerLive && window.ExplorerLive.paced")
    unpaced = page.evaluate(ASK_FOR_THREE_SECONDS, 0)
    paced = page.evaluate(ASK_FOR_THREE_SECONDS)
    assert unpaced["busyShare"] > 0.6, unpaced  # the stream alone would keep the tab busy
    assert paced["busyShare"] < 0.4, paced
    assert paced["draws"] >= 8, paced  # still redrawn, a few times a second


def test_the_last_ask_is_drawn_once_the_wait_is_over(logged_in_page) -> None:
    page = logged_in_page
    page.wait_for_function("() => window.ExplorerLive && window.ExplorerLive.paced")
    paced = page.evaluate(ASK_FOR_THREE_SECONDS)
    assert paced["drawnAt"] == paced["asked"], paced
