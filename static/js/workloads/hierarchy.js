/*
 * The workload hierarchy: a Plotly sunburst of the "hierarchy" view (explorer/viewmodels/workloads/hierarchy.py),
 * kept live. Beside it, the children of the sector the figure is zoomed to, as links: a pod goes
 * to its page, anything else zooms the figure (the same as clicking it). Labels and hover text
 * arrive escaped for Plotly; where they are shown in the DOM they are decoded and set as text.
 */
(function () {
  "use strict";
  const W = window.ExplorerWorkloads;
  let model = null;
  let level = "";
  let cluster = "";

  function plain(label) {
    return String(label).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function trace() {
    const ids = [], parents = [], labels = [], values = [], colors = [], hovers = [];
    for (const [id, s] of Object.entries(model.sectors)) {
      ids.push(id);
      parents.push(s.parent);
      labels.push(s.label);
      values.push(s.value);
      colors.push(s.colour);
      hovers.push(s.hover);
    }
    return {
      type: "sunburst",
      ids: ids,
      parents: parents,
      labels: labels,
      values: values,
      marker: { colors: colors, line: { color: "#ffffff", width: 1 } },
      hovertext: hovers,
      hovertemplate: "%{hovertext}<extra></extra>",
      branchvalues: "remainder",
      level: level,
      maxdepth: 4,
      insidetextorientation: "radial",
      sort: false,
    };
  }

  function podLink(sector) {
    const [ns, name] = sector.pod.split(/\/(.*)/s);
    return W.links.pod(cluster, ns, name, sector.container ? { container: sector.container } : null);
  }

  function zoom(id) {
    level = model && model.sectors[id] ? id : "";
    const figure = document.getElementById("hierarchy");
    if (window.Plotly && figure.data) window.Plotly.restyle(figure, { level: [level] });
    showPath();
    showChildren();
  }

  function showPath() {
    const steps = [];
    let id = level;
    while (id && model.sectors[id]) {
      steps.unshift(id);
      id = model.sectors[id].parent;
    }
    const crumbs = [W.el("button", { type: "button", className: "link", text: "all namespaces", dataset: { id: "" } })];
    for (const step of steps) {
      crumbs.push(" › ");
      crumbs.push(W.el("button", { type: "button", className: "link", text: plain(model.sectors[step].label), dataset: { id: step } }));
    }
    W.replace("hierarchy-path", crumbs);
  }

  function showChildren() {
    const items = [];
    for (const [id, s] of Object.entries(model.sectors)) {
      if (s.parent !== level) continue;
      const text = plain(s.label);
      const swatch = W.el("span", { className: "swatch" });
      swatch.style.background = s.colour;
      let target;
      if (s.pod && s.kind === "pod") {
        target = W.el("a", { href: podLink(s), text: text, dataset: { id: id, kind: s.kind } });
      } else if (s.kind === "container" || s.kind === "sandbox") {
        target = W.el("a", { href: podLink(s), text: text, dataset: { id: id, kind: s.kind } });
      } else {
        target = W.el("button", { type: "button", className: "link", text: text, dataset: { id: id, kind: s.kind } });
      }
      items.push(W.el("li", {}, [swatch, target, W.el("span", { className: "muted", text: " " + s.kind })]));
    }
    if (!items.length) items.push(W.el("li", { className: "muted", text: "nothing below this" }));
    W.replace("hierarchy-children", items);
  }

  function onClick(event) {
    const point = event.points && event.points[0];
    if (!point) return true;
    const sector = model.sectors[point.id];
    if (sector && sector.pod && (sector.kind === "pod" || sector.kind === "container" || sector.kind === "sandbox")) {
      window.location.assign(podLink(sector));
      return false;
    }
    const next = typeof event.nextLevel === "string" ? event.nextLevel : point.id === level ? (sector ? sector.parent : "") : point.id;
    level = next || "";
    showPath();
    showChildren();
    return true;
  }

  function showLegend() {
    const items = [];
    for (const entry of model.legend.pods) items.push([entry.state, entry.colour]);
    for (const entry of model.legend.containers) items.push(["container " + entry.condition, entry.colour]);
    W.replace("hierarchy-legend", items.map(([label, colour]) => {
      const swatch = W.el("span", { className: "swatch" });
      swatch.style.background = colour;
      return W.el("span", { className: "legend-item" }, [swatch, label]);
    }));
  }

  function draw(figure, fresh) {
    model = fresh;
    if (level && !model.sectors[level]) level = "";
    const h = model.header;
    const summary = h.counts.pods + " pods, " + h.counts.controllers + " controllers in " + h.counts.namespaces +
      " namespaces; " + h.counts.sectors + " sectors" + (h.detail !== "containers" ? " (folded: " + h.detail + ")" : "");
    document.getElementById("hierarchy-summary").textContent = summary;
    showLegend();
    showPath();
    showChildren();
    if (!window.Plotly) {
      figure.textContent = "Plotly did not load; the hierarchy cannot be drawn.";
      return;
    }
    const first = !figure.data;
    const layout = { margin: { t: 4, l: 4, r: 4, b: 4 }, uirevision: h.cluster + h.namespace + h.size };
    window.Plotly.react(figure, [trace()], layout, { displaylogo: false, responsive: true });
    if (first) figure.on("plotly_sunburstclick", onClick);
    figure.dataset.drawn = "1";
  }

  W.ready(() => {
    const p = W.params();
    const live = W.connect(p);
    if (!live) return;
    cluster = p.cluster;
    const figure = document.getElementById("hierarchy");
    document.getElementById("hierarchy-path").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-id]");
      if (button) zoom(button.dataset.id);
    });
    document.getElementById("hierarchy-children").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-id]");
      if (button) zoom(button.dataset.id);
    });
    live.subscribe("hierarchy", { cluster: p.cluster, namespace: p.namespace, size: p.size }, {
      onModel: (m) => draw(figure, m),
      onError: W.problem("hierarchy-summary"),
    });
  });
})();
