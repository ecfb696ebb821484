/*
 * The compare page (model: explorer/viewmodels/compare.py), drawn from the JSON in the
 * data-model of <div id="compare">: the counts, the marks' legend, the overview of both moments
 * (a treemap whose sectors are outlined in their mark's colour), the service chain Sankey of one
 * node (boxes outlined, links tinted by mark; a node and a Service picked below it reload the page
 * with them), then the list of changes by kind and each node's changes in words.
 * data-cluster, when the page sets it, is the cluster B is read as: the list's objects link to
 * their pages there. The escaping rule (static/js/kit.js): text into the DOM as text, Plotly gets
 * the strings the server escaped.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, N = window.ExplorerNetwork, el = K.el;
  const HOVER = "%{customdata}<extra></extra>";
  const PLAIN_LINE = { color: "#ffffff", width: 1 };
  const SIGNS = { added: "+", removed: "−", changed: "~" };

  function outline(marks, mark, plain) {
    return mark ? { color: marks[mark].colour, width: 3 } : plain;
  }

  function showCounts(model) {
    const c = model.header.counts;
    K.setText("compare-counts",
      "From " + model.header.a + " (A) to " + model.header.b + " (B): " + c.added + " added, " +
      c.removed + " removed, " + c.changed + " changed; " + c.nodes + " nodes whose rules or cgroups changed.");
    K.legend("compare-legend", Object.keys(model.marks).map((mark) => [model.marks[mark].words, model.marks[mark].colour]));
  }

  function drawOverview(model) {
    const figure = K.byId("compare-overview");
    if (!figure) return;
    const trace = K.sectorTrace("treemap", model.overview.sectors, {
      line: (id, sector) => outline(model.marks, sector.mark, PLAIN_LINE),
      extra: { textinfo: "label" },
    });
    if (K.plot(figure, [trace], { margin: K.MARGINS }, "overview")) figure.dataset.drawn = "1";
  }

  function drawChains(model) {
    const figure = K.byId("compare-chains");
    const chains = model.chains;
    if (!figure) return;
    choices(chains);
    const ids = Object.keys(chains.nodes || {});
    if (!ids.length) {
      K.clear(figure).appendChild(el("p", { className: "placeholder" }, chains.missing || chains.explained || "Nothing to draw."));
      figure.dataset.drawn = "empty";
      return;
    }
    const place = N.sankeyLayout(chains, ids, Object.values(chains.links), figure.clientWidth || 900);
    const position = new Map(place.boxes.map((box, i) => [box.id, i]));
    const markOf = (box) => (chains.nodes[box.id] || {}).mark || "";
    // one width for all: Plotly's Sankey misplaces its labels (NaN) given a width per box
    const lines = place.boxes.map((box) => outline(model.marks, markOf(box), { color: "rgba(0,0,0,0)" }));
    const trace = {
      type: "sankey",
      arrangement: "snap",
      valueformat: chains.width_by === "packets" ? ",d" : ".3f",
      textfont: place.font,
      node: {
        label: place.boxes.map((box) => box.label),
        color: place.boxes.map((box) => box.colour),
        customdata: place.boxes.map((box) => box.hover),
        hovertemplate: HOVER,
        x: place.boxes.map((box) => box.x),
        y: place.boxes.map((box) => box.y),
        align: "left",
        pad: place.pad,
        thickness: place.thickness,
        line: { color: lines.map((l) => l.color), width: 3 },
      },
      link: {
        source: place.links.map((l) => position.get(l.source)),
        target: place.links.map((l) => position.get(l.target)),
        value: place.links.map((l) => l.value),
        customdata: place.links.map((l) => l.hover),
        hovertemplate: HOVER,
        color: place.links.map((l) => linkColour(model, l)),
      },
    };
    const layout = { width: place.width, height: place.height, margin: place.margin, font: place.font, annotations: place.annotations };
    if (K.plot(figure, [trace], layout, "Sankey")) figure.dataset.drawn = String(ids.length);
  }

  function linkColour(model, link) {
    const found = model.chains.links[link.source + " -> " + link.target];
    const mark = found && found.mark;
    return mark ? model.marks[mark].colour + "99" : "rgba(120, 130, 150, 0.28)";
  }

  /* The node and Service pickers: a choice reloads the page with it (the server draws it). */
  function choices(chains) {
    const form = K.byId("compare-chain-controls");
    if (!form) return;
    const pick = (name, values, current, all) => {
      const select = form.querySelector("select[name=" + name + "]");
      if (!select) return;
      K.clear(select);
      if (all) select.appendChild(el("option", { value: "*" }, all));
      for (const value of values) select.appendChild(el("option", { value: value }, value));
      if (current && !values.includes(current) && current !== "*") select.appendChild(el("option", { value: current }, current));
      select.value = current;
      select.addEventListener("change", () => {
        const url = new URL(window.location.href);
        url.searchParams.set(name, select.value);
        if (name === "node") url.searchParams.delete("service");
        window.location.assign(url.toString());
      });
    };
    pick("node", chains.choices.nodes, chains.node, null);
    pick("service", chains.choices.services, chains.service, "every Service");
  }

  function entryItem(mark, entry, cluster) {
    const name = entry.link && cluster ? el("a", { href: K.linkTo(entry.link, cluster) }, entry.text) : entry.text;
    const item = el("li", { className: "compare-" + mark, dataset: { mark: mark } }, el("span", { className: "compare-sign" }, SIGNS[mark]), " ", name);
    if (entry.fields) {
      const fields = entry.fields.map((field) => el("li", {}, el("code", {}, field.text)));
      if (entry.more_fields) fields.push(el("li", { className: "muted" }, "… and " + entry.more_fields + " more fields"));
      item.appendChild(el("ul", { className: "compare-fields" }, fields));
    }
    return item;
  }

  function drawList(model, cluster) {
    const list = K.byId("compare-list");
    if (!list) return;
    if (!model.kinds.length) {
      K.clear(list).appendChild(el("p", { className: "placeholder" }, "No object was added, removed or changed (beyond the noise left out)."));
      return;
    }
    K.clear(list);
    for (const group of model.kinds) {
      const items = [];
      for (const mark of ["added", "removed", "changed"]) {
        for (const entry of group[mark]) items.push(entryItem(mark, entry, cluster));
        if (group.more[mark]) items.push(el("li", { className: "muted" }, "… and " + group.more[mark] + " more " + mark));
      }
      list.appendChild(el("section", { className: "compare-kind", dataset: { kind: group.kind } },
        el("h3", {}, group.kind), el("ul", { className: "compare-objects" }, items)));
    }
  }

  function drawNodes(model) {
    const box = K.byId("compare-nodes");
    if (!box) return;
    K.clear(box);
    if (!model.nodes.length) {
      box.appendChild(el("p", { className: "placeholder" }, "No node's Service chains or cgroup limits changed."));
      return;
    }
    for (const node of model.nodes) {
      box.appendChild(el("section", { className: "compare-node", dataset: { node: node.node } },
        el("h3", {}, "node " + node.node), el("ul", {}, node.lines.map((line) => el("li", {}, el("code", {}, line))))));
    }
  }

  K.ready(() => {
    const root = K.byId("compare");
    if (!root) return;
    const model = K.parseJson(root.dataset.model || "", null);
    if (!model) {
      root.textContent = "The comparison could not be read.";
      return;
    }
    showCounts(model);
    drawList(model, root.dataset.cluster || "");
    drawNodes(model);
    drawOverview(model);
    drawChains(model);
  });
})();
