"""A page part redrawn for every delta of a busy stream (static/js/kit.js `rebuild`, `legend`)
is rebuilt only when what it shows changed: its nodes stay as they are otherwise, so a
workloads page under 200 changes a second does not lay out its list of links again and again."""

from __future__ import annotations

import pytest

SETUP = """() => {
  const K = window.ExplorerKit;
  const old = document.getElementById("part");
  if (old) old.remove();
  document.body.prepend(K.el("ul", { id: "part" }));
  window.made = 0;
  window.show = (words) => K.rebuild("part", JSON.stringify(words), () => {
    window.made += 1;
    return words.map((w) => K.el("li", {}, w));
  });
  window.first = () => document.getElementById("part").firstChild;
}"""


@pytest.fixture
def page(logged_in_page):
    """A logged-in page with an empty list #part, shown by `show(words)` through rebuild."""
    logged_in_page.wait_for_function("() => window.ExplorerKit")
    logged_in_page.evaluate(SETUP)
    return logged_in_page


def test_a_part_shown_again_as_it_was_keeps_its_nodes(page) -> None:
    page.evaluate("() => { show(['shop', 'kube-system']); window.kept = first(); }")
    page.evaluate("() => show(['shop', 'kube-system'])")
    assert page.evaluate("() => [window.made, first() === window.kept]") == [1, True]


def test_a_part_that_changed_is_made_again(page) -> None:
    page.evaluate("() => show(['shop', 'kube-system'])")
    page.evaluate("() => show(['shop', 'monitoring'])")
    assert page.evaluate("() => window.made") == 2
    assert page.inner_text("#part") == "shop\nmonitoring"


def test_a_part_replaced_otherwise_is_made_again_even_with_the_same_signature(page) -> None:
    page.evaluate("() => show(['shop'])")
    page.evaluate("() => ExplorerKit.replace('part', [ExplorerKit.el('li', {}, 'opening …')])")
    page.evaluate("() => show(['shop'])")
    assert page.inner_text("#part") == "shop"


def test_a_legend_drawn_again_unchanged_keeps_its_swatches(page) -> None:
    same = page.evaluate(
        """() => {
      const K = window.ExplorerKit;
      K.legend("part", [["Running", "#2ca02c"], ["Failed", "#d62728"]]);
      const swatch = document.querySelector("#part .swatch");
      K.legend("part", [["Running", "#2ca02c"], ["Failed", "#d62728"]]);
      const kept = document.querySelector("#part .swatch") === swatch;
      K.legend("part", [["Running", "#2ca02c"], ["Pending", "#ffdd57"]]);
      return [kept, document.getElementById("part").textContent];
    }"""
    )
    assert same == [True, "RunningPending"]
