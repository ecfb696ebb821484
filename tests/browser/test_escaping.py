"""A label value that is an HTML injection attempt shows as text and runs nothing."""

from __future__ import annotations

from .app import HOSTILE, PROBE_POD
from .live import HAS_SEEN, wait_until_drawn

SECTOR_CENTRE = """name => {
  for (const slice of document.querySelectorAll('#overview g.slice')) {
    const point = slice.__data__ && slice.__data__.data && slice.__data__.data.data;
    const names = point ? `${point.id} ${point.label}` : slice.textContent;
    if (names.includes(name)) {
      const box = slice.getBoundingClientRect();
      return {x: box.x + box.width / 2, y: box.y + box.height / 2};
    }
  }
  return null;
}"""


def test_hostile_label_shows_as_text_in_the_hover_and_runs_nothing(logged_in_page, artifacts):
    page = logged_in_page
    wait_until_drawn(page)
    page.wait_for_function(HAS_SEEN, arg=PROBE_POD, timeout=10_000)
    centre = page.evaluate(SECTOR_CENTRE, PROBE_POD)
    assert centre, f"no treemap sector for the pod {PROBE_POD}"
    page.mouse.move(centre["x"], centre["y"])
    hover = page.locator("#overview .hoverlayer")
    page.wait_for_function(
        "text => (document.querySelector('#overview .hoverlayer') || {}).textContent"
        "?.includes(text)",
        arg=HOSTILE,
        timeout=5_000,
    )
    page.screenshot(path=artifacts / "hostile-label-hover.png")
    assert HOSTILE in hover.text_content()
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("() => document.querySelectorAll('[onerror]').length") == 0
    assert page.problems.dialogs == []
