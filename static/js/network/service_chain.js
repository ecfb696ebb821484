/*
 * The service chain Sankey (model: explorer/viewmodels/network/service_chain.py): boxes and links keyed by
 * id, drawn with Plotly's strict bundle. A <select data-service-filter> next to the figure (the
 * pasted-text page) narrows the drawing to one Service: the boxes reachable from its ports.
 */
(function () {
  "use strict";
  const N = window.ExplorerNetwork, K = window.ExplorerKit, el = K.el;
  const HOVER = "%{customdata}<extra></extra>"; // customdata: hover text the server escaped
  const COLUMN_ORDER = ["service", "entry", "chain", "endpoint", "pod", "node"];

  function reachable(model, service) {
    if (!service || service === "*") return null;
    const start = Object.keys(model.nodes).filter(
      (id) => id.startsWith("svc:" + service + ":") || id.startsWith("svc:" + service + " ")
    );
    const seen = new Set(start);
    const queue = start.slice();
    const outgoing = {};
    for (const link of Object.values(model.links)) {
      (outgoing[link.source] = outgoing[link.source] || []).push(link.target);
    }
    while (queue.length) {
      for (const next of outgoing[queue.shift()] || []) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return seen;
  }

  function trace(model, only) {
    const ids = Object.keys(model.nodes).filter((id) => !only || only.has(id));
    ids.sort((a, b) => COLUMN_ORDER.indexOf(model.nodes[a].column) - COLUMN_ORDER.indexOf(model.nodes[b].column));
    const position = new Map(ids.map((id, i) => [id, i]));
    const links = Object.values(model.links).filter((l) => position.has(l.source) && position.has(l.target));
    return {
      type: "sankey",
      arrangement: "snap",
      valueformat: model.width_by === "packets" ? ",d" : ".3f",
      node: {
        label: ids.map((id) => model.nodes[id].label),
        color: ids.map((id) => model.nodes[id].colour),
        customdata: ids.map((id) => model.nodes[id].hover),
        hovertemplate: HOVER,
        pad: 14,
        thickness: 16,
        line: { width: 0 },
      },
      link: {
        source: links.map((l) => position.get(l.source)),
        target: links.map((l) => position.get(l.target)),
        value: links.map((l) => l.value),
        customdata: links.map((l) => l.hover),
        hovertemplate: HOVER,
        color: "rgba(120, 130, 150, 0.28)",
      },
    };
  }

  function columnHeight(model, only) {
    const counts = {};
    for (const [id, box] of Object.entries(model.nodes)) {
      if (only && !only.has(id)) continue;
      counts[box.column] = (counts[box.column] || 0) + 1;
    }
    return Math.max(0, ...Object.values(counts));
  }

  function draw(container, model) {
    const figure = container.querySelector("[data-figure]") || container;
    const filter = container.parentElement.querySelector("select[data-service-filter]");
    if (filter && !filter.dataset.filled) {
      filter.dataset.filled = "1";
      const all = el("option", {}, "every Service");
      all.value = "*";
      filter.appendChild(all);
      for (const service of Object.keys(model.services || {})) {
        const option = el("option", {}, service);
        option.value = service;
        filter.appendChild(option);
      }
      filter.addEventListener("change", () => {
        window.Plotly.purge(figure); // a new set of boxes: draw afresh, no transition
        draw(container, model);
      });
    }
    if (!Object.keys(model.nodes || {}).length) {
      K.clear(figure).appendChild(el("p", { className: "placeholder" }, model.missing || "Nothing to draw."));
      figure.dataset.drawn = "empty";
      return;
    }
    if (figure.querySelector("p.placeholder")) K.clear(figure);
    const only = reachable(model, filter ? filter.value : "");
    const height = Math.max(420, 34 * columnHeight(model, only) + 80);
    const layout = {
      height: height,
      margin: { t: 28, l: 8, r: 8, b: 8 },
      font: { size: 12 },
      title: {
        text: model.width_by === "packets" ? "widths: packet counters" : "widths: share of new connections",
        font: { size: 12 },
        x: 0.01,
      },
    };
    figure.style.height = height + "px";
    if (!K.plot(figure, [trace(model, only)], layout, "Sankey")) return;
    figure.dataset.drawn = String(Object.keys(model.nodes).length);
  }

  N.boot("service-chains", draw, {
    needs: ["node", "service"],
    choose: (index) => ({ node: N.firstNodeWith(index, ["iptables-save", "nft"]) }),
  });
})();
