"""The overview leads somewhere: a pod's box opens its page, a node's its page, a legend says what
the colours mean, and the Pending GPU pod of the demo is drawn big enough to read its label."""

from __future__ import annotations

from .live import wait_until_drawn

# the box (and its label) of the first sector whose id starts with a prefix, scrolled into the
# window, in the window's pixels
SECTOR = """prefix => {
  for (const slice of document.querySelectorAll('#overview g.slice')) {
    const point = slice.__data__ && slice.__data__.data && slice.__data__.data.data;
    if (!point || !String(point.id).startsWith(prefix)) continue;
    slice.scrollIntoView({block: 'center'});  // a click lands only inside the window
    const box = slice.querySelector('path.surface').getBoundingClientRect();
    const text = slice.querySelector('text');
    const label = text ? text.getBoundingClientRect() : null;
    return {id: point.id, x: box.x, y: box.y, width: box.width, height: box.height,
            label: text ? text.textContent : '',
            labelBox: label && {width: label.width, height: label.height}};
  }
  return null;
}"""


def _sector(page, prefix: str) -> dict:
    page.wait_for_function(f"() => ({SECTOR})({prefix!r})")
    return page.evaluate(SECTOR, prefix)


def _overview(page) -> None:
    wait_until_drawn(page)
    page.wait_for_selector("#overview[data-drawn='1']")
    page.wait_for_timeout(500)  # let Plotly finish laying out


def test_clicking_a_pod_opens_its_page(logged_in_page):
    page = logged_in_page
    _overview(page)
    box = _sector(page, "pod/shop/db-0")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/pods/shop/db-0**")
    page.wait_for_selector("#pod-facts dd")


def test_clicking_a_node_opens_its_page(logged_in_page):
    page = logged_in_page
    _overview(page)
    box = _sector(page, "node/demo-gpu-worker")
    page.mouse.click(box["x"] + 12, box["y"] + 6)  # its header, above its namespaces
    page.wait_for_url("**/nodes/demo-gpu-worker**")
    page.wait_for_selector("#node-facts dd")


def test_a_legend_says_what_the_colours_mean(logged_in_page, artifacts):
    page = logged_in_page
    _overview(page)
    legend = page.locator("#overview-legend")
    text = legend.inner_text()
    for words in (
        "pod Running",
        "pod Pending",
        "pod Failed",
        "not Ready",
        "pods waiting for a node",
    ):
        assert words in text
    assert legend.locator(".swatch").count() >= 9
    assert legend.bounding_box()["y"] < page.locator("#overview").bounding_box()["y"]


def test_the_pending_gpu_pod_is_big_enough_to_read_its_name_and_why(logged_in_page, artifacts):
    page = logged_in_page
    _overview(page)
    trainer = _sector(page, "pod/shop/trainer-")
    page.locator("#overview").screenshot(path=artifacts / "overview-pending-pod.png")
    page.screenshot(path=artifacts / "overview.png", full_page=True)
    # Five pods wait in the demo (the shop's trainer and its pending stories): each keeps its
    # share of the picture, which the treemap may lay out tall rather than wide.
    assert min(trainer["width"], trainer["height"]) >= 100, trainer
    assert trainer["width"] * trainer["height"] >= 150 * 40, trainer
    assert (
        trainer["label"].startswith("trainer-")
        and "Insufficient nvidia.com/gpu" in trainer["label"]
    )
    label = trainer["labelBox"]
    assert label["height"] >= 10 and label["width"] <= trainer["width"], (
        trainer
    )  # drawn, not shrunk away
