"""Label values, annotations and names that are HTML injection attempts show as text and run
nothing: in the overview's hover, and on an object page (its YAML, its owner links)."""

from __future__ import annotations

import uuid

from .app import HOSTILE, HOSTILE_LINK, HOSTILE_OWNER, PROBE_POD
from .conftest import open_once_watched
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


def test_hostile_labels_annotations_and_owner_names_stay_text_on_an_object_page(
    logged_in_page, demo, artifacts
):
    page = logged_in_page
    probe = demo.store.state.get("Pod", "default", PROBE_POD)
    owners = [
        {"apiVersion": "v1", "kind": "Pod", "name": PROBE_POD, "uid": probe["metadata"]["uid"]},
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": HOSTILE_OWNER, "uid": "nope"},
    ]
    owners[0]["controller"] = True
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "xss-config",
            "namespace": "default",
            "uid": str(uuid.uuid4()),
            "labels": {"note": HOSTILE},
            "annotations": {"description": HOSTILE_LINK},
            "ownerReferences": owners,
        },
        "data": {"page.html": HOSTILE},
    }
    demo.store.apply({"type": "ADDED", "object": config})
    open_once_watched(page, "/objects/ConfigMap/default/xss-config")
    page.wait_for_selector("#workloads[data-drawn='1']")
    yaml = page.locator("#object-yaml").text_content()
    assert f"note: {HOSTILE}" in yaml and HOSTILE_LINK in yaml
    owner = page.locator("#object-owners li[data-depth='1'] a", has_text="ReplicaSet")
    assert owner.text_content() == f"ReplicaSet default/{HOSTILE_OWNER}"
    assert page.locator("#object-owners a", has_text=f"Pod default/{PROBE_POD}").count() == 1
    page.screenshot(path=artifacts / "hostile-object-page.png", full_page=True)
    markup = "#workloads img, #workloads b, #workloads script, #workloads a[href^='https://']"
    assert page.locator(markup).count() == 0
    owner.click()  # an owner no one holds: a not-found page that names it as text
    page.wait_for_selector("h1:has-text('Not found')")
    assert HOSTILE_OWNER in page.locator("main").text_content()
    assert page.locator("main b, main script, img[src='x']").count() == 0
    assert page.problems.dialogs == []
