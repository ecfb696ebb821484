"""Sunbursts and treemaps kept live (static/js/kit.js `plotSectors`): a change of colours and
hover text only is repainted in place, looking as a full draw by Plotly would; any other change
is drawn by Plotly. And the bundle's sunburst labels a slice against its own parent
(scripts/plotly/parent-index.js)."""

from __future__ import annotations

import pytest

SETUP = """(type) => {
  const K = window.ExplorerKit;
  for (const id of ["kept", "fresh"]) {
    const old = document.getElementById(id);
    if (old) old.remove();
    const div = K.el("div", { id: id });
    div.style.width = "700px";
    div.style.height = "500px";
    document.body.prepend(div);
  }
  window.reacts = 0;
  if (!window.countedReact) {
    const react = window.Plotly.react;
    window.Plotly.react = function () { window.reacts += 1; return react.apply(this, arguments); };
    window.countedReact = true;
  }
  window.sectors = (colours, extra) => {
    const sector = (parent, label, value, i) => ({
      parent, label, value, colour: colours[i], hover: label + ": " + colours[i],
    });
    const sectors = {
      shop: sector("", "shop", 0, 0),
      "shop/web": sector("shop", "web", 30, 1),
      "shop/db": sector("shop", "db", 10, 2),
      kube: sector("", "kube", 0, 3),
      "kube/dns": sector("kube", "dns", 40, 4),
    };
    return Object.assign(sectors, extra || {});
  };
  window.draw = (id, sectors, how) => {
    const K = window.ExplorerKit;
    const trace = K.sectorTrace(type, sectors, { extra: { textinfo: "label" } });
    const layout = { margin: K.MARGINS, uirevision: "test" };
    return how === "plot" ? K.plot(document.getElementById(id), [trace], layout) :
      K.plotSectors(document.getElementById(id), trace, layout);
  };
  window.painted = (id) => {
    const out = {};
    for (const slice of document.getElementById(id).querySelectorAll("g.slice")) {
      const sector = slice.__data__.data.data;
      if (!sector.label) continue; // the root Plotly adds above several (its id random)
      const label = slice.querySelector("g.slicetext text");
      out[sector.id] = {
        fill: getComputedStyle(slice.querySelector("path.surface")).fill,
        label: label ? getComputedStyle(label).fill : null,
        calculated: sector.color,
      };
    }
    return out;
  };
  window.hovers = (id) => {
    const figure = document.getElementById(id);
    const held = (trace) => Array.from(trace.hovertext);
    return { data: held(figure.data[0]), full: held(figure._fullData[0]) };
  };
}"""

BEFORE = ["#eef1f5", "#2ca02c", "#2ca02c", "#eef1f5", "#2ca02c"]
AFTER = ["#eef1f5", "#d62728", "#ffdd57", "#eef1f5", "#1d2430"]


def drawn_before(page, trace_type: str) -> None:
    """Figure #kept drawn with the BEFORE colours, Plotly.react's count back at 0."""
    page.wait_for_function("() => window.Plotly && window.ExplorerKit")
    page.evaluate(SETUP, trace_type)
    page.evaluate(f"() => draw('kept', sectors({BEFORE}))")
    page.evaluate("() => { window.reacts = 0; }")


@pytest.mark.parametrize("trace_type", ["sunburst", "treemap"])
def test_a_change_of_colours_only_is_repainted_in_place_as_plotly_would_draw_it(
    logged_in_page, trace_type
) -> None:
    page = logged_in_page
    drawn_before(page, trace_type)

    page.evaluate(f"() => draw('kept', sectors({AFTER}))")
    assert page.evaluate("() => window.reacts") == 0  # repainted, not drawn again

    page.evaluate(f"() => draw('fresh', sectors({AFTER}), 'plot')")
    kept, fresh = page.evaluate("() => [painted('kept'), painted('fresh')]")
    assert kept == fresh
    assert kept["shop/web"]["fill"] == "rgb(214, 39, 40)"
    assert kept["kube/dns"]["label"] == "rgb(255, 255, 255)"  # white on the dark fill
    assert page.evaluate("() => hovers('kept')") == page.evaluate("() => hovers('fresh')")
    assert "web: #d62728" in page.evaluate("() => hovers('kept').full")


def test_a_repainted_sector_keeps_its_colour_when_the_figure_zooms(logged_in_page) -> None:
    page = logged_in_page
    drawn_before(page, "sunburst")
    page.evaluate(f"() => draw('kept', sectors({AFTER}))")
    page.evaluate("() => Plotly.restyle('kept', { level: ['shop'] })")
    painted = page.evaluate("() => painted('kept')")
    assert painted["shop/web"]["fill"] == "rgb(214, 39, 40)"
    assert painted["shop/db"]["fill"] == "rgb(255, 221, 87)"


NEW_SECTOR = {"kube/cache": {"parent": "kube", "label": "cache", "value": 5, "colour": "#2ca02c"}}
RESIZED = {"shop/db": {"parent": "shop", "label": "db", "value": 90, "colour": "#2ca02c"}}


@pytest.mark.parametrize(
    ("trace_type", "change", "shown"),
    [("sunburst", NEW_SECTOR, "kube/cache"), ("treemap", RESIZED, "shop/db")],
    ids=["a new sector", "a resized sector"],
)
def test_a_change_beyond_colours_is_drawn_by_plotly(
    logged_in_page, trace_type, change, shown
) -> None:
    page = logged_in_page
    drawn_before(page, trace_type)
    page.evaluate(f"() => draw('kept', sectors({BEFORE}, {change}))")
    assert page.evaluate("() => window.reacts") == 1
    assert shown in page.evaluate("() => painted('kept')")


def test_a_sunburst_slice_is_labelled_against_its_own_parent(logged_in_page) -> None:
    page = logged_in_page
    page.wait_for_function("() => window.Plotly && window.ExplorerKit")
    page.evaluate(SETUP, "sunburst")
    labels = page.evaluate(
        f"""() => {{
      const K = window.ExplorerKit;
      const extra = {{ textinfo: "label+percent parent" }};
      const trace = K.sectorTrace("sunburst", sectors({BEFORE}), {{ extra: extra }});
      K.plot(document.getElementById("kept"), [trace], {{ margin: K.MARGINS }});
      const out = {{}};
      for (const slice of document.getElementById("kept").querySelectorAll("g.slice")) {{
        out[slice.__data__.data.data.id] = slice.querySelector("g.slicetext text").textContent;
      }}
      return out;
    }}"""
    )
    assert labels["shop/web"] == "web75%"  # of shop's 40, not of the whole 80
    assert labels["shop/db"] == "db25%"
    assert labels["kube"] == "kube50%"
