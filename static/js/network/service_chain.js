/*
 * The service chain Sankey (model: explorer/viewmodels/network/service_chain.py): boxes and links keyed by
 * id, drawn with Plotly's strict bundle, each box at the place sankey_layout.js gives it (its
 * column's x, its order's y) under the column headers. A <select data-service-filter> next to the
 * figure (the pasted-text page) narrows the drawing to one Service: the boxes reachable from its
 * ports. A Service with nothing to draw by design (headless) is explained in the figure's place.
 */
(function () {
  "use strict";
  const N = window.ExplorerNetwork, K = window.ExplorerKit, el = K.el;
  const HOVER = "%{customdata}<extra></extra>"; // customdata: hover text the server escaped

  function reachable(model, service) {
    if (!service || service === "*") return null;
    const start = Object.keys(model.nodes).filter(
      (id) => model.nodes[id].column === "service" && model.nodes[id].service === service
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

  function shown(model, only) {
    const ids = Object.keys(model.nodes).filter((id) => !only || only.has(id));
    const kept = new Set(ids);
    const links = Object.values(model.links).filter((l) => kept.has(l.source) && kept.has(l.target));
    return { ids: ids, links: links };
  }

  function trace(model, place) {
    const position = new Map(place.boxes.map((box, i) => [box.id, i]));
    return {
      type: "sankey",
      arrangement: "snap",
      valueformat: model.width_by === "packets" ? ",d" : ".3f",
      textfont: place.font,
      node: {
        label: place.boxes.map((box) => box.label),
        color: place.boxes.map((box) => box.colour),
        customdata: place.boxes.map((box) => box.hover),
        hovertemplate: HOVER,
        x: place.boxes.map((box) => box.x),
        y: place.boxes.map((box) => box.y),
        align: "left", // Plotly's columns by depth, as the layout's: no box moved to the right
        pad: place.pad,
        thickness: place.thickness,
        line: { width: 0 },
      },
      link: {
        source: place.links.map((l) => position.get(l.source)),
        target: place.links.map((l) => position.get(l.target)),
        value: place.links.map((l) => l.value),
        customdata: place.links.map((l) => l.hover),
        hovertemplate: HOVER,
        color: "rgba(120, 130, 150, 0.28)",
      },
    };
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
        draw(container, container.lastModel || model);
      });
    }
    if (!Object.keys(model.nodes || {}).length) {
      // a missing dump is said in the notes above; what is so by design is said here, once
      const why = model.explained || (model.missing ? "Nothing to draw (see above)." : "Nothing to draw.");
      K.clear(figure).appendChild(el("p", { className: "placeholder" }, why));
      figure.dataset.drawn = "empty";
      return;
    }
    if (figure.querySelector("p.placeholder")) K.clear(figure);
    const drawn = shown(model, reachable(model, filter ? filter.value : ""));
    const place = N.sankeyLayout(model, drawn.ids, drawn.links, figure.clientWidth);
    const layout = {
      width: place.width,
      height: place.height, // both set: Plotly leaves the size alone on a resize; we redraw
      margin: place.margin,
      font: place.font,
      annotations: place.annotations,
      title: {
        text: model.width_by === "packets" ? "widths: packet counters" : "widths: share of new connections",
        font: { size: 12 },
        x: 0.01,
        y: 0.99,
        yanchor: "top",
      },
    };
    if (!K.plot(figure, [trace(model, place)], layout, "Sankey")) return;
    figure.dataset.drawn = String(drawn.ids.length);
    watchWidth(container, model);
  }

  function watchWidth(container, model) {
    // the layout is in pixels: a window of another width gets it afresh
    container.lastModel = model;
    if (container.dataset.watchingWidth) return;
    container.dataset.watchingWidth = "1";
    let width = container.clientWidth;
    let timer = null;
    window.addEventListener("resize", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (container.clientWidth === width) return;
        width = container.clientWidth;
        draw(container, container.lastModel);
      }, 150);
    });
  }

  N.boot("service-chains", draw, {
    needs: ["node", "service"],
    choose: (index) => ({ node: N.firstNodeWith(index, ["iptables-save", "nft"]) }),
  });
})();
